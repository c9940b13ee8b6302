"""The announcer over real HTTP: its IndexNow and WebSub clients against the local stack's stand-ins
(newsdesk_local.stubs) served by the local origin on the loopback interface."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import parse_qsl

import pytest
import requests
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from newsdesk.adapters.pings import IndexNowClient, WebSubHubClient
from newsdesk.batch.announcements import handle_announcement_batch
from newsdesk.site.values import Announcement
from newsdesk_local.http_messages import HttpRequest, HttpResponse
from newsdesk_local.origin import Origin
from newsdesk_local.stubs import PingStubs
from tests.conftest import FakeLambdaContext

KEY = "5e1f0c7a-44b2-4d0e-9a51-0c9d2f7e6b13"
SITE = "https://news.example.com"
ARTICLES = (f"{SITE}/2026/11/20/dam-gates-opened/", f"{SITE}/2026/11/20/ferry-services-resume/")
FEEDS = (f"{SITE}/feed.xml", f"{SITE}/tags/kerala/feed.xml")


def site_behind(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=200, body=b"the site")


@pytest.fixture
def stubs() -> Iterator[str]:
    """The stand-ins on a local origin of their own; yields its URL."""
    origin = Origin("127.0.0.1", 0, PingStubs(site_behind).handle)
    origin.start()
    try:
        yield f"http://127.0.0.1:{origin.port}"
    finally:
        origin.stop()


def sqs_event(*bodies: str) -> dict[str, object]:
    return {
        "Records": [
            {
                "messageId": f"m{n}",
                "receiptHandle": f"r{n}",
                "body": body,
                "attributes": {},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:ap-south-1:123456789012:announce",
                "awsRegion": "ap-south-1",
            }
            for n, body in enumerate(bodies)
        ]
    }


def announce(origin: str, *bodies: str, indexnow: str | None = None, hub: str | None = None) -> object:
    return handle_announcement_batch(
        sqs_event(*bodies),
        FakeLambdaContext(),
        indexnow=IndexNowClient(indexnow or f"{origin}/_stub/indexnow", KEY),
        hub=WebSubHubClient(hub or f"{origin}/_stub/websub"),
    )


def recorded(origin: str, name: str) -> list[dict[str, str]]:
    answer = requests.get(f"{origin}/_stub/{name}", timeout=5)
    assert answer.status_code == 200
    requests_seen: list[dict[str, str]] = answer.json()["requests"]
    return requests_seen


def test_one_announcement_is_one_indexnow_submission_and_one_hub_notification(stubs: str) -> None:
    # Given an announcement of two article pages and two feeds
    news = Announcement(urls=ARTICLES, feeds=FEEDS)

    # When the announcer takes it
    response = announce(stubs, news.to_json())

    # Then IndexNow got the URLs once, with the host, key and key file of their site
    assert response == {"batchItemFailures": []}
    [submission] = recorded(stubs, "indexnow")
    assert submission["content_type"].startswith("application/json")
    assert json.loads(submission["body"]) == {
        "host": "news.example.com",
        "key": KEY,
        "keyLocation": f"{SITE}/{KEY}.txt",
        "urlList": list(ARTICLES),
    }
    # And the hub got one publish notification naming each feed
    [notification] = recorded(stubs, "websub")
    assert notification["content_type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(notification["body"]) == [("hub.mode", "publish"), *(("hub.url", f) for f in FEEDS)]


def test_a_failing_service_fails_only_its_record_which_comes_back_later(stubs: str) -> None:
    # Given an IndexNow endpoint answering 500
    assert requests.put(f"{stubs}/_stub/indexnow/status", data="500", timeout=5).status_code == 204
    news = Announcement(urls=ARTICLES[:1], feeds=FEEDS[:1])
    unreadable = "not an announcement"

    # When the announcer takes a batch of it and of a message no retry could read
    response = announce(stubs, news.to_json(), unreadable)

    # Then the announcement's record is reported failed (SQS delivers it again); the unreadable one is dropped
    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert len(recorded(stubs, "indexnow")) == 1

    # When the endpoint is back and the message comes again
    assert requests.put(f"{stubs}/_stub/indexnow/status", data="202", timeout=5).status_code == 204
    response = announce(stubs, news.to_json())

    # Then it goes through
    assert response == {"batchItemFailures": []}
    assert len(recorded(stubs, "indexnow")) == 2


def test_an_unreachable_hub_fails_the_record_and_a_refusal_for_good_does_not(stubs: str) -> None:
    # Given a hub nobody listens for
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    news = Announcement(urls=ARTICLES[:1], feeds=FEEDS[:1])

    # When / Then the record fails, to be tried again (the batch's only record: the whole batch fails)
    with pytest.raises(BatchProcessingError, match="All records failed"):
        announce(stubs, news.to_json(), hub=closed)

    # Given IndexNow refusing the URLs as not the key's (422), which no retry changes
    assert requests.put(f"{stubs}/_stub/indexnow/status", data="422", timeout=5).status_code == 204

    # When / Then the record is done (logged), and the hub still heard of the feed
    assert announce(stubs, news.to_json()) == {"batchItemFailures": []}
    assert len(recorded(stubs, "websub")) == 1


def test_the_stubs_answer_their_own_paths_and_pass_every_other_on(stubs: str) -> None:
    # Given / When / Then
    assert requests.get(f"{stubs}/2026/11/20/dam-gates-opened/", timeout=5).text == "the site"
    assert requests.get(f"{stubs}/_stub/elsewhere", timeout=5).status_code == 404
    assert requests.put(f"{stubs}/_stub/websub/status", data="many", timeout=5).status_code == 400
    assert requests.post(f"{stubs}/_stub/websub", data="hub.mode=publish", timeout=5).status_code == 204
    assert requests.delete(f"{stubs}/_stub/websub", timeout=5).status_code == 204
    assert recorded(stubs, "websub") == []
