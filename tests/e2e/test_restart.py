"""End to end: the local stack stopped (Ctrl-C) and started again with the same state directory has its
articles, pages, comments and schedules. A schedule that came due while it was down fires at once; one
still ahead fires on time, with no request. Two stacks of its own, one after the other.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from newsdesk.clock import system_now
from tests.e2e.conftest import RunningStack, start_stack
from tests.e2e.test_comments import wait_for
from tests.e2e.test_local_stack import TIMEOUT, bearer, draft, wait_for_status

pytestmark = pytest.mark.e2e

ON_TIME = dt.timedelta(seconds=5)


def create(http: requests.Session, stack: RunningStack) -> dict[str, Any]:
    created = http.post(f"{stack.api_url}/articles", json=draft(), timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    return {**created.json(), "etag": created.headers["ETag"]}


def schedule(http: requests.Session, stack: RunningStack, article_id: str, at: dt.datetime) -> None:
    scheduled = http.post(
        f"{stack.api_url}/articles/{article_id}/schedule",
        json={"publish_at": at.isoformat()},
        timeout=TIMEOUT,
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["status"] == "scheduled"


def went_live(http: requests.Session, stack: RunningStack, article_id: str, by: dt.datetime) -> dt.datetime:
    """When the article was published, polling (reads only) until `by` (a wall-clock moment)."""
    url = f"{stack.api_url}/articles/{article_id}"
    while True:
        article = http.get(url, timeout=TIMEOUT).json()
        if article["status"] == "published":
            return dt.datetime.fromisoformat(article["published_at"])
        assert system_now() < by, f"{article_id} was not published by {by}: {article}"
        time.sleep(0.2)


def test_a_restarted_stack_has_its_content_and_keeps_its_schedules(
    tmp_path: Path, http: requests.Session
) -> None:
    state = str(tmp_path / "state")
    # Given a stack (no samples) with a published article, a comment waiting for moderation, and two
    # scheduled articles: one due while the stack is down, one due after it is back
    started = time.monotonic()
    first = start_stack(tmp_path / "first.log", NEWSDESK_SAMPLES="0", NEWSDESK_STATE_DIR=state)
    start_seconds = time.monotonic() - started
    try:
        http.headers.update(bearer(first.token()))
        live = create(http, first)
        published = http.post(
            f"{first.api_url}/articles/{live['id']}/publish",
            headers={"If-Match": live["etag"]},
            timeout=TIMEOUT,
        )
        assert published.status_code == 200, published.text
        live = published.json()
        page = wait_for_status(http, first.site_url + live["url"], 200)
        assert page.status_code == 200
        email = f"reader-{uuid.uuid4().hex[:8]}@example.com"
        posted = requests.post(
            f"{first.api_url}/articles/{live['id']}/comments",
            json={"name": "Asha", "email": email, "body": "Good to have the ferry back."},
            timeout=TIMEOUT,
        )
        assert posted.status_code == 202, posted.text
        comment_id = posted.json()["id"]
        pending_url = f"{first.api_url}/comments?status=pending&article_id={live['id']}"
        assert wait_for(lambda: http.get(pending_url, timeout=TIMEOUT).json()["items"])
        later = create(http, first)
        later_at = (system_now() + dt.timedelta(seconds=2 * start_seconds + 20)).replace(microsecond=0)
        schedule(http, first, later["id"], later_at)
        overdue = create(http, first)
        overdue_at = (system_now() + dt.timedelta(seconds=10)).replace(microsecond=0)
        schedule(http, first, overdue["id"], overdue_at)

        # When the stack is stopped with Ctrl-C
        stopped_at = system_now()
        code = first.stop(signal.SIGINT)
    finally:
        first.stop(signal.SIGKILL)

    # Then it saved its state on the way out
    assert code == 0, first.output()
    assert "State saved to" in first.output()

    # When, once the first schedule is overdue, it is started again with the same state directory (and
    # samples on: they are for a fresh stack only)
    while system_now() <= overdue_at:
        time.sleep(0.2)
    second = start_stack(tmp_path / "second.log", NEWSDESK_STATE_DIR=state)
    ready_at = system_now()
    try:
        http.headers.update(bearer(second.token()))  # the new user pool's users are new too
        output = second.output()

        # Then it says it restored the state, and seeded no samples
        assert "Restored the state saved" in output
        assert "sample article:" not in output

        # and the published article is there, and its page is served at once, not rendered again
        article = http.get(f"{second.api_url}/articles/{live['id']}", timeout=TIMEOUT)
        assert article.status_code == 200
        assert (article.json()["status"], article.json()["version"]) == ("published", live["version"])
        page = http.get(second.site_url + live["url"], timeout=TIMEOUT)
        assert page.status_code == 200
        assert live["headline"] in page.text
        rendered_again = [
            line for line in output.splitlines() if '"article rendered"' in line and live["id"] in line
        ]
        assert rendered_again == []

        # and the comment waits for moderation, its sender's email still readable by an editor
        pending = http.get(pending_url.replace(first.api_url, second.api_url), timeout=TIMEOUT).json()[
            "items"
        ]
        assert [(c["id"], c["email"]) for c in pending] == [(comment_id, email)]

        # and the schedule that came due while the stack was down fired at once
        overdue_live = went_live(http, second, overdue["id"], by=ready_at + dt.timedelta(seconds=30))
        assert stopped_at < overdue_live <= ready_at + ON_TIME

        # When the other one's time comes (nobody sends a request but reads)
        assert ready_at < later_at, f"the restart took longer than expected: {output}"
        later_live = went_live(http, second, later["id"], by=later_at + dt.timedelta(seconds=30))

        # Then it went live on time
        assert later_at <= later_live <= later_at + ON_TIME

        # When an editor approves the restored comment (a conditional write on restored data)
        approved = http.patch(
            f"{second.api_url}/comments/{comment_id}",
            json={"status": "approved"},
            headers={"If-Match": f'"{pending[0]["version"]}"'},
            timeout=TIMEOUT,
        )

        # Then it is approved and shows on the restored page
        assert approved.status_code == 200, approved.text
        assert wait_for(
            lambda: "Good to have the ferry back." in http.get(second.site_url + live["url"]).text
        )
    finally:
        second.stop()
