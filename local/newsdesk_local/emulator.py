"""Corrections to moto's DynamoDB and DynamoDB Streams, where moto 5.2 differs from DynamoDB in ways the
local stack cannot live with. `install()` applies them once per process; call it before the moto server
starts (the stack does) or before an in-process `mock_aws` test touches DynamoDB.

1. **A failed TransactWriteItems leaves no trace, and costs only what it touches.** moto deep-copies
   every table a transaction names before running it and, if it fails, puts the copies in place of the
   tables. A copied table has a copied stream shard, so a stream reader's shard iterator (which holds
   the old shard object) never sees another record: after one refused transaction nothing is rendered
   again. The copy also costs time and memory in proportion to the whole table and its stream. Here the
   "copy" moto takes is the table itself, and a failed transaction is undone item by item: the
   before-images of the items it names (at most 100) are put back, and the stream records it appended
   are cut off. As in DynamoDB, a failed transaction changes nothing and leaves no stream record.

2. **Conditional writes are serializable.** moto server answers on many threads, and moto checks a
   condition and stores the item in separate steps, so two conditional writes on one key could both
   succeed, and a failed transaction could undo another's write. One re-entrant lock makes every write
   (PutItem, UpdateItem, DeleteItem, TransactWriteItems, PartiQL) atomic with respect to the others;
   item reads and stream reads take it too, so nobody sees a transaction half done or a stream record
   that its transaction's failure is about to remove.

3. **Streams keep records as DynamoDB does, and no longer.** moto keeps every stream record for ever.
   Here a shard drops records older than `Limits.stream_retention` (DynamoDB: 24 hours) and, beyond
   DynamoDB, the oldest ones past `Limits.stream_records` per shard, so the emulator's memory stays flat
   under load. Trimmed records are gone as in DynamoDB: sequence numbers are unchanged (the shard's
   StartingSequenceNumber then names the oldest record kept, the trim horizon, which TRIM_HORIZON
   iterators start at), and reading from before the horizon is a TrimmedDataAccessException.

4. **Shard iterators expire after 15 minutes** (`Limits.iterator_lifetime`), as in DynamoDB. moto keeps
   every iterator it hands out, and GetRecords hands out one per call. Using an expired or unknown
   iterator is an ExpiredIteratorException; a stream or shard that does not exist is a
   ResourceNotFoundException (moto fails an assertion: HTTP 500).

5. **moto forgets the objects nobody uses.** Every moto model object (a DynamoDB item and every copy
   of one a Query returns, an S3 object version, a stream record, a shard iterator, an SQS message ...)
   is appended, when it is made, to its class's `instances_tracked` list, for moto server's dashboard,
   and stays there for ever: the emulator's memory grows with every request. Here the lists hold weak
   references: the dashboard (and S3's reset) still see every object that is alive, and the rest is freed.

6. **DynamoDB's answers are written in one pass.** moto writes every response through botocore's model
   of the operation, and for each attribute value of an item it asks its attribute picker for each of
   the ten members an AttributeValue may have. An article (tags, image, byline, corrections) is a few
   hundred values, so a Query of 30 articles took about 150 ms to write and a one-item Query 5 ms, most
   of the local stack's publish-to-live. Here an attribute value is written from the members it has,
   each primitive by moto's own method for its type, and maps and lists of values recursively: the
   same bytes (tests/local/test_emulator.py compares them), about a tenth of the time.

7. **Items are sorted by their keys' values, each worked out once.** moto sorts every item of a table
   by its key for every Query and Scan, and an index's matches again by the index's key, comparing
   DynamoType objects, which work out each side's Python value (a Decimal for a number) at every
   comparison: with a few hundred items that was about 10 ms of each Query, whatever it returned. Here
   the sort key is the tuple of those values, worked out once per item: the same order (moto's own
   comparison is of those values), a fraction of the work.

8. **An item's size is worked out once.** moto works out the size of every item a Query walks, matched
   or not (for its 1 MB page), by walking every value of the item: for an article, a few hundred. An
   item keeps its size here until an UpdateItem (alone or in a transaction) changes it in place: the
   size is forgotten before the update runs and after it, whether it succeeds or fails. PutItem makes a
   new item; nothing else changes one in place.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import logging
import threading
import time
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

DAY = 24 * 3600.0


@dataclass
class Limits:
    """What the emulator keeps. Module-wide: tests may lower them (and must put them back)."""

    stream_retention: float = DAY  # seconds a stream record is kept (DynamoDB: 24 h)
    stream_records: int = 10_000  # records kept per shard, the newest (DynamoDB: no such limit)
    iterator_lifetime: float = 15 * 60.0  # seconds a shard iterator can be used (DynamoDB: 15 min)
    clock: Callable[[], float] = time.monotonic  # what iterator lifetimes are measured with


LIMITS = Limits()

# Every DynamoDB write, item read and stream read of the process holds this lock (see 2. above).
TABLES_LOCK = threading.RLock()

_install_lock = threading.Lock()
_undo: list[tuple[Any, str, Any]] = []  # (owner, attribute, original value) of every change install made
_in_transaction = threading.local()


def install() -> bool:
    """Apply the corrections to moto's classes. True if this call applied them; False if they already were."""
    with _install_lock:
        if _undo:
            return False
        from moto.core.common_models import BaseModel
        from moto.dynamodb import models as dynamodb_models
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.dynamo_type import Item
        from moto.dynamodb.models.table import StreamShard, Table
        from moto.dynamodbstreams.models import DynamoDBStreamsBackend

        if dynamodb_models.copy is not copy:
            raise RuntimeError(
                "moto.dynamodb.models no longer uses the copy module as moto 5.2 does; "
                "newsdesk_local.emulator needs to be revisited for this moto version"
            )
        # moto's transact_write_items copies the tables it touches with copy.deepcopy; within its module,
        # a "deep copy" of a table is now the table itself. Nothing else there deep-copies a table.
        _replace(dynamodb_models, "copy", _TablesShared(Table))
        # The transaction wrapper takes the lock itself.
        _replace(
            DynamoDBBackend, "transact_write_items", _undo_on_failure(DynamoDBBackend.transact_write_items)
        )
        for name in _LOCKED_METHODS:
            _replace(DynamoDBBackend, name, _locked(getattr(DynamoDBBackend, name)))
        _replace(StreamShard, "add", _trimmed_after(StreamShard.add))
        _replace(
            DynamoDBStreamsBackend, "__init__", _with_expiring_iterators(DynamoDBStreamsBackend.__init__)
        )
        _replace(
            DynamoDBStreamsBackend,
            "describe_stream",
            _checked_describe_stream(DynamoDBStreamsBackend.describe_stream),
        )
        _replace(
            DynamoDBStreamsBackend,
            "get_shard_iterator",
            _checked_get_shard_iterator(DynamoDBStreamsBackend.get_shard_iterator),
        )
        _replace(DynamoDBStreamsBackend, "get_records", _checked_get_records)
        _replace(BaseModel, "__new__", staticmethod(_tracked_weakly(BaseModel)))
        _replace(Table, "all_items", _all_items_sorted_once)
        _replace(Table, "sorted_items", _sorted_items_once)
        _replace(Item, "size", _remembered_size(Item.size))
        _replace(DynamoDBBackend, "update_item", _sizes_forgotten(DynamoDBBackend.update_item))
        from moto.core.serialize import BaseJSONSerializer

        _replace(
            BaseJSONSerializer,
            "_serialize_type_structure",
            _attribute_values_directly(BaseJSONSerializer._serialize_type_structure),
        )
        logger.debug(
            "moto corrected: DynamoDB transactions and locking, stream retention, instance tracking, "
            "attribute value writing, item sorting and sizes"
        )
        return True


def uninstall() -> None:
    """Put moto's own code back (for tests that installed the corrections for themselves)."""
    with _install_lock:
        while _undo:
            owner, name, original = _undo.pop()
            setattr(owner, name, original)


def installed() -> bool:
    return bool(_undo)


def _replace(owner: Any, name: str, value: Any) -> None:
    _undo.append((owner, name, owner.__dict__[name]))
    setattr(owner, name, value)


_LOCKED_METHODS = (
    "put_item",
    "update_item",
    "delete_item",
    "execute_statement",
    "execute_transaction",
    "batch_execute_statement",
    "get_item",
    "query",
    "scan",
)


# ----- 1. transactions --------------------------------------------------------------------------


class _TablesShared:
    """Stands for the `copy` module inside moto.dynamodb.models: deep copies of tables are the tables."""

    def __init__(self, table_type: type) -> None:
        self._table_type = table_type
        self.copy = copy.copy

    def deepcopy(self, value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, self._table_type):
            return value
        return copy.deepcopy(value, memo)


@dataclass
class _BeforeImage:
    table: Any  # moto Table
    hash_key: Any  # DynamoType
    range_key: Any  # DynamoType | None
    item: Any  # moto Item (a private copy) or None if there was none


@dataclass
class _StreamMark:
    shard: Any  # moto StreamShard
    next_sequence_number: int


class _UndoLog:
    """What a transaction may change, taken before it runs: enough to put it all back."""

    def __init__(self, backend: Any, transact_items: Iterable[Any]) -> None:
        self.images: list[_BeforeImage] = []
        self.marks: dict[int, _StreamMark] = {}
        for entry in transact_items if isinstance(transact_items, list) else []:
            if not isinstance(entry, dict) or len(entry) != 1:
                continue  # moto refuses it before writing anything
            operation, request = next(iter(entry.items()))
            if isinstance(request, dict):
                self._remember(backend, operation, request)

    def _remember(self, backend: Any, operation: str, request: dict[str, Any]) -> None:
        from moto.dynamodb.models.dynamo_type import DynamoType

        try:
            table = backend.get_table(request.get("TableName"))
            attributes = request["Item"] if operation == "Put" else request["Key"]
            hash_key = DynamoType(attributes[table.hash_key_attr])
            range_key = DynamoType(attributes[table.range_key_attr]) if table.range_key_attr else None
        except Exception:
            return  # an operation whose table or key moto cannot read fails before it writes
        stored = _stored_item(table, hash_key, range_key)
        self.images.append(_BeforeImage(table, hash_key, range_key, copy.deepcopy(stored)))
        shard = table.stream_shard
        if shard is not None and id(shard) not in self.marks:
            self.marks[id(shard)] = _StreamMark(shard, shard.starting_sequence_number + len(shard.items))

    def undo(self) -> None:
        for image in reversed(self.images):
            _restore_item(image)
        for mark in self.marks.values():
            keep = max(0, mark.next_sequence_number - mark.shard.starting_sequence_number)
            del mark.shard.items[keep:]


def _stored_item(table: Any, hash_key: Any, range_key: Any) -> Any:
    """The item under the key, looked up without adding an empty partition (moto's items dict is a
    defaultdict)."""
    if range_key is None:
        return table.items.get(hash_key)
    partition = table.items.get(hash_key)
    return partition.get(range_key) if partition else None


def _restore_item(image: _BeforeImage) -> None:
    items = image.table.items
    if image.range_key is None:
        if image.item is None:
            items.pop(image.hash_key, None)
        else:
            items[image.hash_key] = image.item
        return
    partition = items.get(image.hash_key)
    if image.item is not None:
        items[image.hash_key][image.range_key] = image.item
    elif partition is not None:
        partition.pop(image.range_key, None)
        if not partition:
            del items[image.hash_key]


def _undo_on_failure(transact: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(transact)
    def transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> Any:
        with TABLES_LOCK:
            log = _UndoLog(backend, transact_items)
            _in_transaction.depth = getattr(_in_transaction, "depth", 0) + 1
            try:
                result = transact(backend, transact_items)
            except BaseException:
                log.undo()
                raise
            finally:
                _in_transaction.depth -= 1
            for mark in log.marks.values():
                _trim(mark.shard)
            return result

    return transact_write_items


# ----- 2. one lock ------------------------------------------------------------------------------


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with TABLES_LOCK:
            return method(*args, **kwargs)

    return locked


# ----- 3. stream retention ----------------------------------------------------------------------


def _trimmed_after(add: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(add)
    def add_then_trim(shard: Any, old: Any, new: Any) -> None:
        add(shard, old, new)
        if not getattr(_in_transaction, "depth", 0):  # a transaction trims when it has succeeded
            _trim(shard)

    return add_then_trim


def _trim(shard: Any, now: dt.datetime | None = None) -> int:
    """Drop the shard's records older than the retention and those past the count limit; how many.

    The shard's starting sequence number moves up by as many, so every kept record keeps its number
    (moto numbers a record by its position after the starting sequence number).
    """
    from moto.core.utils import utcnow

    records = shard.items
    horizon = (now or utcnow()) - dt.timedelta(seconds=LIMITS.stream_retention)
    drop = max(0, len(records) - LIMITS.stream_records)
    while drop < len(records) and records[drop].record["dynamodb"]["ApproximateCreationDateTime"] < horizon:
        drop += 1
    if drop:
        del records[:drop]
        shard.starting_sequence_number += drop
    return drop


def trim_stream(shard: Any, now: dt.datetime | None = None) -> int:
    """Apply the retention limits to a moto StreamShard now (they are applied on every write anyway)."""
    with TABLES_LOCK:
        return _trim(shard, now)


# ----- 4. stream reads --------------------------------------------------------------------------


def _streams_error(code: str, message: str) -> Exception:
    from moto.core.exceptions import JsonRESTError

    return JsonRESTError(code, message)


class _ShardIterators(dict[str, Any]):
    """moto's registry of shard iterators (arn → ShardIterator), forgetting each after its lifetime."""

    def __init__(self) -> None:
        super().__init__()
        self._issued: deque[tuple[float, str]] = deque()

    def __setitem__(self, arn: str, iterator: Any) -> None:
        super().__setitem__(arn, iterator)
        now = LIMITS.clock()
        self._issued.append((now, arn))
        self.expire(now)

    def __getitem__(self, arn: str) -> Any:
        self.expire(LIMITS.clock())
        try:
            return super().__getitem__(arn)
        except KeyError:
            raise _streams_error(
                "ExpiredIteratorException", "The shard iterator has expired or is not one this stream issued."
            ) from None

    def expire(self, now: float) -> None:
        while self._issued and now - self._issued[0][0] >= LIMITS.iterator_lifetime:
            _, arn = self._issued.popleft()
            self.pop(arn, None)


def _with_expiring_iterators(init: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(init)
    def __init__(backend: Any, *args: Any, **kwargs: Any) -> None:
        init(backend, *args, **kwargs)
        backend.shard_iterators = _ShardIterators()

    return __init__


def _stream_table(backend: Any, arn: str) -> Any:
    """The table whose stream `arn` names, if its stream is enabled; else ResourceNotFoundException."""
    try:
        table = backend._get_table_from_arn(arn)
    except Exception:
        table = None
    if table is None or table.stream_shard is None or not table.latest_stream_label:
        raise _streams_error(
            "ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found"
        )
    return table


def _checked_describe_stream(describe: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(describe)
    def describe_stream(backend: Any, arn: str) -> Any:
        with TABLES_LOCK:
            _stream_table(backend, arn)
            return describe(backend, arn)

    return describe_stream


def _checked_get_shard_iterator(get_shard_iterator: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(get_shard_iterator)
    def checked(
        backend: Any, arn: str, shard_id: str, shard_iterator_type: str, sequence_number: Any = None
    ) -> Any:
        with TABLES_LOCK:
            shard = _stream_table(backend, arn).stream_shard
            if shard.id != shard_id:
                raise _streams_error(
                    "ResourceNotFoundException", f"Requested resource not found: Shard: {shard_id} in {arn}"
                )
            if shard_iterator_type in ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"):
                if sequence_number is None or not str(sequence_number).isdigit():
                    raise _streams_error(
                        "ValidationException", f"{shard_iterator_type} needs a SequenceNumber, a whole number"
                    )
                first = int(sequence_number) + (shard_iterator_type == "AFTER_SEQUENCE_NUMBER")
                if first < shard.starting_sequence_number:
                    raise _trimmed(shard)
            return get_shard_iterator(backend, arn, shard_id, shard_iterator_type, sequence_number)

    return checked


def _checked_get_records(backend: Any, iterator_arn: str, limit: int) -> dict[str, Any]:
    with TABLES_LOCK:
        iterator = backend.shard_iterators[iterator_arn]
        if iterator.sequence_number < iterator.stream_shard.starting_sequence_number:
            raise _trimmed(iterator.stream_shard)
        result: dict[str, Any] = iterator.get(limit)
        return result


def _trimmed(shard: Any) -> Exception:
    return _streams_error(
        "TrimmedDataAccessException",
        "The requested records are beyond the stream's trim horizon "
        f"(its oldest record is {shard.starting_sequence_number}).",
    )


# ----- 5. instance tracking ---------------------------------------------------------------------


class _LiveInstances:
    """Stands for a moto model class's `instances_tracked` list, holding weak references: iterating it
    gives the instances still alive. Dead references are dropped whenever the list has doubled."""

    def __init__(self, instances: Iterable[Any] = ()) -> None:
        self._refs: list[Callable[[], Any]] = []
        self._prune_at = 1024
        for instance in instances:
            self.append(instance)

    def append(self, instance: Any) -> None:
        try:
            ref: Callable[[], Any] = weakref.ref(instance)
        except TypeError:  # a class without weak reference support: kept, as moto keeps it
            ref = functools.partial(_same, instance)
        self._refs.append(ref)
        if len(self._refs) >= self._prune_at:
            self._refs = [r for r in self._refs if r() is not None]
            self._prune_at = max(1024, 2 * len(self._refs))

    def __iter__(self) -> Iterator[Any]:
        return iter([instance for ref in list(self._refs) if (instance := ref()) is not None])

    def __len__(self) -> int:
        return sum(1 for ref in list(self._refs) if ref() is not None)


def _same(value: Any) -> Any:
    return value


def _tracked_weakly(base_model: type) -> Callable[..., Any]:
    def __new__(cls: type, *args: Any, **kwargs: Any) -> Any:
        instance = super(base_model, cls).__new__(cls)  # type: ignore[arg-type]
        tracked = cls.__dict__.get("instances_tracked")
        if not isinstance(tracked, _LiveInstances):  # made at class creation, or by moto's reset
            tracked = _LiveInstances(tracked or [])
            cls.instances_tracked = tracked  # type: ignore[attr-defined]
        tracked.append(instance)
        return instance

    return __new__


# ----- 6. writing attribute values ------------------------------------------------------------------

ATTRIBUTE_VALUE = "AttributeValue"  # the shape's name in DynamoDB's and DynamoDB Streams' models


def _attribute_values_directly(serialize_structure: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(serialize_structure)
    def _serialize_type_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if key and shape.name == ATTRIBUTE_VALUE and isinstance(value, dict):
            self._default_serialize(serialized, _attribute_value(self, value, shape), shape, key)
        else:
            serialize_structure(self, serialized, value, shape, key)

    return _serialize_type_structure


def _attribute_value(serializer: Any, value: dict[str, Any], shape: Any) -> dict[str, Any]:
    """What moto's serializer makes of one attribute value, written from the members it has."""
    written: dict[str, Any] = {}
    for kind, inner in value.items():
        member = shape.members.get(kind)
        if member is None or inner is None:  # the model has no such member / moto would leave it out
            continue
        if kind == "M":
            written[kind] = {name: _attribute_value(serializer, v, shape) for name, v in inner.items()}
        elif kind == "L":
            written[kind] = [_attribute_value(serializer, v, shape) for v in inner]
        else:
            serializer._serialize(written, inner, member, kind)
    return written


# ----- 7. sorting items -------------------------------------------------------------------------------


def _all_items_sorted_once(table: Any) -> list[Any]:
    """moto's Table.all_items: every item, by hash key then range key."""
    items: list[Any] = []
    for hash_set in table.items.values():
        if table.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    return sorted(
        items,
        key=lambda x: (
            (_key_value(x.hash_key), _key_value(x.range_key)) if x.range_key else _key_value(x.hash_key)
        ),
    )


def _key_value(value: Any) -> Any:
    """What moto compares a key value by (DynamoType.cast_value), without its type tests for a string."""
    return value.value if value.type == "S" else value.cast_value


def _sorted_items_once(
    table: Any, hash_key_attrs: list[str], range_key_attrs: list[Any], items: list[Any]
) -> list[Any]:
    """moto's Table.sorted_items: `items` (in place) by the attributes it names, in order."""
    names = table._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda x: tuple(_key_value(x.attrs[name]) for name in names))
    return items


# ----- 8. item sizes ----------------------------------------------------------------------------------

_SIZE = "_emulator_size"


def _remembered_size(size: Callable[[Any], int]) -> Callable[[Any], int]:
    @functools.wraps(size)
    def remembered(item: Any) -> int:
        known: int | None = item.__dict__.get(_SIZE)
        if known is None:
            known = item.__dict__[_SIZE] = size(item)
        return known

    return remembered


def _forget_size(item: Any) -> None:
    if item is not None:
        item.__dict__.pop(_SIZE, None)


def _sizes_forgotten(update_item: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(update_item)
    def forgetting(backend: Any, table_name: str, key: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        before = _stored_at(backend, table_name, key)
        _forget_size(before)
        try:
            updated = update_item(backend, table_name, key, *args, **kwargs)
        finally:
            _forget_size(before)  # a failed update may have changed some of it
        _forget_size(updated)
        return updated

    return forgetting


def _stored_at(backend: Any, table_name: str, key: dict[str, Any]) -> Any:
    """The item an UpdateItem names, if the table holds it."""
    try:
        table = backend.get_table(table_name)
        hash_value, range_value = backend.get_keys_value(table, key)
        return table.get_item(hash_value, range_value)
    except Exception:  # moto's own validation answers for a bad key or a missing table
        return None
