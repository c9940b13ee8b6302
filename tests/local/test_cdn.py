"""The distribution as template.yaml defines it, and the pretty-URL rule of its CloudFront Function."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from newsdesk_local.cdn import distribution_spec, pretty_url
from newsdesk_local.rehearsal import transformed_template
from newsdesk_local.template import load_template

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
