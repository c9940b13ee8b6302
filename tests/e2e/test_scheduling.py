"""End to end: scheduled publishing, expiry and embargo in the local stack, with no request at the due
time. Deadlines are polled; the only timing asserted is the issue's "live within 5 s of its time"."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from typing import Any

import pytest
import requests

from newsdesk.clock import system_now
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e

TIMEOUT = 10
ON_TIME = dt.timedelta(seconds=5)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create(http: requests.Session, stack: RunningStack) -> dict[str, Any]:
    draft = {"headline": f"Wire: port strike ends {uuid.uuid4().hex[:8]}", "body": "Dockers return at dawn."}
    created = http.post(f"{stack.api_url}/articles", json=draft, timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    article: dict[str, Any] = created.json()
    return article


def wait_for(http: requests.Session, url: str, status: str, deadline: dt.datetime) -> dict[str, Any]:
    """The article once it has `status`, polling until `deadline` (a wall-clock moment) has passed."""
    while True:
        article: dict[str, Any] = http.get(url, timeout=TIMEOUT).json()
        if article["status"] == status or system_now() > deadline:
            return article
        time.sleep(0.2)


def test_a_scheduled_article_goes_live_and_expires_on_time_without_a_request(
    stack: RunningStack, editor_token: str, http: requests.Session
) -> None:
    # Given an article scheduled a few seconds ahead, to expire a few seconds after that
    http.headers.update(bearer(editor_token))
    article = create(http, stack)
    url = f"{stack.api_url}/articles/{article['id']}"
    publish_at = (system_now() + dt.timedelta(seconds=6)).replace(microsecond=0)
    expire_at = publish_at + dt.timedelta(seconds=8)
    scheduled = http.post(
        f"{url}/schedule",
        json={"publish_at": publish_at.isoformat(), "expire_at": expire_at.isoformat()},
        timeout=TIMEOUT,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled"

    # When its time comes (and nobody sends a request but reads)
    live = wait_for(http, url, "published", publish_at + dt.timedelta(seconds=30))

    # Then it went live within 5 s of its time, and its page is served
    assert live["status"] == "published", live
    went_live = dt.datetime.fromisoformat(live["published_at"])
    assert publish_at <= went_live <= publish_at + ON_TIME
    page = requests.get(stack.site_url + live["url"], timeout=TIMEOUT)
    deadline = system_now() + dt.timedelta(seconds=10)
    while page.status_code != 200 and system_now() < deadline:
        time.sleep(0.2)
        page = requests.get(stack.site_url + live["url"], timeout=TIMEOUT)
    assert page.status_code == 200

    # When its expiry comes
    down = wait_for(http, url, "unpublished", expire_at + dt.timedelta(seconds=30))

    # Then it came down on time
    assert down["status"] == "unpublished", down
    assert expire_at <= dt.datetime.fromisoformat(down["updated_at"]) <= expire_at + ON_TIME


def test_an_embargo_refuses_an_early_publish_and_schedules_can_be_moved_and_cancelled(
    stack: RunningStack, editor_token: str, http: requests.Session
) -> None:
    # Given a draft under embargo for an hour
    http.headers.update(bearer(editor_token))
    article = create(http, stack)
    url = f"{stack.api_url}/articles/{article['id']}"
    embargo = (system_now() + dt.timedelta(hours=1)).replace(microsecond=0)
    patched = http.patch(
        url, json={"embargo_until": embargo.isoformat()}, headers={"If-Match": '"1"'}, timeout=TIMEOUT
    )
    assert patched.status_code == 200, patched.text

    # When it is published now
    early = http.post(f"{url}/publish", timeout=TIMEOUT)

    # Then a clear 409 names the embargo
    assert early.status_code == 409, early.text
    assert early.headers["Content-Type"].startswith("application/problem+json")
    assert "embargo" in early.json()["detail"]

    # When it is scheduled at the embargo, rescheduled later, then cancelled
    first = http.post(f"{url}/schedule", json={"publish_at": embargo.isoformat()}, timeout=TIMEOUT)
    later = embargo + dt.timedelta(hours=1)
    moved = http.post(f"{url}/schedule", json={"publish_at": later.isoformat()}, timeout=TIMEOUT)
    cancelled = http.delete(f"{url}/schedule", timeout=TIMEOUT)

    # Then each works, and the article ends a draft with nothing scheduled
    assert first.status_code == 200, first.text
    assert moved.status_code == 200, moved.text
    assert dt.datetime.fromisoformat(moved.json()["publish_at"]) == later
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "draft"
    assert cancelled.json()["publish_at"] is None

    # And a naive time is refused while one with an offset still works
    naive = http.post(f"{url}/schedule", json={"publish_at": "2030-01-01T09:00:00"}, timeout=TIMEOUT)
    assert naive.status_code == 422, naive.text
    assert (
        http.post(f"{url}/schedule", json={"publish_at": later.isoformat()}, timeout=TIMEOUT).status_code
        == 200
    )
