"""The template's CloudFront Functions, run as JavaScript in Node under the cloudfront-js-2.0 rules
(tests/cloudfront/runtime.mjs), and the local origin's Python rendition checked against them."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from newsdesk_local.cdn import VIEWER_REQUEST_FUNCTIONS, VIEWER_REQUEST_HEADER_FUNCTIONS
from newsdesk_local.template import load_template, resources

RUNTIME = Path(__file__).with_name("runtime.mjs")

# Paths a reader's browser asks for, the odd ones included.
PATHS = [
    "/",
    "/2026/11/20/monsoon-arrives-early/",
    "/2026/11/20/monsoon-arrives-early",
    "/archive/",
    "/archive/2026/11",
    "/tags/kerala/",
    "/tags/kerala/feed.xml",
    "/feed.xml",
    "/sitemap.xml",
    "/sitemaps/2026-11.xml",
    "/robots.txt",
    "/404.html",
    "/assets/comments.3f2a9c.js",
    "/assets/site.css",
    "/v1.2/notes",
    "/%E0%A4%AE%E0%A4%BE%E0%A4%A8%E0%A4%B8%E0%A5%82%E0%A4%A8/",
    "/a//b/",
    "/dotted.dir/page",
]


def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail(
            "Node.js is not on PATH; install Debian's package: apt-get install -y nodejs", pytrace=False
        )
    return path


def viewer_request(uri: str) -> dict[str, Any]:
    """A viewer-request event as CloudFront Functions receive it (event structure version 1.0)."""
    return {
        "version": "1.0",
        "context": {"distributionDomainName": "d111111abcdef8.cloudfront.net", "eventType": "viewer-request"},
        "viewer": {"ip": "203.0.113.24"},
        "request": {
            "method": "GET",
            "uri": uri,
            "querystring": {"utm_source": {"value": "feed"}},
            "headers": {"host": {"value": "news.example.com"}, "accept": {"value": "text/html"}},
            "cookies": {},
        },
    }


def run(code: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    done = subprocess.run(
        [node(), str(RUNTIME)],
        input=json.dumps({"code": code, "events": events}),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def function_code(logical_id: str) -> str:
    function = resources(load_template(), "AWS::CloudFront::Function")[logical_id]
    assert function["Properties"]["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    code: str = function["Properties"]["FunctionCode"]
    return code


def test_every_viewer_request_function_of_the_template_loads_under_the_runtime_rules() -> None:
    # Given every CloudFront Function of the template
    functions = resources(load_template(), "AWS::CloudFront::Function")
    assert functions

    for logical_id in functions:
        # When it runs in Node with only what CloudFront offers
        outcome = run(function_code(logical_id), [viewer_request("/")])

        # Then it loads, and handles a request without error
        assert "refused" not in outcome, outcome
        assert "error" not in outcome["results"][0], outcome
        # and the local origin plays each of them
        assert logical_id in VIEWER_REQUEST_FUNCTIONS.keys() | VIEWER_REQUEST_HEADER_FUNCTIONS.keys()


@pytest.mark.parametrize(
    "headers",
    [
        {"host": {"value": "news.example.com"}},
        {"host": {"value": "news.example.com"}, "x-forwarded-host": {"value": "evil.example"}},
    ],
    ids=["plain", "forged-forwarded-host"],
)
def test_the_api_is_told_the_viewers_host_as_the_javascript_and_the_local_origin_agree(
    headers: dict[str, Any],
) -> None:
    # Given a viewer request to the API, perhaps with a forged X-Forwarded-Host
    event = viewer_request("/api/preview/token")
    event["request"]["headers"] = headers

    # When the template's function and the local origin's rendition handle it
    (result,) = run(function_code("ForwardedHostFunction"), [event])["results"]
    local = VIEWER_REQUEST_HEADER_FUNCTIONS["ForwardedHostFunction"](
        [(name, value["value"]) for name, value in headers.items()], "d111111abcdef8.cloudfront.net"
    )

    # Then both pass the viewer's Host on as X-Forwarded-Host, and only that
    assert result["headers"]["x-forwarded-host"] == {"value": "news.example.com"}
    assert result["uri"] == "/api/preview/token"
    assert [v for k, v in local if k.lower() == "x-forwarded-host"] == ["news.example.com"]


def test_pretty_urls_serve_each_page_from_its_index_html() -> None:
    # When readers ask for article, listing and asset paths
    outcome = run(function_code("PrettyUrlsFunction"), [viewer_request(p) for p in PATHS])
    uris = {path: result["uri"] for path, result in zip(PATHS, outcome["results"], strict=True)}

    # Then folders get their index.html, files are left alone, and the rest of the request is kept
    assert uris["/"] == "/index.html"
    assert uris["/2026/11/20/monsoon-arrives-early/"] == "/2026/11/20/monsoon-arrives-early/index.html"
    assert uris["/2026/11/20/monsoon-arrives-early"] == "/2026/11/20/monsoon-arrives-early/index.html"
    assert uris["/archive/2026/11"] == "/archive/2026/11/index.html"
    assert uris["/tags/kerala/feed.xml"] == "/tags/kerala/feed.xml"
    assert uris["/assets/comments.3f2a9c.js"] == "/assets/comments.3f2a9c.js"
    assert uris["/dotted.dir/page"] == "/dotted.dir/page/index.html"
    for result in outcome["results"]:
        assert result["querystring"] == {"utm_source": {"value": "feed"}}
        assert result["headers"]["host"] == {"value": "news.example.com"}


@pytest.mark.parametrize("path", PATHS)
def test_the_local_origin_rewrites_every_path_as_the_javascript_does(path: str) -> None:
    # Given the JavaScript's answer for a path
    (result,) = run(function_code("PrettyUrlsFunction"), [viewer_request(path)])["results"]
    assert "error" not in result, result

    # Then the local origin's rendition gives the same
    assert VIEWER_REQUEST_FUNCTIONS["PrettyUrlsFunction"](path) == result["uri"]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("function handler(event) { return process.env; }", "process is not defined"),
        ("function handler(event) { setTimeout(function () {}, 1); return event.request; }", "setTimeout"),
        ("function handler(event) { return require('fs').readFileSync('/etc/passwd'); }", "module 'fs'"),
        ("function handler(event) { while (true) {} }", "timed out"),
        ("function handler(event) { return eval('event.request'); }", "Code generation from strings"),
    ],
)
def test_the_runtime_refuses_what_cloudfront_functions_cannot_do(code: str, reason: str) -> None:
    (result,) = run(code, [viewer_request("/")])["results"]
    assert reason in result["error"]


def test_the_runtime_refuses_code_over_the_size_limit_or_without_a_handler() -> None:
    assert "over 10240 bytes" in run("// " + "x" * 10240 + "\nfunction handler(e) {}", [])["refused"]
    assert "no `handler`" in run("function main(event) { return event.request; }", [])["refused"]
