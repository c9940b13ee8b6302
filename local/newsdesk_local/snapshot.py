"""The local stack's saved state: one versioned JSON file, written atomically, read back or moved aside.

A snapshot holds what the emulator would lose on a restart, keyed by the template's logical ids (so it
follows the resources whatever their physical names): every item of each DynamoDB table (DynamoDB JSON;
binary values base64), the current version of every object of each S3 bucket (body, content type and
metadata), the one-time schedules of each EventBridge Scheduler group (their definitions, target input
included), the messages waiting in each SQS queue, and the id and key material of each KMS key (what
the stored comments' encrypted emails and keyed hashes need to stay readable).

The file is replaced in one step (a temporary file in the same directory, flushed to disk, then
`os.replace`), so a reader, or a stack killed while saving, finds the previous state or the new one and
never half of one. A file this version cannot read (unknown format or version, not JSON, another stack's)
is moved aside with a warning, and the stack starts fresh: a saved state never stops the stack.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FORMAT = "newsdesk-local-state"
VERSION = 1
FILE_NAME = "state.json"


class UnreadableState(ValueError):
    """The state file exists but this version of the stack cannot use it."""


@dataclass
class Snapshot:
    """What a stopped stack needs to come back as it was. Items and schedules as the AWS APIs give them."""

    stack_name: str
    region: str
    saved_at: str = ""
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    buckets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    schedules: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    queues: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    keys: dict[str, dict[str, str]] = field(default_factory=dict)  # logical id -> {"id", "material"}

    def counts(self) -> dict[str, int]:
        """How much it holds, for the console: items, objects, schedules, messages."""
        return {
            "items": sum(len(v) for v in self.tables.values()),
            "objects": sum(len(v) for v in self.buckets.values()),
            "schedules": sum(len(v) for v in self.schedules.values()),
            "messages": sum(len(v) for v in self.queues.values()),
        }

    def describe(self) -> str:
        c = self.counts()
        return (
            f"{c['items']} items, {c['objects']} objects, {c['schedules']} schedules, "
            f"{c['messages']} queued messages"
        )

    # ----- the file's contents -------------------------------------------------------------------

    def to_document(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "stack": {"name": self.stack_name, "region": self.region},
            "saved_at": self.saved_at,
            "tables": {name: [encode_item(i) for i in items] for name, items in self.tables.items()},
            "buckets": self.buckets,
            "schedules": {name: [_jsonable(s) for s in found] for name, found in self.schedules.items()},
            "queues": self.queues,
            "keys": self.keys,
        }

    @classmethod
    def from_document(cls, document: Any) -> Snapshot:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise UnreadableState("it is not a Newsdesk local state file")
        if document.get("version") != VERSION:
            raise UnreadableState(
                f"it is format version {document.get('version')!r}; this stack reads version {VERSION}"
            )
        try:
            stack = document["stack"]
            return cls(
                stack_name=str(stack["name"]),
                region=str(stack["region"]),
                saved_at=str(document.get("saved_at", "")),
                tables={
                    str(name): [decode_item(i) for i in items] for name, items in document["tables"].items()
                },
                buckets={str(n): list(objs) for n, objs in document["buckets"].items()},
                schedules={str(n): list(found) for n, found in document["schedules"].items()},
                queues={str(n): list(msgs) for n, msgs in document["queues"].items()},
                keys={
                    str(n): {"id": str(k["id"]), "material": str(k["material"])}
                    for n, k in document["keys"].items()
                },
            )
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise UnreadableState(f"it is incomplete or malformed ({type(exc).__name__}: {exc})") from None


# ----- DynamoDB JSON with binary values --------------------------------------------------------------


def encode_item(item: dict[str, Any]) -> dict[str, Any]:
    """An item as the low-level client gives it, with bytes (B, BS) as base64 text."""
    return {name: _encode_value(value) for name, value in item.items()}


def decode_item(item: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise TypeError("an item is not an object")
    return {name: _decode_value(value) for name, value in item.items()}


def _encode_value(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64encode(inner).decode("ascii")}
    if kind == "BS":
        return {"BS": [base64.b64encode(b).decode("ascii") for b in inner]}
    if kind == "M":
        return {"M": {k: _encode_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_encode_value(v) for v in inner]}
    return {kind: inner}


def _decode_value(value: dict[str, Any]) -> dict[str, Any]:
    (kind, inner), *_ = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner, validate=True)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b, validate=True) for b in inner]}
    if kind == "M":
        return {"M": {k: _decode_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_decode_value(v) for v in inner]}
    return {kind: inner}


def _jsonable(value: Any) -> Any:
    """Schedules carry datetimes (StartDate, EndDate): ISO 8601 text in the file."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# ----- object bodies ---------------------------------------------------------------------------------


def encode_body(body: bytes) -> dict[str, str]:
    """Text stays readable (and small) in the file; anything else is base64."""
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


def decode_body(body: dict[str, str]) -> bytes:
    if "text" in body:
        return body["text"].encode("utf-8")
    return base64.b64decode(body["base64"], validate=True)


# ----- the file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StateFile:
    directory: Path

    @property
    def path(self) -> Path:
        return self.directory / FILE_NAME

    def exists(self) -> bool:
        return self.path.exists()

    def write(self, snapshot: Snapshot) -> int:
        """Replace the state with `snapshot` in one step; the number of bytes written."""
        data = json.dumps(snapshot.to_document(), ensure_ascii=False, separators=(",", ":")).encode()
        write_atomically(self.path, data)
        return len(data)

    def read(self, *, stack_name: str, region: str) -> Snapshot | None:
        """The saved state, or None if there is none. UnreadableState if it cannot be used."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            document = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UnreadableState(f"it is not valid JSON ({exc})") from None
        snapshot = Snapshot.from_document(document)
        if (snapshot.stack_name, snapshot.region) != (stack_name, region):
            raise UnreadableState(
                f"it is the state of stack {snapshot.stack_name} in {snapshot.region}, "
                f"not of {stack_name} in {region}"
            )
        return snapshot

    def move_aside(self, suffix: str) -> Path:
        """Keep the current file under another name (state.json.<suffix>, numbered if taken)."""
        target = self.path.with_name(f"{FILE_NAME}.{suffix}")
        number = 1
        while target.exists():
            number += 1
            target = self.path.with_name(f"{FILE_NAME}.{suffix}-{number}")
        os.replace(self.path, target)
        return target


def write_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data` or what it held before, whatever happens meanwhile (even a power cut)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as sink:
            sink.write(data)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a crash
    finally:
        os.close(directory)
