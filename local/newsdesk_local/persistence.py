"""The local stack's state across restarts: read from the emulator, saved, and put back on the next start.

Restoring goes through the emulator's AWS APIs, as any client would; so does reading, with three
exceptions, each reaching moto's objects in this process for a measured reason:

* The tables' items are read from moto's tables (under the emulator's lock, so no transaction is seen
  half done). A save reads every item, and a Scan through the API is slow: with the samples and 100
  articles (732 items) it took 2.1 s on 2 busy cores, where reading moto's items took 0.02 s. The items
  come out exactly as a Scan gives them (tests/local/test_persistence.py compares the two).

* The messages waiting in SQS queues are read from moto's queues. The API's only way to see a message
  is to receive it, and a receive is not a look: it counts towards the queue's maxReceiveCount (moto
  moves the message to the dead-letter queue on the receive that reaches it) and hides the message from
  the worker for the visibility timeout. Restoring sends them again (their receive counts start again
  at zero; in-flight messages come back visible, as after their visibility timeout).
* KMS keys: a new emulator creates each key with a new id and new random material, and KMS has no API
  to read key material (moto has no ImportKeyMaterial either). The stored comments hold ciphertexts
  that name the key's id and keyed hashes made with its material: without the same id and material a
  moderator could no longer see who wrote a comment, and the rate limits would forget every sender. So
  the id and material are saved, and on restore the freshly deployed key takes them back (the deployed
  names follow, so the functions are given the old id). Symmetric and HMAC keys only: the template has
  no other kind.

`Saver` saves when something changed, checked cheaply every few seconds: `ChangeCounter` counts the
requests to the emulator that can change a table, a bucket or a schedule (GET, Describe, List, Query,
Scan ... do not), and the queues' message ids are compared. Objects whose ETag has not changed since the
last save are not fetched again. A change is saved once the emulator has had no write for SAVE_QUIET
seconds, or SAVE_AT_LATEST seconds after it was first seen while writes never pause: a save reads every
table under the emulator's lock, so one in the middle of a publish held its requests up (publish-to-live
outliers of 1.1 to 1.4 s in `bench live`). An editor's work pauses every few seconds, so its changes are
saved within about a second of each pause; a kill -9 during two minutes of constant writes (an import)
loses at most those two minutes, and a stop (Ctrl-C, SIGTERM) always saves. And a save that took t
seconds is followed by at least t / SAVE_SHARE seconds without one, so saving never takes more than a
tenth of the stack's time.
"""

from __future__ import annotations

import base64
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from newsdesk.clock import Clock, utc_now
from newsdesk_local.snapshot import Snapshot, StateFile, decode_body, encode_body
from newsdesk_local.template import Deployed

logger = logging.getLogger(__name__)

SAVE_INTERVAL = 2.0  # seconds between looks for changes while the stack runs
QUIET = 1.0  # seconds without a write after which the emulator is quiet (saving, housekeeping wait for it)
SAVE_QUIET = QUIET  # a change is saved once the emulator is quiet ...
SAVE_AT_LATEST = 120.0  # ... or this long after it was first seen, if writes never pause
SAVE_SHARE = 0.1  # at most this share of the time goes to saving: a save of t s waits t / SAVE_SHARE
BATCH_WRITE = 25  # DynamoDB's BatchWriteItem limit

# What a schedule's definition keeps (GetSchedule's answer less what CreateSchedule does not take).
SCHEDULE_FIELDS = (
    "Name",
    "ScheduleExpression",
    "ScheduleExpressionTimezone",
    "FlexibleTimeWindow",
    "Target",
    "ActionAfterCompletion",
    "State",
    "Description",
    "StartDate",
    "EndDate",
    "KmsKeyArn",
)
# What an object keeps besides its body (GetObject's answer → PutObject's arguments).
OBJECT_FIELDS = {
    "ContentType": "content_type",
    "CacheControl": "cache_control",
    "ContentEncoding": "content_encoding",
    "ContentDisposition": "content_disposition",
    "ContentLanguage": "content_language",
    "WebsiteRedirectLocation": "website_redirect_location",
}

_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_IP_ADDRESS = re.compile(r"[\d.]+|\[[0-9a-fA-F:]+\]")
_READS = ("Get", "BatchGet", "TransactGet", "Query", "Scan", "Describe", "List")
SAVED_SERVICES = frozenset({"dynamodb", "s3", "scheduler"})


# ----- the cheap change check ---------------------------------------------------------------------


class ChangeCounter:
    """WSGI middleware in front of moto server: `generation` grows with every request that may change a
    DynamoDB table, an S3 bucket or a schedule. Conservative: a request it cannot classify counts."""

    def __init__(self, app: Callable[..., Any], clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.generation = 0
        self.changed_at = clock()  # when the last request that may change something came
        self.clock = clock
        self._lock = threading.Lock()
        self.activity = Activity()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if may_change(environ):
            with self._lock:
                self.generation += 1
                self.changed_at = self.clock()
        answer = self.app(environ, start_response)
        if is_write(environ):  # once moto has done it, so a woken poller finds it
            self.activity.happened(write_topic(environ))
        return answer

    def quiet_for(self, seconds: float = QUIET) -> bool:
        """Has no request that may change something come for `seconds`?"""
        return self.clock() - self.changed_at >= seconds


class Activity:
    """Counts the emulator's writes, so that an idle poller sleeps until something may have given it
    work (a stream record, an uploaded object) instead of asking the emulator every `poll_interval`
    seconds. Polling at a fixed interval cost the local stack about a sixth of its CPU while it
    published, and the interval's worth of latency.

    A poller names the writes it waits for by a topic, a prefix of `write_topic`'s description of a
    write ("dynamodb", "sqs", "s3:/bucket/uploads/"): the renderer's dozen page uploads per publish no
    longer wake the stream and queue pollers, nor a poller of a bucket's upload prefix. A write that
    cannot be described (topic "") wakes every poller; the topic "" waits for any write.
    """

    def __init__(self) -> None:
        self.count = 0  # every write
        self._topics: dict[str, int] = {}
        self._changed = threading.Condition()

    def happened(self, what: str = "") -> None:
        with self._changed:
            self.count += 1
            for topic in self._topics:
                if not what or what.startswith(topic):
                    self._topics[topic] += 1
            self._changed.notify_all()

    def count_of(self, topic: str = "") -> int:
        """How many writes of `topic` there have been (counted from the first time it is asked)."""
        if not topic:
            return self.count
        with self._changed:
            return self._topics.setdefault(topic, 0)

    def wait(self, seen: int, timeout: float, stop: threading.Event, topic: str = "") -> None:
        """Return when a write of `topic` counted after `seen`, a stop, or `timeout` seconds have come."""
        with self._changed:
            self._changed.wait_for(lambda: self.count_of(topic) != seen or stop.is_set(), timeout)

    def wake(self) -> None:
        """Wake every waiter (they then look at their stop event)."""
        with self._changed:
            self._changed.notify_all()


def write_topic(environ: dict[str, Any]) -> str:
    """What a write request touches, as Activity's topics name it: the service ("dynamodb", "sqs" ...)
    and, for a path-style S3 request, the bucket and key ("s3:/bucket/key"); "" when the request does
    not say (a browser's form upload carries no Authorization header)."""
    service = _service(environ)
    if service is None:
        return ""
    if service != "s3":
        return service
    host = environ.get("HTTP_HOST", "").rsplit(":", 1)[0]
    if host != "localhost" and not _IP_ADDRESS.fullmatch(host):
        return ""  # virtual-hosted style: the bucket is in the host name
    return f"s3:{environ.get('PATH_INFO', '')}"


def may_change(environ: dict[str, Any]) -> bool:
    """Could this request change what a snapshot holds (the SQS queues are checked otherwise)?"""
    service = _service(environ)
    return service is None or (service in SAVED_SERVICES and is_write(environ))


def _service(environ: dict[str, Any]) -> str | None:
    """The service a request is signed for (its SigV4 credential scope); None when it is not signed."""
    scope = _CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return scope.group(1) if scope else None


def dispatcher() -> Any:
    """moto server's WSGI application, remembering which backend serves which host.

    moto looks the backend up on every request, under one lock for the whole server: it lists moto's
    package directory (about 150 `stat` calls) and then tries every service's URL patterns. In the
    local stack that was the largest single cost of a request: 12 % of the process's CPU while
    articles were published one after another (py-spy, `bench live`). The answer depends on the host
    alone and never changes, so it is remembered per host.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    class RememberingDispatcher(DomainDispatcherApplication):
        def __init__(self) -> None:
            super().__init__(create_backend_app)
            self._backends: dict[str, Any] = {}

        def get_backend_for_host(self, host: str | None) -> Any:
            if host is None:
                return None
            if host not in self._backends:
                self._backends[host] = super().get_backend_for_host(host)
            return self._backends[host]

    return RememberingDispatcher()


def is_write(environ: dict[str, Any]) -> bool:
    """Could this request, of any service, change something (and so give a poller work)? Reads (Get,
    Query, Receive, List ...) do not, so the pollers' own polls never wake each other."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:  # JSON protocols (DynamoDB, DynamoDB Streams, SQS): Service_Version.Operation
        return not target.rpartition(".")[2].startswith((*_READS, "Receive"))
    return environ.get("REQUEST_METHOD", "GET") not in {"GET", "HEAD"}


class EmulatorServer:
    """moto server's application on a thread, behind a ChangeCounter, served by cheroot.

    moto's own ThreadedMotoServer uses werkzeug's development server, which closes the connection after
    every response and starts a thread for every connection. Each SDK call of the handlers then paid for
    a new TCP connection and a new thread: about a fifth of the local stack's CPU while it published
    (py-spy, `bench live`). cheroot (CherryPy's HTTP/1.1 server) keeps connections alive, answers from a
    fixed pool of threads, and sends header names as the application wrote them (S3 user metadata keys
    come back as they were stored; waitress, the other candidate, capitalizes them). The pool is large
    because SQS long polls (the queue pollers' 2 s waits) hold a thread each.
    """

    THREADS = 32
    KEEP_ALIVE = 256

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.changes = ChangeCounter(dispatcher())
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        from cheroot.wsgi import Server

        self._server = Server(
            (self.host, self.port),
            self.changes,
            numthreads=self.THREADS,
            server_name="moto",
            # an SDK connection idle in its pool is kept, as Werkzeug kept none: one that the server
            # closed meanwhile is simply opened again by the SDK
            timeout=60,
        )
        # cheroot keeps 10 idle connections open by default and closes the others after their answer;
        # the stack's clients (pollers, functions, the CDN, the saver) hold many more between calls
        self._server.keep_alive_conn_limit = self.KEEP_ALIVE
        self._server.prepare()  # binds now: a port in use fails the start, not the thread
        self._thread = threading.Thread(target=self._server.serve, name="emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout=10)


# ----- reading the emulator -----------------------------------------------------------------------


@dataclass
class StackState:
    """Reads and restores the state of one deployed stack's tables, buckets, schedules and queues."""

    deployed: Deployed
    dynamodb: Any
    s3: Any
    scheduler: Any
    sqs: Any
    clock: Clock = utc_now
    _objects: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, deployed: Deployed, client: Callable[[str], Any], clock: Clock = utc_now) -> StackState:
        return cls(
            deployed,
            client("dynamodb"),
            client("s3"),
            client("scheduler"),
            client("sqs"),
            clock=clock,
        )

    def _physical(self, type_name: str) -> dict[str, str]:
        return {
            logical: self.deployed.names[logical]
            for logical in self.deployed.of_type(type_name)
            if logical in self.deployed.names
        }

    def tables(self) -> dict[str, str]:
        return self._physical("AWS::DynamoDB::Table")

    def buckets(self) -> dict[str, str]:
        return self._physical("AWS::S3::Bucket")

    def groups(self) -> dict[str, str]:
        return self._physical("AWS::Scheduler::ScheduleGroup")

    def queues(self) -> dict[str, str]:
        return self._physical("AWS::SQS::Queue")

    def keys(self) -> dict[str, str]:
        return self._physical("AWS::KMS::Key")

    def capture(self) -> Snapshot:
        """The stack's state now."""
        return Snapshot(
            stack_name=self.deployed.stack_name,
            region=self.deployed.region,
            saved_at=self.clock().isoformat(),
            tables={logical: self._items(name) for logical, name in self.tables().items()},
            buckets={logical: self._bucket(name) for logical, name in self.buckets().items()},
            schedules={logical: self._schedules(name) for logical, name in self.groups().items()},
            queues=self.messages(),
            keys=self.key_material(),
        )

    def _items(self, table: str) -> list[dict[str, Any]]:
        """Every item of the table, as a Scan gives them (see the module's docstring for why not by API)."""
        from moto.dynamodb.models import dynamodb_backends

        from newsdesk_local.emulator import TABLES_LOCK

        backend = dynamodb_backends[self.deployed.account_id][self.deployed.region]
        with TABLES_LOCK:
            found = [item.to_json()["Attributes"] for item in backend.get_table(table).all_items()]
        return [{name: _from_moto(value) for name, value in item.items()} for item in found]

    def _bucket(self, bucket: str) -> list[dict[str, Any]]:
        """Every current object; one fetched before with the same ETag is not fetched again."""
        objects = []
        seen = set()
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for summary in page.get("Contents", []):
                key, etag = summary["Key"], summary["ETag"]
                seen.add((bucket, key))
                cached = self._objects.get((bucket, key))
                if cached is None or cached[0] != etag:
                    cached = (etag, self._object(bucket, key))
                    self._objects[(bucket, key)] = cached
                objects.append(cached[1])
        for gone in [k for k in self._objects if k[0] == bucket and k not in seen]:
            del self._objects[gone]
        return objects

    def _object(self, bucket: str, key: str) -> dict[str, Any]:
        got = self.s3.get_object(Bucket=bucket, Key=key)
        record: dict[str, Any] = {"key": key}
        for name, saved in OBJECT_FIELDS.items():
            if got.get(name):
                record[saved] = got[name]
        if got.get("Metadata"):
            record["metadata"] = dict(got["Metadata"])
        record["body"] = encode_body(got["Body"].read())
        return record

    def _schedules(self, group: str) -> list[dict[str, Any]]:
        found = []
        for page in self.scheduler.get_paginator("list_schedules").paginate(GroupName=group):
            for summary in page.get("Schedules", []):
                try:
                    schedule = self.scheduler.get_schedule(GroupName=group, Name=summary["Name"])
                except self.scheduler.exceptions.ResourceNotFoundException:
                    continue  # deleted meanwhile
                found.append({k: schedule[k] for k in SCHEDULE_FIELDS if k in schedule})
        return found

    def messages(self) -> dict[str, list[dict[str, Any]]]:
        """The messages in each queue, visible or not (see the module's docstring for why not by API)."""
        from moto.sqs.models import sqs_backends

        backend = sqs_backends[self.deployed.account_id][self.deployed.region]
        saved: dict[str, list[dict[str, Any]]] = {}
        for logical, url in self.queues().items():
            queue = backend.queues.get(url.rstrip("/").rpartition("/")[2])
            messages = list(queue._messages) if queue is not None else []
            saved[logical] = [_message(m) for m in messages]
        return saved

    def message_ids(self) -> tuple[tuple[str, ...], ...]:
        """What the queues hold, cheaply: the ids of their messages."""
        from moto.sqs.models import sqs_backends

        backend = sqs_backends[self.deployed.account_id][self.deployed.region]
        ids = []
        for url in self.queues().values():
            queue = backend.queues.get(url.rstrip("/").rpartition("/")[2])
            ids.append(tuple(m.id for m in list(queue._messages)) if queue is not None else ())
        return tuple(ids)

    def _kms(self) -> Any:
        from moto.kms.models import kms_backends

        return kms_backends[self.deployed.account_id][self.deployed.region]

    def key_material(self) -> dict[str, dict[str, str]]:
        """Each key's id and material (see the module's docstring for why not by API)."""
        backend = self._kms()
        saved = {}
        for logical, key_id in self.keys().items():
            key = backend.keys.get(key_id)
            if key is not None:
                saved[logical] = {"id": key.id, "material": base64.b64encode(key.key_material).decode()}
        return saved

    def restore_keys(self, saved: dict[str, dict[str, str]]) -> None:
        """The deployed keys take back their saved ids and material; the deployed names follow."""
        backend = self._kms()
        for logical, record in saved.items():
            current = self._known(self.keys(), logical, "KMS key")
            key = backend.keys.get(current) if current is not None else None
            if key is None:
                continue
            old_id, old_arn = key.id, key.arn
            new_id = record["id"]
            key.key_material = base64.b64decode(record["material"], validate=True)
            if new_id == old_id:
                continue
            del backend.keys[old_id]
            key.id, key.arn = new_id, old_arn.replace(old_id, new_id)
            backend.keys[new_id] = key
            self.deployed.names[logical] = new_id
            self.deployed.arns[logical] = key.arn
            for attribute, value in list(self.deployed.attributes.items()):
                if attribute[0] == logical and value in (old_id, old_arn):
                    self.deployed.attributes[attribute] = new_id if value == old_id else key.arn

    # ----- restoring ---------------------------------------------------------------------------

    def restore(self, snapshot: Snapshot) -> None:
        """Put a snapshot's state into the freshly deployed (empty) stack. Resources the template no
        longer has are skipped, with a warning."""
        self.restore_keys(snapshot.keys)
        for logical, items in snapshot.tables.items():
            table = self._known(self.tables(), logical, "table")
            if table is not None:
                self._put_items(table, items)
        for logical, objects in snapshot.buckets.items():
            bucket = self._known(self.buckets(), logical, "bucket")
            if bucket is not None:
                for record in objects:
                    self._put_object(bucket, record)
        for logical, schedules in snapshot.schedules.items():
            group = self._known(self.groups(), logical, "schedule group")
            if group is not None:
                for schedule in schedules:
                    self.scheduler.create_schedule(GroupName=group, **schedule)
        for logical, messages in snapshot.queues.items():
            url = self._known(self.queues(), logical, "queue")
            if url is not None:
                for message in messages:
                    self.sqs.send_message(QueueUrl=url, **_send_arguments(message))

    @staticmethod
    def _known(physical: dict[str, str], logical: str, what: str) -> str | None:
        if logical not in physical:
            logger.warning("the saved state has a %s %s the template no longer has; skipped", what, logical)
        return physical.get(logical)

    def _put_items(self, table: str, items: list[dict[str, Any]]) -> None:
        for batch in _chunks(items, BATCH_WRITE):
            requests: dict[str, Any] = {table: [{"PutRequest": {"Item": item}} for item in batch]}
            while requests:
                answer = self.dynamodb.batch_write_item(RequestItems=requests)
                requests = answer.get("UnprocessedItems") or {}

    def _put_object(self, bucket: str, record: dict[str, Any]) -> None:
        arguments: dict[str, Any] = {"Bucket": bucket, "Key": record["key"]}
        arguments["Body"] = decode_body(record["body"])
        for name, saved in OBJECT_FIELDS.items():
            if record.get(saved):
                arguments[name] = record[saved]
        if record.get("metadata"):
            arguments["Metadata"] = record["metadata"]
        etag = self.s3.put_object(**arguments)["ETag"]
        self._objects[(bucket, record["key"])] = (etag, record)  # the next save need not fetch it


def _from_moto(value: dict[str, Any]) -> dict[str, Any]:
    """A moto attribute value as boto3 gives it: binary values as bytes (moto keeps base64 text or bytes)."""
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": _binary(inner)}
    if kind == "BS":
        return {"BS": [_binary(b) for b in inner]}
    if kind == "M":
        return {"M": {k: _from_moto(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_from_moto(v) for v in inner]}
    return {kind: inner}


def _binary(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else base64.b64decode(value)


def _message(message: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"body": message.body}
    if message.message_attributes:
        record["attributes"] = message.message_attributes
    if message.group_id:
        record["group_id"] = message.group_id
    if message.deduplication_id:
        record["deduplication_id"] = message.deduplication_id
    return record


def _send_arguments(message: dict[str, Any]) -> dict[str, Any]:
    arguments: dict[str, Any] = {"MessageBody": message["body"]}
    if message.get("attributes"):
        arguments["MessageAttributes"] = {
            name: {k: v for k, v in value.items() if k in {"DataType", "StringValue", "BinaryValue"}}
            for name, value in message["attributes"].items()
        }
    if message.get("group_id"):
        arguments["MessageGroupId"] = message["group_id"]
    if message.get("deduplication_id"):
        arguments["MessageDeduplicationId"] = message["deduplication_id"]
    return arguments


def _chunks(items: list[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ----- saving while running ------------------------------------------------------------------------


@dataclass
class SaveReport:
    seconds: float
    size: int
    snapshot: Snapshot


class Saver(threading.Thread):
    """Saves the stack's state every `interval` seconds if something changed, and once more on `stop`."""

    def __init__(
        self,
        state: StackState,
        file: StateFile,
        changes: ChangeCounter,
        stop: threading.Event,
        interval: float = SAVE_INTERVAL,
    ) -> None:
        super().__init__(name="state-saver", daemon=True)
        self.state = state
        self.file = file
        self.changes = changes
        self.stop_event = stop
        self.interval = interval
        self.saves = 0
        self._lock = threading.Lock()
        self._saved: tuple[int, tuple[tuple[str, ...], ...]] | None = None
        self._pending_since: float | None = None  # when a change not yet saved was first seen

    def mark_saved(self) -> None:
        """What the emulator holds now is what the file holds (just restored, or nothing to lose)."""
        self._saved = (self.changes.generation, self.state.message_ids())

    def changed(self) -> bool:
        return self._saved != (self.changes.generation, self.state.message_ids())

    def save(self, *, force: bool = False) -> SaveReport | None:
        with self._lock:
            seen = (self.changes.generation, self.state.message_ids())
            if not force and seen == self._saved:
                return None
            started = time.perf_counter()
            snapshot = self.state.capture()
            size = self.file.write(snapshot)
            self._saved = seen  # changes made while capturing are saved next time
            self.saves += 1
            return SaveReport(time.perf_counter() - started, size, snapshot)

    def due(self) -> bool:
        """Is there a change to save now: the emulator has been quiet for SAVE_QUIET seconds, or the
        change has waited SAVE_AT_LATEST seconds for a pause?"""
        if not self.changed():
            self._pending_since = None
            return False
        now = self.changes.clock()
        if self._pending_since is None:
            self._pending_since = now
        return self.changes.quiet_for(SAVE_QUIET) or now - self._pending_since >= SAVE_AT_LATEST

    def run(self) -> None:
        wait = self.interval
        while not self.stop_event.wait(wait):
            wait = self.interval
            try:
                if not self.due():
                    if self._pending_since is not None:  # look again soon after the writes pause
                        wait = min(self.interval, SAVE_QUIET / 2)
                    continue
                report = self.save()
            except Exception:
                logger.exception("saving the local state to %s failed; trying again", self.file.path)
                continue
            if report is not None:
                self._pending_since = None
                wait = max(self.interval, report.seconds / SAVE_SHARE)
                logger.debug("state saved in %.3f s (%d bytes)", report.seconds, report.size)
