"""Round trips per publish, counted with botocore's hooks (bench.aws_calls): the ledger of content hashes
answers what a HEAD per object used to, listings are shared between the pages of a batch, and a ledger
entry is never left claiming bytes the bucket may not have."""

from __future__ import annotations

import datetime as dt

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from bench.aws_calls import CallCounter
from newsdesk.adapters.dynamodb.digests import PageDigests
from newsdesk.adapters.s3 import SiteBucket
from newsdesk.site.models import SiteObject, page_key
from newsdesk.site.publisher import SitePublisher
from tests.render.conftest import Pipeline, Recorder, make_article

TAGS = ["Kerala", "Monsoon", "Politics", "Cricket"]


def rendered_site(pipeline: Pipeline, count: int = 12) -> None:
    newest = dt.datetime(2026, 11, 20, 6, 0, tzinfo=dt.UTC)
    pipeline.seed(
        make_article(
            headline=f"Seeded story number {i}",
            published_at=newest - dt.timedelta(hours=20) * i,
            tags=[TAGS[i % len(TAGS)], TAGS[(i + 1) % len(TAGS)]],
        )
        for i in range(count)
    )
    pipeline.render_site()
    pipeline.clear_calls()


class FailingUploads(SiteBucket):
    """The site bucket while S3 refuses uploads (it still answers HEADs)."""

    def put(self, obj: SiteObject) -> None:
        raise RuntimeError("S3 refused the upload")


def counted_publisher(pipeline: Pipeline, counter: CallCounter, **overrides: object) -> SitePublisher:
    """The renderer's publisher with every AWS client it uses counted."""
    for client in (pipeline.s3, pipeline.ddb, pipeline.cloudfront):
        counter.attach(client)
    overrides.setdefault("digests", PageDigests(pipeline.table, pipeline.ddb))
    return pipeline.publisher(**overrides)


def test_a_publish_asks_s3_about_its_new_page_only(pipeline: Pipeline) -> None:
    # Given a rendered site (every object's hash in the ledger)
    rendered_site(pipeline)
    counter = CallCounter()
    publisher = counted_publisher(pipeline, counter)
    queries = Recorder().attach(pipeline.ddb, "dynamodb", "Query")

    # When one article is published and its stream batch rendered
    article = pipeline.create_published(headline="One more story", tags=["Kerala", "Monsoon"])
    assert article.url is not None
    queries.clear()
    with counter.window() as calls:
        pipeline.render(publisher=publisher)

    # Then S3 was asked about the new page alone, and the uploads are the pages that show it
    assert calls.count("S3", "HeadObject") == 1
    assert calls.count("S3", "PutObject") == len(pipeline.uploaded) == 12
    assert page_key(article.url) in pipeline.uploaded
    # and the hashes were read in one call for the pages and one for the static objects, then the
    # changed pages' hashes forgotten before their upload and recorded after it
    assert calls.count("DynamoDB", "BatchWriteItem") == 2
    assert calls.count("CloudFront", "CreateInvalidation") == 0  # a new page was never cached
    # and a tag's month page took its articles from the site's month listing: no Query between two
    # moments on the tag index
    assert calls.count("DynamoDB", "Query") == len(queries.of("Query"))
    tag_months = [
        q
        for q in queries.of("Query")
        if q.get("IndexName") == "PublishedByTag" and "BETWEEN" in q["KeyConditionExpression"]
    ]
    assert tag_months == []


def test_the_same_batch_again_sends_nothing_to_s3(pipeline: Pipeline) -> None:
    # Given a publish rendered once
    rendered_site(pipeline)
    pipeline.create_published(headline="One more story", tags=["Kerala"])
    records = pipeline.stream_records()
    pipeline.render(records)
    counter = CallCounter()
    publisher = counted_publisher(pipeline, counter)

    # When its records are delivered again (Lambda retries a batch)
    with counter.window() as calls:
        pipeline.render(records, publisher=publisher)

    # Then the ledger answered for every object: no HEAD, no upload, no invalidation
    assert calls.count("S3") == 0
    assert calls.count("CloudFront") == 0


def test_an_upload_that_failed_leaves_no_hash_behind_and_the_retry_uploads(pipeline: Pipeline) -> None:
    # Given a rendered site whose bucket refuses uploads during the next render
    rendered_site(pipeline)
    pipeline.create_published(headline="Published while S3 refused uploads", tags=["Kerala"])
    records = pipeline.stream_records()
    failing = pipeline.publisher(writer=FailingUploads(pipeline.bucket, pipeline.s3))
    with pytest.raises(BatchProcessingError):  # its one record failed
        pipeline.render(records, publisher=failing)
    digests = PageDigests(pipeline.table, pipeline.ddb)
    assert "index.html" not in digests.get_many(["index.html"])  # forgotten before the upload was tried

    # When Lambda retries the batch with S3 back
    pipeline.clear_calls()
    pipeline.render(records)

    # Then the home page is uploaded (and its hash recorded again), with the new article on it
    assert "index.html" in pipeline.uploaded
    assert "Published while S3 refused uploads" in pipeline.text("index.html")
    assert digests.get_many(["index.html"])["index.html"]
