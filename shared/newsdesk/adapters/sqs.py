"""SQS: the comment queue (the intake sends, the worker receives), the rebuild queue (chunks of a full
rebuild), the announcement queue (the renderer tells the announcer what a batch changed) and the
dead-letter queues a redrive empties. Standard library only until the first message is
sent (the comment intake imports this)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from newsdesk.adapters.aws import AwsAdapter

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient

    from newsdesk.comments.values import CommentMessage
    from newsdesk.site.models import Chunk
    from newsdesk.site.values import Announcement

BATCH = 10  # SendMessageBatch takes at most ten messages


class SqsQueue(AwsAdapter["SQSClient"]):
    service = "sqs"

    def __init__(self, queue_url: str, client: SQSClient | None = None) -> None:
        super().__init__(client)
        self.queue_url = queue_url

    def send_body(self, body: str) -> None:
        """Send a message body as it is (newsdesk.batch.redrive.MessageSender)."""
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=body)


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


class AnnouncementQueue(SqsQueue):
    """newsdesk.site.ports.AnnouncementQueue."""

    def send_announcement(self, announcement: Announcement) -> None:
        self.client.send_message(QueueUrl=self.queue_url, MessageBody=announcement.to_json())


@dataclass(frozen=True)
class DeadLetter:
    """A message received from a dead-letter queue."""

    message_id: str
    receipt_handle: str
    body: str


class DeadLetters(SqsQueue):
    """A dead-letter queue, emptied by a redrive (newsdesk.batch.redrive.DeadLetterQueue)."""

    def __init__(self, queue_url: str, client: SQSClient | None = None, *, hide_for: int = 300) -> None:
        super().__init__(queue_url, client)
        self.hide_for = hide_for  # seconds a received message stays hidden while it is replayed

    def receive(self) -> list[DeadLetter]:
        response = self.client.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=BATCH,
            VisibilityTimeout=self.hide_for,
            WaitTimeSeconds=1,  # long polling asks every SQS server: an empty answer means an empty queue
        )
        return [
            DeadLetter(message_id=m["MessageId"], receipt_handle=m["ReceiptHandle"], body=m["Body"])
            for m in response.get("Messages", [])
        ]

    def delete(self, letters: list[DeadLetter]) -> None:
        self._each(letters, "delete_message_batch", lambda letter: {})

    def release(self, letters: list[DeadLetter]) -> None:
        self._each(letters, "change_message_visibility_batch", lambda letter: {"VisibilityTimeout": 0})

    def _each(self, letters: list[DeadLetter], operation: str, extra: Callable[[DeadLetter], dict]) -> None:
        for start in range(0, len(letters), BATCH):
            group = letters[start : start + BATCH]
            response = getattr(self.client, operation)(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": letter.receipt_handle, **extra(letter)}
                    for i, letter in enumerate(group)
                ],
            )
            if response.get("Failed"):
                raise RuntimeError(f"{operation} failed for {response['Failed']}")
