"""Headless Chromium opens a draft's share link on the local stack, as someone without an account: the
page is the article page with the preview banner, under the site's Content-Security-Policy, with no
comment form. A screenshot goes to /tmp/preview-share-link.png."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
import requests

from tests.browser.test_security_headers import assert_secured, local_stack, page
from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, bearer, draft

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

__all__ = ["local_stack", "page"]  # fixtures
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
