"""The announcer's batches: one announcement (newsdesk.site.values) per SQS record, delivered to IndexNow
and the WebSub hub (newsdesk.site.discovery.deliver).

A record whose ping failed is reported in `batchItemFailures`, so only it comes back (after the queue's
visibility timeout); after five receives the queue moves it to its dead-letter queue, which raises an
alarm. A message that is not an announcement is logged and dropped: no retry could read it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsdesk.site.discovery import deliver
from newsdesk.site.ports import Hub, IndexNow
from newsdesk.site.values import Announcement

logger = Logger(child=True)


def handle_announcement_batch(
    event: dict[str, Any], context: Any, *, indexnow: IndexNow | None, hub: Hub | None
) -> PartialItemFailureResponse:
    """A partial batch response for an SQS event of announcements."""

    def handle(record: SQSRecord) -> None:
        try:
            news = Announcement.from_json(record.body)
        except ValueError:
            logger.warning("not an announcement; dropped", message_id=record.message_id)
            return
        deliver(news, indexnow=indexnow, hub=hub)

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
