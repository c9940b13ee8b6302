"""`redrive` sends what the comment dead-letter queue holds back to the comment queue: once the cause is
repaired, every comment is stored, each once, and a second redrive finds nothing."""

from __future__ import annotations

import contextlib

from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.sqs import DeadLetters, SqsQueue
from newsdesk.batch.redrive import redrive_comments
from newsdesk.comments.models import Comment
from tests.comments.conftest import CommentWorld, comment_fields


class BrokenStore(CommentStore):
    """The comment store while DynamoDB refuses every write."""

    def put_new(self, comment: Comment) -> bool:
        raise RuntimeError("DynamoDB is unavailable")


def test_redrive_resends_dead_comments_and_a_second_redrive_does_nothing(world: CommentWorld) -> None:
    # Given two comments whose every delivery failed until the queue moved them to its dead-letter queue
    article = world.article()
    ids = []
    for n in range(2):
        fields = comment_fields(
            name=f"Reader {n}", email=f"reader{n}@example.org", body=f"Comment number {n}"
        )
        response = world.post(article.id, fields, ip=f"203.0.113.{10 + n}")  # two readers, two addresses
        assert response.status == 202, response.body
        ids.append(response.json()["id"])
    world.sqs.set_queue_attributes(QueueUrl=world.queue_url, Attributes={"VisibilityTimeout": "0"})
    broken = world.worker(store=BrokenStore(world.table, world.ddb))
    for _ in range(6):  # every record failed: a function error, and Lambda deletes nothing
        with contextlib.suppress(BatchProcessingError):
            world.deliver(broken)
    assert world.receive() == [] and all(world.stored(i) is None for i in ids)
    dead_letters = DeadLetters(world.dlq_url, world.sqs, hide_for=30)

    # When the store works again and the dead-letter queue is replayed
    report = redrive_comments(dead_letters, SqsQueue(world.queue_url, world.sqs))
    world.drain()

    # Then both comments are stored, the report names them, and the dead-letter queue is empty
    assert all(world.stored(i) is not None for i in ids)
    assert report.to_dict()["replayed"] == 2 and sorted(report.items) == sorted(ids) and not report.left
    assert world.receive(url=world.dlq_url) == []
    # and a second redrive finds nothing
    again = redrive_comments(dead_letters, SqsQueue(world.queue_url, world.sqs))
    assert again.to_dict()["replayed"] == 0 and not again.left and world.receive() == []
