"""The masthead, menu and footer in headless Chromium at a desktop and a phone width: the menu is small
and on one line (scrolled sideways on a phone, never widening the page), the name stays the largest text
of the masthead, and no request of the page fails (the icons included). Pages are rendered in-process and
served to the browser from memory; screenshots are left in /tmp for a person to look at."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.site import configuration_service as configure
from newsdesk.site import pages
from newsdesk.site.configuration import SiteConfiguration
from newsdesk.site.models import SiteObject
from tests.render.conftest import SITE, SITE_URL, make_article

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Page, Response, Route

pytestmark = pytest.mark.browser

SCREENSHOTS = Path("/tmp")
SECTIONS = ["World", "India", "Kerala", "Business", "Science", "Technology", "Sport", "Culture", "Opinion"]
CONFIGURED = SiteConfiguration.model_validate(
    {
        "name": "The Coastal Courier",
        "description": "News from the Malabar coast, every hour of the day.",
        "sections": [{"name": name} for name in SECTIONS],
        "footer_links": [{"label": "About us", "url": "/about/"}, {"label": "Contact", "url": "/contact/"}],
        "social_profiles": ["https://social.example/@courier", "https://www.video.example/courier"],
    }
)


@pytest.fixture(scope="module")
def site_objects() -> dict[str, SiteObject]:
    """An article page and the shared objects it links to, under the site's paths."""
    site = configure.applied_to(SITE, CONFIGURED)
    article = make_article(headline="Fishing boats return to Kollam harbour after the storm", image=None)
    objects = [
        pages.article_page(site, article),
        pages.home_page(site, [article], []),
        pages.stylesheet(),
        pages.comments_script(),
        *pages.favicons(),
    ]
    assert article.url is not None
    return {obj.path: obj for obj in objects} | {"article": pages.article_page(site, article)}


@pytest.fixture
def tab(browser: Browser, site_objects: dict[str, SiteObject]) -> Iterator[tuple[Page, list[str]]]:
    """A page whose requests to the site are answered from `site_objects` (404 otherwise); the list
    collects every failed request and console error."""
    problems: list[str] = []
    page = browser.new_page()

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(SITE_URL) or "/"
        found = site_objects.get(path.split("?", 1)[0])
        if found is None:
            route.fulfill(status=404, body="not found")
        else:
            route.fulfill(status=200, body=found.body, headers={"Content-Type": found.content_type})

    def failed(response: Response) -> None:
        if response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.route(f"{SITE_URL}/**", serve)
    page.on("response", failed)
    page.on("console", console)
    try:
        yield page, problems
    finally:
        page.close()


def masthead_metrics(page: Page) -> dict[str, Any]:
    metrics: dict[str, Any] = page.evaluate(
        """() => {
          const nav = document.querySelector('.masthead nav');
          const brand = document.querySelector('.masthead .brand');
          const links = [...nav.querySelectorAll('a')];
          const size = (el) => parseFloat(getComputedStyle(el).fontSize);
          return {
            brandSize: size(brand),
            linkSizes: links.map(size),
            linkTops: links.map((a) => Math.round(a.getBoundingClientRect().top)),
            navScrolls: nav.scrollWidth > nav.clientWidth,
            pageWidth: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            firstLeft: links[0].getBoundingClientRect().left,
          };
        }"""
    )
    return metrics


def test_at_desktop_width_the_menu_is_one_small_line_under_the_name(
    tab: tuple[Page, list[str]], site_objects: dict[str, SiteObject]
) -> None:
    # Given an article page of a site with nine sections
    page, problems = tab
    article_path = site_objects["article"].path
    page.set_viewport_size({"width": 1280, "height": 900})

    # When it is opened at 1280 px
    page.goto(SITE_URL + article_path)
    page.wait_for_load_state("load")
    page.screenshot(path=str(SCREENSHOTS / "masthead-1280.png"))
    metrics = masthead_metrics(page)

    # Then the menu's links are small (13 px, well under the 32 px name), all on one line, nothing
    # scrolls sideways, and no request failed
    assert metrics["brandSize"] == 32
    assert set(metrics["linkSizes"]) == {13}
    assert len(set(metrics["linkTops"])) == 1
    assert not metrics["navScrolls"]
    assert metrics["pageWidth"] <= metrics["viewport"]
    assert problems == []


def test_at_phone_width_the_menu_scrolls_sideways_and_the_page_does_not(tab: tuple[Page, list[str]]) -> None:
    # Given the front page of the same site
    page, problems = tab
    page.set_viewport_size({"width": 390, "height": 844})

    # When it is opened at 390 px
    page.goto(SITE_URL + "/")
    page.wait_for_load_state("load")
    page.screenshot(path=str(SCREENSHOTS / "masthead-390.png"))
    metrics = masthead_metrics(page)

    # Then the menu keeps one line and scrolls within itself, starting at its first section; the page
    # is no wider than the phone; the name is still the largest text; no request failed
    assert len(set(metrics["linkTops"])) == 1
    assert metrics["navScrolls"]
    assert metrics["firstLeft"] >= 0
    assert metrics["pageWidth"] <= metrics["viewport"]
    assert metrics["brandSize"] > max(metrics["linkSizes"])
    assert problems == []
