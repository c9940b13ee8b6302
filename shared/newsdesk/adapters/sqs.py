"""SQS: the comment queue (the intake sends, the worker receives) and the rebuild queue (chunks of a full
rebuild). Standard library only until the first message is sent (the comment intake imports this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdesk.adapters.aws import AwsAdapter

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from newsdesk.comments.values import CommentMessage
    from newsdesk.site.models import Chunk

BATCH = 10  # SendMessageBatch takes at most ten messages


class SqsQueue(AwsAdapter["SQSClient"]):
    service = "sqs"

    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        super().__init__(client)
        self.queue_url = queue_url


class CommentQueue(SqsQueue):
    """newsdesk.comments.ports.CommentQueue."""

    def send(self, message: CommentMessage) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=message.to_json())


class ChunkQueue(SqsQueue):
    """newsdesk.site.ports.ChunkQueue."""

    def send_chunks(self, chunks: list[Chunk]) -> None:
        for start in range(0, len(chunks), BATCH):
            group = chunks[start : start + BATCH]
            response = self.client.send_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(c.number), "MessageBody": c.to_message()} for c in group],
            )
            if response.get("Failed"):
                raise RuntimeError(f"could not enqueue rebuild chunks: {response['Failed']}")
