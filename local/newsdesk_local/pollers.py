"""Pollers that play Lambda's event source mappings against the emulator.

DynamoDB streams: read each shard in order, deliver filtered records in batches; on failure retry from
the first failed record (ReportBatchItemFailures), split the batch in two on a function error
(BisectBatchOnFunctionError), and after MaximumRetryAttempts send a failure record to the OnFailure
queue and move on. SQS: receive, deliver, delete what succeeded; failed messages come back after the
queue's visibility timeout and the queue's redrive policy moves them to its dead-letter queue.
MaximumBatchingWindowInSeconds and MaximumRecordAgeInSeconds are not played.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from newsdesk_local.event_sources import EventSourceMapping, sqs_record, stream_record
from newsdesk_local.filters import sqs_view
from newsdesk_local.runtime import Invocation

logger = logging.getLogger(__name__)

Invoke = Callable[[dict[str, Any]], Invocation]
SendFailure = Callable[[dict[str, Any]], None]


def failed_item_ids(invocation: Invocation, ids: list[str], *, partial: bool) -> list[str] | None:
    """The ids Lambda considers failed: None if all succeeded, every id on a function error.

    With ReportBatchItemFailures, the response's batchItemFailures name the failed ones; a malformed
    response or an id that is not in the batch fails the whole batch, as in Lambda.
    """
    if invocation.failed:
        return list(ids)
    if not partial:
        return None
    payload = invocation.payload
    if payload is None or (isinstance(payload, dict) and not payload.get("batchItemFailures")):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("batchItemFailures"), list):
        return list(ids)
    failed = []
    for item in payload["batchItemFailures"]:
        identifier = item.get("itemIdentifier") if isinstance(item, dict) else None
        if not identifier or identifier not in ids:
            return list(ids)
        failed.append(str(identifier))
    return failed


# ----- DynamoDB streams --------------------------------------------------------------------------


@dataclass
class StreamDelivery:
    """Delivers one shard's batches with Lambda's retry, bisect and on-failure behaviour."""

    mapping: EventSourceMapping
    invoke: Invoke
    send_failure: SendFailure | None
    function_arn: str
    shard_id: str = ""
    retry_delay: float = 0.5
    max_retry_delay: float = 5.0
    stop: threading.Event | None = None

    def deliver(self, records: list[dict[str, Any]]) -> None:
        """Process the records until each has succeeded or been given up on."""
        pending = [records]
        while pending:
            batch = pending.pop(0)
            retries = 0
            delay = self.retry_delay
            while batch:
                if self.stop is not None and self.stop.is_set():
                    return
                invocation = self.invoke({"Records": batch})
                ids = [r["dynamodb"]["SequenceNumber"] for r in batch]
                failed = failed_item_ids(invocation, ids, partial=self.mapping.report_batch_item_failures)
                _log(self.mapping, len(batch), invocation, failed)
                if failed is None:
                    break
                first = min(ids.index(f) for f in failed)
                batch = batch[first:]  # the checkpoint moves past what succeeded
                if invocation.failed and self.mapping.bisect_on_error and len(batch) > 1:
                    half = len(batch) // 2
                    pending[0:0] = [batch[:half], batch[half:]]
                    break
                retries += 1
                if 0 <= self.mapping.maximum_retry_attempts < retries:
                    self._give_up(batch, retries, invocation)
                    break
                if self.stop is not None and self.stop.wait(delay):
                    return
                delay = min(delay * 2, self.max_retry_delay)

    def _give_up(self, batch: list[dict[str, Any]], attempts: int, invocation: Invocation) -> None:
        logger.warning(
            "%s: giving up on %d record(s) after %d attempts", self.mapping.name, len(batch), attempts
        )
        if self.send_failure is None:
            return
        created = [r["dynamodb"].get("ApproximateCreationDateTime", 0) for r in batch]
        self.send_failure(
            {
                "requestContext": {
                    "requestId": str(uuid.uuid4()),
                    "functionArn": self.function_arn,
                    "condition": "RetryAttemptsExhausted",
                    "approximateInvokeCount": attempts,
                },
                "responseContext": {
                    "statusCode": 200,
                    "executedVersion": "$LATEST",
                    "functionError": "Unhandled" if invocation.failed else "",
                },
                "version": "1.0",
                "timestamp": _iso(dt.datetime.now(dt.UTC)),
                "DDBStreamBatchInfo": {
                    "shardId": self.shard_id,
                    "startSequenceNumber": batch[0]["dynamodb"]["SequenceNumber"],
                    "endSequenceNumber": batch[-1]["dynamodb"]["SequenceNumber"],
                    "approximateArrivalOfFirstRecord": _iso(dt.datetime.fromtimestamp(min(created), dt.UTC)),
                    "approximateArrivalOfLastRecord": _iso(dt.datetime.fromtimestamp(max(created), dt.UTC)),
                    "batchSize": len(batch),
                    "streamArn": self.mapping.source_arn,
                },
            }
        )


class StreamPoller:
    """Reads a table's stream shard by shard and hands filtered batches to a StreamDelivery."""

    def __init__(
        self,
        mapping: EventSourceMapping,
        *,
        streams: Any,
        invoke: Invoke,
        send_failure: SendFailure | None,
        function_arn: str,
        stop: threading.Event,
        retry_delay: float = 0.5,
    ) -> None:
        self.mapping = mapping
        self.streams = streams
        self.invoke = invoke
        self.send_failure = send_failure
        self.function_arn = function_arn
        self.stop = stop
        self.retry_delay = retry_delay
        self._iterators: dict[str, str | None] = {}

    def _refresh_shards(self) -> None:
        description = self.streams.describe_stream(StreamArn=self.mapping.source_arn)["StreamDescription"]
        for shard in description.get("Shards", []):
            shard_id = shard["ShardId"]
            if shard_id not in self._iterators:
                position = "TRIM_HORIZON" if self.mapping.starting_position == "TRIM_HORIZON" else "LATEST"
                self._iterators[shard_id] = self.streams.get_shard_iterator(
                    StreamArn=self.mapping.source_arn, ShardId=shard_id, ShardIteratorType=position
                )["ShardIterator"]

    def poll_once(self) -> int:
        """Read what is new in every shard and deliver it; the number of records read."""
        if not self._iterators:
            self._refresh_shards()
        read = 0
        for shard_id, iterator in list(self._iterators.items()):
            if iterator is None:
                continue
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            self._iterators[shard_id] = response.get("NextShardIterator")
            raw = response.get("Records", [])
            read += len(raw)
            records = [stream_record(r, self.mapping.source_arn) for r in raw]
            records = [r for r in records if self.mapping.filter(r)]
            delivery = StreamDelivery(
                self.mapping,
                self.invoke,
                self.send_failure,
                self.function_arn,
                shard_id=shard_id,
                retry_delay=self.retry_delay,
                stop=self.stop,
            )
            size = self.mapping.batch_size
            for start in range(0, len(records), size):
                delivery.deliver(records[start : start + size])
        return read


# ----- SQS -----------------------------------------------------------------------------------------


class QueuePoller:
    def __init__(
        self, mapping: EventSourceMapping, *, sqs: Any, queue_url: str, invoke: Invoke, region: str
    ) -> None:
        self.mapping = mapping
        self.sqs = sqs
        self.queue_url = queue_url
        self.invoke = invoke
        self.region = region

    def poll_once(self) -> int:
        """Receive up to BatchSize messages and deliver them; the number received."""
        # One receive for up to 10 messages, as Lambda's poller does without a batching window; larger
        # batches are gathered from several receives until one brings nothing new.
        messages: dict[str, dict[str, Any]] = {}
        while len(messages) < self.mapping.batch_size:
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0,
            ).get("Messages", [])
            new = [m for m in received if m["MessageId"] not in messages]
            messages.update((m["MessageId"], m) for m in received)
            if not new or self.mapping.batch_size <= 10:
                break
        if not messages:
            return 0
        records = [sqs_record(m, self.mapping.source_arn, self.region) for m in messages.values()]
        wanted = [r for r in records if self.mapping.filter(sqs_view(r))]
        dropped = [r for r in records if r not in wanted]
        self._delete(dropped)  # Lambda deletes messages its filters drop
        if not wanted:
            return len(messages)
        invocation = self.invoke({"Records": wanted})
        ids = [r["messageId"] for r in wanted]
        failed = failed_item_ids(invocation, ids, partial=self.mapping.report_batch_item_failures)
        _log(self.mapping, len(wanted), invocation, failed)
        self._delete([r for r in wanted if failed is None or r["messageId"] not in failed])
        return len(messages)

    def _delete(self, records: list[dict[str, Any]]) -> None:
        for start in range(0, len(records), 10):
            chunk = records[start : start + 10]
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(chunk)],
            )


# ----- threads ------------------------------------------------------------------------------------


class PollerThread(threading.Thread):
    """Calls poll_once every `interval` seconds (at once again while there is more) until stopped."""

    def __init__(
        self, name: str, poll_once: Callable[[], int], interval: float, stop: threading.Event
    ) -> None:
        super().__init__(name=f"poller-{name}", daemon=True)
        self.poll_once = poll_once
        self.interval = interval
        self.stop_event = stop

    def run(self) -> None:
        while not self.stop_event.is_set():
            try:
                busy = self.poll_once() > 0
            except Exception:
                if self.stop_event.is_set():
                    return
                logger.exception("%s: polling failed; trying again", self.name)
                busy = False
            if not busy:
                self.stop_event.wait(self.interval)


def sqs_failure_sender(sqs: Any, queue_url: str) -> SendFailure:
    def send(record: dict[str, Any]) -> None:
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(record))

    return send


def _log(mapping: EventSourceMapping, count: int, invocation: Invocation, failed: list[str] | None) -> None:
    if invocation.failed:
        logger.error(
            "%s ← %d record(s): %s: %s\n%s",
            mapping.name,
            count,
            invocation.error_type,
            invocation.error_message,
            "".join(invocation.stack_trace),
        )
    elif failed:
        logger.warning("%s ← %d record(s): %d reported failed", mapping.name, count, len(failed))
    else:
        logger.info("%s ← %d record(s): ok in %.0f ms", mapping.name, count, invocation.duration_ms)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
