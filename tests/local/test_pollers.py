"""The pollers against in-process moto: real-shaped batches, filtering, partial failures, bisecting,
the on-failure destination and SQS redrive."""

from __future__ import annotations

import copy
import dataclasses
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest

from newsdesk_local import emulator
from newsdesk_local.deploy import deploy_template
from newsdesk_local.event_sources import EventSourceMapping, event_source_mappings
from newsdesk_local.persistence import Activity
from newsdesk_local.pollers import PollerThread, QueuePoller, StreamPoller, failed_item_ids
from newsdesk_local.runtime import Invocation
from newsdesk_local.template import Deployed
from tests.conftest import REGION
from tests.local.conftest import FakeClock

TEMPLATE = """
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      KeySchema: [{AttributeName: PK, KeyType: HASH}, {AttributeName: SK, KeyType: RANGE}]
      AttributeDefinitions: [{AttributeName: PK, AttributeType: S}, {AttributeName: SK, AttributeType: S}]
      StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
  Failures:
    Type: AWS::SQS::Queue
  Jobs:
    Type: AWS::SQS::Queue
    Properties:
      VisibilityTimeout: 0
      RedrivePolicy: {deadLetterTargetArn: !GetAtt JobsDeadLetters.Arn, maxReceiveCount: 2}
  JobsDeadLetters:
    Type: AWS::SQS::Queue
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: functions/consumer/
      Handler: app.handler
      Runtime: python3.13
      Events:
        Changes:
          Type: DynamoDB
          Properties:
            Stream: !GetAtt Table.StreamArn
            StartingPosition: TRIM_HORIZON
            BatchSize: 2
            BisectBatchOnFunctionError: true
            MaximumRetryAttempts: 1
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"dynamodb": {"Keys": {"SK": {"S": ["A"]}}}}'
            DestinationConfig:
              OnFailure: {Type: SQS, Destination: !GetAtt Failures.Arn}
        Work:
          Type: SQS
          Properties:
            Queue: !GetAtt Jobs.Arn
            BatchSize: 5
            FunctionResponseTypes: [ReportBatchItemFailures]
            FilterCriteria:
              Filters:
                - Pattern: '{"body": {"kind": ["render"]}}'
"""

Handler = Callable[[dict[str, Any]], Invocation]


class Recorder:
    """A fake function: records each batch and answers with what `respond` says."""

    def __init__(self, respond: Callable[[list[dict[str, Any]]], Invocation]) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.respond = respond

    def __call__(self, event: dict[str, Any]) -> Invocation:
        self.batches.append(event["Records"])
        return self.respond(event["Records"])


def ok(_records: list[dict[str, Any]]) -> Invocation:
    return Invocation(payload={"batchItemFailures": []})


def pk(record: dict[str, Any]) -> str:
    return str(record["dynamodb"]["Keys"]["PK"]["S"])


@pytest.fixture
def stack(corrected: None, aws: None, snippet: Any) -> tuple[Deployed, dict[str, EventSourceMapping]]:
    template = snippet(TEMPLATE)
    deployed = deploy_template(template, boto3.Session(region_name=REGION), stack_name="unit")
    return deployed, {m.name.removeprefix("Consumer"): m for m in event_source_mappings(deployed)}


def stream_poller(
    stack: tuple[Deployed, dict[str, EventSourceMapping]], invoke: Recorder, **options: Any
) -> StreamPoller:
    deployed, mappings = stack
    sqs = boto3.client("sqs", region_name=REGION)

    def send_failure(record: dict[str, Any]) -> None:
        sqs.send_message(QueueUrl=deployed.ref("Failures"), MessageBody=json.dumps(record))

    return StreamPoller(
        mappings["Changes"],
        streams=boto3.client("dynamodbstreams", region_name=REGION),
        invoke=invoke,
        send_failure=send_failure,
        function_arn=deployed.arns["Consumer"],
        stop=threading.Event(),
        retry_delay=0,
        **options,
    )


def put(deployed: Deployed, *items: tuple[str, str]) -> None:
    ddb = boto3.client("dynamodb", region_name=REGION)
    for pk_, sk in items:
        ddb.put_item(
            TableName=deployed.ref("Table"), Item={"PK": {"S": pk_}, "SK": {"S": sk}, "n": {"N": "1"}}
        )


def test_the_template_events_become_mappings(stack: tuple[Deployed, dict[str, EventSourceMapping]]) -> None:
    # Given the snippet's function events (fixture)
    deployed, mappings = stack

    # Then each is a mapping the transform made, with the template's settings, its references resolved
    changes, work = mappings["Changes"], mappings["Work"]
    assert (changes.name, changes.function, work.function) == ("ConsumerChanges", "Consumer", "Consumer")
    assert changes.kind == "DynamoDB"
    assert changes.source_arn == deployed.get_att("Table", "StreamArn")
    assert (changes.batch_size, changes.maximum_retry_attempts, changes.bisect_on_error) == (2, 1, True)
    assert changes.on_failure_arn == deployed.get_att("Failures", "Arn")
    assert work.kind == "SQS"
    assert work.source_arn == deployed.get_att("Jobs", "Arn")
    assert work.report_batch_item_failures


def test_stream_records_arrive_filtered_batched_and_in_lambda_shape(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given three article items and one tag item written to the table
    deployed, _ = stack
    put(deployed, ("a1", "A"), ("a1", "TAG#x"), ("a2", "A"), ("a3", "A"))
    invoke = Recorder(ok)

    # When the stream is polled
    read = stream_poller(stack, invoke).poll_once()

    # Then the article records arrive in batches of two, shaped as Lambda delivers them
    assert read == 4
    assert [[pk(r) for r in batch] for batch in invoke.batches] == [["a1", "a2"], ["a3"]]
    record = invoke.batches[0][0]
    assert record["eventName"] == "INSERT"
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventSourceARN"] == deployed.get_att("Table", "StreamArn")
    assert record["dynamodb"]["Keys"] == {"PK": {"S": "a1"}, "SK": {"S": "A"}}
    assert record["dynamodb"]["NewImage"]["n"] == {"N": "1"}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
    json.dumps(invoke.batches)  # what a handler gets is plain JSON


def test_a_partial_stream_failure_is_retried_from_the_first_failed_record(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given a function that reports the second record of its first batch as failed
    deployed, _ = stack
    put(deployed, ("a1", "A"), ("a2", "A"))
    calls = 0

    def respond(records: list[dict[str, Any]]) -> Invocation:
        nonlocal calls
        calls += 1
        if calls == 1:
            return Invocation(
                payload={"batchItemFailures": [{"itemIdentifier": records[1]["dynamodb"]["SequenceNumber"]}]}
            )
        return Invocation(payload={"batchItemFailures": []})

    invoke = Recorder(respond)

    # When the stream is polled
    stream_poller(stack, invoke).poll_once()

    # Then the retry starts at the failed record and does not repeat the one that succeeded
    assert [[pk(r) for r in batch] for batch in invoke.batches] == [["a1", "a2"], ["a2"]]


def test_a_poison_record_is_bisected_retried_and_sent_to_the_failure_queue(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given a function that raises whenever its batch holds the poison record
    deployed, _ = stack
    put(deployed, ("good", "A"), ("poison", "A"))

    def respond(records: list[dict[str, Any]]) -> Invocation:
        if any(pk(r) == "poison" for r in records):
            return Invocation(error_type="ValueError", error_message="cannot render")
        return Invocation(payload=None)

    invoke = Recorder(respond)

    # When the stream is polled
    stream_poller(stack, invoke).poll_once()

    # Then the batch is split, the good half succeeds, the poison one is tried 1 + MaximumRetryAttempts times
    assert [[pk(r) for r in batch] for batch in invoke.batches] == [
        ["good", "poison"],
        ["good"],
        ["poison"],
        ["poison"],
    ]
    # and a failure record naming it lands in the OnFailure queue
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=deployed.ref("Failures"), MaxNumberOfMessages=10)["Messages"]
    assert len(messages) == 1
    failure = json.loads(messages[0]["Body"])
    info = failure["DDBStreamBatchInfo"]
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["requestContext"]["functionArn"] == deployed.arns["Consumer"]
    assert failure["responseContext"]["functionError"] == "Unhandled"
    assert info["batchSize"] == 1
    assert info["startSequenceNumber"] == invoke.batches[-1][0]["dynamodb"]["SequenceNumber"]
    assert info["streamArn"] == deployed.get_att("Table", "StreamArn")


# ----- recovery ---------------------------------------------------------------------------------------


def delivered(invoke: Recorder) -> list[list[str]]:
    return [[pk(r) for r in batch] for batch in invoke.batches]


def test_the_poller_follows_a_table_whose_stream_shard_was_replaced(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given a poller that has delivered a record
    from moto.dynamodb.models import dynamodb_backends

    deployed, _ = stack
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, rediscover_every=0)
    put(deployed, ("before", "A"))
    poller.poll_once()

    # When the table is replaced by a copy with its own shard object, as moto's own transaction
    # rollback does (the emulator prevents it; the poller must not depend on that), and then written to
    backend = dynamodb_backends["123456789012"][REGION]
    name = deployed.ref("Table")
    backend.tables[name] = copy.deepcopy(backend.tables[name])
    put(deployed, ("after", "A"))
    poller.poll_once()
    poller.poll_once()

    # Then the new record is delivered, once, and the old one is not delivered again
    assert delivered(invoke) == [["before"], ["after"]]


def test_an_expired_iterator_is_renewed_from_the_last_record_read(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
    limits: emulator.Limits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a poller that has delivered a record, then is not run for 16 minutes (iterators last 15)
    deployed, _ = stack
    clock = FakeClock()
    limits.clock = clock
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, clock=clock, rediscover_every=3600)
    put(deployed, ("first", "A"))
    poller.poll_once()
    clock.now += 16 * 60
    put(deployed, ("second", "A"))

    # When it polls again, twice
    with caplog.at_level(logging.WARNING, logger="newsdesk_local.pollers"):
        poller.poll_once()
        poller.poll_once()

    # Then it said its iterator had expired, and read on from where it was: nothing skipped or repeated
    assert delivered(invoke) == [["first"], ["second"]]
    assert any("ExpiredIteratorException" in r.getMessage() for r in caplog.records)


def test_records_trimmed_before_delivery_are_reported_and_reading_goes_on_from_the_horizon(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
    limits: emulator.Limits,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a stream that keeps two records, and a poller that has delivered the first
    deployed, _ = stack
    limits.stream_records = 2
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, rediscover_every=3600)
    put(deployed, ("a", "A"))
    poller.poll_once()

    # When three more are written before it polls again (so "b" is trimmed unread)
    put(deployed, ("b", "A"), ("c", "A"), ("d", "A"))
    with caplog.at_level(logging.WARNING, logger="newsdesk_local.pollers"):
        poller.poll_once()
        poller.poll_once()

    # Then it reports the loss as an error, and delivers what the stream still has
    assert delivered(invoke) == [["a"], ["c", "d"]]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert any("TrimmedDataAccessException" in r.getMessage() for r in errors)


def test_starting_at_latest_delivers_only_what_is_written_after_the_poller_starts(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given a record written before the poller starts, and a poller starting at LATEST
    deployed, mappings = stack
    put(deployed, ("before", "A"))
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, rediscover_every=0)
    poller.mapping = dataclasses.replace(mappings["Changes"], starting_position="LATEST")
    poller.poll_once()

    # When another record is written, and the poller polls (renewing its iterators each time)
    put(deployed, ("after", "A"))
    poller.poll_once()
    poller.poll_once()

    # Then only the later record is delivered, once
    assert delivered(invoke) == [["after"]]


def wait_for(check: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_a_poller_that_cannot_read_says_so_and_follows_the_table_when_it_is_back(
    stack: tuple[Deployed, dict[str, EventSourceMapping]], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a running poller thread on the table's stream
    deployed, _ = stack
    ddb = boto3.client("dynamodb", region_name=REGION)
    name = deployed.ref("Table")
    definition = ddb.describe_table(TableName=name)["Table"]
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, dynamodb=ddb, rediscover_every=0)
    stop = threading.Event()
    thread = PollerThread("Consumer.Changes", poller.poll_once, 0.01, stop)
    caplog.set_level(logging.INFO, logger="newsdesk_local.pollers")
    thread.start()
    try:
        # When the table is deleted
        ddb.delete_table(TableName=name)

        # Then the poller says, as an error, that it cannot read its source, and why
        def failure_reported() -> bool:
            return any(
                r.levelno == logging.ERROR and "cannot read its event source" in r.getMessage()
                for r in caplog.records
            )

        assert wait_for(failure_reported)
        error = next(r for r in caplog.records if "cannot read its event source" in r.getMessage())
        assert "ResourceNotFoundException" in error.getMessage()

        # When the table is created again, with a stream, and written to
        ddb.create_table(
            TableName=name,
            BillingMode="PAY_PER_REQUEST",
            KeySchema=definition["KeySchema"],
            AttributeDefinitions=definition["AttributeDefinitions"],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        put(deployed, ("back", "A"))

        # Then it reads again, says so, and delivers the new record from the table's new stream
        assert wait_for(lambda: delivered(invoke) == [["back"]])
        latest = ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]
        assert latest != deployed.get_att("Table", "StreamArn")
        assert invoke.batches[0][0]["eventSourceARN"] == latest

        # (the thread logs its recovery once the poll that delivered has returned)
        def logged(text: str) -> bool:
            return any(text in r.getMessage() for r in caplog.records)

        assert wait_for(lambda: logged("reading its event source again"))
        assert logged("has a new stream")
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_an_idle_poller_sleeps_until_the_emulator_takes_a_write(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given a stream poller thread told of the emulator's writes, with a fallback far beyond the test
    deployed, _ = stack
    invoke = Recorder(ok)
    poller = stream_poller(stack, invoke, rediscover_every=0)
    polls: list[float] = []

    def poll_once() -> int:
        polls.append(time.monotonic())
        return poller.poll_once()

    activity = Activity()
    stop = threading.Event()
    thread = PollerThread("Consumer.Changes", poll_once, 0.01, stop, activity=activity, idle_interval=600)
    thread.start()
    try:
        assert wait_for(lambda: len(polls) >= 1)
        time.sleep(0.3)  # thirty of its poll intervals
        idle_polls = len(polls)

        # When a record is written and the emulator counts the write
        put(deployed, ("woken", "A"))
        activity.happened()

        # Then the poller slept while idle (one poll, not thirty) and delivers the record at once
        assert idle_polls == 1
        assert wait_for(lambda: delivered(invoke) == [["woken"]], timeout=5)
    finally:
        stop.set()
        activity.wake()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_sqs_deletes_successes_drops_unmatched_and_redrives_failures(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given three render jobs (one that always fails) and one job the filter does not want
    deployed, mappings = stack
    sqs = boto3.client("sqs", region_name=REGION)
    queue = deployed.ref("Jobs")
    for kind, name in [("render", "one"), ("render", "bad"), ("render", "two"), ("archive", "old")]:
        sqs.send_message(
            QueueUrl=queue,
            MessageBody=json.dumps({"kind": kind, "name": name}),
            MessageAttributes={"origin": {"DataType": "String", "StringValue": "test"}},
        )

    def respond(records: list[dict[str, Any]]) -> Invocation:
        failed = [r["messageId"] for r in records if json.loads(r["body"])["name"] == "bad"]
        return Invocation(payload={"batchItemFailures": [{"itemIdentifier": i} for i in failed]})

    invoke = Recorder(respond)
    poller = QueuePoller(mappings["Work"], sqs=sqs, queue_url=queue, invoke=invoke, region=REGION)

    # When the queue is polled three times
    received = [poller.poll_once() for _ in range(3)]

    # Then the first batch holds the three render jobs in Lambda's shape
    first = invoke.batches[0]
    assert sorted(json.loads(r["body"])["name"] for r in first) == ["bad", "one", "two"]
    record = first[0]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == deployed.get_att("Jobs", "Arn")
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["origin"]["stringValue"] == "test"
    assert record["receiptHandle"]
    # and only the failing job comes back, until the queue's redrive policy moves it to the dead-letter queue
    assert received == [4, 1, 0]
    assert [json.loads(r["body"])["name"] for r in invoke.batches[1]] == ["bad"]
    dead = sqs.receive_message(QueueUrl=deployed.ref("JobsDeadLetters"), MaxNumberOfMessages=10)["Messages"]
    assert [json.loads(m["Body"])["name"] for m in dead] == ["bad"]


def test_sqs_long_polls_an_idle_queue_and_delivers_what_arrives_during_the_wait(
    stack: tuple[Deployed, dict[str, EventSourceMapping]],
) -> None:
    # Given an empty queue and a poller that long-polls it, as Lambda's does
    deployed, mappings = stack
    sqs = boto3.client("sqs", region_name=REGION)
    queue = deployed.ref("Jobs")
    receives: list[dict[str, Any]] = []
    sqs.meta.events.register(
        "provide-client-params.sqs.ReceiveMessage", lambda params, **_: receives.append(dict(params))
    )
    invoke = Recorder(ok)
    poller = QueuePoller(
        mappings["Work"], sqs=sqs, queue_url=queue, invoke=invoke, region=REGION, wait_seconds=5
    )
    polled: list[int] = []
    thread = threading.Thread(target=lambda: polled.append(poller.poll_once()))

    # When a job is sent while the poller waits
    thread.start()
    while not receives:
        time.sleep(0.01)
    sqs.send_message(QueueUrl=queue, MessageBody=json.dumps({"kind": "render", "name": "late"}))
    thread.join(timeout=30)

    # Then that one receive, a long poll, brought the job and it was delivered
    assert [r["WaitTimeSeconds"] for r in receives] == [5]
    assert polled == [1]
    assert [json.loads(r["body"])["name"] for r in invoke.batches[0]] == ["late"]


@pytest.mark.parametrize(
    ("invocation", "expected"),
    [
        (Invocation(payload=None), None),
        (Invocation(payload={"batchItemFailures": []}), None),
        (Invocation(payload={"batchItemFailures": [{"itemIdentifier": "2"}]}), ["2"]),
        (Invocation(payload={"batchItemFailures": [{"itemIdentifier": "9"}]}), ["1", "2", "3"]),
        (Invocation(payload={"batchItemFailures": [{"itemIdentifier": ""}]}), ["1", "2", "3"]),
        (Invocation(payload={"batchItemFailures": "2"}), ["1", "2", "3"]),
        (Invocation(error_type="KeyError", error_message="x"), ["1", "2", "3"]),
    ],
)
def test_failed_items_are_read_like_lambda(invocation: Invocation, expected: list[str] | None) -> None:
    # Given a batch of three and the function's answer
    # When the failed items are read
    # Then malformed answers and unknown ids fail the whole batch, as in Lambda
    assert failed_item_ids(invocation, ["1", "2", "3"], partial=True) == expected
