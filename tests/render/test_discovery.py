"""Instant discovery, the renderer's side: one announcement per batch on the announcement queue (moto's),
the IndexNow key file, and the hub the feeds declare."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.adapters.sqs import AnnouncementQueue
from newsdesk.site.discovery import Discovery
from newsdesk.site.values import Announcement
from tests.conftest import REGION
from tests.render.conftest import SITE_URL, Pipeline

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

KEY = "0f3c5a9e-2b7d-4e1a-9c8f-6d5b4a3e2f10"
HUB = "https://hub.example.net/"
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Announcements:
    sqs: SQSClient
    queue_url: str

    def discovery(self, queue_url: str | None = None) -> Discovery:
        return Discovery(AnnouncementQueue(queue_url or self.queue_url, self.sqs), indexnow_key=KEY)

    def received(self) -> list[Announcement]:
        """Every announcement waiting in the queue (each received once)."""
        found: list[dict[str, Any]] = []
        while batch := self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10).get(
            "Messages", []
        ):
            found.extend(batch)  # type: ignore[arg-type]
        return [Announcement.from_json(m["Body"]) for m in found]


@pytest.fixture
def announcements(pipeline: Pipeline) -> Announcements:
    import boto3

    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(QueueName=f"announce-{pipeline.table}")["QueueUrl"]
    return Announcements(sqs, url)


def test_a_batch_publishing_two_articles_queues_one_announcement_of_both_and_their_feeds(
    pipeline: Pipeline, announcements: Announcements
) -> None:
    # Given two articles published before the renderer runs (one batch)
    first = pipeline.create_published(headline="Dam gates opened at Idukki", tags=["Kerala"])
    second = pipeline.create_published(headline="Ferry services resume in Kochi", tags=["Transport"])

    # When the batch is rendered
    pipeline.render(publisher=pipeline.publisher(discovery=announcements.discovery()))

    # Then one announcement names both article pages and every feed the batch rewrote
    [news] = announcements.received()
    assert news.urls == tuple(sorted([SITE_URL + str(first.url), SITE_URL + str(second.url)]))
    assert set(news.feeds) == {
        f"{SITE_URL}/feed.xml",
        f"{SITE_URL}/tags/kerala/feed.xml",
        f"{SITE_URL}/tags/transport/feed.xml",
    }


def test_an_edit_and_an_unpublish_are_announced_and_a_batch_that_changes_nothing_is_not(
    pipeline: Pipeline, announcements: Announcements
) -> None:
    # Given a published article, rendered and announced
    article = pipeline.create_published(headline="Dam gates opened at Idukki", tags=["Kerala"])
    pipeline.render(publisher=pipeline.publisher(discovery=announcements.discovery()))
    announcements.received()

    # When its headline is edited
    edited = pipeline.revise(article, headline="Dam gates opened at Idukki as rain continues")
    records = pipeline.stream_records()
    pipeline.render(records, publisher=pipeline.publisher(discovery=announcements.discovery()))

    # Then its page is announced again (its URL is permanent)
    [news] = announcements.received()
    assert news.urls == (SITE_URL + str(article.url),)

    # When the same records come again (a redelivery: nothing changes) and nothing else happened
    pipeline.render(records, publisher=pipeline.publisher(discovery=announcements.discovery()))

    # Then nothing is announced
    assert announcements.received() == []

    # When it is unpublished
    pipeline.unpublish(edited.id)
    pipeline.render(publisher=pipeline.publisher(discovery=announcements.discovery()))

    # Then the page that went away is announced (search engines drop it) with the feeds it left
    [news] = announcements.received()
    assert news.urls == (SITE_URL + str(article.url),)
    assert f"{SITE_URL}/feed.xml" in news.feeds


def test_a_queue_that_cannot_be_reached_never_fails_the_render(
    pipeline: Pipeline, announcements: Announcements, caplog: pytest.LogCaptureFixture
) -> None:
    # Given an announcement queue that does not exist
    gone = announcements.queue_url + "-gone"
    article = pipeline.create_published(headline="Dam gates opened at Idukki")

    # When the batch is rendered
    response = pipeline.render(publisher=pipeline.publisher(discovery=announcements.discovery(gone)))

    # Then the page is live, no record failed, and the lost announcement is logged as an error
    assert response == {"batchItemFailures": []}
    assert str(article.url).strip("/") + "/index.html" in pipeline.object_keys()
    assert "announcement not queued" in caplog.text


def test_the_key_file_is_served_at_the_site_root_and_the_feeds_declare_the_hub(pipeline: Pipeline) -> None:
    # Given a site with a WebSub hub and an IndexNow key
    settings = pipeline.settings.model_copy(update={"websub_hub": HUB, "indexnow_key": KEY})
    from newsdesk.wiring.site import build_publisher

    pipeline.create_published(headline="Dam gates opened at Idukki", tags=["Kerala"])

    # When a batch is rendered
    publisher = build_publisher(
        settings,
        reader=pipeline.publisher().reader,
        writer=pipeline.publisher().writer,
        cdn=pipeline.cdn(),
        receipts=pipeline.publisher().receipts,
    )
    pipeline.render(publisher=publisher)

    # Then /{key}.txt holds the key as text, and each feed links the hub beside itself
    key_file = pipeline.get(f"{KEY}.txt")
    assert (key_file["body"], key_file["content_type"]) == (KEY.encode(), "text/plain; charset=utf-8")
    for key in ("feed.xml", "tags/kerala/feed.xml"):
        channel = ET.fromstring(pipeline.body(key)).find("channel")
        assert channel is not None
        links = {link.get("rel"): link.get("href") for link in channel.iter(f"{ATOM}link")}
        assert links["hub"] == HUB
        assert links["self"] == f"{SITE_URL}/{key}"


def test_without_a_hub_the_feeds_declare_none(pipeline: Pipeline) -> None:
    # Given / When a site without a WebSub hub renders a batch
    pipeline.create_published(headline="Dam gates opened at Idukki")
    pipeline.render()

    # Then the feed links only itself
    channel = ET.fromstring(pipeline.body("feed.xml")).find("channel")
    assert channel is not None
    assert [link.get("rel") for link in channel.iter(f"{ATOM}link")] == ["self"]


def test_an_announcement_survives_the_queue_and_refuses_what_is_not_one() -> None:
    # Given an announcement
    news = Announcement(
        urls=("https://news.example.com/2026/11/20/a/",), feeds=("https://news.example.com/feed.xml",)
    )

    # When / Then it reads back as sent, and other bodies are refused
    assert Announcement.from_json(news.to_json()) == news
    for body in ("[]", "{}", json.dumps({"v": 1, "urls": "x"}), json.dumps({"v": 1, "urls": [1]}), "nope"):
        with pytest.raises(ValueError):
            Announcement.from_json(body)
