"""End to end: an editor configures the site with `newsdesk site` against the local stack, and the public
pages carry the new menu and footer once the re-render the change started is done (the renderer reads the
configuration's change from the table's stream and fans a full rebuild out through the rebuild queue)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_editor_cli import Newsdesk, newsdesk, story, unique, wait_for_render
from tests.e2e.test_local_stack import TIMEOUT
from tests.render.dom import Document, parse_html

pytestmark = pytest.mark.e2e
__all__ = ["newsdesk"]  # the fixture, shared with the other command-line tests

# The rebuild's last chunk invalidates the whole site; until then a listing may be served from the local
# CDN for its shared lifetime.
DEADLINE = 90


def public_page(stack: RunningStack, path: str) -> Document:
    response = requests.get(stack.site_url + path, timeout=TIMEOUT)
    assert response.status_code == 200, (path, response.status_code)
    return parse_html(response.text)


def menu(doc: Document) -> list[tuple[str, str]]:
    return [
        (a.normalized_text, a["href"])
        for a in doc.find("header", class_="masthead").find("nav").find_all("a")
    ]


def test_a_menu_set_from_the_command_line_appears_on_the_published_pages(
    stack: RunningStack, newsdesk: Newsdesk, editor_token: str, tmp_path: Path
) -> None:
    # Given a published article
    path = tmp_path / "harbour.md"
    path.write_text(story(unique("Harbour reopens")), encoding="utf-8")
    article_id = newsdesk.json("push", str(path))["id"]
    newsdesk.ok("publish", article_id)
    article_url = wait_for_render(stack, editor_token, article_id, "live")["url"]
    section = f"Coast {uuid.uuid4().hex[:6]}"

    # When an editor sets the sections menu and a footer link
    saved = newsdesk.json(
        "site", "set", "--section", "World", "--section", section, "--footer-link", "About us=/about/"
    )

    # Then the saved configuration has them, and soon every page shows the menu in order, and the footer
    slug = section.lower().replace(" ", "-")
    assert [s["slug"] for s in saved["sections"]] == ["world", slug]
    wanted = [
        ("World", "/section/world/"),
        (section, f"/section/{slug}/"),
        ("Latest", "/"),
        ("Archive", "/archive/"),
    ]
    deadline = time.monotonic() + DEADLINE
    while True:
        pages = {p: public_page(stack, p) for p in ("/", article_url)}
        if all(menu(doc) == wanted for doc in pages.values()) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    for doc in pages.values():
        assert menu(doc) == wanted
        assert ("About us", "/about/") in [
            (a.normalized_text, a["href"]) for a in doc.find("footer").find_all("a")
        ]
    assert newsdesk.json("site", "show")["sections"] == saved["sections"]
