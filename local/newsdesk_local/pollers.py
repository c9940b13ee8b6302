"""Pollers that play Lambda's event source mappings against the emulator.

DynamoDB streams: read each shard in order, deliver filtered records in batches; on failure retry from
the first failed record (ReportBatchItemFailures), split the batch in two on a function error
(BisectBatchOnFunctionError), and after MaximumRetryAttempts send a failure record to the OnFailure
queue and move on. SQS: receive, deliver, delete what succeeded; failed messages come back after the
queue's visibility timeout and the queue's redrive policy moves them to its dead-letter queue.
MaximumBatchingWindowInSeconds and MaximumRecordAgeInSeconds are not played.

A stream poller recovers from whatever happens to the stream (see StreamPoller), and a poller that
cannot read its source says so on the console until it can again (see PollerThread).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newsdesk_local.event_sources import EventSourceMapping, sqs_record, stream_record
from newsdesk_local.filters import sqs_view
from newsdesk_local.runtime import Invocation

if TYPE_CHECKING:
    from newsdesk_local.persistence import Activity

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


@dataclass
class ShardCursor:
    """Where the poller is in one shard: the last sequence number read (delivered, or dropped by the
    filters) and the iterator that reads on from there."""

    shard_id: str
    parent_id: str | None = None
    checkpoint: str | None = None  # None: nothing read yet, so the shard's trim horizon
    iterator: str | None = None
    closed: bool = False  # GetRecords gave no next iterator: the shard has been read to its end


class StreamPoller:
    """Reads a table's stream shard by shard and hands filtered batches to a StreamDelivery.

    It keeps, per shard, the sequence number of the last record it read, so it can always get a new
    iterator that reads on from exactly there: when an iterator expires (DynamoDB: after 15 minutes),
    when the shard is not found, and every `rediscover_every` seconds, when it also asks DescribeTable
    for the table's current stream (LatestStreamArn, followed if the stream was replaced) and
    DescribeStream for new shards (a child shard is read after its parent). Records are delivered
    before the checkpoint moves past them, so none is skipped; each is read once on the normal path.
    Records trimmed before they could be read are lost, as in Lambda; the poller says so, as an error.
    StartingPosition LATEST is taken, on the first discovery, as "after the last record then in the shard".
    """

    def __init__(
        self,
        mapping: EventSourceMapping,
        *,
        streams: Any,
        invoke: Invoke,
        send_failure: SendFailure | None,
        function_arn: str,
        stop: threading.Event,
        dynamodb: Any = None,
        retry_delay: float = 0.5,
        rediscover_every: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.mapping = mapping
        self.streams = streams
        self.dynamodb = dynamodb
        self.invoke = invoke
        self.send_failure = send_failure
        self.function_arn = function_arn
        self.stop = stop
        self.retry_delay = retry_delay
        self.rediscover_every = rediscover_every
        self.clock = clock
        self.stream_arn = mapping.source_arn
        self.cursors: dict[str, ShardCursor] = {}
        self._discovered_at: float | None = None

    # ----- reading ----------------------------------------------------------------------------

    def poll_once(self) -> int:
        """Read what is new in every readable shard and deliver it; the number of records read."""
        now = self.clock()
        if self._discovered_at is None or now - self._discovered_at >= self.rediscover_every:
            try:
                self.discover()
            except Exception:
                self._discovered_at = None  # no reading until the stream can be seen again
                raise
        read = 0
        for cursor in self._readable():
            read += self._read(cursor)
        return read

    def _readable(self) -> list[ShardCursor]:
        """Open shards whose parent, if the poller knows it, has been read to its end."""
        return [
            c
            for c in list(self.cursors.values())
            if not c.closed
            and (c.parent_id is None or c.parent_id not in self.cursors or self.cursors[c.parent_id].closed)
        ]

    def _read(self, cursor: ShardCursor) -> int:
        try:
            if cursor.iterator is None:
                cursor.iterator = self._iterator(cursor)
            response = self.streams.get_records(ShardIterator=cursor.iterator, Limit=1000)
        except Exception as exc:
            code = _error_code(exc)
            if code not in _RECOVERABLE:
                self._discovered_at = None  # whatever failed, look at the stream again before reading on
                raise
            self._recover(cursor, code, exc)
            return 0
        raw = response.get("Records", [])
        if raw:
            self._deliver(cursor.shard_id, raw)
            cursor.checkpoint = str(raw[-1]["dynamodb"]["SequenceNumber"])
        cursor.iterator = response.get("NextShardIterator")
        if cursor.iterator is None:
            cursor.closed = True
            logger.info("%s: shard %s read to its end", self.mapping.name, cursor.shard_id)
        return len(raw)

    def _deliver(self, shard_id: str, raw: list[dict[str, Any]]) -> None:
        records = [stream_record(r, self.stream_arn) for r in raw]
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

    def _iterator(self, cursor: ShardCursor) -> str:
        """An iterator reading on after the checkpoint (from the trim horizon if there is none)."""
        args: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": cursor.shard_id}
        if cursor.checkpoint is None:
            args["ShardIteratorType"] = "TRIM_HORIZON"
        else:
            args.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=cursor.checkpoint)
        return str(self.streams.get_shard_iterator(**args)["ShardIterator"])

    def _recover(self, cursor: ShardCursor, code: str, exc: Exception) -> None:
        where = f"{self.mapping.name}: reading shard {cursor.shard_id} of {self.stream_arn}"
        after = f"after sequence number {cursor.checkpoint}" if cursor.checkpoint else "from the trim horizon"
        if code == "ExpiredIteratorException":
            logger.warning("%s: %s; reading on %s with a new iterator", where, code, after)
            cursor.iterator = self._iterator(cursor)
        elif code == "TrimmedDataAccessException":
            logger.error(
                "%s: %s: records %s were trimmed before they could be delivered (%s); "
                "reading on from the trim horizon",
                where,
                code,
                after,
                exc,
            )
            cursor.checkpoint = None
            cursor.iterator = self._iterator(cursor)
        else:  # ResourceNotFoundException: the shard or the stream is gone
            logger.warning("%s: %s (%s); looking for the table's stream and shards again", where, code, exc)
            cursor.iterator = None
            self.discover()

    # ----- discovery ---------------------------------------------------------------------------

    def discover(self) -> None:
        """Follow the table's current stream, learn its shards, and renew every open shard's iterator
        from its checkpoint (so a reader never keeps reading a shard the emulator has replaced)."""
        self._discovered_at = self.clock()
        # LATEST applies to the poller's very first discovery only: a stream found later (the table was
        # recreated) is read from its start, or a record written before this discovery would be lost.
        first = not self.cursors
        self._follow_latest_stream()
        for shard in self._shards():
            shard_id = shard["ShardId"]
            if shard_id in self.cursors:
                continue
            cursor = ShardCursor(shard_id, parent_id=shard.get("ParentShardId"))
            if first and self.mapping.starting_position == "LATEST":
                cursor.checkpoint = self._last_sequence_number(cursor)
            # A shard found later holds only records written since the poller started: from its start.
            self.cursors[shard_id] = cursor
        for cursor in self.cursors.values():
            if not cursor.closed:
                cursor.iterator = self._renewed_iterator(cursor)

    def _renewed_iterator(self, cursor: ShardCursor) -> str | None:
        try:
            return self._iterator(cursor)
        except Exception as exc:
            code = _error_code(exc)
            if code == "TrimmedDataAccessException":
                return cursor.iterator  # reading it reports the loss and moves to the horizon
            if code == "ResourceNotFoundException":
                logger.warning(
                    "%s: shard %s is no longer in %s; it is not read any more",
                    self.mapping.name,
                    cursor.shard_id,
                    self.stream_arn,
                )
                cursor.closed = True
                return None
            raise

    def _shards(self) -> list[dict[str, Any]]:
        shards: list[dict[str, Any]] = []
        args: dict[str, Any] = {"StreamArn": self.stream_arn}
        while True:
            description = self.streams.describe_stream(**args)["StreamDescription"]
            shards += description.get("Shards", [])
            last = description.get("LastEvaluatedShardId")
            if not last:
                return shards
            args["ExclusiveStartShardId"] = last

    def _follow_latest_stream(self) -> None:
        if self.dynamodb is None:
            return
        table = _table_of_stream(self.stream_arn)
        latest = self.dynamodb.describe_table(TableName=table)["Table"].get("LatestStreamArn")
        if not latest:
            raise RuntimeError(
                f"table {table} has no stream enabled; {self.mapping.name} has nothing to read"
            )
        if latest != self.stream_arn:
            logger.warning(
                "%s: table %s has a new stream %s (was %s); reading it from its start",
                self.mapping.name,
                table,
                latest,
                self.stream_arn,
            )
            self.stream_arn = latest
            self.cursors = {}

    def _last_sequence_number(self, cursor: ShardCursor) -> str | None:
        """The sequence number of the shard's newest record (LATEST), read without delivering."""
        iterator: str | None = self._iterator(cursor)
        last = None
        while iterator:
            response = self.streams.get_records(ShardIterator=iterator, Limit=1000)
            records = response.get("Records", [])
            if not records:
                break
            last = str(records[-1]["dynamodb"]["SequenceNumber"])
            iterator = response.get("NextShardIterator")
        return last


_RECOVERABLE = {"ExpiredIteratorException", "TrimmedDataAccessException", "ResourceNotFoundException"}


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _table_of_stream(stream_arn: str) -> str:
    """arn:aws:dynamodb:REGION:ACCOUNT:table/NAME/stream/LABEL → NAME."""
    return stream_arn.split(":", 5)[5].split("/")[1]


# ----- SQS -----------------------------------------------------------------------------------------


class QueuePoller:
    """Receives from one queue as Lambda's poller does: a long poll (`wait_seconds`; Lambda waits up to
    20 s, the local stack less so that it stops quickly), answered as soon as a message arrives, so an
    idle queue costs the emulator a request every few seconds instead of several a second."""

    def __init__(
        self,
        mapping: EventSourceMapping,
        *,
        sqs: Any,
        queue_url: str,
        invoke: Invoke,
        region: str,
        wait_seconds: int = 0,
    ) -> None:
        self.mapping = mapping
        self.sqs = sqs
        self.queue_url = queue_url
        self.invoke = invoke
        self.region = region
        self.wait_seconds = wait_seconds

    def poll_once(self) -> int:
        """Receive up to BatchSize messages and deliver them; the number received."""
        # One receive for up to 10 messages, as Lambda's poller does without a batching window; larger
        # batches are gathered from several receives (without waiting) until one brings nothing new.
        messages: dict[str, dict[str, Any]] = {}
        while len(messages) < self.mapping.batch_size:
            received = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(10, self.mapping.batch_size - len(messages)),
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
                WaitTimeSeconds=0 if messages else self.wait_seconds,
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
    """Calls poll_once every `interval` seconds (at once again while there is more) until stopped. Given
    the emulator's `activity`, an idle poller instead sleeps until the emulator takes a write (or
    `idle_interval` seconds pass: messages come back from their visibility timeout with no request).

    A poll that fails is logged as an error (with its traceback the first time, then once every
    `report_every` seconds while it keeps failing), and polling goes on; the first poll that works again
    is logged too, so a poller never goes silent.
    """

    def __init__(
        self,
        name: str,
        poll_once: Callable[[], int],
        interval: float,
        stop: threading.Event,
        report_every: float = 30.0,
        activity: Activity | None = None,
        idle_interval: float = 1.0,
        topic: str = "",
    ) -> None:
        super().__init__(name=f"poller-{name}", daemon=True)
        self.poll_once = poll_once
        self.interval = interval
        self.stop_event = stop
        self.report_every = report_every
        self.activity = activity
        self.idle_interval = idle_interval
        self.topic = topic

    def run(self) -> None:
        failures = 0
        reported_at = 0.0
        while not self.stop_event.is_set():
            # before the poll: no write missed
            seen = self.activity.count_of(self.topic) if self.activity is not None else 0
            try:
                busy = self.poll_once() > 0
            except Exception as exc:
                if self.stop_event.is_set():
                    return
                failures += 1
                now = time.monotonic()
                if failures == 1 or now - reported_at >= self.report_every:
                    reported_at = now
                    logger.error(
                        "%s: cannot read its event source (%d failed poll(s) in a row): %s: %s",
                        self.name,
                        failures,
                        type(exc).__name__,
                        exc,
                        exc_info=failures == 1,
                    )
                busy = False
            else:
                if failures:
                    logger.warning(
                        "%s: reading its event source again after %d failed poll(s)", self.name, failures
                    )
                    failures = 0
            if busy:
                continue
            if self.activity is not None and not failures:
                self.activity.wait(seen, self.idle_interval, self.stop_event, self.topic)
            else:
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
