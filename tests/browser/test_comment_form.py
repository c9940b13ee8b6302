"""A reader comments in a real browser: headless Chromium on the local stack opens an article page, fills
in the form, waits as a person would, sends it, and sees the notice that the comment awaits moderation.

The stack is started as `make dev` starts it (tests/e2e/conftest.py); Chromium is Debian's, never one
playwright downloads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, start_stack

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("stack") / "dev.log")
    try:
        yield running
    finally:
        running.stop()


def a_live_article(stack: RunningStack, token: str) -> dict[str, Any]:
    response = requests.get(
        f"{stack.api_url}/articles",
        params={"status": "published", "limit": "1"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    (article,) = response.json()["items"]
    return dict(article)


def test_a_reader_fills_in_the_form_and_sees_the_pending_notice(
    local_stack: RunningStack, browser: Browser
) -> None:
    # Given a sample article's page open in the browser, its script having fetched a fresh form token
    # when the reader started on the form
    token = local_stack.token()
    article = a_live_article(local_stack, token)
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(local_stack.site_url + article["url"])
        assert page.locator("form.comment-form[data-token=fresh]").count() == 0  # not before the form is used
        page.focus("#comment-name")  # the script fetches a single-use token when the reader starts
        opened = time.monotonic()
        page.wait_for_selector("form.comment-form[data-token=fresh]", state="attached", timeout=10_000)
        notice = page.locator("#comment-pending")
        assert not notice.is_visible()  # shown only once a comment is sent
        honeypot = page.locator("input[name=url_confirm]").bounding_box()
        assert honeypot is not None and honeypot["x"] + honeypot["width"] < 0  # off-screen for people

        # When the reader fills in the form, takes a few seconds, and sends it
        page.fill("#comment-name", "Lakshmi Nair")
        page.fill("#comment-email", "lakshmi@example.com")
        page.fill("#comment-website", "https://lakshmi.example.org")
        page.fill("#comment-body", "Lovely to read.\nWill the council publish the figures?")
        time.sleep(max(0.0, 3.5 - (time.monotonic() - opened)))
        with page.expect_navigation(timeout=10_000):
            page.click("form.comment-form button[type=submit]")

        # Then the browser is back on the article, at the visible notice, and the comment awaits a moderator
        assert page.url.endswith(article["url"] + "#comment-pending")
        notice.wait_for(state="visible", timeout=5_000)
        assert "awaiting moderation" in notice.inner_text()
        assert errors == []
    finally:
        page.close()
    deadline = time.monotonic() + 10
    queued: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not queued:
        listing = requests.get(
            f"{local_stack.api_url}/comments",
            params={"status": "pending", "article_id": article["id"]},
            headers={"Authorization": f"Bearer {token}"},
            timeout=10,
        ).json()
        queued = [c for c in listing["items"] if c["name"] == "Lakshmi Nair"]
        time.sleep(0.2)
    assert queued and queued[0]["via_form"] is True
