"""The rebuild worker's batches: one chunk of a full rebuild per SQS message (newsdesk.site.rebuild)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsdesk.site.models import Chunk
from newsdesk.site.ports import Invalidator, RebuildLedger
from newsdesk.site.publisher import SitePublisher
from newsdesk.site.rebuild import run_chunk

logger = Logger(child=True)


def handle_rebuild_batch(
    event: dict[str, Any],
    context: Any,
    publisher: Callable[[], SitePublisher],
    ledger: RebuildLedger,
    cdn: Invalidator,
) -> PartialItemFailureResponse:
    """Render each message's chunk with a publisher of its own; report the chunks that failed."""

    def handle(record: SQSRecord) -> None:
        chunk = Chunk.from_message(record.body)
        status = run_chunk(chunk, publisher(), ledger, cdn)
        logger.info(
            "rebuild chunk done",
            rebuild_id=chunk.rebuild_id,
            chunk=chunk.number,
            done=status.done,
            total=status.total,
        )

    processor = BatchProcessor(event_type=EventType.SQS)
    return process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
