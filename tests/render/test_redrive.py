"""One unreadable article hurts only itself, and `redrive` replays the render dead-letter queue.

An article item that breaks a rule of the article (here: a headline longer than the limit, as a console
edit or a tightened limit leaves it) fails its own stream record, with a `failed` render receipt, while
every listing leaves it out and reports it; editors still read it as stored and can repair it. Failure
records in the render dead-letter queue (Lambda's shape: shard and sequence numbers, never the records)
are read back from the stream and rendered from the current state of the table; only what was replayed
is deleted, and a second redrive finds nothing.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from newsdesk.adapters.dynamodb.stream import StreamHistory, TableStream
from newsdesk.adapters.s3 import SiteBucket
from newsdesk.adapters.sqs import DeadLetters
from newsdesk.articles import service
from newsdesk.articles.errors import InvalidArticle
from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.batch.redrive import redrive_renders
from newsdesk.site.models import SiteObject, page_key
from tests.conftest import REGION
from tests.render.conftest import Pipeline

LONG_HEADLINE = "A headline far longer than the limit allows " * 6  # 264 characters


@pytest.fixture
def sqs(pipeline: Pipeline) -> Any:
    import boto3

    return boto3.client("sqs", region_name=REGION)


@pytest.fixture
def dead_letters(sqs: Any) -> str:
    return str(sqs.create_queue(QueueName="render-dlq")["QueueUrl"])


def corrupt(pipeline: Pipeline, article: Article, headline: str = LONG_HEADLINE) -> None:
    """Change the stored headline behind the API's back, as a console edit does."""
    pipeline.ddb.update_item(
        TableName=pipeline.table,
        Key={"PK": {"S": f"ARTICLE#{article.id}"}, "SK": {"S": "A"}},
        UpdateExpression="SET headline = :h",
        ExpressionAttributeValues={":h": {"S": headline}},
    )


def failure_record(pipeline: Pipeline, records: list[dict[str, Any]]) -> str:
    """What Lambda sends to an OnFailure destination when it gives up on `records` of a DynamoDB stream."""
    shard = pipeline.streams.describe_stream(StreamArn=pipeline.stream_arn)["StreamDescription"]["Shards"][0]
    return json.dumps(
        {
            "requestContext": {
                "requestId": "316aa6d0-8154-4f8f-8f89-11d3e4b3a8f6",
                "functionArn": "arn:aws:lambda:eu-west-1:123456789012:function:renderer",
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": 6,
            },
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": ""},
            "version": "1.0",
            "timestamp": "2026-11-20T06:30:00.000Z",
            "DDBStreamBatchInfo": {
                "shardId": shard["ShardId"],
                "startSequenceNumber": records[0]["dynamodb"]["SequenceNumber"],
                "endSequenceNumber": records[-1]["dynamodb"]["SequenceNumber"],
                "approximateArrivalOfFirstRecord": "2026-11-20T06:29:59.000Z",
                "approximateArrivalOfLastRecord": "2026-11-20T06:29:59.000Z",
                "batchSize": len(records),
                "streamArn": pipeline.stream_arn,
            },
        }
    )


class BrokenBucket(SiteBucket):
    """The site bucket while S3 refuses every write."""

    def put_if_changed(self, obj: SiteObject) -> bool:
        raise RuntimeError("S3 is unavailable")


def replay(pipeline: Pipeline, queue_url: str, sqs: Any) -> Any:
    return redrive_renders(
        DeadLetters(queue_url, sqs, hide_for=30),
        StreamHistory(pipeline.streams),
        pipeline.publisher,
        TableStream(),
    )


def messages_in(sqs: Any, queue_url: str) -> int:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attributes["ApproximateNumberOfMessages"]) + int(
        attributes["ApproximateNumberOfMessagesNotVisible"]
    )


# ----- isolation ------------------------------------------------------------------------------------


def test_a_corrupt_article_fails_only_its_own_record_and_listings_leave_it_out(
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a live article whose stored headline is then made longer than the limit
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "Newsdesk")
    bad = pipeline.create_published(headline="Soon to be corrupt", tags=["Kerala"])
    pipeline.render()
    corrupt(pipeline, bad)
    # and, in the same batch, a new article published
    fresh = pipeline.create_published(headline="Fresh story", tags=["Kerala"])
    records = pipeline.stream_records()
    failing = [r["dynamodb"]["SequenceNumber"] for r in records if bad.id in r["dynamodb"]["Keys"]["PK"]["S"]]
    capsys.readouterr()

    # When the batch is rendered
    response = pipeline.render(records)

    # Then only the corrupt article's record fails, with a failed receipt that says why
    assert response == {"batchItemFailures": [{"itemIdentifier": seq} for seq in failing]}
    stored, receipt = pipeline.store.get_with_receipt(bad.id)
    assert receipt is not None and receipt.state.value == "failed"
    assert receipt.error is not None and "headline" in receipt.error and receipt.version == bad.version
    # and editors still read it as it is stored
    assert stored is not None and stored.headline == LONG_HEADLINE
    # and the new article is live and listed, the corrupt one left out of the tag page, not of the site
    assert fresh.url is not None and page_key(fresh.url) in pipeline.object_keys()
    tag_page = pipeline.text("tags/kerala/index.html")
    assert "Fresh story" in tag_page and LONG_HEADLINE.strip() not in tag_page
    # and each listing that left it out said so, with its key, and counted it
    warnings = [r for r in caplog.records if r.getMessage() == "unreadable record left out"]
    assert warnings and all(r.levelname == "WARNING" for r in warnings)
    assert {(getattr(r, "pk", None), getattr(r, "sk", None)) for r in warnings} == {
        (f"ARTICLE#{bad.id}", "A")
    }
    output = capsys.readouterr().out
    metrics = [json.loads(line) for line in output.splitlines() if '"_aws"' in line]
    assert len(metrics) == len(warnings)
    assert all(m["UnreadableRecord"] == [1.0] and m["entity"] == "article" for m in metrics)


def test_the_editor_list_leaves_out_an_unreadable_article_and_still_answers(pipeline: Pipeline) -> None:
    # Given three drafts, the middle one corrupt
    first = pipeline.create(headline="First draft")
    bad = pipeline.create(headline="Second draft")
    third = pipeline.create(headline="Third draft")
    corrupt(pipeline, bad)

    # When editors list the articles, by status too
    everything = pipeline.store.list_all(limit=10)
    drafts = pipeline.store.list_by_status(ArticleStatus.DRAFT, limit=10)

    # Then the others are listed and the corrupt one is left out
    assert [a.id for a in everything.items] == [third.id, first.id]
    assert [a.id for a in drafts.items] == [third.id, first.id]


def test_a_change_that_does_not_repair_a_corrupt_article_is_refused_and_a_repair_is_saved(
    pipeline: Pipeline,
) -> None:
    # Given a corrupt draft
    bad = pipeline.create(headline="A draft")
    corrupt(pipeline, bad)
    stored = pipeline.store.get(bad.id)
    assert stored is not None

    # When an editor changes its summary only, or publishes it
    with pytest.raises(InvalidArticle) as refused:
        service.revise_article(pipeline.store, bad.id, {"summary": "New"}, expected_version=stored.version)
    with pytest.raises(InvalidArticle) as unpublishable:
        pipeline.publish(bad.id)

    # Then both are refused naming the headline
    assert refused.value.field == "headline" and unpublishable.value.field == "headline"
    # and a change that shortens the headline repairs it, and it can be published
    repaired = service.revise_article(
        pipeline.store, bad.id, {"headline": "A draft, repaired"}, expected_version=stored.version
    )
    assert pipeline.publish(repaired.id).status is ArticleStatus.PUBLISHED


# ----- redrive ------------------------------------------------------------------------------------------


def test_redrive_renders_what_failed_and_a_second_redrive_does_nothing(
    pipeline: Pipeline, sqs: Any, dead_letters: str
) -> None:
    # Given a publish whose render failed (S3 refused the writes) and whose failure record reached the queue
    article = pipeline.create_published(headline="Published while S3 was down", tags=["Kerala"])
    records = pipeline.stream_records()
    with pytest.raises(BatchProcessingError):  # every record failed: a function error, as Lambda sees it
        pipeline.render(records, publisher=pipeline.publisher(writer=BrokenBucket(pipeline.bucket)))
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert (
        receipt is not None
        and receipt.state.value == "failed"
        and receipt.error == "RuntimeError: S3 is unavailable"
    )
    sqs.send_message(QueueUrl=dead_letters, MessageBody=failure_record(pipeline, records))
    assert article.url is not None and page_key(article.url) not in pipeline.object_keys()

    # When S3 is back and the queue is replayed
    report = replay(pipeline, dead_letters, sqs)

    # Then the article's page is live, listed, its receipt says live, and the queue is empty
    assert page_key(article.url) in pipeline.object_keys()
    assert "Published while S3 was down" in pipeline.text("index.html")
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None and receipt.state.value == "live"
    assert report.to_dict()["replayed"] == 1 and report.items == [article.id] and not report.left
    assert messages_in(sqs, dead_letters) == 0
    # and a second redrive finds nothing and writes nothing
    pipeline.clear_calls()
    again = replay(pipeline, dead_letters, sqs)
    assert again.to_dict()["replayed"] == 0 and not again.left and pipeline.uploaded == []


def test_redrive_after_a_corrupt_article_is_repaired_renders_it_from_the_current_table(
    pipeline: Pipeline, sqs: Any, dead_letters: str
) -> None:
    # Given a corrupt article whose failure record reached the queue
    article = pipeline.create_published(headline="Original headline")
    pipeline.render()
    corrupt(pipeline, article)
    records = pipeline.stream_records()
    with pytest.raises(BatchProcessingError):  # its only record failed
        pipeline.render(records)
    sqs.send_message(QueueUrl=dead_letters, MessageBody=failure_record(pipeline, records))
    # and a redrive before the repair, which leaves the message and says why
    early = replay(pipeline, dead_letters, sqs)
    assert early.to_dict()["replayed"] == 0 and "headline" in next(iter(early.left.values()))
    assert messages_in(sqs, dead_letters) == 1

    # When the record is repaired (the stream's record of the repair is not rendered) and replayed
    corrupt(pipeline, article, headline="Repaired headline")
    report = replay(pipeline, dead_letters, sqs)

    # Then the page shows the repaired headline, the receipt is live, and the queue is empty
    assert article.url is not None and "Repaired headline" in pipeline.text(page_key(article.url))
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None and receipt.state.value == "live"
    assert report.items == [article.id] and messages_in(sqs, dead_letters) == 0


def test_a_failure_whose_records_are_gone_or_unknown_stays_in_the_queue(
    pipeline: Pipeline, sqs: Any, dead_letters: str
) -> None:
    # Given a failure record naming a stream that is gone, and a message that is no failure record
    article = pipeline.create_published(headline="Some story")
    records = pipeline.stream_records()
    gone = json.loads(failure_record(pipeline, records))
    gone["DDBStreamBatchInfo"]["streamArn"] = pipeline.stream_arn.replace(pipeline.table, "dropped-table")
    sqs.send_message(QueueUrl=dead_letters, MessageBody=json.dumps(gone))
    sqs.send_message(QueueUrl=dead_letters, MessageBody="hello")

    # When the queue is replayed
    report = replay(pipeline, dead_letters, sqs)

    # Then nothing is replayed, both messages are left (visible again at once) and the report says why
    assert report.to_dict()["replayed"] == 0 and len(report.left) == 2
    reasons = sorted(report.left.values())
    assert "gone" in reasons[0] and "newsdesk rebuild" in reasons[0]
    assert reasons[1] == "not a failure record of the table's stream"
    assert article.url is not None and page_key(article.url) not in pipeline.object_keys()
    visible = sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10).get("Messages", [])
    assert len(visible) == 2
