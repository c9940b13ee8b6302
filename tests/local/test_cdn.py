"""The distribution as template.yaml defines it, and the pretty-URL rule of its CloudFront Function."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from typing import cast

import pytest

from newsdesk_local.apigateway import ApiGateway
from newsdesk_local.cdn import Distribution, distribution_spec, pretty_url
from newsdesk_local.http_messages import HttpRequest, HttpResponse
from newsdesk_local.intrinsics import Resolver
from newsdesk_local.rehearsal import transformed_template
from newsdesk_local.template import Deployed, load_template

URIS = [
    "/",
    "/about/",
    "/about",
    "/2024/11/25/slug/",
    "/2024/11/25/slug",
    "/feed.xml",
    "/static/site.3f2a.css",
    "/a.b/c",
]


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("/", "/index.html"),
        ("/about/", "/about/index.html"),
        ("/about", "/about/index.html"),
        ("/feed.xml", "/feed.xml"),
        ("/a.b/c", "/a.b/c/index.html"),
    ],
)
def test_pretty_urls(uri: str, expected: str) -> None:
    assert pretty_url(uri) == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the CloudFront Function")
def test_the_rule_is_the_template_cloudfront_function() -> None:
    # Given the JavaScript of the template's PrettyUrlsFunction
    code = load_template()["Resources"]["PrettyUrlsFunction"]["Properties"]["FunctionCode"]
    script = (
        code
        + f"\nconsole.log(JSON.stringify({json.dumps(URIS)}.map(u => handler({{request: {{uri: u}}}}).uri)));"
    )

    # When node runs it on sample URIs
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=20, check=True)

    # Then the local origin rewrites them the same way
    assert json.loads(done.stdout) == [pretty_url(u) for u in URIS]


def test_the_distribution_routes_api_paths_to_the_api_stage_and_the_rest_to_the_bucket() -> None:
    # Given template.yaml's distribution
    spec = distribution_spec(transformed_template())

    # When paths are matched to behaviours
    api = spec.origins[spec.behavior_for("/api/articles").origin_id]
    site = spec.origins[spec.behavior_for("/2024/11/25/slug/").origin_id]

    # Then /api/* goes to the API's stage, the rest to the site bucket, with the template's error pages
    assert (api.kind, api.target, api.origin_path) == ("api", "NewsdeskApi", "/live")
    assert (site.kind, site.target) == ("s3", "SiteBucket")
    assert spec.behavior_for("/api").origin_id == "site"
    assert spec.behavior_for("/").viewer_request == "PrettyUrlsFunction"
    assert "PATCH" in spec.behavior_for("/api/x").allowed_methods
    assert spec.behavior_for("/x").allowed_methods == {"GET", "HEAD"}
    assert spec.error_responses == {404: (404, "/404.html")}


def test_the_site_is_served_from_the_bucket_with_its_headers_and_404_page(aws: None) -> None:
    # Given a bucket with a page, a stylesheet and the 404 page
    import boto3

    from newsdesk_local.cdn import Distribution
    from newsdesk_local.http_messages import HttpRequest
    from tests.conftest import REGION

    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": REGION})  # type: ignore[typeddict-item]
    for key, body, kind in [
        ("news/index.html", b"<h1>News</h1>", "text/html; charset=utf-8"),
        ("site.css", b"body{}", "text/css"),
        ("404.html", b"<h1>Not here</h1>", "text/html; charset=utf-8"),
    ]:
        s3.put_object(Bucket="site", Key=key, Body=body, ContentType=kind, CacheControl="public, max-age=60")
    cdn = Distribution(
        distribution_spec(transformed_template()),
        domain_name="d1.cloudfront.net",
        s3=s3,
        buckets={"SiteBucket": "site"},
        apis={},
    )

    # When pages are requested
    def get(path: str, method: str = "GET") -> tuple[int, str | None, bytes]:
        response = cdn.handle(HttpRequest(method, path))
        return response.status, response.header("Content-Type"), response.body

    # Then pretty URLs find index.html, headers come from the object, and misses get the 404 page
    assert get("/news") == (200, "text/html; charset=utf-8", b"<h1>News</h1>")
    assert get("/news/") == (200, "text/html; charset=utf-8", b"<h1>News</h1>")
    assert get("/site.css") == (200, "text/css", b"body{}")
    assert get("/nothing/") == (404, "text/html; charset=utf-8", b"<h1>Not here</h1>")
    assert get("/news/", "HEAD")[0] == 200
    assert get("/news/", "HEAD")[2] == b""
    assert get("/news/", "POST")[0] == 403
    assert cdn.handle(HttpRequest("GET", "/site.css")).header("Cache-Control") == "public, max-age=60"


# ----- the response headers policy and the API origin's custom headers ---------------------------------

SECRET = "local-origin-secret-0123456789abcdefgh"


class _Api:
    """Stands in for the API stage: records what the distribution forwards, answers with a weak CSP."""

    domain = "api.execute-api.localhost"

    def __init__(self) -> None:
        self.seen: list[HttpRequest] = []

    def handle(self, request: HttpRequest) -> HttpResponse:
        self.seen.append(request)
        return HttpResponse(
            status=200,
            headers=[("Content-Type", "application/json"), ("Content-Security-Policy", "default-src *")],
            body=b"{}",
        )


class _Bucket:
    """Stands in for the site bucket's S3 client: one page."""

    class exceptions:
        ClientError = Exception

    def get_object(self, **_: object) -> dict[str, object]:
        return {"ContentType": "text/html", "ContentLength": 5, "Body": io.BytesIO(b"hello")}


def _distribution() -> tuple[Distribution, _Api]:
    spec = distribution_spec(
        transformed_template(), resolve=Resolver(Deployed(parameters={"OriginSecret": SECRET})).resolve
    )
    api = _Api()
    bucket = next(o.target for o in spec.origins.values() if o.kind == "s3")
    gateway = next(o.target for o in spec.origins.values() if o.kind == "api")
    assert bucket is not None and gateway is not None
    distribution = Distribution(
        spec,
        domain_name="d111.cloudfront.net",
        s3=_Bucket(),
        buckets={bucket: "site"},
        apis={gateway: cast(ApiGateway, api)},
    )
    return distribution, api


def test_every_behaviour_has_the_templates_security_headers() -> None:
    # Given template.yaml's distribution
    spec = distribution_spec(transformed_template())

    # When each behaviour's response headers are read
    for behavior in spec.behaviors:
        headers = {h.name: h.value for h in behavior.response_headers}

        # Then each has the policy's CSP (no inline script, no framing), HSTS, nosniff, DENY, a referrer
        # policy
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self';" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["Strict-Transport-Security"].startswith("max-age=63072000")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", ["/2024/11/25/slug/", "/api/health"])
def test_site_and_api_answers_carry_the_security_headers(path: str) -> None:
    # Given the distribution, its API answering with a CSP of its own
    distribution, _ = _distribution()

    # When a page and an API route are requested
    response = distribution.handle(HttpRequest(method="GET", path=path))

    # Then both carry the policy's headers, the policy's CSP replacing the origin's
    assert response.status == 200
    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in (response.header("Content-Security-Policy") or "")
    assert [k for k, _ in response.headers].count("Content-Security-Policy") == 1


def test_the_api_gets_the_origin_secret_and_the_address_cloudfront_saw() -> None:
    # Given a viewer that forges the origin secret header, the viewer address and X-Forwarded-For
    distribution, api = _distribution()
    forged = [
        ("X-Origin-Verify", "forged"),
        ("CloudFront-Viewer-Address", "10.0.0.1:1"),
        ("X-Forwarded-For", "10.0.0.2"),
    ]

    # When it calls the API through the distribution
    distribution.handle(
        HttpRequest(
            method="GET", path="/api/health", headers=forged, client_ip="198.51.100.7", client_port=4711
        )
    )

    # Then the API sees the distribution's secret and the address the distribution saw, once each
    (request,) = api.seen
    values = {name: [v for k, v in request.headers if k == name] for name, _ in forged}
    assert values["X-Origin-Verify"] == [SECRET]
    assert values["CloudFront-Viewer-Address"] == ["198.51.100.7:4711"]
    assert values["X-Forwarded-For"] == ["10.0.0.2, 198.51.100.7"]
