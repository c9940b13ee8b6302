"""Every page type and the API's documentation work under the distribution's Content-Security-Policy.

Headless Chromium on the local stack (which applies template.yaml's response headers policy) opens the
home page, an article, a tag page, the archive and a month of it, sends the comment form, and opens
Swagger UI at /api/docs; every document answers with the security headers, and the browser reports no
CSP violation. A control proves the listener hears a violation when there is one. A draft's share link,
opened without an account, is the article page with the preview banner and no comment form (a screenshot
goes to /tmp/preview-share-link.png). One stack serves the module.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.test_comment_form import a_live_article
from tests.e2e.conftest import RunningStack, start_stack
from tests.e2e.test_local_stack import TIMEOUT, bearer, draft

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

pytestmark = pytest.mark.browser

SECURITY_HEADERS = (
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
)
# Injected by the browser driver (not subject to the page's CSP): every violation is reported to Python.
LISTEN = """document.addEventListener("securitypolicyviolation", function (e) {
  window.reportViolation(e.violatedDirective + " " + (e.blockedURI || "inline") + " on " + e.documentURI);
});"""


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("stack") / "dev.log")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    violations: list[str] = []
    page = browser.new_page()

    def report(text: str) -> None:
        violations.append(text)

    def console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.expose_function("reportViolation", report)
    page.add_init_script(LISTEN)
    page.on("console", console)
    page.on("pageerror", lambda exc: violations.append(f"page error: {exc}"))
    try:
        yield page, violations
    finally:
        page.close()


def assert_secured(response: Response | None) -> None:
    assert response is not None and response.ok, response and response.status
    headers = response.headers
    missing = [name for name in SECURITY_HEADERS if name not in headers]
    assert missing == [], f"{response.url} lacks {missing}"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]


def test_every_page_type_renders_without_a_csp_violation(
    local_stack: RunningStack, page: tuple[Page, list[str]]
) -> None:
    # Given the sample site, and the pages of every type it has
    tab, violations = page
    article = a_live_article(local_stack, local_stack.token())
    tag = article["tags"][0]["slug"]
    year, month_number = str(article["url"]).strip("/").split("/")[:2]  # its date in the site's zone
    month = f"/archive/{year}/{month_number}/"
    paths = ["/", article["url"], f"/tags/{tag}/", "/archive/", month]

    for path in paths:
        # When each is opened
        response = tab.goto(local_stack.site_url + path)

        # Then it answers with the security headers and renders with no violation
        assert_secured(response)
        tab.wait_for_load_state("load")
        assert tab.locator("header.masthead").count() == 1
    assert violations == []


def test_the_comment_form_is_sent_under_the_csp(
    local_stack: RunningStack, page: tuple[Page, list[str]]
) -> None:
    # Given an article page whose script fetched a fresh form token under the CSP (connect-src 'self')
    tab, violations = page
    article = a_live_article(local_stack, local_stack.token())
    assert_secured(tab.goto(local_stack.site_url + article["url"]))
    tab.focus("#comment-name")
    opened = time.monotonic()
    tab.wait_for_selector("form.comment-form[data-token=fresh]", state="attached", timeout=10_000)

    # When the reader fills it in and sends it (form-action 'self'; the 303 goes back to the article)
    tab.fill("#comment-name", "Ravi Menon")
    tab.fill("#comment-email", "ravi.csp@example.com")
    tab.fill("#comment-body", "Sent under a strict policy.")
    time.sleep(max(0.0, 3.5 - (time.monotonic() - opened)))
    with tab.expect_navigation(timeout=10_000) as navigation:
        tab.click("form.comment-form button[type=submit]")

    # Then the browser is back on the article at the pending notice, with no violation on the way
    assert_secured(navigation.value)
    assert tab.url.endswith(article["url"] + "#comment-pending")
    tab.locator("#comment-pending").wait_for(state="visible", timeout=5_000)
    assert violations == []


def test_swagger_ui_works_under_the_csp(local_stack: RunningStack, page: tuple[Page, list[str]]) -> None:
    # Given the API's documentation page
    tab, violations = page

    # When it is opened
    response = tab.goto(local_stack.api_url + "/docs")

    # Then it answers with the security headers, Swagger UI renders the operations of the OpenAPI
    # document, and nothing was refused
    assert_secured(response)
    tab.wait_for_selector(".opblock-summary-path", timeout=15_000)
    paths = tab.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/articles" in p for p in paths)
    assert violations == []


def test_an_inline_script_is_refused_and_heard(
    local_stack: RunningStack, page: tuple[Page, list[str]]
) -> None:
    # Given the home page under the CSP
    tab, violations = page
    assert_secured(tab.goto(local_stack.site_url + "/"))

    # When something adds an inline script to it
    tab.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = true";
                   document.body.appendChild(s); }"""
    )

    # Then it does not run, and the violation is reported
    deadline = time.monotonic() + 5
    while not violations and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    assert tab.evaluate("() => window.ran === undefined")
    assert any("script-src" in v for v in violations), violations


def test_the_api_answers_with_the_security_headers(local_stack: RunningStack) -> None:
    # Given the stack's API
    # When health, a refusal and the OpenAPI document are requested
    answers: list[Any] = [
        requests.get(f"{local_stack.api_url}/health", timeout=10),
        requests.get(f"{local_stack.api_url}/articles", timeout=10),
        requests.get(f"{local_stack.api_url}/openapi.json", timeout=10),
    ]

    # Then each carries the security headers
    assert [a.status_code for a in answers] == [200, 401, 200]
    for answer in answers:
        assert all(name in answer.headers for name in SECURITY_HEADERS), answer.headers


# ----- a share link -----------------------------------------------------------------------------------

SCREENSHOT = Path("/tmp/preview-share-link.png")


def test_a_share_link_opens_the_draft_with_its_banner_in_a_browser(
    local_stack: RunningStack, page: tuple[Page, list[str]]
) -> None:
    tab, violations = page
    # Given a draft and a share link to it
    token = local_stack.token()
    article = draft(headline="Metro line opens to the airport next month")
    created = requests.post(
        f"{local_stack.api_url}/articles", json=article, headers=bearer(token), timeout=TIMEOUT
    )
    assert created.status_code == 201, created.text
    link = requests.post(
        f"{local_stack.api_url}/articles/{created.json()['id']}/preview-links",
        headers=bearer(token),
        timeout=TIMEOUT,
    ).json()

    # When someone without an account opens it in a browser
    response = tab.goto(local_stack.site_url + urlsplit(link["url"]).path)
    tab.screenshot(path=str(SCREENSHOT), full_page=True)

    # Then the page is secured as the site's pages are, and breaks none of its policy
    assert_secured(response)
    assert violations == []
    # and it shows the banner above the article, styled by the site's stylesheet
    banner = tab.locator(".preview-banner")
    assert banner.is_visible()
    assert banner.inner_text().startswith("Preview \N{EM DASH} not published")
    assert tab.locator("h1").inner_text() == article["headline"]
    assert tab.evaluate("getComputedStyle(document.querySelector('.preview-banner')).backgroundColor") != (
        "rgba(0, 0, 0, 0)"
    )
    assert tab.locator("meta[name=robots]").get_attribute("content") == "noindex, nofollow"
    # and no comment form
    assert tab.locator("form").count() == 0


# ----- page weight, render-blocking scripts, layout shift --------------------------------------------

PAGE_BUDGET = 60_000  # bytes of HTML, CSS and JS an article page may transfer (images aside)
TEXT_RESOURCES = {"document", "stylesheet", "script"}
# Injected before any of the page's own code: adds up every layout shift not caused by the reader's input
# (the lab CLS), as Chromium reports them, with what moved.
WATCH_LAYOUT_SHIFTS = """window.__cls = 0; window.__shifted = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    window.__cls += entry.value;
    for (const s of entry.sources) window.__shifted.push(s.node ? s.node.nodeName : "?");
  }
}).observe({type: "layout-shift", buffered: true});"""
# Two animation frames: whatever the scroll makes the browser lay out has been laid out (and observed).
SETTLE = """() => new Promise((done) =>
  requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"""


def open_article(local_stack: RunningStack, browser: Browser, width: int) -> tuple[Any, Page, list[Response]]:
    """A published article with its image, opened in a fresh browser (nothing cached) at `width`, then
    scrolled to the end and back. The context (to close), the tab, and every response it got."""
    article = a_live_article(local_stack, local_stack.token())
    context = browser.new_context(viewport={"width": width, "height": 800})
    tab = context.new_page()
    tab.add_init_script(WATCH_LAYOUT_SHIFTS)
    responses: list[Response] = []
    tab.on("response", lambda response: responses.append(response))
    assert_secured(tab.goto(local_stack.site_url + article["url"], wait_until="load"))
    tab.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
    tab.evaluate(SETTLE)
    tab.evaluate("() => window.scrollTo(0, 0)")
    tab.evaluate(SETTLE)
    return context, tab, responses


@pytest.mark.parametrize("width", [1280, 390])
def test_an_article_page_is_under_the_weight_budget_and_no_script_blocks_rendering(
    local_stack: RunningStack, browser: Browser, width: int
) -> None:
    # Given / When an article page loaded in a fresh browser and read to the end
    context, tab, responses = open_article(local_stack, browser, width)
    try:
        # Then its HTML, CSS and JS came to less than the budget over the wire (bodies and headers)
        text = [r for r in responses if r.request.resource_type in TEXT_RESOURCES]
        assert {r.request.resource_type for r in text} >= {"document", "stylesheet"}
        sizes = {r.url: r.request.sizes() for r in text}
        transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes.values())
        assert transferred < PAGE_BUDGET, sizes
        # And no script blocks rendering: each external one is deferred, async or a module, and the only
        # inline one is the structured data; Chromium agrees
        scripts = tab.evaluate(
            """() => [...document.scripts].map((s) => ({src: s.src, type: s.type, defer: s.defer,
                       async: s.async}))"""
        )
        for script in scripts:
            if script["src"]:
                assert script["defer"] or script["async"] or script["type"] == "module", script
            else:
                assert script["type"] == "application/ld+json", script
        blocking = tab.evaluate(
            """() => performance.getEntriesByType("resource")
                 .filter((e) => e.initiatorType === "script" && e.renderBlockingStatus === "blocking")
                 .map((e) => e.name)"""
        )
        assert blocking == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_an_article_page_never_shifts_as_its_images_load(
    local_stack: RunningStack, browser: Browser, width: int
) -> None:
    # Given / When an article page with its image loaded in a fresh browser and read to the end
    context, tab, _ = open_article(local_stack, browser, width)
    try:
        # Then every image had its size before it loaded (so where it lands never depends on when it
        # arrives), and nothing moved: the lab CLS is 0
        unsized = tab.evaluate(
            """() => [...document.querySelectorAll("main img")]
                 .filter((i) => !(i.getAttribute("width") && i.getAttribute("height")))
                 .map((i) => i.src)"""
        )
        assert unsized == []
        assert tab.evaluate("() => window.__cls") == 0, tab.evaluate("() => window.__shifted")
    finally:
        context.close()
