"""The local stack's state read from and put back into the emulator (in-process moto, the template
deployed as the stack deploys it), and the cheap check that decides whether a save is needed."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from newsdesk_local.deploy import deploy
from newsdesk_local.persistence import (
    SAVE_AT_LATEST,
    ChangeCounter,
    Saver,
    StackState,
    dispatcher,
    is_write,
    may_change,
    write_topic,
)
from newsdesk_local.rehearsal import transformed_template
from newsdesk_local.settings import LocalSettings
from newsdesk_local.snapshot import Snapshot, StateFile
from newsdesk_local.stack import LocalStack
from newsdesk_local.template import Deployed
from tests.conftest import REGION, fake_aws

STACK = "unit"


# The template's resources whose state is kept (deploying all of it is slow and adds nothing here).
KEPT = (
    "ArticlesTable",
    "SiteBucket",
    "ArticleScheduleGroup",
    "CommentQueue",
    "CommentDeadLetterQueue",
    "RebuildQueue",
    "RebuildDeadLetterQueue",
    "CommentDataKey",
    "CommentMacKey",
)
TARGET = "arn:aws:lambda:ap-south-1:123456789012:function:unit-ScheduledActionFunction"


@functools.cache
def template() -> dict[str, Any]:
    resources = transformed_template()["Resources"]
    return {"Resources": {name: resources[name] for name in KEPT}}


def deploy_stack() -> tuple[Deployed, StackState]:
    session = boto3.Session(region_name=REGION)
    deployed = deploy(template(), session, stack_name=STACK)
    clients: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in clients:
            clients[service] = session.client(service)  # type: ignore[call-overload]
        return clients[service]

    return deployed, StackState.of(deployed, client)


def fill(deployed: Deployed) -> None:
    """An article (with a binary attribute), two objects, a schedule, a comment waiting and one
    dead-lettered, and a message received by the worker but not yet deleted."""
    names = deployed.names
    boto3.client("dynamodb", region_name=REGION).put_item(
        TableName=names["ArticlesTable"],
        Item={
            "PK": {"S": "ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X"},
            "SK": {"S": "ARTICLE"},
            "headline": {"S": "Kesarpur approves rooftop solar"},
            "digest": {"B": b"\x00\xff"},
            "hashes": {"BS": [b"\x01", b"\x02\x03"]},
            "meta": {
                "M": {"thumb": {"B": b"\xfe"}, "parts": {"L": [{"B": b"\xfd"}, {"N": "2"}, {"NULL": True}]}}
            },
            "tags": {"SS": ["energy", "schools"]},
            "counts": {"NS": ["1", "2.5"]},
            "live": {"BOOL": True},
        },
    )
    s3 = boto3.client("s3", region_name=REGION)
    s3.put_object(
        Bucket=names["SiteBucket"],
        Key="2030/01/02/kesarpur/index.html",
        Body="<h1>Kesarpur — solar</h1>".encode(),
        ContentType="text/html; charset=utf-8",
        CacheControl="public, max-age=60",
        Metadata={"article-id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X"},
    )
    s3.put_object(
        Bucket=names["SiteBucket"], Key="media/dot.png", Body=b"\x89PNG\xff", ContentType="image/png"
    )
    boto3.client("scheduler", region_name=REGION).create_schedule(
        Name="publish-01JDQ7ZK3M8N4P5R6S7T8V9W0X",
        GroupName=names["ArticleScheduleGroup"],
        ScheduleExpression="at(2030-01-02T03:05:00)",
        ScheduleExpressionTimezone="UTC",
        FlexibleTimeWindow={"Mode": "OFF"},
        ActionAfterCompletion="DELETE",
        Target={
            "Arn": TARGET,
            "RoleArn": "arn:aws:iam::123456789012:role/scheduler",
            "Input": json.dumps({"article_id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X", "action": "publish"}),
        },
    )
    sqs = boto3.client("sqs", region_name=REGION)
    sqs.send_message(QueueUrl=names["CommentQueue"], MessageBody='{"comment": "waiting"}')
    sqs.send_message(
        QueueUrl=names["CommentDeadLetterQueue"],
        MessageBody='{"comment": "dead-lettered"}',
        MessageAttributes={"reason": {"DataType": "String", "StringValue": "moderation failed"}},
    )
    sqs.send_message(QueueUrl=names["RebuildQueue"], MessageBody='{"chunk": 1}')
    received = sqs.receive_message(QueueUrl=names["RebuildQueue"], VisibilityTimeout=600)
    assert received["Messages"]  # in flight: invisible for ten minutes


def sealed(deployed: Deployed) -> tuple[bytes, bytes]:
    """A commenter's email encrypted with the data key, and a keyed hash of it, as the intake makes them."""
    kms = boto3.client("kms", region_name=REGION)
    ciphertext = kms.encrypt(KeyId=deployed.arns["CommentDataKey"], Plaintext=b"asha@example.com")
    mac = kms.generate_mac(
        KeyId=deployed.names["CommentMacKey"], Message=b"asha@example.com", MacAlgorithm="HMAC_SHA_256"
    )
    return ciphertext["CiphertextBlob"], mac["Mac"]


def comparable(snapshot: Snapshot) -> dict[str, Any]:
    document = snapshot.to_document()
    del document["saved_at"]
    return document


def test_a_restored_stack_holds_what_the_saved_one_held(tmp_path: Path) -> None:
    # Given a deployed stack with content in every kind of resource, saved to a state file
    file = StateFile(tmp_path)
    with fake_aws():
        deployed, state = deploy_stack()
        fill(deployed)
        ciphertext, mac = sealed(deployed)
        saved = state.capture()
        file.write(saved)
        keys_before = {k: (deployed.names[k], deployed.arns[k]) for k in ("CommentDataKey", "CommentMacKey")}

    # When a new emulator gets the template deployed again and the state restored
    with fake_aws():
        deployed, state = deploy_stack()
        state.restore(file.read(stack_name=STACK, region=REGION) or Snapshot(STACK, REGION))
        restored = state.capture()
        sqs = boto3.client("sqs", region_name=REGION)
        rebuild = sqs.receive_message(QueueUrl=deployed.names["RebuildQueue"], MessageAttributeNames=["All"])
        dead = sqs.receive_message(
            QueueUrl=deployed.names["CommentDeadLetterQueue"], MessageAttributeNames=["All"]
        )
        page = boto3.client("s3", region_name=REGION).get_object(
            Bucket=deployed.names["SiteBucket"], Key="2030/01/02/kesarpur/index.html"
        )
        kms = boto3.client("kms", region_name=REGION)
        opened = kms.decrypt(CiphertextBlob=ciphertext)
        same_mac = kms.verify_mac(
            KeyId=deployed.names["CommentMacKey"],
            Message=b"asha@example.com",
            MacAlgorithm="HMAC_SHA_256",
            Mac=mac,
        )
        keys_after = {k: (deployed.names[k], deployed.arns[k]) for k in ("CommentDataKey", "CommentMacKey")}
        described = kms.describe_key(KeyId=deployed.names["CommentDataKey"])["KeyMetadata"]

    # Then it holds the same items, objects, schedules and messages
    assert comparable(restored) == comparable(saved)
    assert saved.describe() == "1 items, 2 objects, 1 schedules, 3 queued messages"
    assert set(saved.keys) == {"CommentDataKey", "CommentMacKey"}
    # the in-flight message is there again, visible, and the dead-lettered one kept its attribute
    assert [m["Body"] for m in rebuild["Messages"]] == ['{"chunk": 1}']
    assert dead["Messages"][0]["MessageAttributes"]["reason"]["StringValue"] == "moderation failed"
    # the page kept its body, type, caching and metadata
    assert page["Body"].read().decode() == "<h1>Kesarpur — solar</h1>"
    assert (page["ContentType"], page["CacheControl"]) == ("text/html; charset=utf-8", "public, max-age=60")
    assert page["Metadata"] == {"article-id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X"}
    # the keys are the same keys: what was sealed before opens, keyed hashes match, the ids are the old ones
    assert opened["Plaintext"] == b"asha@example.com"
    assert opened["KeyId"] == keys_before["CommentDataKey"][1]
    assert same_mac["MacValid"]
    assert keys_after == keys_before
    assert (described["KeyId"], described["Arn"]) == keys_before["CommentDataKey"]


def test_items_are_read_as_a_scan_gives_them() -> None:
    with fake_aws():
        # Given a table with an item of every kind of value, binary ones nested in maps and lists too
        deployed, state = deploy_stack()
        fill(deployed)
        table = deployed.names["ArticlesTable"]

        # When its items are read for a save, and scanned through the API
        read = state.capture().tables["ArticlesTable"]
        scanned = boto3.client("dynamodb", region_name=REGION).scan(TableName=table, ConsistentRead=True)

    # Then they are the same
    assert read == scanned["Items"]
    assert read[0]["meta"]["M"]["parts"]["L"][0] == {"B": b"\xfd"}


def test_a_resource_the_template_no_longer_has_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a saved state with a queue the template has since lost
    saved = Snapshot(STACK, REGION, queues={"RetiredQueue": [{"body": "old"}]})

    # When it is restored
    with fake_aws():
        _deployed, state = deploy_stack()
        state.restore(saved)

    # Then the stack says so and goes on
    assert "the saved state has a queue RetiredQueue the template no longer has; skipped" in caplog.text


def test_only_an_object_whose_etag_changed_is_fetched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    with fake_aws():
        # Given a stack whose state has been captured once
        deployed, state = deploy_stack()
        fill(deployed)
        state.capture()
        fetched: list[str] = []
        get_object = state.s3.get_object

        def counting(**kwargs: Any) -> Any:
            fetched.append(kwargs["Key"])
            return get_object(**kwargs)

        monkeypatch.setattr(state.s3, "get_object", counting)

        # When one object changes and the state is captured again
        boto3.client("s3", region_name=REGION).put_object(
            Bucket=deployed.names["SiteBucket"],
            Key="media/dot.png",
            Body=b"\x89PNG\x00",
            ContentType="image/png",
        )
        again = state.capture()

    # Then only that object was fetched, and the capture has its new body
    assert fetched == ["media/dot.png"]
    assert {"base64": "iVBORwA="} in [o["body"] for o in again.buckets["SiteBucket"]]


@pytest.mark.parametrize(
    ("service", "method", "target", "changes"),
    [
        ("dynamodb", "POST", "DynamoDB_20120810.PutItem", True),
        ("dynamodb", "POST", "DynamoDB_20120810.TransactWriteItems", True),
        ("dynamodb", "POST", "DynamoDB_20120810.UpdateItem", True),
        ("dynamodb", "POST", "DynamoDB_20120810.ExecuteStatement", True),
        ("dynamodb", "POST", "DynamoDB_20120810.GetItem", False),
        ("dynamodb", "POST", "DynamoDB_20120810.Query", False),
        ("dynamodb", "POST", "DynamoDB_20120810.Scan", False),
        ("dynamodb", "POST", "DynamoDB_20120810.DescribeTable", False),
        ("dynamodb", "POST", "DynamoDBStreams_20120810.GetRecords", False),
        ("dynamodb", "POST", "DynamoDBStreams_20120810.GetShardIterator", False),
        ("s3", "PUT", "", True),
        ("s3", "POST", "", True),
        ("s3", "DELETE", "", True),
        ("s3", "GET", "", False),
        ("s3", "HEAD", "", False),
        ("scheduler", "POST", "", True),
        ("scheduler", "PUT", "", True),
        ("scheduler", "DELETE", "", True),
        ("scheduler", "GET", "", False),
        ("sqs", "POST", "AmazonSQS.SendMessage", False),  # queues are compared by their messages instead
        ("cognito-idp", "POST", "AWSCognitoIdentityProviderService.AdminCreateUser", False),
    ],
)
def test_requests_that_may_change_the_saved_state_are_told_from_reads(
    service: str, method: str, target: str, changes: bool
) -> None:
    # Given a signed request to the emulator
    environ = {
        "REQUEST_METHOD": method,
        "HTTP_AUTHORIZATION": f"AWS4-HMAC-SHA256 Credential=testing/20300102/{REGION}/{service}/"
        "aws4_request, SignedHeaders=host, Signature=abc",
    }
    if target:
        environ["HTTP_X_AMZ_TARGET"] = target

    # When it is classified
    # Then writes to what the state holds count, reads and other services do not
    assert may_change(environ) is changes


def test_an_unsigned_request_counts_as_a_change() -> None:
    # Given a request the counter cannot classify (no signature: presigned URLs, moto's own dashboard)
    calls: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        calls.append(environ["REQUEST_METHOD"])
        return [b""]

    counter = ChangeCounter(app)

    # When it passes through the counter
    counter({"REQUEST_METHOD": "GET"}, lambda *_: None)

    # Then it is counted, to be safe, and still reaches the emulator
    assert counter.generation == 1
    assert calls == ["GET"]


@pytest.mark.parametrize(
    ("method", "target", "writes"),
    [
        ("POST", "DynamoDB_20120810.PutItem", True),
        ("POST", "DynamoDB_20120810.TransactWriteItems", True),
        ("POST", "DynamoDB_20120810.Query", False),
        ("POST", "DynamoDBStreams_20120810.GetRecords", False),
        ("POST", "DynamoDBStreams_20120810.GetShardIterator", False),
        ("POST", "AmazonSQS.SendMessage", True),
        ("POST", "AmazonSQS.ReceiveMessage", False),
        ("PUT", "", True),  # S3 PutObject
        ("POST", "", True),  # S3 presigned POST (unsigned)
        ("DELETE", "", True),
        ("GET", "", False),
        ("HEAD", "", False),
    ],
)
def test_writes_of_any_service_are_told_from_the_pollers_reads(
    method: str, target: str, writes: bool
) -> None:
    # Given a request to the emulator
    environ = {"REQUEST_METHOD": method}
    if target:
        environ["HTTP_X_AMZ_TARGET"] = target

    # When it is classified
    # Then a write may give a poller work, and a poll (a read) never does
    assert is_write(environ) is writes


def test_a_waiting_poller_wakes_when_a_write_has_been_done_and_not_for_a_read() -> None:
    # Given the counter in front of an emulator that records when a request is done
    done: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        done.append(environ["REQUEST_METHOD"])
        return [b""]

    counter = ChangeCounter(app)
    stop = threading.Event()
    seen = counter.activity.count
    woke: list[tuple[float, list[str]]] = []

    def poller() -> None:
        started = time.monotonic()
        counter.activity.wait(seen, 30, stop)
        woke.append((time.monotonic() - started, list(done)))

    thread = threading.Thread(target=poller)
    thread.start()

    # When a read passes, then a write
    counter({"REQUEST_METHOD": "GET"}, lambda *_: None)
    counter({"REQUEST_METHOD": "PUT"}, lambda *_: None)
    thread.join(timeout=30)

    # Then the waiter woke for the write, once the emulator had done it, long before its timeout
    assert woke and woke[0][1] == ["GET", "PUT"] and woke[0][0] < 30
    assert counter.activity.count == seen + 1


def test_a_waiting_poller_wakes_on_a_stop() -> None:
    # Given a poller waiting for a write that never comes
    counter = ChangeCounter(lambda _environ, _start: [b""])
    stop = threading.Event()
    thread = threading.Thread(target=counter.activity.wait, args=(counter.activity.count, 60, stop))
    thread.start()

    # When the stack stops
    stop.set()
    counter.activity.wake()
    thread.join(timeout=30)

    # Then it is not kept waiting
    assert not thread.is_alive()


def test_the_emulator_finds_each_service_once_per_host_and_answers_as_before() -> None:
    # Given moto server's application, remembering backends
    app = dispatcher()

    # When a host is looked up twice, and another host once
    first = app.get_backend_for_host("dynamodb.us-east-1.amazonaws.com")
    again = app.get_backend_for_host("dynamodb.us-east-1.amazonaws.com")
    other = app.get_backend_for_host("s3.amazonaws.com")

    # Then each host gets moto's own answer, the same each time
    assert first == again == "dynamodb"
    assert other == "s3"
    assert app.get_backend_for_host(None) is None


def test_the_saver_saves_only_when_something_changed(tmp_path: Path) -> None:
    with fake_aws():
        # Given a stack whose state has just been saved
        deployed, state = deploy_stack()
        counter = ChangeCounter(lambda _environ, _start: [b""])
        file = StateFile(tmp_path)
        saver = Saver(state, file, counter, stop=_never())
        first = saver.save()
        assert first is not None

        # When nothing has changed
        # Then nothing is saved
        assert not saver.changed()
        assert saver.save() is None

        # When a write request has reached the emulator
        counter.generation += 1

        # Then the next look saves
        assert saver.changed()
        assert saver.save() is not None
        assert saver.save() is None

        # When a comment is queued (the queues are compared by their messages' ids)
        boto3.client("sqs", region_name=REGION).send_message(
            QueueUrl=deployed.names["CommentQueue"], MessageBody='{"comment": "new"}'
        )

        # Then the next look saves it
        report = saver.save()
        assert report is not None
        assert report.snapshot.queues["CommentQueue"] == [{"body": '{"comment": "new"}'}]
        assert file.read(stack_name=STACK, region=REGION) == report.snapshot
        assert saver.saves == 3


def test_the_saver_waits_for_the_writes_to_pause_but_not_for_ever(tmp_path: Path) -> None:
    with fake_aws():
        # Given a saved stack, its emulator's writes timed by a clock the test moves
        _deployed, state = deploy_stack()
        now = [1000.0]
        counter = ChangeCounter(lambda _environ, _start: [b""], clock=lambda: now[0])
        saver = Saver(state, StateFile(tmp_path), counter, stop=_never())
        saver.save()
        assert not saver.due()

        def write() -> None:
            counter({"REQUEST_METHOD": "PUT"}, lambda *_: None)

        # When a publish writes, and writes again half a second later
        write()
        now[0] += 0.5
        write()

        # Then the change waits while the writes go on, and is due once they have paused for a second
        assert not saver.due()
        now[0] += 0.9
        assert not saver.due()
        now[0] += 0.2
        assert saver.due()
        assert saver.save() is not None
        assert not saver.due()

        # When writes never pause for more than half a second
        first_look = None
        waited = None
        for _ in range(int(SAVE_AT_LATEST * 2) + 10):
            write()
            now[0] += 0.5
            first_look = first_look or now[0]
            if saver.due():
                waited = now[0] - first_look
                break

        # Then the change is saved SAVE_AT_LATEST seconds after the saver first saw it, all the same
        assert waited is not None and SAVE_AT_LATEST <= waited < SAVE_AT_LATEST + 0.5


def _never() -> Any:
    import threading

    return threading.Event()


def test_schedule_times_are_saved_as_iso_text(tmp_path: Path) -> None:
    # Given a schedule definition with a start date, as GetSchedule gives it
    start = dt.datetime(2030, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    saved = Snapshot(STACK, REGION, schedules={"G": [{"Name": "s", "StartDate": start}]})

    # When it is written and read back
    file = StateFile(tmp_path)
    file.write(saved)

    # Then the time is ISO 8601 text with its offset
    read = file.read(stack_name=STACK, region=REGION)
    assert read is not None
    assert read.schedules["G"][0]["StartDate"] == "2030-01-02T03:04:05+00:00"


# ----- what the stack does with the saved state on start --------------------------------------------


def local_stack(state_dir: Path, *, fresh: bool = False) -> LocalStack:
    return LocalStack(LocalSettings(stack_name=STACK, region=REGION, state_dir=state_dir), fresh=fresh)


@pytest.mark.clock("2030-01-02T03:04:05+00:00")
def test_a_state_file_the_stack_cannot_read_is_moved_aside_and_the_stack_starts_empty(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a state file cut short (the disk filled up under another program, say)
    file = StateFile(tmp_path)
    file.path.write_text('{"format": "newsdesk-local-state", "version": 1, "stack": {"na', encoding="utf-8")
    stack = local_stack(tmp_path)

    with fake_aws():
        deployed, state = deploy_stack()

        # When the stack starts with it
        stack.restore_state(state)
        items = boto3.client("dynamodb", region_name=REGION).scan(TableName=deployed.names["ArticlesTable"])

    # Then it starts empty (so the samples are seeded), says why and where the file went, and kept it whole
    aside = tmp_path / "state.json.unreadable-20300102T030405Z"
    assert stack.restored is None
    assert items["Count"] == 0
    assert "The saved state cannot be used (it is not valid JSON" in caplog.text
    assert f"it was moved to {aside} and the stack starts empty" in caplog.text
    assert aside.read_text(encoding="utf-8").endswith('"stack": {"na')
    assert not file.exists()


@pytest.mark.clock("2030-01-02T03:04:05+00:00")
def test_fresh_keeps_the_previous_state_aside_and_restores_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Given a saved state with an article
    file = StateFile(tmp_path)
    with fake_aws():
        deployed, state = deploy_stack()
        fill(deployed)
        file.write(state.capture())
    saved = file.path.read_bytes()

    # When the stack starts with --fresh
    caplog.set_level(logging.INFO, logger="newsdesk_local")
    stack = local_stack(tmp_path, fresh=True)
    with fake_aws():
        deployed, state = deploy_stack()
        stack.restore_state(state)
        items = boto3.client("dynamodb", region_name=REGION).scan(TableName=deployed.names["ArticlesTable"])

    # Then nothing is restored, it says so, and the previous state is kept under another name
    assert stack.restored is None
    assert items["Count"] == 0
    aside = tmp_path / "state.json.before-fresh-20300102T030405Z"
    assert f"Starting fresh (--fresh); the previous state is kept in {aside}" in caplog.text
    assert aside.read_bytes() == saved
    assert not file.exists()


def test_a_saved_state_is_restored_on_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Given a saved state with an article
    file = StateFile(tmp_path)
    with fake_aws():
        deployed, state = deploy_stack()
        fill(deployed)
        file.write(state.capture())

    # When the stack starts with it
    caplog.set_level(logging.INFO, logger="newsdesk_local")
    stack = local_stack(tmp_path)
    with fake_aws():
        deployed, state = deploy_stack()
        stack.restore_state(state)
        items = boto3.client("dynamodb", region_name=REGION).scan(TableName=deployed.names["ArticlesTable"])

    # Then the article is back, and the stack says what it restored
    assert stack.restored is not None
    assert items["Count"] == 1
    assert "1 items, 2 objects, 1 schedules, 3 queued messages" in caplog.text
    assert file.exists()


def signed(service: str, method: str = "POST", **environ: str) -> dict[str, Any]:
    """A request environ signed for `service`, as the SDK sends it."""
    credential = f"AWS4-HMAC-SHA256 Credential=local/20261202/us-east-1/{service}/aws4_request, Signature=0"
    return {"REQUEST_METHOD": method, "HTTP_AUTHORIZATION": credential, **environ}


@pytest.mark.parametrize(
    ("environ", "topic"),
    [
        (signed("dynamodb", HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem"), "dynamodb"),
        (signed("sqs", HTTP_X_AMZ_TARGET="AmazonSQS.SendMessage"), "sqs"),
        (
            signed("s3", "PUT", HTTP_HOST="127.0.0.1:4566", PATH_INFO="/site-bucket/uploads/a.jpg"),
            "s3:/site-bucket/uploads/a.jpg",
        ),
        (
            signed("s3", "PUT", HTTP_HOST="localhost", PATH_INFO="/site-bucket/index.html"),
            "s3:/site-bucket/index.html",
        ),
        # virtual-hosted style: the bucket is in the host name, so the request cannot be placed
        (signed("s3", "PUT", HTTP_HOST="site-bucket.s3.localhost.localstack.cloud", PATH_INFO="/a.jpg"), ""),
        # a browser's form upload: no Authorization header
        ({"REQUEST_METHOD": "POST", "HTTP_HOST": "127.0.0.1", "PATH_INFO": "/site-bucket"}, ""),
    ],
)
def test_a_write_is_described_by_its_service_and_for_s3_its_bucket_and_key(
    environ: dict[str, Any], topic: str
) -> None:
    # Given / When a write request is described
    # Then it names what it touches, or nothing when it cannot tell
    assert write_topic(environ) == topic


def test_a_poller_waiting_on_a_topic_sleeps_through_other_writes_and_wakes_for_its_own() -> None:
    # Given a poller of uploads waiting for a write under its bucket's prefix
    counter = ChangeCounter(lambda _environ, _start: [b""])
    topic = "s3:/site-bucket/uploads/"
    seen = counter.activity.count_of(topic)
    stop = threading.Event()
    woke = threading.Event()

    def poller() -> None:
        counter.activity.wait(seen, 60, stop, topic)
        woke.set()

    thread = threading.Thread(target=poller)
    thread.start()

    # When the renderer writes pages and a table item, then a reader uploads a photo
    counter(signed("s3", "PUT", HTTP_HOST="127.0.0.1", PATH_INFO="/site-bucket/index.html"), lambda *_: None)
    counter(signed("dynamodb", HTTP_X_AMZ_TARGET="DynamoDB_20120810.PutItem"), lambda *_: None)
    slept_through_others = not woke.wait(0.5)
    counter(
        signed("s3", "PUT", HTTP_HOST="127.0.0.1", PATH_INFO="/site-bucket/uploads/a.jpg"), lambda *_: None
    )
    thread.join(timeout=30)

    # Then only the upload woke it; every write counts for a poller that waits for any
    assert slept_through_others
    assert woke.is_set()
    assert counter.activity.count_of(topic) == seen + 1
    assert counter.activity.count == 3


def test_a_write_that_cannot_be_described_wakes_every_topic() -> None:
    # Given pollers counting their topics
    counter = ChangeCounter(lambda _environ, _start: [b""])
    before = {t: counter.activity.count_of(t) for t in ("dynamodb", "sqs", "s3:/site-bucket/uploads/")}

    # When a write without an Authorization header passes (a browser's form upload)
    counter(
        {"REQUEST_METHOD": "POST", "HTTP_HOST": "127.0.0.1", "PATH_INFO": "/site-bucket"}, lambda *_: None
    )

    # Then every topic counts it
    assert {t: counter.activity.count_of(t) for t in before} == {t: n + 1 for t, n in before.items()}
