"""Faults: a fifth of the worker's DynamoDB calls throttled, over hundreds of comments (and some messages
delivered twice). Every comment still ends up stored exactly once, or in the dead-letter queue; none is
lost and none is stored twice.

The event source mapping is played here: receive up to 10, invoke the worker with the SQS event Lambda
would build, delete what succeeded. The queue's visibility timeout is 0, so failed messages come back at
once, and moto's redrive moves a message to the dead-letter queue after its fifth receive.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import uuid
from collections import Counter
from typing import Any

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.batch.comments import handle_comment_batch
from newsdesk.clock import epoch_seconds
from newsdesk.comments.ids import new_ulid
from newsdesk.comments.values import CommentMessage, PersonalData
from tests.comments.conftest import CommentWorld
from tests.conftest import REGION, FakeLambdaContext

# 200 here; `make bench` (bench_faults) plays the same test with 1,000.
COMMENTS = int(os.environ.get("NEWSDESK_FAULT_COMMENTS", "200"))
THROTTLE_RATE = 0.2
DUPLICATED = COMMENTS // 20  # messages sent twice, as SQS may deliver them


class Throttle:
    """A botocore `before-call` hook: answers a share of calls with ProvisionedThroughputExceeded,
    before they reach the service (so botocore's own retries do not hide it)."""

    def __init__(self, rate: float, seed: int) -> None:
        self.rate = rate
        self.random = random.Random(seed)
        self.calls: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()

    def __call__(self, model: Any, **_: Any) -> tuple[Any, dict[str, Any]] | None:
        from botocore.awsrequest import AWSResponse

        self.calls[model.name] += 1
        if self.random.random() >= self.rate:
            return None
        self.throttled[model.name] += 1
        parsed = {
            "Error": {
                "Code": "ProvisionedThroughputExceededException",
                "Message": "The level of configured provisioned throughput for the table was exceeded.",
            },
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        from botocore.awsrequest import HTTPHeaders

        return AWSResponse("https://dynamodb.invalid/", 400, HTTPHeaders(), None), parsed


def message(world: CommentWorld, article_id: str, index: int, now: float) -> CommentMessage:
    created = dt.datetime.fromtimestamp(now - COMMENTS + index, dt.UTC)
    sender = hashlib.sha256(f"sender-{index}".encode()).hexdigest()[:43]
    comment_id = new_ulid(created.timestamp())
    personal = PersonalData(
        email=f"reader{index}@example.com", ip=f"198.51.{index // 250}.{index % 250}", user_agent="fault-test"
    )
    return CommentMessage(
        id=comment_id,
        article_id=article_id,
        name=f"Reader {index}",
        website=None,
        body=f"Comment number {index}: {uuid.uuid4().hex}",
        personal=world.seal(personal, comment_id),
        email_hash=sender,
        ip_hash=hashlib.sha256(f"ip-{index}".encode()).hexdigest()[:43],
        body_hash=hashlib.sha256(str(index).encode()).hexdigest(),
        created_at=created.isoformat(timespec="microseconds"),
        token_valid=True,
    )


def test_throttled_writes_lose_and_duplicate_nothing(world: CommentWorld) -> None:
    import boto3

    # Given a thousand queued comments (fifty of the messages twice) and a queue that redelivers at once
    article = world.article()
    now = epoch_seconds()
    messages = [message(world, article.id, i, now) for i in range(COMMENTS)]
    bodies = [m.to_json() for m in messages] + [m.to_json() for m in messages[:DUPLICATED]]
    for start in range(0, len(bodies), 10):
        world.sqs.send_message_batch(
            QueueUrl=world.queue_url,
            Entries=[{"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])],
        )
    world.sqs.set_queue_attributes(QueueUrl=world.queue_url, Attributes={"VisibilityTimeout": "0"})

    # and a worker whose DynamoDB client has one call in five throttled
    client = boto3.client("dynamodb", region_name=REGION)
    throttle = Throttle(THROTTLE_RATE, seed=20261125)
    client.meta.events.register("before-call.dynamodb", throttle)  # type: ignore[arg-type]
    worker = world.worker(store=CommentStore(world.table, client))

    # When the event source mapping delivers until the queue is empty
    invocations = 0
    while invocations < 5000:
        received = world.receive(10)
        if not received:
            break
        invocations += 1
        try:
            response = handle_comment_batch(world.sqs_event(received), FakeLambdaContext(), worker)
            failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        except BatchProcessingError:  # every record failed: Lambda retries the whole batch
            failed = {m["MessageId"] for m in received}
        done = [m for m in received if m["MessageId"] not in failed]
        if done:
            world.sqs.delete_message_batch(
                QueueUrl=world.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )

    # Then the queue is empty, the faults really happened, ...
    assert world.receive() == []
    total = sum(throttle.calls.values())
    assert 0.15 < sum(throttle.throttled.values()) / total < 0.25
    assert throttle.throttled["PutItem"] > 0 and throttle.throttled["Query"] > 0

    # ... no comment is stored twice ...
    items = world.comment_items()
    stored = Counter(item["id"]["S"] for item in items)
    assert max(stored.values()) == 1

    # ... and each one is either stored or waiting in the dead-letter queue, none lost
    dead: set[str] = set()
    while batch := world.receive(10, url=world.dlq_url):
        dead |= {CommentMessage.from_json(m["Body"]).id for m in batch}
        world.sqs.delete_message_batch(
            QueueUrl=world.dlq_url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
        )
    expected = {m.id for m in messages}
    assert set(stored) | dead == expected
    assert set(stored) <= expected
    assert len(set(stored) - dead) + len(dead - set(stored)) + len(dead & set(stored)) == COMMENTS
    assert len(stored) > 0.95 * COMMENTS  # five failures in a row are rare at one in five
    for item in items:
        assert item["status"]["S"] == "pending"
