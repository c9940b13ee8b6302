"""The full rebuild: plan, fan out through SQS (moto's queue, drained here), render, finish with one `/*`."""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker
from newsdesk.batch.rebuild import handle_rebuild_batch
from newsdesk.clock import utc_now
from newsdesk.site import pages
from newsdesk.site.models import Chunk, RebuildStatus, page_key
from newsdesk.site.rebuild import ARTICLES_PER_CHUNK, run_chunk
from newsdesk.wiring.site import Site, start_rebuild
from tests.conftest import REGION, FakeLambdaContext
from tests.render.conftest import KOLKATA, Pipeline, make_article
from tests.render.dom import parse_html

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient


@dataclass
class Rebuild:
    pipeline: Pipeline
    sqs: SQSClient
    queue_url: str
    tracker: RebuildTracker

    def start(self) -> RebuildStatus:
        return start_rebuild(
            self.pipeline.ddb, self.sqs, table_name=self.pipeline.table, queue_url=self.queue_url, tz=KOLKATA
        )

    def receive(self) -> list[dict[str, Any]]:
        """Every message waiting in the queue (each received once; none deleted)."""
        messages: list[dict[str, Any]] = []
        while True:
            batch = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not batch:
                return messages
            messages.extend(batch)  # type: ignore[arg-type]

    def run(self, message: dict[str, Any]) -> RebuildStatus:
        """What the worker does with one message: render its chunk, then delete the message."""
        cdn = self.pipeline.cdn()
        chunk = Chunk.from_message(message["Body"])
        status = run_chunk(chunk, self.pipeline.publisher(cdn=cdn), self.tracker, cdn)
        self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return status


@pytest.fixture
def rebuild(pipeline: Pipeline) -> Rebuild:
    import boto3

    sqs = boto3.client("sqs", region_name=REGION)
    # As template.yaml's RebuildQueue: a message being worked on stays hidden for half an hour.
    queue = sqs.create_queue(QueueName=f"rebuild-{pipeline.table}", Attributes={"VisibilityTimeout": "1800"})
    queue_url = queue["QueueUrl"]
    return Rebuild(pipeline, sqs, queue_url, RebuildTracker(pipeline.table, pipeline.ddb))


def seed(pipeline: Pipeline, count: int) -> list[Any]:
    now = utc_now()
    articles = [
        make_article(
            headline=f"Rebuilt story {i}",
            published_at=now - dt.timedelta(minutes=5) - dt.timedelta(days=3) * i,
            tags=["Kerala", "Rain"] if i % 2 else ["Kerala"],
        )
        for i in range(count)
    ]
    pipeline.seed(articles)
    return articles


def test_rebuild_renders_every_page_and_invalidates_everything_once_at_the_end(rebuild: Rebuild) -> None:
    # Given 40 live articles and a draft, with nothing in the bucket yet
    pipeline = rebuild.pipeline
    articles = seed(pipeline, 40)
    draft = pipeline.create(headline="Draft is not rebuilt", tags=["Kerala"])

    # When a rebuild starts and every queued chunk is run
    status = rebuild.start()
    messages = rebuild.receive()
    statuses = []
    for message in messages:
        assert pipeline.invalidations == [], "no invalidation before the last chunk"
        statuses.append(rebuild.run(message))

    # Then there were as many messages as chunks, the last one completed the rebuild ...
    assert len(messages) == status.total >= math.ceil(40 / ARTICLES_PER_CHUNK) + 1
    assert [s.done for s in statuses] == list(range(1, status.total + 1))
    final = rebuild.tracker.status(status.rebuild_id)
    assert final is not None and final.complete and final.done == final.total
    # ... every article page and every listing is there ...
    keys = pipeline.object_keys()
    assert {page_key(a.url) for a in articles} <= keys
    months = {pages.month_of(a.published_at, KOLKATA) for a in articles}
    assert {f"archive/{y:04d}/{m:02d}/index.html" for y, m in months} <= keys
    assert {f"sitemaps/{y:04d}-{m:02d}.xml" for y, m in months} <= keys
    assert {f"tags/kerala/{y:04d}/{m:02d}/index.html" for y, m in months} <= keys
    assert {
        "index.html", "archive/index.html", "feed.xml", "sitemap.xml", "news-sitemap.xml", "robots.txt",
        "404.html", pages.stylesheet_key(), "tags/kerala/index.html", "tags/kerala/feed.xml",
        "tags/rain/index.html", "tags/rain/feed.xml",
    } <= keys  # fmt: skip
    assert not [k for k in keys if draft.slug in k]
    # ... and exactly one invalidation, of everything
    assert pipeline.invalidations == [["/*"]]
    assert pipeline.invalidations_in_cloudfront() == [["/*"]]


def test_rebuild_of_up_to_date_site_uploads_nothing_but_restores_what_differs(rebuild: Rebuild) -> None:
    # Given a fully rendered site where one page was damaged and one deleted
    pipeline = rebuild.pipeline
    articles = seed(pipeline, 12)
    pipeline.render_site()
    damaged, lost = page_key(articles[0].url), page_key(articles[1].url)
    pipeline.s3.put_object(Bucket=pipeline.bucket, Key=damaged, Body=b"<p>damaged</p>")
    pipeline.s3.delete_object(Bucket=pipeline.bucket, Key=lost)
    pipeline.clear_calls()

    # When a rebuild runs to the end
    rebuild.start()
    for message in rebuild.receive():
        rebuild.run(message)

    # Then only those two pages were uploaded again, with their real content
    assert sorted(pipeline.uploaded) == sorted([damaged, lost])
    assert parse_html(pipeline.body(damaged)).find("h1").text == articles[0].headline
    assert parse_html(pipeline.body(lost)).find("h1").text == articles[1].headline
    assert pipeline.invalidations == [["/*"]]


def test_rebuild_redelivered_chunk_is_not_counted_twice(rebuild: Rebuild) -> None:
    # Given a rebuild whose first chunk is delivered twice before the others
    pipeline = rebuild.pipeline
    seed(pipeline, 30)
    status = rebuild.start()
    messages = rebuild.receive()
    assert len(messages) >= 3

    # When the first chunk runs twice, then the rest, then the last one again
    first = rebuild.run(messages[0])
    again = rebuild.run(messages[0])
    rest = [rebuild.run(m) for m in messages[1:]]
    late = rebuild.run(messages[-1])

    # Then progress counts distinct chunks only, and the site is invalidated once
    assert (first.done, again.done) == (1, 1)
    assert [s.done for s in rest] == list(range(2, status.total + 1))
    assert late.done == status.total and late.complete
    assert pipeline.invalidations == [["/*"]]


def test_rebuild_chunks_cover_each_live_article_once(rebuild: Rebuild) -> None:
    # Given 60 live articles
    articles = seed(rebuild.pipeline, 60)

    # When the rebuild is planned
    status = rebuild.start()
    chunks = [Chunk.from_message(m["Body"]) for m in rebuild.receive()]

    # Then every live article is in exactly one chunk, and chunk numbers are 0..total-1
    planned = [article_id for c in chunks for article_id in c.articles]
    assert sorted(planned) == sorted(a.id for a in articles)
    assert sorted(c.number for c in chunks) == list(range(status.total))
    assert all(len(c.articles) <= ARTICLES_PER_CHUNK for c in chunks)
    assert {c.rebuild_id for c in chunks} == {status.rebuild_id}


def test_rebuild_worker_handler_reports_no_failures_for_sqs_batch(
    rebuild: Rebuild, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a planned rebuild, and its messages as the SQS event source delivers them
    pipeline = rebuild.pipeline
    articles = seed(pipeline, 8)
    status = rebuild.start()
    records = [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:rebuild",
            "awsRegion": REGION,
        }
        for m in rebuild.receive()
    ]

    # When the worker's batch handler runs them, with the site as the worker function assembles it
    site = Site.from_settings(pipeline.settings)
    tracker = RebuildTracker(pipeline.table)
    response = handle_rebuild_batch(
        {"Records": records}, FakeLambdaContext(), site.publisher, tracker, site.cdn
    )

    # Then every chunk succeeded, the rebuild is complete and the site was invalidated once
    assert response == {"batchItemFailures": []}
    final = rebuild.tracker.status(status.rebuild_id)
    assert final is not None and final.complete
    assert {page_key(a.url) for a in articles} <= pipeline.object_keys()
    assert pipeline.invalidations_in_cloudfront() == [["/*"]]


def test_chunk_message_round_trips() -> None:
    # Given
    from newsdesk.site.models import Page

    chunk = Chunk("01JDQ7ZK3M8N4P5R6S7T8V9W0X", 3, ("A", "B"), (Page("tag_month", "kerala", 2026, 11),))

    # When / Then
    assert Chunk.from_message(chunk.to_message()) == chunk
    assert json.loads(chunk.to_message())["pages"] == [["tag_month", "kerala", 2026, 11]]
