"""End to end over the local stack: a draft's share link, opened anonymously through the local CDN, shows
the draft; an edit revokes it; the draft itself stays off the site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, assert_problem, bearer, draft

pytestmark = pytest.mark.e2e


def test_a_share_link_shows_a_draft_to_anyone_until_the_draft_changes(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given a draft and a share link to it, made by an editor
    article = draft()
    created = http.post(
        f"{stack.api_url}/articles", json=article, headers=bearer(editor_token), timeout=TIMEOUT
    )
    assert created.status_code == 201, created.text
    url = f"{stack.api_url}/articles/{created.json()['id']}"
    made = http.post(f"{url}/preview-links", json={}, headers=bearer(editor_token), timeout=TIMEOUT)
    assert made.status_code == 201, made.text
    link = made.json()

    # When someone without an account opens it through the site's origin
    shared = requests.get(stack.site_url + urlsplit(link["url"]).path, timeout=TIMEOUT)

    # Then the link was on that origin, and they read the draft as it would be published: not indexed, not
    # stored, with the site's security headers
    assert link["url"].startswith(stack.site_url + "/api/preview/"), link
    assert shared.status_code == 200, shared.text
    assert shared.headers["Content-Type"] == "text/html; charset=utf-8"
    assert shared.headers["Cache-Control"] == "private, no-store"
    assert shared.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert "default-src 'none'" in shared.headers["Content-Security-Policy"]
    assert f"<h1>{article['headline']}</h1>" in shared.text
    assert '<meta name="robots" content="noindex, nofollow">' in shared.text
    assert "Preview \N{EM DASH} not published" in shared.text
    # and the draft is not on the site at the address a publish would give it
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', shared.text)
    assert canonical is not None
    assert (
        requests.get(stack.site_url + urlsplit(canonical.group(1)).path, timeout=TIMEOUT).status_code == 404
    )

    # When the draft is edited, and the old link opened again
    edited = http.patch(
        url,
        json={"headline": "A new headline"},
        headers={**bearer(editor_token), "If-Match": '"1"'},
        timeout=TIMEOUT,
    )
    assert edited.status_code == 200, edited.text
    stale = requests.get(stack.site_url + urlsplit(link["url"]).path, timeout=TIMEOUT)

    # Then it is gone, saying why; and a new link shows the new version
    assert "earlier version" in assert_problem(stale, 410)["detail"]
    fresh = http.post(f"{url}/preview-links", headers=bearer(editor_token), timeout=TIMEOUT).json()
    again = requests.get(stack.site_url + urlsplit(fresh["url"]).path, timeout=TIMEOUT)
    assert again.status_code == 200, again.text
    assert "<h1>A new headline</h1>" in again.text


def test_a_forged_share_link_is_not_found(stack: RunningStack) -> None:
    # Given a token this site never issued
    forged = "01JDQ7ZK3M8N4P5R6S7T8V9W0X.1.4102444800." + "A" * 43

    # When it is opened through the site's origin
    response = requests.get(f"{stack.api_url}/preview/{forged}", timeout=TIMEOUT)

    # Then it is a 404 that says nothing about the article it names
    assert response.status_code == 404
    assert "01JDQ7ZK3M8N4P5R6S7T8V9W0X" not in response.text
