"""End to end over the local stack: a second story with the same headline, restoring an old revision and
issuing a correction, each over real HTTP with a real token, and the corrections reaching the site."""

from __future__ import annotations

import time
import uuid

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, assert_problem, bearer, draft

pytestmark = pytest.mark.e2e


def wait_for_text(http: requests.Session, url: str, text: str, timeout: float = 10) -> str:
    deadline = time.monotonic() + timeout
    while True:
        response = http.get(url, timeout=TIMEOUT)
        if (response.status_code == 200 and text in response.text) or time.monotonic() > deadline:
            return response.text
        time.sleep(0.1)


def test_a_second_story_with_the_same_headline_gets_a_numbered_slug(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an editor and a headline already used
    http.headers.update(bearer(editor_token))
    headline = f"Tide tables revised {uuid.uuid4().hex[:8]}"
    first = http.post(f"{stack.api_url}/articles", json=draft(headline=headline), timeout=TIMEOUT).json()

    # When a second story with that headline is created, then one naming the first one's slug
    second = http.post(f"{stack.api_url}/articles", json=draft(headline=headline), timeout=TIMEOUT)
    taken = http.post(f"{stack.api_url}/articles", json=draft(slug=first["slug"]), timeout=TIMEOUT)

    # Then the second gets the -2 slug, and the explicit one is refused saying so
    assert second.status_code == 201, second.text
    assert second.json()["slug"] == f"{first['slug']}-2"
    assert "already used" in assert_problem(taken, 409)["detail"]


def test_a_revision_is_restored_and_a_correction_goes_live(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given a published article whose headline was changed after its first version
    http.headers.update(bearer(editor_token))
    original = draft()
    article = http.post(f"{stack.api_url}/articles", json=original, timeout=TIMEOUT).json()
    url = f"{stack.api_url}/articles/{article['id']}"
    changed = http.patch(
        url, json={"headline": "A wrong headline"}, headers={"If-Match": '"1"'}, timeout=TIMEOUT
    )
    assert changed.status_code == 200, changed.text
    published = http.post(f"{url}/publish", timeout=TIMEOUT).json()

    # When the first version is shown, then restored with the current ETag
    shown = http.get(f"{url}/revisions/1", timeout=TIMEOUT)
    restored = http.post(
        f"{url}/revisions/1/restore", headers={"If-Match": shown.headers["ETag"]}, timeout=TIMEOUT
    )

    # Then the diff named the headline, and the restore is version 4 with the first headline
    assert shown.status_code == 200, shown.text
    assert "headline" in [c["field"] for c in shown.json()["changes"]]
    assert restored.status_code == 200, restored.text
    assert restored.json()["version"] == 4
    assert restored.json()["headline"] == original["headline"]
    listed = http.get(f"{url}/revisions", timeout=TIMEOUT).json()
    assert [r["version"] for r in listed["items"]] == [4, 3, 2, 1]

    # When a correction is issued
    text = f"An earlier version misnamed the ferry operator ({uuid.uuid4().hex[:6]})."
    corrected = http.post(f"{url}/corrections", json={"type": "correction", "text": text}, timeout=TIMEOUT)

    # Then it is created, and the article page and /corrections/ show it
    assert corrected.status_code == 201, corrected.text
    assert text in wait_for_text(http, stack.site_url + published["url"], text)
    assert text in wait_for_text(http, stack.site_url + "/corrections/", text)
    assert text in wait_for_text(http, stack.site_url + "/corrections/feed.xml", text)
