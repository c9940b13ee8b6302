"""Reader comments: intake latency, worker throughput, and the intake handler's import time.

(a) Intake latency in process (moto): the intake's resolver (newsdesk.http.intake, assembled as its app.py
    does) handling API Gateway events for a published article,
    as the site's form posts them (form-encoded, with a valid token: GetItem, three KMS MAC calls, two
    Queries, SendMessage), each from another sender and address so that all are accepted (202/303).
    `BENCH_COMMENTS_POSTS` requests after a warm-up; p50 and p95 in milliseconds. The time is mostly
    moto's (every call goes through botocore's full request path to the in-process mock).
(b) Worker throughput (moto): `BENCH_COMMENTS_WORKER` comment messages on an SQS queue, received ten at
    a time, handed to the worker's batch handler as the SQS event Lambda builds, successes deleted, until the
    queue is empty; comments per second over the whole run. moto scans the table for every Query, so the
    rate falls as the table fills; it compares runs, it does not predict AWS.
(c) Import time of the intake handler against `import boto3` alone, measured as bench_imports measures
    every handler (fresh interpreter per sample, the function and its layer laid out as SAM ships them,
    Lambda's environment), interleaved, median of `BENCH_IMPORT_REPEATS`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from bench import Result

REGION: Final = "ap-south-1"
POSTS = int(os.environ.get("BENCH_COMMENTS_POSTS", "300"))
WORKER_MESSAGES = int(os.environ.get("BENCH_COMMENTS_WORKER", "500"))
REPEATS = int(os.environ.get("BENCH_IMPORT_REPEATS", "15"))
INTAKE = "CommentIntakeFunction"


@dataclass
class World:
    ddb: Any
    sqs: Any
    kms: Any
    table: str
    queue_url: str
    queue_arn: str
    mac_key: str
    data_key: str


@contextmanager
def moto_world() -> Iterator[World]:
    saved = {
        k: os.environ.get(k) for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION")
    }
    os.environ.update(AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_SQS"):
        saved.setdefault(name, os.environ.pop(name, None))
    applied = False
    try:
        import boto3
        from moto import mock_aws

        from newsdesk_local import emulator
        from newsdesk_local.template import load_template, table_definition

        # As the local stack runs moto: a transaction (the intake's gate) touches its items, not a copy of
        # the whole table.
        applied = emulator.install()
        with mock_aws():
            ddb = boto3.client("dynamodb", region_name=REGION)
            sqs = boto3.client("sqs", region_name=REGION)
            kms = boto3.client("kms", region_name=REGION)
            table = f"bench-{uuid.uuid4().hex[:8]}"
            definition = table_definition(load_template(), "ArticlesTable", table)
            definition.pop("StreamSpecification", None)
            ddb.create_table(**definition)
            queue = sqs.create_queue(QueueName=f"bench-comments-{uuid.uuid4().hex[:8]}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"][
                "QueueArn"
            ]
            yield World(
                ddb=ddb,
                sqs=sqs,
                kms=kms,
                table=table,
                queue_url=queue,
                queue_arn=arn,
                mac_key=kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"][
                    "Arn"
                ],
                data_key=kms.create_key()["KeyMetadata"]["Arn"],
            )
    finally:
        if applied:
            from newsdesk_local import emulator

            emulator.uninstall()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _article(world: World) -> Any:
    from newsdesk.adapters.dynamodb.records import article_to_item
    from newsdesk.articles.models import Article, ArticleStatus

    now = dt.datetime.now(dt.UTC)
    article = Article(
        id="01JDQ7ZK3M8N4P5R6S7T8V9W0X",
        slug="rooftop-solar-for-schools",
        headline="Rooftop solar for schools",
        body="The council approved panels for every school.",
        status=ArticleStatus.PUBLISHED,
        created_at=now - dt.timedelta(hours=2),
        updated_at=now - dt.timedelta(hours=1),
        published_at=now - dt.timedelta(hours=1),
        version=2,
        url="/2026/11/25/rooftop-solar-for-schools/",
    )
    world.ddb.put_item(TableName=world.table, Item=article_to_item(article))
    return article


def _event(article_id: str, index: int, token: str) -> dict[str, Any]:
    ip = f"198.51.{index // 250 % 250}.{index % 250 + 1}"
    body = urlencode(
        {
            "name": f"Reader {index}",
            "email": f"reader{index}@example.com",
            "website": "",
            "body": f"Comment number {index}: the panels are a good idea.",
            "url_confirm": "",
            "token": token,
        }
    )
    return {
        "resource": "/api/articles/{id}/comments",
        "path": f"/api/articles/{article_id}/comments",
        "httpMethod": "POST",
        "headers": {
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": "text/html",
            "User-Agent": "bench",
            "X-Forwarded-For": f"{ip}, 130.176.188.71",
        },
        "pathParameters": {"id": article_id},
        "requestContext": {"identity": {"sourceIp": ip}},
        "body": body,
        "isBase64Encoded": False,
    }


def _percentile(samples: list[float], pct: int) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[pct - 1]


def intake_latency() -> list[Result]:
    from newsdesk.adapters.dynamodb.gates import SenderGateTable
    from newsdesk.adapters.dynamodb.senders import PublicationTable, SenderHistoryTable
    from newsdesk.adapters.kms import KmsCipher, KmsMac
    from newsdesk.adapters.sqs import CommentQueue
    from newsdesk.comments.intake import CommentIntake
    from newsdesk.comments.tokens import make_fresh_token
    from newsdesk.http.intake import intake_api

    with moto_world() as world:
        article = _article(world)
        mac = KmsMac(world.mac_key, world.kms)
        app = intake_api(
            CommentIntake(
                PublicationTable(world.table, world.ddb),
                SenderHistoryTable(world.table, world.ddb),
                CommentQueue(world.queue_url, world.sqs),
                mac,
                gate=SenderGateTable(world.table, world.ddb),
                sealer=KmsCipher(world.data_key, world.kms),
            )
        )
        context = _Context()

        def token() -> str:  # a fresh form token per post, as the page's script fetches one (single-use)
            return make_fresh_token(mac, article.id, int(time.time()) - 10)

        for i in range(20):  # warm-up: clients, botocore's loaders, moto's first calls
            assert app.resolve(_event(article.id, 100_000 + i, token()), context)["statusCode"] == 303
        samples: list[float] = []
        for i in range(POSTS):
            event = _event(article.id, i, token())
            started = time.perf_counter()
            response = app.resolve(event, context)
            samples.append(time.perf_counter() - started)
            assert response["statusCode"] == 303, response
    ms = [s * 1000 for s in samples]
    p50, p95 = statistics.median(ms), _percentile(ms, 95)
    details = {"samples_ms": [round(m, 3) for m in ms], "requests": POSTS}
    return [
        Result("intake latency p50", p50, "ms", comment=f"form post with token, moto in process, n={POSTS}"),
        Result(
            "intake latency p95",
            p95,
            "ms",
            comment="GetItem, 3 KMS MAC calls, 2 Queries, SendMessage",
            details=details,
        ),
    ]


def worker_throughput() -> list[Result]:
    from newsdesk.adapters.dynamodb.comments import CommentStore
    from newsdesk.adapters.dynamodb.senders import SenderHistoryTable
    from newsdesk.adapters.kms import KmsCipher
    from newsdesk.batch.comments import handle_comment_batch
    from newsdesk.comments.ids import new_ulid
    from newsdesk.comments.rules import RuleSettings
    from newsdesk.comments.values import CommentMessage, PersonalData
    from newsdesk.comments.worker import Worker
    from newsdesk_local.event_sources import sqs_record

    with moto_world() as world:
        article = _article(world)
        now = time.time()
        bodies = []
        for i in range(WORKER_MESSAGES):
            created = dt.datetime.fromtimestamp(now - WORKER_MESSAGES + i, dt.UTC)
            comment_id = new_ulid(created.timestamp())
            personal = PersonalData(
                email=f"reader{i}@example.com", ip=f"198.51.{i // 250}.{i % 250}", user_agent="bench"
            )
            sealed = KmsCipher(world.data_key, world.kms).encrypt(personal.to_json(), comment_id)
            bodies.append(
                CommentMessage(
                    id=comment_id,
                    article_id=article.id,
                    name=f"Reader {i}",
                    website=None,
                    body=f"Comment number {i}",
                    personal=base64.b64encode(sealed).decode("ascii"),
                    email_hash=hashlib.sha256(f"e{i}".encode()).hexdigest()[:43],
                    ip_hash=hashlib.sha256(f"i{i}".encode()).hexdigest()[:43],
                    body_hash=hashlib.sha256(f"b{i}".encode()).hexdigest(),
                    created_at=created.isoformat(timespec="microseconds"),
                    token_valid=True,
                ).to_json()
            )
        for start in range(0, len(bodies), 10):
            world.sqs.send_message_batch(
                QueueUrl=world.queue_url,
                Entries=[{"Id": str(j), "MessageBody": b} for j, b in enumerate(bodies[start : start + 10])],
            )
        worker = Worker(
            CommentStore(world.table, world.ddb),
            SenderHistoryTable(world.table, world.ddb),
            KmsCipher(world.data_key, world.kms),
            RuleSettings(),
        )
        context = _Context()
        stored = 0
        batch_seconds: list[float] = []
        started = time.perf_counter()
        while True:
            received = world.sqs.receive_message(QueueUrl=world.queue_url, MaxNumberOfMessages=10).get(
                "Messages", []
            )
            if not received:
                break
            event = {"Records": [sqs_record(m, world.queue_arn, REGION) for m in received]}
            batch_started = time.perf_counter()
            response = handle_comment_batch(event, context, worker)
            batch_seconds.append(time.perf_counter() - batch_started)
            failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
            done = [m for m in received if m["MessageId"] not in failed]
            stored += len(done)
            world.sqs.delete_message_batch(
                QueueUrl=world.queue_url,
                Entries=[{"Id": str(j), "ReceiptHandle": m["ReceiptHandle"]} for j, m in enumerate(done)],
            )
        elapsed = time.perf_counter() - started
    assert stored == WORKER_MESSAGES, (stored, WORKER_MESSAGES)
    handler_only = sum(batch_seconds)
    return [
        Result(
            "worker throughput",
            stored / elapsed,
            "comments/s",
            better="higher",
            comment=f"batches of 10, {stored} comments incl. SQS receive/delete (moto)",
            details={"seconds": elapsed, "handler_seconds": handler_only, "batches": len(batch_seconds)},
        ),
        Result(
            "worker batch of 10, median",
            statistics.median(batch_seconds) * 1000,
            "ms",
            comment=f"the batch handler alone: {stored / handler_only:.0f} comments/s",
        ),
    ]


class _Context:
    function_name = "bench-CommentWorkerFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:bench-CommentWorkerFunction"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def intake_import_time() -> list[Result]:
    from bench.bench_imports import interpreter, lambda_functions, runtime_packages, sample, staged

    (spec,) = [s for s in lambda_functions() if s.logical_id == INTAKE]
    python = interpreter(spec.runtime)
    runtime = runtime_packages(python)
    boto3_times: list[float] = []
    intake_times: list[float] = []
    last: dict[str, Any] = {}
    with staged([spec], python) as (fn,):
        sample(python, None, runtime)  # warm the page cache
        sample(python, fn, runtime)
        for _ in range(REPEATS):  # interleaved, so drift affects both alike
            boto3_times.append(sample(python, None, runtime)["seconds"])
            last = sample(python, fn, runtime)
            intake_times.append(last["seconds"])
    base, intake = statistics.median(boto3_times), statistics.median(intake_times)
    return [
        Result(
            "import intake handler",
            intake * 1000,
            "ms",
            comment=f"median, n={REPEATS}; {last['modules']} modules; boto3 at import: {last['boto3']}",
            details={"samples_s": intake_times, "boto3_samples_s": boto3_times},
        ),
        Result("import boto3 alone", base * 1000, "ms", comment=f"median, n={REPEATS}"),
        Result(
            "intake handler / boto3",
            intake / base,
            "x",
            target=1.0,
            comment="the public route's cold import is below the SDK's own",
        ),
    ]


def run() -> list[Result]:
    return [*intake_latency(), *worker_throughput(), *intake_import_time()]


if __name__ == "__main__":
    from bench.__main__ import print_table

    print_table([("comments", r) for r in run()])
