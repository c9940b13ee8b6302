"""A real browser opens article pages full of hostile input and runs none of it.

Each page is rendered with pages.article_page (plus the stylesheet), written to a temporary directory,
served by the standard library's http.server on 127.0.0.1 and opened in headless Chromium through
playwright. Every payload tries to set `window.__pwned`, change document.title or call alert(); the test
listens for dialogs, reads `window.__pwned` and the title, and checks the headline is visible as text.
A control page with the same payloads unescaped proves the harness does notice when script runs.

Chromium is Debian's (`apt-get install chromium`); playwright never downloads a browser here.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.articles.models import Correction, CorrectionType
from newsdesk.site import pages
from newsdesk.site.models import SiteObject
from tests.render.conftest import HOSTILE, PUBLISHED_AT, SITE, hostile_article, make_article

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

# ----- a static site on localhost ------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class LocalSite:
    root: Path
    origin: str

    def write(self, obj: SiteObject) -> str:
        """Store an object as the bucket would; returns its URL."""
        target = self.root / obj.key
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(obj.body)
        return self.origin + obj.path

    def write_raw(self, key: str, body: str) -> str:
        return self.write(SiteObject(key, body.encode(), pages.HTML, pages.CACHE_ARTICLE))


@pytest.fixture(scope="module")
def local_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSite]:
    root = tmp_path_factory.mktemp("site")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    site = LocalSite(root, f"http://127.0.0.1:{server.server_address[1]}")
    site.write(pages.stylesheet())
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ----- the browser ------------------------------------------------------------------------------------


@dataclass
class Visit:
    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture
def visit(browser: Browser, local_site: LocalSite) -> Iterator[Any]:
    """Open a URL of the local site in a fresh page; requests anywhere else are blocked, not sent."""
    context = browser.new_context(java_script_enabled=True)
    visits: list[Visit] = []

    def open_page(url: str) -> Visit:
        page = context.new_page()
        seen = Visit(page)

        def on_dialog(dialog: Any) -> None:
            seen.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def route(request_route: Any) -> None:
            if request_route.request.url.startswith(local_site.origin):
                request_route.continue_()
            else:
                seen.blocked.append(request_route.request.url)
                request_route.abort()

        page.on("dialog", on_dialog)
        page.on("pageerror", lambda error: seen.errors.append(str(error)))
        page.route("**/*", route)
        page.goto(url, wait_until="load")
        # Give handlers that fire late (image errors, deferred scripts) a chance, and move the pointer
        # over every element so that mouse handlers would fire too.
        page.wait_for_load_state("networkidle")
        for element in page.query_selector_all("body *"):
            if element.is_visible():
                element.hover(timeout=2_000, force=True)
        page.wait_for_timeout(100)
        visits.append(seen)
        return seen

    try:
        yield open_page
    finally:
        context.close()


def injected_effects(seen: Visit) -> dict[str, Any]:
    return {
        "dialogs": seen.dialogs,
        "pwned": seen.page.evaluate("() => typeof window.__pwned === 'undefined' ? null : window.__pwned"),
    }


# ----- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))
def test_hostile_article_page_runs_no_injected_script_in_chromium(
    payload: str, local_site: LocalSite, visit: Any
) -> None:
    # Given an article page with the payload in every field, served over HTTP
    article = hostile_article(payload, slug=f"hostile-{list(HOSTILE.values()).index(payload)}")
    url = local_site.write(pages.article_page(SITE, article))

    # When Chromium opens it
    seen = visit(url)

    # Then no dialog opened, window.__pwned is undefined, the title is the page's own
    assert injected_effects(seen) == {"dialogs": [], "pwned": None}
    assert seen.errors == []
    assert seen.page.title() == f"{article.headline} | Newsdesk"
    # ... and the headline is visible, as text
    heading = seen.page.locator("article h1")
    assert heading.is_visible()
    assert heading.inner_text() == article.headline
    assert seen.page.locator("script:not([type='application/ld+json'])").count() == 0
    assert seen.page.locator("iframe, object, embed, svg").count() == 0


def test_hostile_article_json_ld_stays_data_in_chromium(local_site: LocalSite, visit: Any) -> None:
    # Given an article whose headline tries to close the JSON-LD script
    article = hostile_article(HOSTILE["json_ld_breakout"], slug="json-ld-breakout")
    url = local_site.write(pages.article_page(SITE, article))

    # When Chromium opens it and reads the JSON-LD script's text
    seen = visit(url)
    data = seen.page.evaluate(
        "() => [JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)]"
        ".flat().find((o) => o['@type'] === 'NewsArticle')"
    )

    # Then there is one such script, it parses, and it carries the headline unchanged
    assert seen.page.locator("script").count() == 1
    assert data["headline"] == article.headline
    assert injected_effects(seen) == {"dialogs": [], "pwned": None}


def test_harness_notices_injected_script_on_unescaped_control_page(local_site: LocalSite, visit: Any) -> None:
    # Given a control page carrying the same payloads without any escaping
    url = local_site.write_raw(
        "control/index.html",
        "<!doctype html><title>Control</title><h1>Control</h1>"
        + HOSTILE["script"]
        + HOSTILE["img_onerror"]
        + "<script>alert('control')</script>",
    )

    # When Chromium opens it
    seen = visit(url)

    # Then the harness sees the script run and the dialog open, so a clean result above means something
    assert injected_effects(seen) == {"dialogs": ["alert: control"], "pwned": True}


def test_hostile_corrections_show_as_text_in_chromium(local_site: LocalSite, visit: Any) -> None:
    # Given a published article with one correction per payload, revised long after publication
    issued = PUBLISHED_AT + dt.timedelta(hours=2)
    fixes = [
        Correction(type=kind, text=payload, issued_at=issued)
        for kind, payload in zip(
            itertools.cycle(list(CorrectionType)), [p.strip() for p in HOSTILE.values()], strict=False
        )
    ]
    article = make_article(
        slug="hostile-corrections", corrections=fixes, revised_at=issued, updated_at=issued
    )
    url = local_site.write(pages.article_page(SITE, article))

    # When Chromium opens it
    seen = visit(url)

    # Then the corrections block is visible and says each text as written, and none of it ran
    block = seen.page.locator("aside.corrections")
    assert block.is_visible()
    shown = [item.inner_text().split(": ", 1)[1] for item in seen.page.locator("aside.corrections li").all()]
    assert shown == [f.text for f in fixes]
    assert seen.page.locator("article .meta .updated").is_visible()
    assert injected_effects(seen) == {"dialogs": [], "pwned": None}
    assert seen.errors == []
    data = seen.page.evaluate(
        "() => [JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent)]"
        ".flat().find((o) => o['@type'] === 'NewsArticle')"
    )
    assert [c["text"] for c in data["correction"]] == [f.text for f in fixes]
