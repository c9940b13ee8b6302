"""Instant discovery on the local stack: a publish reaches IndexNow and the WebSub hub (the stack's
stand-ins at /_stub/indexnow and /_stub/websub, newsdesk_local.stubs) once per renderer batch, and a
failing service never holds up publishing: its announcement waits in the queue to be delivered again."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests

from newsdesk_local.stack import LOCAL_INDEXNOW_KEY
from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, bearer, draft, wait_for_status
from tests.e2e.test_redrive import STACK_NAME, emulator

pytestmark = pytest.mark.e2e

WITHIN = 30.0  # seconds for a publish to be rendered and announced on 2 busy cores (about 1 s idle)
ATOM = "{http://www.w3.org/2005/Atom}"


def wait_until(condition: Callable[[], bool], timeout: float = WITHIN) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def recorded(stack: RunningStack, name: str) -> list[dict[str, str]]:
    answer = requests.get(f"{stack.site_url}/_stub/{name}", timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, str]] = answer.json()["requests"]
    return found


def submitted_urls(stack: RunningStack) -> list[list[str]]:
    """The urlList of every IndexNow request the stand-in has had."""
    return [json.loads(r["body"])["urlList"] for r in recorded(stack, "indexnow")]


def publish(stack: RunningStack, http: requests.Session) -> dict[str, Any]:
    created = http.post(f"{stack.api_url}/articles", json=draft(), timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    article = created.json()
    published = http.post(
        f"{stack.api_url}/articles/{article['id']}/publish",
        headers={"If-Match": created.headers["ETag"]},
        timeout=TIMEOUT,
    )
    assert published.status_code == 200, published.text
    return dict(published.json())


def announce_queue(stack: RunningStack) -> dict[str, int]:
    sqs = emulator(stack, "sqs")
    url = sqs.get_queue_url(QueueName=f"{STACK_NAME}-AnnounceQueue")["QueueUrl"]
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    return {k: int(v) for k, v in attributes.items()}


def test_publishing_two_articles_sends_one_indexnow_and_one_websub_request_per_batch(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given no announcement on its way (the samples' and earlier tests' are done) and the stand-ins with
    # nothing recorded
    http.headers.update(bearer(editor_token))
    assert wait_until(lambda: sum(announce_queue(stack).values()) == 0)
    for name in ("indexnow", "websub"):
        assert http.delete(f"{stack.site_url}/_stub/{name}", timeout=TIMEOUT).status_code == 204

    # When two articles are published one after the other (the renderer takes them in one batch or two)
    articles = [publish(stack, http), publish(stack, http)]
    urls = [stack.site_url + a["url"] for a in articles]

    # Then each article's URL is submitted to IndexNow exactly once, with the site's key
    def announced() -> list[str]:
        return sorted(u for r in submitted_urls(stack) for u in r if u in urls)

    assert wait_until(lambda: announced() == sorted(urls))
    submissions = recorded(stack, "indexnow")
    batches = [json.loads(r["body"]) for r in submissions]
    mine = [b for b in batches if set(b["urlList"]) & set(urls)]
    assert len(mine) in {1, 2}
    assert all(set(b["urlList"]) <= set(urls) for b in mine)
    assert all(b["key"] == LOCAL_INDEXNOW_KEY for b in batches)
    assert all(b["keyLocation"] == f"{stack.site_url}/{LOCAL_INDEXNOW_KEY}.txt" for b in batches)
    # And the hub heard of the site's feeds once per batch, as IndexNow did
    assert wait_until(lambda: len(recorded(stack, "websub")) >= len(submissions))
    notifications = [parse_qsl(r["body"]) for r in recorded(stack, "websub")]
    assert len(notifications) == len(submissions)
    for fields in notifications:
        assert ("hub.mode", "publish") in fields
        assert ("hub.url", f"{stack.site_url}/feed.xml") in fields
        assert ("hub.url", f"{stack.site_url}/tags/transport/feed.xml") in fields

    # And the key file is served at the site's root, and the feed declares the hub
    key_file = http.get(f"{stack.site_url}/{LOCAL_INDEXNOW_KEY}.txt", timeout=TIMEOUT)
    assert (key_file.status_code, key_file.text) == (200, LOCAL_INDEXNOW_KEY)
    channel = ET.fromstring(http.get(f"{stack.site_url}/feed.xml", timeout=TIMEOUT).content).find("channel")
    assert channel is not None
    hubs = [link.get("href") for link in channel.iter(f"{ATOM}link") if link.get("rel") == "hub"]
    assert hubs == [f"{stack.site_url}/_stub/websub"]


def test_a_failing_indexnow_never_stalls_publishing_and_its_announcement_waits_to_be_retried(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given IndexNow answering 500
    http.headers.update(bearer(editor_token))
    assert http.put(f"{stack.site_url}/_stub/indexnow/status", data="500", timeout=TIMEOUT).status_code == 204
    try:
        # When an article is published
        article = publish(stack, http)
        url = stack.site_url + article["url"]

        # Then its page is live all the same
        assert wait_for_status(http, url, 200, timeout=WITHIN).status_code == 200
        # And IndexNow was asked and failed, and the announcement is kept in the queue for its next try
        assert wait_until(lambda: any(url in r for r in submitted_urls(stack)))
        assert wait_until(lambda: announce_queue(stack)["ApproximateNumberOfMessagesNotVisible"] >= 1)
    finally:
        # (IndexNow answers again: the announcement goes through on its next delivery, a minute later)
        http.put(f"{stack.site_url}/_stub/indexnow/status", data="200", timeout=TIMEOUT)

    # When a later article is published while it waits
    later = publish(stack, http)

    # Then publishing goes on: its page is live and announced
    later_url = stack.site_url + later["url"]
    assert wait_for_status(http, later_url, 200, timeout=WITHIN).status_code == 200
    assert wait_until(lambda: any(later_url in r for r in submitted_urls(stack)))
