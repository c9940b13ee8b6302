"""The comment worker's batches: one comment message per SQS record (newsdesk.comments.worker).

Records that fail are reported in `batchItemFailures`, so only they come back; after five receives the
queue moves a message to its dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsdesk.comments.values import CommentMessage
from newsdesk.comments.worker import Worker


def handle_comment_batch(event: dict[str, Any], context: Any, worker: Worker) -> PartialItemFailureResponse:
    """A partial batch response for an SQS event of comment messages."""

    def handle(record: SQSRecord) -> None:
        worker.process(CommentMessage.from_json(record.body))

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
