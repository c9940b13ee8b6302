"""The emulator's corrections to moto (newsdesk_local.emulator), in-process moto: failed transactions
leave nothing behind and do not stop the stream, conditional writes are serializable, stream records and
shard iterators are kept as long as DynamoDB keeps them."""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from newsdesk_local import emulator
from tests.conftest import REGION
from tests.local.conftest import FakeClock

TABLE = "emulated"


@pytest.fixture
def table(corrected: None, aws: None) -> str:
    """A table with a NEW_AND_OLD_IMAGES stream and a hash + range key; its stream ARN."""
    created = boto3.client("dynamodb", region_name=REGION).create_table(
        TableName=TABLE,
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return str(created["TableDescription"]["LatestStreamArn"])


def ddb() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def streams() -> Any:
    return boto3.client("dynamodbstreams", region_name=REGION)


def key(pk: str, sk: str = "A") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


def put(pk: str, **attributes: str) -> None:
    ddb().put_item(TableName=TABLE, Item={**key(pk), **{k: {"S": v} for k, v in attributes.items()}})


def item(pk: str) -> dict[str, Any] | None:
    found: dict[str, Any] | None = ddb().get_item(TableName=TABLE, Key=key(pk)).get("Item")
    return found


def shard_id(stream_arn: str) -> str:
    return str(streams().describe_stream(StreamArn=stream_arn)["StreamDescription"]["Shards"][0]["ShardId"])


def iterator(stream_arn: str, kind: str = "TRIM_HORIZON", sequence_number: str | None = None) -> str:
    args: dict[str, Any] = {
        "StreamArn": stream_arn,
        "ShardId": shard_id(stream_arn),
        "ShardIteratorType": kind,
    }
    if sequence_number is not None:
        args["SequenceNumber"] = sequence_number
    return str(streams().get_shard_iterator(**args)["ShardIterator"])


def read(shard_iterator: str) -> tuple[list[dict[str, Any]], str]:
    response = streams().get_records(ShardIterator=shard_iterator)
    return response["Records"], response["NextShardIterator"]


def keys_of(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"]) for r in records]


def error_code(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as raised:
        call()
    return str(raised.value.response["Error"]["Code"])


def failing_transaction() -> list[dict[str, Any]]:
    """Writes a new item, changes `kept` and deletes `gone`, then fails its condition on `kept`."""
    return [
        {"Put": {"TableName": TABLE, "Item": {**key("new"), "v": {"S": "1"}}}},
        {
            "Update": {
                "TableName": TABLE,
                "Key": key("changed"),
                "UpdateExpression": "SET v = :v",
                "ExpressionAttributeValues": {":v": {"S": "changed"}},
            }
        },
        {"Delete": {"TableName": TABLE, "Key": key("gone")}},
        {
            "Put": {
                "TableName": TABLE,
                "Item": {**key("kept"), "v": {"S": "overwritten"}},
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        },
    ]


# ----- failed transactions ----------------------------------------------------------------------


def test_a_failed_transaction_leaves_no_change_and_no_stream_record(table: str) -> None:
    # Given three items, and a reader that has read their stream records
    put("kept", v="original")
    put("changed", v="original")
    put("gone", v="original")
    records, next_iterator = read(iterator(table))
    assert len(records) == 3

    # When a transaction that writes, updates and deletes fails on its last condition
    with pytest.raises(ClientError) as refused:
        ddb().transact_write_items(TransactItems=failing_transaction())

    # Then it was refused naming the failed condition, and every item is as it was
    assert refused.value.response["Error"]["Code"] == "TransactionCanceledException"
    reasons = [r["Code"] for r in refused.value.response["CancellationReasons"]]
    assert reasons == ["None", "None", "None", "ConditionalCheckFailed"]
    assert item("new") is None
    assert item("changed") == {**key("changed"), "v": {"S": "original"}}
    assert item("gone") == {**key("gone"), "v": {"S": "original"}}
    assert item("kept") == {**key("kept"), "v": {"S": "original"}}
    # and it left no stream record, for the reader or from the start of the stream
    assert read(next_iterator)[0] == []
    assert len(read(iterator(table))[0]) == 3


def test_the_stream_keeps_flowing_after_a_failed_transaction(table: str) -> None:
    # Given a reader at the end of the stream
    put("kept", v="original")
    _, next_iterator = read(iterator(table))

    # When a transaction fails, and then an item is written
    with pytest.raises(ClientError):
        ddb().transact_write_items(TransactItems=failing_transaction())
    put("after", v="1")

    # Then the reader's next read has the write after the failure, and only it
    records, next_iterator = read(next_iterator)
    assert keys_of(records) == [("INSERT", "after")]
    # and a successful transaction after that is read too, with consecutive sequence numbers
    ddb().transact_write_items(
        TransactItems=[
            {"Put": {"TableName": TABLE, "Item": {**key(f"t{n}"), "v": {"S": "1"}}}} for n in range(3)
        ]
    )
    later, _ = read(next_iterator)
    assert keys_of(later) == [("INSERT", "t0"), ("INSERT", "t1"), ("INSERT", "t2")]
    numbers = [int(r["dynamodb"]["SequenceNumber"]) for r in records + later]
    assert numbers == list(range(numbers[0], numbers[0] + 4))


def test_a_transaction_naming_one_item_twice_is_refused_without_a_trace(table: str) -> None:
    # Given an item
    put("once", v="original")

    # When a transaction writes another item, then names the first item twice (moto refuses it mid-way)
    with pytest.raises(ClientError) as refused:
        ddb().transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**key("other"), "v": {"S": "1"}}}},
                {"Put": {"TableName": TABLE, "Item": {**key("once"), "v": {"S": "2"}}}},
                {"Put": {"TableName": TABLE, "Item": {**key("once"), "v": {"S": "3"}}}},
            ]
        )

    # Then nothing it wrote before the refusal is left, in the table or in the stream
    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert item("other") is None
    assert item("once") == {**key("once"), "v": {"S": "original"}}
    assert keys_of(read(iterator(table))[0]) == [("INSERT", "once")]


# ----- serializable writes ------------------------------------------------------------------------


def burst(count: int, action: Callable[[int], None]) -> tuple[list[int], list[str]]:
    """Run action(0..count-1) on as many threads, released together: who succeeded, the error codes.

    The interpreter switches threads as often as it can meanwhile, so that a check and a write that are
    not atomic do interleave.
    """
    start = threading.Barrier(count)
    won: list[int] = []
    refused: list[str] = []

    def attempt(n: int) -> None:
        start.wait()
        try:
            action(n)
        except ClientError as exc:
            refused.append(str(exc.response["Error"]["Code"]))
        else:
            won.append(n)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not any(t.is_alive() for t in threads)
    return won, refused


def conditional_claim(client: Any, kind: str, slot: str, owner: str) -> None:
    """Write `slot` unless it exists: a PutItem, or an UpdateItem (which moto checks and writes in more
    steps)."""
    if kind == "put":
        client.put_item(
            TableName=TABLE,
            Item={**key(slot), "owner": {"S": owner}},
            ConditionExpression="attribute_not_exists(PK)",
        )
    else:
        client.update_item(
            TableName=TABLE,
            Key=key(slot),
            UpdateExpression="SET #o = :o",
            ExpressionAttributeNames={"#o": "owner"},
            ExpressionAttributeValues={":o": {"S": owner}},
            ConditionExpression="attribute_not_exists(PK)",
        )


@pytest.mark.parametrize("kind", ["put", "update"])
def test_parallel_conditional_writes_on_one_key_admit_exactly_one(table: str, kind: str) -> None:
    for attempt in range(10):
        # Given 16 writers, each with its own client, racing to claim one key
        clients = [ddb() for _ in range(16)]
        slot = f"slot-{attempt}"

        def claim(n: int, clients: list[Any] = clients, slot: str = slot) -> None:
            conditional_claim(clients[n], kind, slot, str(n))

        # When they all write at once
        won, refused = burst(len(clients), claim)

        # Then exactly one succeeds, the item is the winner's, and the others fail their condition
        assert len(won) == 1, f"round {attempt}: {len(won)} writers succeeded"
        assert refused == ["ConditionalCheckFailedException"] * (len(clients) - 1)
        assert item(slot) == {**key(slot), "owner": {"S": str(won[0])}}


def test_parallel_transactions_claiming_one_key_admit_exactly_one_and_lose_no_write(table: str) -> None:
    # Given 16 writers, each with a transaction that claims a slug and writes its own article
    clients = [ddb() for _ in range(16)]
    _, position = read(iterator(table))

    def claim(n: int) -> None:
        clients[n].transact_write_items(
            TransactItems=[
                {"Put": {"TableName": TABLE, "Item": {**key(f"article-{n}"), "v": {"S": "1"}}}},
                {
                    "Put": {
                        "TableName": TABLE,
                        "Item": {**key("slug"), "owner": {"S": str(n)}},
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )

    # When they all run at once
    won, refused = burst(len(clients), claim)

    # Then one transaction succeeds whole, the others leave nothing, and the stream has the winner's two
    assert len(won) == 1, won
    assert refused == ["TransactionCanceledException"] * (len(clients) - 1)
    articles = [n for n in range(len(clients)) if item(f"article-{n}") is not None]
    assert articles == won
    assert item("slug") == {**key("slug"), "owner": {"S": str(won[0])}}
    assert sorted(keys_of(read(position)[0])) == sorted([("INSERT", f"article-{won[0]}"), ("INSERT", "slug")])


# ----- stream retention and iterators --------------------------------------------------------------


def test_records_past_the_count_limit_are_trimmed_keeping_their_sequence_numbers(
    table: str, limits: emulator.Limits
) -> None:
    # Given a shard that keeps three records, and three written
    limits.stream_records = 3
    for n in range(3):
        put(f"r{n}")
    first = read(iterator(table))[0]
    old_iterator = iterator(table)

    # When two more are written
    put("r3")
    put("r4")

    # Then the trim horizon is the third record, read with the number it had
    kept = read(iterator(table))[0]
    assert keys_of(kept) == [("INSERT", "r2"), ("INSERT", "r3"), ("INSERT", "r4")]
    assert kept[0]["dynamodb"]["SequenceNumber"] == first[2]["dynamodb"]["SequenceNumber"]
    # and reading from before it is refused as DynamoDB refuses it
    assert error_code(lambda: read(old_iterator)) == "TrimmedDataAccessException"
    seq_of_first = first[0]["dynamodb"]["SequenceNumber"]
    assert (
        error_code(lambda: iterator(table, "AFTER_SEQUENCE_NUMBER", seq_of_first))
        == "TrimmedDataAccessException"
    )
    # while reading on after the last record trimmed starts at the horizon
    after_trimmed = iterator(table, "AFTER_SEQUENCE_NUMBER", first[1]["dynamodb"]["SequenceNumber"])
    assert keys_of(read(after_trimmed)[0]) == keys_of(kept)


def test_records_older_than_the_retention_are_trimmed(table: str, limits: emulator.Limits) -> None:
    # Given two records in a stream that keeps records a day
    from moto.dynamodb.models import dynamodb_backends

    put("old")
    put("older")
    shard = dynamodb_backends["123456789012"][REGION].get_table(TABLE).stream_shard

    # When the retention is applied a day and a minute later
    assert shard is not None
    newest = shard.items[-1].record["dynamodb"]["ApproximateCreationDateTime"]  # moto's clock, naive UTC
    later = newest + dt.timedelta(days=1, minutes=1)
    trimmed = emulator.trim_stream(shard, now=later)

    # Then both are gone, and the next write is read from the trim horizon
    assert trimmed == 2
    assert read(iterator(table))[0] == []
    put("new")
    assert keys_of(read(iterator(table))[0]) == [("INSERT", "new")]


def test_shard_iterators_expire_after_fifteen_minutes(table: str, limits: emulator.Limits) -> None:
    # Given an iterator, and a clock the emulator measures iterator lifetimes with
    clock = FakeClock()
    limits.clock = clock
    put("a")
    fresh = iterator(table)

    # When it is used within 15 minutes, and again after 15 minutes
    clock.now += 14 * 60
    records, _ = read(fresh)
    clock.now += 60

    # Then it reads the first time, and is refused as expired the second
    assert keys_of(records) == [("INSERT", "a")]
    assert error_code(lambda: read(fresh)) == "ExpiredIteratorException"
    assert error_code(lambda: read("not-an-iterator")) == "ExpiredIteratorException"


def test_the_emulator_forgets_expired_iterators(table: str, limits: emulator.Limits) -> None:
    # Given a reader that reads every 10 seconds for two hours, each read handing out a new iterator
    from moto.dynamodbstreams.models import dynamodbstreams_backends

    clock = FakeClock()
    limits.clock = clock
    position = iterator(table)
    for _ in range(720):
        clock.now += 10
        _, position = read(position)

    # Then the emulator holds only the iterators of the last 15 minutes
    held = len(dynamodbstreams_backends["123456789012"][REGION].shard_iterators)
    assert 0 < held <= 15 * 6 + 1


def test_a_stream_or_shard_that_does_not_exist_is_not_found(table: str) -> None:
    # Given a table with a stream and one without
    ddb().create_table(
        TableName="plain",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
    )
    plain_stream = table.replace(f"table/{TABLE}/", "table/plain/")

    # When the missing stream, and a missing shard of the real one, are asked for
    # Then each is ResourceNotFoundException, as in DynamoDB (moto alone answers 500)
    assert (
        error_code(lambda: streams().describe_stream(StreamArn=plain_stream)) == "ResourceNotFoundException"
    )
    assert (
        error_code(
            lambda: streams().get_shard_iterator(
                StreamArn=table, ShardId="shardId-00000000000000000000-00000000", ShardIteratorType="LATEST"
            )
        )
        == "ResourceNotFoundException"
    )


def test_install_is_idempotent_and_uninstall_restores_moto(corrected: None) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    # Given the corrections installed (fixture)
    patched = DynamoDBBackend.transact_write_items

    # When install is called again
    again = emulator.install()

    # Then nothing changes
    assert again is False
    assert DynamoDBBackend.transact_write_items is patched
    assert emulator.installed()


# ----- writing attribute values ------------------------------------------------------------------------

EVERY_KIND = {
    **key("every-kind"),
    "text": {"S": "Ferry service resumes — «quoted» \u2028 after repairs"},
    "empty_text": {"S": ""},
    "number": {"N": "-12.50"},
    "binary": {"B": b"\x00\xffmac"},
    "texts": {"SS": ["a", "b"]},
    "numbers": {"NS": ["1", "2.5"]},
    "binaries": {"BS": [b"\x01", b"\x02"]},
    "yes": {"BOOL": True},
    "no": {"BOOL": False},
    "nothing": {"NULL": True},
    "empty_list": {"L": []},
    "empty_map": {"M": {}},
    "tags": {"L": [{"M": {"slug": {"S": "transport"}, "name": {"S": "Transport"}}}, {"N": "3"}, {"L": []}]},
    "image": {"M": {"alt": {"S": "A ferry"}, "size": {"M": {"w": {"N": "1200"}, "h": {"NULL": True}}}}},
}


def raw_answers() -> dict[str, Any]:
    """The bodies DynamoDB and DynamoDB Streams send for reads of EVERY_KIND, as received."""
    bodies: dict[str, Any] = {}

    def keep(http_response: Any, model: Any, **_: Any) -> None:
        bodies[model.name] = http_response.content

    dynamodb, stream_reader = ddb(), streams()
    for client in (dynamodb, stream_reader):
        client.meta.events.register("after-call", keep)
    dynamodb.get_item(TableName=TABLE, Key=key("every-kind"))
    dynamodb.query(
        TableName=TABLE,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "every-kind"}},
    )
    dynamodb.scan(TableName=TABLE)
    dynamodb.batch_get_item(RequestItems={TABLE: {"Keys": [key("every-kind")]}})
    dynamodb.update_item(
        TableName=TABLE,
        Key=key("every-kind"),
        UpdateExpression="SET #n = :n",
        ExpressionAttributeNames={"#n": "number"},
        ExpressionAttributeValues={":n": {"N": "-12.50"}},
        ReturnValues="ALL_OLD",
    )
    # the put and the first update (with both images): later updates add records of their own
    stream_reader.get_records(ShardIterator=iterator(stream_arn_of_table()), Limit=2)
    records = json.loads(bodies["GetRecords"])
    records.pop("NextShardIterator")  # a new iterator every call
    bodies["GetRecords"] = records
    return bodies


def stream_arn_of_table() -> str:
    return str(ddb().describe_table(TableName=TABLE)["Table"]["LatestStreamArn"])


def test_attribute_values_are_written_as_moto_writes_them(
    table: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.core.serialize import BaseJSONSerializer

    # Given an item with every kind of attribute value, nested in maps and lists, put and updated
    ddb().put_item(TableName=TABLE, Item=EVERY_KIND)
    ddb().update_item(
        TableName=TABLE,
        Key=key("every-kind"),
        UpdateExpression="SET #n = :n",
        ExpressionAttributeNames={"#n": "number"},
        ExpressionAttributeValues={":n": {"N": "-12.50"}},
    )

    # When it is read with the correction, and again with moto's own serializer
    corrected = raw_answers()
    monkeypatch.setattr(
        BaseJSONSerializer,
        "_serialize_type_structure",
        original_method(BaseJSONSerializer, "_serialize_type_structure"),
    )
    original = raw_answers()

    # Then every answer is the same, byte for byte, and holds the item as it was written
    assert set(corrected) == {"GetItem", "Query", "Scan", "BatchGetItem", "UpdateItem", "GetRecords"}
    assert corrected == original
    assert [r["eventName"] for r in corrected["GetRecords"]["Records"]] == ["INSERT", "MODIFY"]
    assert ddb().get_item(TableName=TABLE, Key=key("every-kind"))["Item"] == EVERY_KIND


def stored_item(pk: str) -> Any:
    """The emulator's own Item at `pk`."""
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType

    found = (
        dynamodb_backends["123456789012"][REGION]
        .get_table(TABLE)
        .get_item(DynamoType({"S": pk}), DynamoType({"S": "A"}))
    )
    assert found is not None
    return found


def original_method(owner: type, name: str) -> Any:
    """What moto had before the corrections replaced it."""
    return next(value for o, n, value in emulator._undo if o is owner and n == name)


def fresh_size(stored: Any) -> int:
    """The item's size worked out now, by moto's own method."""
    return int(original_method(type(stored), "size")(stored))


def test_an_item_keeps_its_size_until_an_update_changes_it(table: str) -> None:
    # Given an item whose size has been worked out (a Query walks it)
    ddb().put_item(TableName=TABLE, Item=EVERY_KIND)
    stored = stored_item("every-kind")
    first = stored.size()
    assert first == fresh_size(stored)

    # When an UpdateItem grows it, a transaction grows it again, and a refused update leaves it
    ddb().update_item(
        TableName=TABLE,
        Key=key("every-kind"),
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "x" * 500}},
    )
    after_update = (stored.size(), fresh_size(stored))
    ddb().transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": key("every-kind"),
                    "UpdateExpression": "SET #i.#alt = :alt",
                    "ExpressionAttributeNames": {"#i": "image", "#alt": "alt"},
                    "ExpressionAttributeValues": {":alt": {"S": "y" * 300}},
                }
            }
        ]
    )
    after_transaction = (stored.size(), fresh_size(stored))
    refused = error_code(
        lambda: ddb().update_item(
            TableName=TABLE,
            Key=key("every-kind"),
            UpdateExpression="SET #t = :t",
            ConditionExpression="attribute_not_exists(PK)",
            ExpressionAttributeNames={"#t": "text"},
            ExpressionAttributeValues={":t": {"S": "z"}},
        )
    )

    # Then each size is the item's as it is now, and a Query after them still works
    assert after_update[0] == after_update[1] > first
    assert after_transaction[0] == after_transaction[1] > after_update[0]
    assert refused == "ConditionalCheckFailedException"
    assert stored.size() == fresh_size(stored) == after_transaction[0]
    assert (
        ddb().query(
            TableName=TABLE,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "every-kind"}},
        )["Count"]
        == 1
    )


# ----- moto's instance tracking ----------------------------------------------------------------------


def test_objects_moto_no_longer_uses_are_freed(table: str) -> None:
    # Given 20 items in the table
    import gc

    from moto.dynamodb.models.dynamo_type import Item

    for n in range(20):
        put(f"item-{n}")

    # When the table is scanned 50 times (moto copies every item it returns)
    for _ in range(50):
        assert len(ddb().scan(TableName=TABLE)["Items"]) == 20
    gc.collect()

    # Then only the table's own items are alive, and moto's record of its objects lists just those
    alive = [o for o in gc.get_objects() if isinstance(o, Item)]
    assert len(alive) == 20
    assert len(list(Item.instances_tracked)) == 20  # type: ignore[attr-defined]
