"""Count the AWS calls a piece of the pipeline makes, with botocore's event hooks.

Product code knows nothing of this: a `CallCounter` attaches to a boto3 session (every client made from
it afterwards, including the adapters' lazily built clients of the default session) or to a client that
already exists (`client.meta.events`: a client copies its session's hooks when it is made). Each API call
is counted once, at `after-call` (retries of the same call are not extra calls; each page of a paginator
is; a call answered with an error counts too), with its parameters as `before-parameter-build` saw
them. It keeps what a bill needs from the parsed response: the sizes of the DynamoDB
items read, of the S3 bodies written and read, of the SQS messages sent.

    counter = CallCounter()
    counter.attach(boto3.DEFAULT_SESSION)   # or a session, or one client
    with counter.window() as calls:         # only the calls made inside
        publish()
    calls.by_operation()                    # {("DynamoDB", "Query"): 3, ("S3", "PutObject"): 12, ...}
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

READ_UNIT = 4096  # bytes of item read per DynamoDB read request unit (strongly consistent)
WRITE_UNIT = 1024  # bytes of item written per write request unit


@dataclass(frozen=True)
class Call:
    """One API call: its service (botocore's service id, e.g. "DynamoDB"), operation and the figures a
    bill depends on."""

    service: str
    operation: str
    read_units: float = 0.0  # DynamoDB read request units, from the sizes of the items returned
    bytes_out: int = 0  # bytes sent (S3 PutObject bodies, SQS message bodies)
    bytes_in: int = 0  # bytes received (S3 GetObject bodies)
    # DynamoDB TransactWriteItems: (action, PK, SK) of each item, for pricing its writes as transactional
    transact: tuple[tuple[str, str, str], ...] = ()
    # CPU seconds the calling thread spent inside the call (botocore, and moto when it runs in process)
    cpu_seconds: float = 0.0


@dataclass
class Calls:
    """The calls seen in one window, in order."""

    calls: list[Call] = field(default_factory=list)

    def by_operation(self) -> Counter[tuple[str, str]]:
        return Counter((c.service, c.operation) for c in self.calls)

    def by_service(self) -> Counter[str]:
        return Counter(c.service for c in self.calls)

    def count(self, service: str, operation: str | None = None) -> int:
        return sum(1 for c in self.calls if c.service == service and operation in (None, c.operation))

    def read_units(self) -> float:
        return sum(c.read_units for c in self.calls)

    def table(self) -> dict[str, int]:
        """`"Service.Operation": n`, most frequent first (for the JSON report)."""
        return {f"{s}.{o}": n for (s, o), n in self.by_operation().most_common()}

    def __len__(self) -> int:
        return len(self.calls)


class CallCounter:
    """Counts the calls of every session or client it is attached to (thread-safe: uploads run in a pool)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: list[Calls] = []
        self._attached: list[Any] = []

    def attach(self, target: Any) -> Any:
        """Hook into a boto3 Session, a botocore Session or a client; returns the target."""
        events = getattr(getattr(target, "meta", None), "events", None) or getattr(target, "events", None)
        if events is None:
            raise TypeError(f"cannot count the calls of {target!r}")
        events.register("before-parameter-build", self._before, unique_id=f"count-{id(self)}-before")
        events.register("after-call", self._after, unique_id=f"count-{id(self)}-after")
        self._attached.append(events)
        return target

    def detach(self) -> None:
        for events in self._attached:
            events.unregister("before-parameter-build", unique_id=f"count-{id(self)}-before")
            events.unregister("after-call", unique_id=f"count-{id(self)}-after")
        self._attached.clear()

    @contextmanager
    def window(self) -> Iterator[Calls]:
        """The calls made until the block ends (windows may nest; each sees every call made inside it)."""
        calls = Calls()
        with self._lock:
            self._windows.append(calls)
        try:
            yield calls
        finally:
            with self._lock:
                # by identity: nested windows hold equal lists of calls
                self._windows = [w for w in self._windows if w is not calls]

    # ----- hooks --------------------------------------------------------------------------------

    def _before(self, model: Any, params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        # Remembered per request context: the after-call hook reads the request's parameters back.
        context["_counted"] = (model.service_model.service_id, model.name, params)
        context["_cpu_started"] = time.thread_time()

    def _after(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        service, operation, params = context.get("_counted", (model.service_model.service_id, model.name, {}))
        call = Call(
            str(service),
            operation,
            read_units=_read_units(operation, params, parsed) if service == "DynamoDB" else 0.0,
            bytes_out=_bytes_out(service, operation, params),
            bytes_in=int(parsed.get("ContentLength") or 0) if operation == "GetObject" else 0,
            transact=_transact(params) if operation == "TransactWriteItems" else (),
            cpu_seconds=time.thread_time() - context.get("_cpu_started", time.thread_time()),
        )
        with self._lock:
            for calls in self._windows:
                calls.calls.append(call)


# ----- what a call costs in DynamoDB read units ---------------------------------------------------------


def attribute_size(value: dict[str, Any]) -> int:
    """Bytes of one attribute value (DynamoDB's item size rules, close enough for a bill)."""
    kind, inner = next(iter(value.items()))
    if kind == "S":
        return len(str(inner).encode())
    if kind == "B":
        return len(inner) if isinstance(inner, bytes | bytearray) else len(str(inner))
    if kind == "N":
        digits = len(str(inner).lstrip("-").replace(".", "").lstrip("0")) or 1
        return math.ceil(digits / 2) + 1
    if kind in {"BOOL", "NULL"}:
        return 1
    if kind in {"SS", "NS", "BS"}:
        return sum(attribute_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + attribute_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + attribute_size(v) for k, v in inner.items())
    return 0


def item_size(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + attribute_size(value) for name, value in item.items())


def _units(size: int, consistent: bool) -> float:
    units = max(1, math.ceil(size / READ_UNIT))
    return float(units) if consistent else units / 2


def _read_units(operation: str, params: dict[str, Any], parsed: dict[str, Any]) -> float:
    """Read request units of a read, from the items it returned: a GetItem rounds its item up to 4 KB,
    a Query the sum of its items (at least one unit), a BatchGetItem each item; eventually consistent
    reads cost half. Items read through a projection are counted at their returned size, so Queries
    with a ProjectionExpression come out a little low."""
    consistent = bool(params.get("ConsistentRead"))
    if operation == "GetItem":
        return _units(item_size(parsed.get("Item") or {}), consistent)
    if operation in {"Query", "Scan"}:
        return _units(sum(item_size(i) for i in parsed.get("Items", [])), consistent)
    if operation == "BatchGetItem":
        units = 0.0
        for table, items in parsed.get("Responses", {}).items():
            strong = bool(params.get("RequestItems", {}).get(table, {}).get("ConsistentRead"))
            units += sum(_units(item_size(i), strong) for i in items)
        return units
    if operation == "TransactGetItems":
        return sum(2 * _units(item_size(r.get("Item") or {}), True) for r in parsed.get("Responses", []))
    return 0.0


def _bytes_out(service: str, operation: str, params: dict[str, Any]) -> int:
    if service == "S3" and operation == "PutObject":
        body = params.get("Body", b"")
        return len(body) if isinstance(body, bytes | bytearray | str) else 0
    if service == "SQS" and operation == "SendMessage":
        return len(str(params.get("MessageBody", "")).encode())
    if service == "SQS" and operation == "SendMessageBatch":
        return sum(len(str(e.get("MessageBody", "")).encode()) for e in params.get("Entries", []))
    return 0


def _transact(params: dict[str, Any]) -> tuple[tuple[str, str, str], ...]:
    found = []
    for entry in params.get("TransactItems", []):
        for action, spec in entry.items():
            key = spec.get("Item") or spec.get("Key") or {}
            found.append((action, key.get("PK", {}).get("S", ""), key.get("SK", {}).get("S", "")))
    return tuple(found)
