"""The CloudFront distribution of the template, played by the local origin.

Cache behaviours pick the origin by path pattern (`/api/*` → the REST API's stage, everything else →
the site bucket); the allowed methods, the viewer-request function, the response headers policy (the
security headers), the origins' custom headers (the API's origin secret), the default root object and
the custom error responses come from the template too. Answers from the site bucket go through the edge
cache (newsdesk_local.edge_cache) when the distribution has one: kept for their s-maxage, served stale
for stale-while-revalidate, dropped by the renderer's invalidations, 404s kept for ErrorCachingMinTTL.

Requests to the API carry what CloudFront adds: `X-Forwarded-For` with the viewer's address appended,
`CloudFront-Viewer-Address` (`ip:port`, as the AllViewerExceptHostHeader policy forwards it), and the
origin's custom headers, which replace any header of the same name the viewer sent.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import unquote

from newsdesk_local.apigateway import API_TYPE, ApiGateway
from newsdesk_local.edge_cache import EdgeCache
from newsdesk_local.http_messages import HttpRequest, HttpResponse
from newsdesk_local.rehearsal import references
from newsdesk_local.template import resources

logger = logging.getLogger(__name__)

DISTRIBUTION_TYPE = "AWS::CloudFront::Distribution"
# Headers CloudFront does not pass to an origin (AllViewerExceptHostHeader drops Host; the rest are
# hop-by-hop).
_NOT_FORWARDED = {
    "host",
    "connection",
    "keep-alive",
    "transfer-encoding",
    "upgrade",
    "proxy-connection",
    "te",
}
_S3_HEADERS = {
    "ContentType": "Content-Type",
    "CacheControl": "Cache-Control",
    "ContentEncoding": "Content-Encoding",
    "ContentLanguage": "Content-Language",
    "ContentDisposition": "Content-Disposition",
    "ETag": "ETag",
}


_ACCESS_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"
)


def pretty_url(uri: str) -> str:
    """The template's PrettyUrlsFunction: `/path/` → `/path/index.html`, `/path` → `/path/index.html`."""
    if uri.endswith("/"):
        return uri + "index.html"
    if "." not in uri.split("/")[-1]:
        return uri + "/index.html"
    return uri


def forwarded_host(headers: list[tuple[str, str]], distribution_domain: str) -> list[tuple[str, str]]:
    """The template's ForwardedHostFunction: the viewer's Host (else the distribution's domain) as
    X-Forwarded-Host, replacing any the viewer sent."""
    host = next((v for k, v in headers if k.lower() == "host"), distribution_domain)
    return [(k, v) for k, v in headers if k.lower() != "x-forwarded-host"] + [("X-Forwarded-Host", host)]


# CloudFront Functions (JavaScript) the local origin plays in Python, by the template's logical id: those
# that rewrite the URI, and those that set request headers.
VIEWER_REQUEST_FUNCTIONS: dict[str, Callable[[str], str]] = {"PrettyUrlsFunction": pretty_url}
VIEWER_REQUEST_HEADER_FUNCTIONS: dict[str, Callable[[list[tuple[str, str]], str], list[tuple[str, str]]]] = {
    "ForwardedHostFunction": forwarded_host
}


@dataclass(frozen=True)
class OriginSpec:
    id: str
    kind: Literal["s3", "api", "other"]
    target: str | None  # logical id of the bucket or the API
    origin_path: str = ""
    custom_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ResponseHeader:
    name: str
    value: str
    override: bool  # replace the origin's header of that name (else: add it only where there is none)


POLICY_TYPE = "AWS::CloudFront::ResponseHeadersPolicy"


def response_headers(policy_config: Mapping[str, Any]) -> tuple[ResponseHeader, ...]:
    """The headers a ResponseHeadersPolicyConfig adds, as CloudFront writes them."""
    out: list[ResponseHeader] = []
    security = policy_config.get("SecurityHeadersConfig") or {}

    def add(name: str, value: str, spec: Mapping[str, Any]) -> None:
        out.append(ResponseHeader(name, value, bool(spec.get("Override", False))))

    if csp := security.get("ContentSecurityPolicy"):
        add("Content-Security-Policy", " ".join(str(csp["ContentSecurityPolicy"]).split()), csp)
    if hsts := security.get("StrictTransportSecurity"):
        value = f"max-age={int(hsts['AccessControlMaxAgeSec'])}"
        value += "; includeSubDomains" if hsts.get("IncludeSubdomains") else ""
        value += "; preload" if hsts.get("Preload") else ""
        add("Strict-Transport-Security", value, hsts)
    if nosniff := security.get("ContentTypeOptions"):
        add("X-Content-Type-Options", "nosniff", nosniff)
    if frames := security.get("FrameOptions"):
        add("X-Frame-Options", str(frames["FrameOption"]), frames)
    if referrer := security.get("ReferrerPolicy"):
        add("Referrer-Policy", str(referrer["ReferrerPolicy"]), referrer)
    if xss := security.get("XSSProtection"):
        value = "1" if xss.get("Protection") else "0"
        value += "; mode=block" if xss.get("ModeBlock") else ""
        value += f"; report={xss['ReportUri']}" if xss.get("ReportUri") else ""
        add("X-XSS-Protection", value, xss)
    for item in (policy_config.get("CustomHeadersConfig") or {}).get("Items") or []:
        add(str(item["Header"]), str(item["Value"]), item)
    return tuple(out)


@dataclass(frozen=True)
class Behavior:
    path_pattern: str | None  # None: the default behaviour
    origin_id: str
    allowed_methods: frozenset[str]
    viewer_request: str | None = None  # logical id of an AWS::CloudFront::Function
    response_headers: tuple[ResponseHeader, ...] = ()  # from its response headers policy

    def matches(self, path: str) -> bool:
        if self.path_pattern is None:
            return True
        pattern = self.path_pattern if self.path_pattern.startswith("/") else "/" + self.path_pattern
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        return re.fullmatch(regex, path) is not None


@dataclass(frozen=True)
class DistributionSpec:
    logical_id: str
    origins: dict[str, OriginSpec]
    behaviors: list[Behavior]  # in precedence order, the default last
    default_root_object: str | None = None
    error_responses: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    error_caching: dict[int, float] = field(default_factory=dict)  # ErrorCachingMinTTL by status
    # Key patterns of each bucket (logical id) the bucket policy denies the distribution (s3:GetObject).
    denied_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def denied(self, bucket: str, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, pattern) for pattern in self.denied_keys.get(bucket, ()))

    def behavior_for(self, path: str) -> Behavior:
        return next(b for b in self.behaviors if b.matches(path))


def distribution_spec(
    template: dict[str, Any],
    logical_id: str | None = None,
    resolve: Callable[[Any], Any] | None = None,
) -> DistributionSpec:
    """The distribution of a transformed template (its origins name an S3 bucket or a REST API), as the
    local origin plays it. `resolve` gives intrinsics their values (the origins' custom headers may name
    parameters); without it they must be literal."""
    distributions = resources(template, DISTRIBUTION_TYPE)
    if not distributions:
        raise LookupError("template.yaml has no AWS::CloudFront::Distribution for the local origin to play")
    logical_id = logical_id or next(iter(distributions))
    config = distributions[logical_id]["Properties"]["DistributionConfig"]
    buckets = set(resources(template, "AWS::S3::Bucket"))
    apis = set(resources(template, API_TYPE))
    origins = {}
    for origin in config["Origins"]:
        named = {name for name, _ in references(origin["DomainName"])}
        bucket = next(iter(named & buckets), None)
        api = next(iter(named & apis), None)
        kind: Literal["s3", "api", "other"] = "s3" if bucket else "api" if api else "other"
        custom = [
            (str(h["HeaderName"]), str(resolve(h["HeaderValue"]) if resolve else h["HeaderValue"]))
            for h in origin.get("OriginCustomHeaders") or []
        ]
        origins[origin["Id"]] = OriginSpec(
            id=origin["Id"],
            kind=kind,
            target=bucket or api,
            origin_path=str(origin.get("OriginPath", "")),
            custom_headers=tuple(custom),
        )
    policies = {
        name: response_headers(spec["Properties"]["ResponseHeadersPolicyConfig"])
        for name, spec in resources(template, POLICY_TYPE).items()
    }
    behaviors = [_behavior(b, b.get("PathPattern"), policies) for b in config.get("CacheBehaviors") or []]
    behaviors.append(_behavior(config["DefaultCacheBehavior"], None, policies))
    errors = {
        int(e["ErrorCode"]): (int(e.get("ResponseCode", e["ErrorCode"])), e.get("ResponsePagePath"))
        for e in config.get("CustomErrorResponses") or []
    }
    error_caching = {
        int(e["ErrorCode"]): float(e.get("ErrorCachingMinTTL", 10))  # CloudFront's default: 10 s
        for e in config.get("CustomErrorResponses") or []
    }
    return DistributionSpec(
        logical_id=logical_id,
        origins=origins,
        behaviors=behaviors,
        default_root_object=config.get("DefaultRootObject"),
        error_responses=errors,
        error_caching=error_caching,
        denied_keys=denied_to_cloudfront(template, buckets),
    )


def denied_to_cloudfront(template: dict[str, Any], buckets: set[str]) -> dict[str, tuple[str, ...]]:
    """The object key patterns each bucket's policy denies CloudFront (a Deny of s3:GetObject to the
    cloudfront.amazonaws.com service principal), by the bucket's logical id. The resources are read as
    the template writes them (`${Bucket.Arn}/prefix/*`)."""
    denied: dict[str, list[str]] = {}
    for policy in resources(template, "AWS::S3::BucketPolicy").values():
        props = policy.get("Properties") or {}
        bucket = next((name for name, _ in references(props.get("Bucket")) if name in buckets), None)
        if bucket is None:
            continue
        statements = (props.get("PolicyDocument") or {}).get("Statement") or []
        for statement in statements if isinstance(statements, list) else [statements]:
            principal = statement.get("Principal") or {}
            services = principal.get("Service") if isinstance(principal, dict) else None
            services = [services] if isinstance(services, str) else services or []
            actions = statement.get("Action") or []
            actions = [actions] if isinstance(actions, str) else actions
            if statement.get("Effect") != "Deny" or "cloudfront.amazonaws.com" not in services:
                continue
            if not {"s3:GetObject", "s3:*"} & set(actions):
                continue
            found = statement.get("Resource") or []
            for resource in found if isinstance(found, list) else [found]:
                text = resource.get("Fn::Sub") if isinstance(resource, dict) else resource
                if isinstance(text, str) and "/" in text:
                    denied.setdefault(bucket, []).append(text.split("/", 1)[1])
    return {bucket: tuple(patterns) for bucket, patterns in denied.items()}


def _behavior(
    config: dict[str, Any], pattern: str | None, policies: Mapping[str, tuple[ResponseHeader, ...]]
) -> Behavior:
    policy = next((name for name, _ in references(config.get("ResponseHeadersPolicyId") or {})), None)
    if config.get("ResponseHeadersPolicyId") and policy not in policies:
        logger.warning("response headers policy %s is not in the template; not applied", policy)
    viewer_request = None
    for association in config.get("FunctionAssociations") or []:
        if association.get("EventType") == "viewer-request":
            viewer_request = next((name for name, _ in references(association["FunctionARN"])), None)
    return Behavior(
        path_pattern=pattern,
        origin_id=config["TargetOriginId"],
        allowed_methods=frozenset(m.upper() for m in config.get("AllowedMethods") or ["GET", "HEAD"]),
        viewer_request=viewer_request,
        response_headers=policies.get(policy or "", ()),
    )


class Distribution:
    """Serves viewer requests from the site bucket and the API, as the distribution would."""

    def __init__(
        self,
        spec: DistributionSpec,
        *,
        domain_name: str,
        s3: Any,
        buckets: Mapping[str, str],
        apis: Mapping[str, ApiGateway],
        cache: EdgeCache | None = None,
    ) -> None:
        self.spec = spec
        self.cache = cache
        self.domain_name = domain_name
        self.s3 = s3
        self.buckets = buckets
        self.apis = apis
        for behavior in spec.behaviors:
            emulated = VIEWER_REQUEST_FUNCTIONS.keys() | VIEWER_REQUEST_HEADER_FUNCTIONS.keys()
            if behavior.viewer_request and behavior.viewer_request not in emulated:
                logger.warning(
                    "CloudFront function %s is not emulated; requests pass unchanged", behavior.viewer_request
                )

    def handle(self, request: HttpRequest) -> HttpResponse:
        behavior = self.spec.behavior_for(request.path)
        if request.method not in behavior.allowed_methods:
            response = HttpResponse(
                status=403,
                headers=[("Content-Type", "text/plain")],
                body=b"This distribution is not configured to allow the HTTP request method that was used "
                b"for this request.",
            )
            return self._viewer_response(response, behavior)
        uri = request.path
        if uri == "/" and self.spec.default_root_object:
            uri = "/" + self.spec.default_root_object
        rewrite = VIEWER_REQUEST_FUNCTIONS.get(behavior.viewer_request or "")
        if rewrite is not None:
            uri = rewrite(uri)
        set_headers = VIEWER_REQUEST_HEADER_FUNCTIONS.get(behavior.viewer_request or "")
        if set_headers is not None:
            request = dataclasses.replace(request, headers=set_headers(request.headers, self.domain_name))
        origin = self.spec.origins[behavior.origin_id]
        target = origin.target or ""
        if origin.kind == "s3" and self.spec.denied(target, unquote(uri.lstrip("/"))):
            # S3 refuses the distribution (its bucket policy): 403, no custom error page applies.
            xml = [("Content-Type", "application/xml")]
            response = HttpResponse(status=403, headers=xml, body=_ACCESS_DENIED)
            return self._viewer_response(response, behavior)
        if origin.kind == "api" and target in self.apis:
            response = self._from_api(self.apis[target], origin, request)
        elif origin.kind == "s3" and target in self.buckets and self.cache is not None:
            response, hit = self._from_cache(self.cache, self.buckets[target], uri, request)
            return self._viewer_response(response, behavior, hit=hit)
        elif origin.kind == "s3" and target in self.buckets:
            response = self._from_bucket(self.buckets[target], uri, request)
        else:
            response = HttpResponse(status=502, headers=[("Content-Type", "text/plain")], body=b"Bad Gateway")
        return self._viewer_response(response, behavior)

    # ----- origins --------------------------------------------------------------------------------

    def _from_api(self, api: ApiGateway, origin: OriginSpec, request: HttpRequest) -> HttpResponse:
        viewer_forwarded_for = request.header("X-Forwarded-For")
        skip = _NOT_FORWARDED | {"x-forwarded-for", "cloudfront-viewer-address"}
        skip |= {name.lower() for name, _ in origin.custom_headers}
        headers = [(k, v) for k, v in request.headers if k.lower() not in skip]
        viewer_address = (
            f"[{request.client_ip}]:{request.client_port}"
            if ":" in request.client_ip
            else f"{request.client_ip}:{request.client_port}"
        )
        headers += [
            ("Host", api.domain),
            ("Via", f"2.0 {uuid.uuid4().hex}.cloudfront.net (CloudFront)"),
            ("X-Amz-Cf-Id", uuid.uuid4().hex),
            ("X-Forwarded-For", ", ".join(filter(None, [viewer_forwarded_for, request.client_ip]))),
            ("X-Forwarded-Port", "443"),
            ("X-Forwarded-Proto", "https"),
            ("CloudFront-Forwarded-Proto", "https"),
            ("CloudFront-Viewer-Address", viewer_address),
            *origin.custom_headers,
        ]
        forwarded = HttpRequest(
            method=request.method,
            path=origin.origin_path.rstrip("/") + request.path,
            query=request.query,
            headers=headers,
            body=request.body,
            client_ip=request.client_ip,
            client_port=request.client_port,
        )
        return api.handle(forwarded)

    def _from_cache(
        self, cache: EdgeCache, bucket: str, uri: str, request: HttpRequest
    ) -> tuple[HttpResponse, bool]:
        """The bucket's answer through the edge cache, keyed by the URI after the viewer function (the
        cache policy puts no query string, header or cookie in the key)."""
        whole = HttpRequest("GET", request.path, client_ip=request.client_ip, client_port=request.client_port)
        response, hit = cache.get(
            uri,
            lambda: self._from_bucket(bucket, uri, whole),
            error_ttl=self.spec.error_caching.get(404),
        )
        etag = request.header("If-None-Match")
        if etag and response.status == 200 and response.header("ETag") == etag:
            return HttpResponse(status=304, headers=[("ETag", etag)]), hit
        if request.method == "HEAD":
            response.body = b""
        return response, hit

    def _from_bucket(self, bucket: str, uri: str, request: HttpRequest) -> HttpResponse:
        response = self._s3_object(
            bucket, uri, head=request.method == "HEAD", etag=request.header("If-None-Match")
        )
        if response.status in self.spec.error_responses:
            code, page = self.spec.error_responses[response.status]
            if page:
                page_response = self._s3_object(bucket, page, head=request.method == "HEAD")
                if page_response.status == 200:
                    page_response.status = code
                    return page_response
        return response

    def _s3_object(
        self, bucket: str, uri: str, *, head: bool = False, etag: str | None = None
    ) -> HttpResponse:
        key = unquote(uri.lstrip("/"))
        args: dict[str, Any] = {"Bucket": bucket, "Key": key}
        if etag:
            args["IfNoneMatch"] = etag
        try:
            found = self.s3.head_object(**args) if head else self.s3.get_object(**args)
        except self.s3.exceptions.ClientError as exc:
            status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500))
            if status == 304:
                return HttpResponse(status=304, headers=[("ETag", str(etag))])
            # S3 answers 404 for a missing key when the reader may list the bucket (the template grants
            # CloudFront s3:ListBucket), 403 when it may not.
            return HttpResponse(
                status=status if status in (403, 404) else 502, headers=[("Content-Type", "text/xml")]
            )
        headers = [(name, str(found[field_])) for field_, name in _S3_HEADERS.items() if found.get(field_)]
        if found.get("LastModified"):
            headers.append(("Last-Modified", found["LastModified"].strftime("%a, %d %b %Y %H:%M:%S GMT")))
        body = b"" if head else found["Body"].read()
        headers.append(("Content-Length", str(found.get("ContentLength", len(body)))))
        return HttpResponse(status=200, headers=headers, body=body)

    def _viewer_response(
        self, response: HttpResponse, behavior: Behavior, *, hit: bool = False
    ) -> HttpResponse:
        for header in behavior.response_headers:
            if header.override or response.header(header.name) is None:
                response.set_header(header.name, header.value)
        response.headers += [
            ("Via", f"1.1 {self.domain_name} (CloudFront)"),
            (
                "X-Cache",
                "Hit from cloudfront"
                if hit and response.status < 400
                else "Miss from cloudfront"
                if response.status < 400
                else "Error from cloudfront",
            ),
            ("X-Amz-Cf-Pop", "LOCAL1-C1"),
            ("X-Amz-Cf-Id", uuid.uuid4().hex),
        ]
        return response
