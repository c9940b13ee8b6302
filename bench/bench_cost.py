"""A monthly AWS bill from counted calls: a scaled workload in process (moto), priced with bench.prices.

The workload, per month (WORKLOAD): 100 articles published a day, each edited once after it is live;
1,000,000 page views; 10,000 comments (each: a form token fetched, the form posted, the worker storing
it, an editor approving 80% of them, the article page re-rendered); 30 editor sessions a day of 20 API
requests each; and what runs on a timer (the overdue-schedule sweep every minute, the news sitemap's
refresh every hour, the removal of refused comments' personal data every day).

Measured in process against moto, with every call counted by botocore's hooks (bench.aws_calls) on the
clients the adapters use: a site of `BENCH_COST_ARTICLES` live articles (default 1,000, 12 months, 30
tags) is seeded and rendered, then `BENCH_COST_SAMPLES` (default 5) of each unit of work run, each in its
own counting window and timed:

* publish: create + publish through the article service (the editor API's two requests), then the
  renderer's batch for the stream record;
* edit: a revision of a live article (one request) and its batch;
* comment: the intake's token and post (two requests through its resolver), the worker's batch of one
  (SQS receive and delete included: Lambda's poller makes them), an approval (one request), the
  renderer's batch for the comment's stream record (and one for the stored, pending comment: the
  renderer's filter passes every comment item);
* editor session: a list, three articles opened with their receipts, the pending comments (5 requests,
  scaled to 20);
* sweep, refresh: one run of each timed function.

DynamoDB write units come from the table's stream: every record's old and new images (the larger,
rounded up to 1 KB), each index the item is in (its projection, rounded up), twice for items written by
TransactWriteItems. Read units come from the sizes of the items each read returned (bench.aws_calls).
Lambda GB-seconds use the measured wall time in process (moto's time included, so an upper bound) at the
function's memory size from template.yaml. Page views are priced from the measured sizes of the pages
(gzip, as CloudFront compresses them) and cache misses as `EDGE_CACHES` fetches per changed path. What is
not counted is modelled and says so in its line. Prices: bench/prices.py.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import math
import os
import statistics
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlencode

from bench import Result, prices
from bench.aws_calls import WRITE_UNIT, CallCounter, Calls, item_size

SITE_ARTICLES = int(os.environ.get("BENCH_COST_ARTICLES", "1000"))
SAMPLES = int(os.environ.get("BENCH_COST_SAMPLES", "5"))
TARGET = 5.0  # dollars a month
DAYS = 30.4
HOURS = 730  # in a month, as AWS bills by the hour


@dataclass(frozen=True)
class Workload:
    articles_per_day: int = 100
    edits_per_article: float = 1.0
    # A correction, clarification or editor's note: invalidated on the CDN at once (an ordinary edit is
    # not: newsdesk.site.freshness). One story in twenty.
    corrections_per_article: float = 0.05
    page_views: int = 1_000_000
    comments: int = 10_000
    approved_share: float = 0.8
    editor_sessions_per_day: int = 30
    requests_per_session: int = 20
    editors: int = 15  # distinct people signing in in a month (Cognito MAU)
    # CloudFront: objects a page view fetches (the page; the stylesheet and script are cached for a year)
    requests_per_view: float = 1.1
    # Regional edge caches that fetch a changed page from S3 once it is invalidated (no Origin Shield).
    edge_caches: int = 13
    log_bytes_per_invocation: int = 1500  # Lambda's START/END/REPORT lines and the handler's JSON lines
    log_retention_months: float = 1.0

    @property
    def publishes(self) -> float:
        return self.articles_per_day * DAYS

    @property
    def sessions(self) -> float:
        return self.editor_sessions_per_day * DAYS


WORKLOAD = Workload()
SWEEPS = 60 * 24 * DAYS
REFRESHES = 24 * DAYS
RETENTIONS = DAYS


# ----- one unit of work, as counted ---------------------------------------------------------------------


@dataclass
class Unit:
    """What one sample of a unit of work did: its calls, its invocations (function, ms), API requests,
    the stream records it caused and, for renders, the paths it invalidated."""

    calls: Calls = field(default_factory=Calls)
    invocations: list[tuple[str, float]] = field(default_factory=list)
    api_requests: int = 0
    intake_requests: int = 0
    stream: list[dict[str, Any]] = field(default_factory=list)
    invalidated_paths: int = 0
    # (function, ms) as modelled: CPU time in process without the AWS calls + the calls' latencies
    modelled: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class Measured:
    units: dict[str, list[Unit]] = field(default_factory=lambda: defaultdict(list))
    page_bytes_gzip: float = 0.0
    table_bytes_per_article: float = 0.0
    bucket_bytes_per_article: float = 0.0


# ----- the world ----------------------------------------------------------------------------------------


@contextmanager
def world() -> Iterator[Any]:
    """bench_render's moto world with the table's stream on, a comment queue and the two KMS keys."""
    import boto3

    from bench.bench_render import REGION, moto_world

    with moto_world() as base:
        w: Any = base
        w.ddb.update_table(
            TableName=w.table,
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        w.sqs = boto3.client("sqs", region_name=REGION)
        w.queue_url = w.sqs.create_queue(QueueName=f"bench-comments-{uuid.uuid4().hex[:8]}")["QueueUrl"]
        w.queue_arn = w.sqs.get_queue_attributes(QueueUrl=w.queue_url, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]
        w.kms = boto3.client("kms", region_name=REGION)
        w.mac_key = w.kms.create_key(KeySpec="HMAC_256", KeyUsage="GENERATE_VERIFY_MAC")["KeyMetadata"]["Arn"]
        w.data_key = w.kms.create_key()["KeyMetadata"]["Arn"]
        w.streams = boto3.client("dynamodbstreams", region_name=REGION)  # not counted: Lambda reads it
        yield w


class StreamTail:
    """Reads the table's stream on from where it last stopped (moto: one shard)."""

    def __init__(self, w: Any) -> None:
        self.w = w
        arn = w.ddb.describe_table(TableName=w.table)["Table"]["LatestStreamArn"]
        shard = w.streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self.iterator: str | None = w.streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST"
        )["ShardIterator"]

    def read(self) -> list[dict[str, Any]]:
        records: list[dict[str, Any]] = []
        while self.iterator:
            response = self.w.streams.get_records(ShardIterator=self.iterator, Limit=1000)
            self.iterator = response.get("NextShardIterator")
            if not response.get("Records"):
                break
            records += response["Records"]
        return records


def renderer_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The records the renderer's FilterCriteria pass (article items, comment items), as Lambda sends them."""
    passed = []
    for record in records:
        keys = record["dynamodb"]["Keys"]
        if keys["SK"]["S"] == "A" or keys["PK"]["S"].startswith("COMMENT#"):
            passed.append({**record, "eventSource": "aws:dynamodb"})
    return passed


# ----- measuring ----------------------------------------------------------------------------------------


def measure(samples: int = SAMPLES, size: int = SITE_ARTICLES) -> Measured:
    from bench.bench_calls import renderer_site
    from bench.bench_render import TZ, seed_live, tag_names
    from newsdesk.adapters.dynamodb.articles import ArticleStore
    from newsdesk.adapters.dynamodb.comments import CommentStore
    from newsdesk.adapters.dynamodb.stream import TableStream
    from newsdesk.adapters.kms import KmsMac
    from newsdesk.articles import service
    from newsdesk.articles.corrections import add_correction
    from newsdesk.articles.models import ArticleStatus, CorrectionType
    from newsdesk.batch.scheduled import sweep
    from newsdesk.batch.stream import handle_stream_batch
    from newsdesk.comments import moderation
    from newsdesk.comments.models import CommentStatus
    from newsdesk.comments.tokens import make_fresh_token
    from newsdesk.site.changes import refresh_time_windows
    from newsdesk.site.plan import pages_for

    measured = Measured()
    counter = CallCounter()
    with world() as w:
        site = renderer_site(w)
        store = ArticleStore(w.table, w.ddb)
        comments = CommentStore(w.table, w.ddb)
        intake, worker = comment_functions(w)
        for client in (w.ddb, w.s3, w.cloudfront, w.sqs, w.kms, site.signer.client):
            counter.attach(client)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        seed_live(w, size, now)
        names = tag_names()
        before = site.publisher()
        for n in range(3):  # the listings every publish touches, rendered once
            for page in sorted(pages_for(None, _probe(n, names, now), TZ)):
                before.render_page(page)
        before.finish(invalidate=False)
        tail = StreamTail(w)

        @contextmanager
        def invoked(unit: Unit, function: str, count: int = 1) -> Iterator[None]:
            """`count` invocations of `function` doing what the block does, timed two ways: wall time
            in process (with moto: an upper bound) and the model (see duration_model)."""
            with counter.window() as calls:
                wall, cpu = time.perf_counter(), time.process_time()
                yield
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            model = duration_model(cpu, calls)
            unit.invocations += [(function, wall * 1000 / count)] * count
            unit.modelled += [(function, model / count)] * count

        def render(unit: Unit, records: list[dict[str, Any]]) -> None:
            event = {"Records": renderer_records(records)}
            if not event["Records"]:
                return
            publisher = site.publisher()
            with invoked(unit, "RendererFunction"):
                response = handle_stream_batch(event, None, publisher, TableStream())
            if response.get("batchItemFailures"):
                raise RuntimeError(f"a render failed: {response}")
            unit.invalidated_paths += len(publisher.result.invalidated)

        @contextmanager
        def sample(kind: str) -> Iterator[Unit]:
            unit = Unit()
            with counter.window() as calls:
                yield unit
            unit.calls = calls
            unit.stream = tail.read()
            measured.units[kind].append(unit)

        live: list[Any] = []
        for n in range(samples):
            with sample("publish") as unit:
                tags = [names[n % 30], names[(n + 11) % 30], names[(n + 17) % 30]]
                with invoked(unit, "EditorApiFunction", count=2):
                    draft = service.create_article(
                        store, {"headline": f"Cost sample {n}", "body": _body(), "tags": tags}
                    )
                    article = service.publish_article(store, draft.id, site_tz=TZ, expected_version=None)
                unit.api_requests = 2
                render(unit, tail.read())
                live.append(article)
        for article in live:
            with sample("edit") as unit:
                with invoked(unit, "EditorApiFunction"):
                    service.revise_article(
                        store,
                        article.id,
                        {"summary": "Updated with the council's figures."},
                        expected_version=article.version,
                    )
                unit.api_requests = 1
                render(unit, tail.read())
        for n, article in enumerate(live):
            with sample("correction") as unit:
                with invoked(unit, "EditorApiFunction"):
                    add_correction(
                        store,
                        article.id,
                        CorrectionType.CORRECTION,
                        f"An earlier version of this story gave the wrong date for meeting {n}.",
                        expected_version=None,
                    )
                unit.api_requests = 1
                render(unit, tail.read())
        for n in range(samples):
            article = live[n % len(live)]
            with sample("comment") as unit:
                token_event = _intake_event(article.id, "GET", f"/api/articles/{article.id}/comment-token")
                with invoked(unit, "CommentIntakeFunction"):
                    issued = _json(intake(token_event))
                assert issued["token"]
                # The post carries a token issued a while ago, as a reader's does (the minimum fill time).
                token = make_fresh_token(KmsMac(w.mac_key, w.kms), article.id, int(time.time()) - 30)
                with invoked(unit, "CommentIntakeFunction"):
                    posted = intake(_post_event(article.id, n, token))
                if posted["statusCode"] >= 400:
                    raise RuntimeError(f"the comment post was refused: {posted}")
                unit.intake_requests = 2
                with invoked(unit, "CommentWorkerFunction"):
                    worker(w)
                render(unit, tail.read())  # the pending comment's record: an invocation, nothing to render
                pending = moderation.list_comments(
                    comments, status=CommentStatus.PENDING, article_id=article.id, limit=10, cursor=None
                ).items
                with invoked(unit, "EditorApiFunction"):
                    if n < samples * WORKLOAD.approved_share:
                        moderation.set_status(
                            comments, pending[0].id, CommentStatus.APPROVED, moderator="editor", now=_now()
                        )
                unit.api_requests = 1
                render(unit, tail.read())
        for _ in range(samples):
            with sample("session") as unit:
                with invoked(unit, "EditorApiFunction", count=5):
                    listing = service.list_articles(
                        store, status=ArticleStatus.PUBLISHED, tag=None, limit=20, cursor=None
                    )
                    for article in listing.items[:3]:
                        service.get_article_with_receipt(store, article.id)
                    moderation.list_comments(
                        comments, status=CommentStatus.PENDING, article_id=None, limit=20, cursor=None
                    )
                unit.api_requests = 5
        for _ in range(samples):
            with sample("sweep") as unit, invoked(unit, "ScheduledActionFunction"):
                sweep(store, site_tz=TZ, metrics=cast(Any, _Metrics()))
            with sample("refresh") as unit:
                publisher = site.publisher()
                with invoked(unit, "TimeWindowsFunction"):
                    refresh_time_windows(publisher)
                unit.invalidated_paths = len(publisher.result.invalidated)
        measured.page_bytes_gzip = _page_bytes(w, [a.url for a in live if a.url])
        measured.table_bytes_per_article, measured.bucket_bytes_per_article = _stored_bytes(w, size + samples)
    return measured


def duration_model(cpu_seconds: float, calls: Calls) -> float:
    """Milliseconds a function would run in Lambda: the CPU time it spent in process (all threads) less
    the CPU spent inside its AWS calls (botocore and the in-process emulator), plus each call's typical
    in-region latency (bench.prices.LATENCY_MS)."""
    own = max(0.0, cpu_seconds - sum(c.cpu_seconds for c in calls.calls))
    return own * 1000 + sum(prices.latency_ms(c.service, c.operation) for c in calls.calls)


def _probe(n: int, names: list[str], now: dt.datetime) -> Any:
    from bench.bench_render import make_article

    tags = [names[n % 30], names[(n + 11) % 30], names[(n + 17) % 30]]
    return make_article(10_000 + n, now, tags, "A probe.")


def _body() -> str:
    from bench.bench_render import realistic_body

    return realistic_body(800)


def _now() -> dt.datetime:
    from newsdesk.clock import utc_now

    return utc_now()


class _Metrics:
    """Powertools' Metrics, as far as the sweep uses it (CloudWatch metrics are priced per metric)."""

    def add_metric(self, **_: Any) -> None:
        return None


class _Context:
    function_name = "bench"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def comment_functions(w: Any) -> tuple[Callable[[dict[str, Any]], dict[str, Any]], Callable[[Any], None]]:
    """The intake's resolver and the worker's batch handler over the world's clients."""
    from newsdesk.adapters.dynamodb.comments import CommentStore
    from newsdesk.adapters.dynamodb.gates import SenderGateTable
    from newsdesk.adapters.dynamodb.senders import PublicationTable, SenderHistoryTable
    from newsdesk.adapters.kms import KmsCipher, KmsMac
    from newsdesk.adapters.sqs import CommentQueue
    from newsdesk.batch.comments import handle_comment_batch
    from newsdesk.comments.intake import CommentIntake
    from newsdesk.comments.rules import RuleSettings
    from newsdesk.comments.worker import Worker
    from newsdesk.http.intake import intake_api
    from newsdesk_local.event_sources import sqs_record

    app = intake_api(
        CommentIntake(
            PublicationTable(w.table, w.ddb),
            SenderHistoryTable(w.table, w.ddb),
            CommentQueue(w.queue_url, w.sqs),
            KmsMac(w.mac_key, w.kms),
            gate=SenderGateTable(w.table, w.ddb),
            sealer=KmsCipher(w.data_key, w.kms),
        )
    )
    worker = Worker(
        CommentStore(w.table, w.ddb),
        SenderHistoryTable(w.table, w.ddb),
        KmsCipher(w.data_key, w.kms),
        RuleSettings(),
    )
    context = _Context()

    def resolve(event: dict[str, Any]) -> dict[str, Any]:
        return app.resolve(event, context)

    def work(w: Any) -> None:
        received = w.sqs.receive_message(QueueUrl=w.queue_url, MaxNumberOfMessages=10).get("Messages", [])
        event = {"Records": [sqs_record(m, w.queue_arn, "us-east-1") for m in received]}
        response = handle_comment_batch(event, context, worker)
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        done = [m for m in received if m["MessageId"] not in failed]
        if done:
            w.sqs.delete_message_batch(
                QueueUrl=w.queue_url,
                Entries=[{"Id": str(j), "ReceiptHandle": m["ReceiptHandle"]} for j, m in enumerate(done)],
            )

    return resolve, work


def _intake_event(
    article_id: str, method: str, path: str, body: str | None = None, n: int = 0
) -> dict[str, Any]:
    ip = f"198.51.{n // 250 % 250}.{n % 250 + 1}"
    headers = {
        "Accept": "application/json",
        "User-Agent": "bench",
        "X-Forwarded-For": f"{ip}, 130.176.188.71",
    }
    if body is not None:
        headers.update({"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"})
    return {
        "resource": path.replace(article_id, "{id}"),
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "pathParameters": {"id": article_id},
        "requestContext": {"identity": {"sourceIp": ip}},
        "body": body,
        "isBase64Encoded": False,
    }


def _post_event(article_id: str, n: int, token: str) -> dict[str, Any]:
    body = urlencode(
        {
            "name": f"Reader {n}",
            "email": f"reader{n}@example.com",
            "website": "",
            "body": f"Comment number {n}: the figures are useful.",
            "url_confirm": "",
            "token": token,
        }
    )
    return _intake_event(article_id, "POST", f"/api/articles/{article_id}/comments", body, n)


def _json(response: dict[str, Any]) -> dict[str, Any]:
    import json

    body = response.get("body") or "{}"
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    data: dict[str, Any] = json.loads(body)
    return data


def _page_bytes(w: Any, urls: list[str]) -> float:
    """Mean gzip size of the pages readers load most: the articles just published, home, a tag page."""
    from newsdesk.site.models import page_key

    keys = [page_key(u) for u in urls] + ["index.html"]
    sizes = []
    for key in keys:
        body = w.s3.get_object(Bucket=w.bucket, Key=key)["Body"].read()
        sizes.append(len(gzip.compress(body)))
    return statistics.mean(sizes)


def _stored_bytes(w: Any, articles: int) -> tuple[float, float]:
    table = 0
    for page in w.ddb.get_paginator("scan").paginate(TableName=w.table):
        table += sum(item_size(i) for i in page.get("Items", []))
    bucket = 0
    for page in w.s3.get_paginator("list_objects_v2").paginate(Bucket=w.bucket):
        bucket += sum(o["Size"] for o in page.get("Contents", []))
    return table / articles, bucket / articles


# ----- DynamoDB write units from the stream ---------------------------------------------------------------


@dataclass(frozen=True)
class IndexSpec:
    pk: str
    sk: str
    projection: str
    include: tuple[str, ...]


def table_indexes() -> list[IndexSpec]:
    from newsdesk_local.template import load_template

    table = load_template()["Resources"]["ArticlesTable"]["Properties"]
    found = []
    for gsi in table["GlobalSecondaryIndexes"]:
        keys = {k["KeyType"]: k["AttributeName"] for k in gsi["KeySchema"]}
        projection = gsi["Projection"]
        found.append(
            IndexSpec(
                keys["HASH"],
                keys["RANGE"],
                projection["ProjectionType"],
                tuple(projection.get("NonKeyAttributes", [])),
            )
        )
    return found


def _index_size(item: dict[str, Any], index: IndexSpec) -> int:
    if index.projection == "ALL":
        return item_size(item)
    names = {"PK", "SK", index.pk, index.sk, *index.include}
    return item_size({k: v for k, v in item.items() if k in names}) + 100  # index overhead


def write_units(records: list[dict[str, Any]], calls: Calls, indexes: list[IndexSpec]) -> float:
    """Write request units of the writes behind `records`: the item, then each index it is in."""
    transactional: Counter[tuple[str, str]] = Counter()
    condition_checks = 0
    for call in calls.calls:
        for action, pk, sk in call.transact:
            if action == "ConditionCheck":
                condition_checks += 1
            else:
                transactional[(pk, sk)] += 1
    units = 2.0 * condition_checks
    for record in records:
        change = record["dynamodb"]
        old, new = change.get("OldImage") or {}, change.get("NewImage") or {}
        key = (change["Keys"]["PK"]["S"], change["Keys"]["SK"]["S"])
        factor = 1
        if transactional[key] > 0:
            transactional[key] -= 1
            factor = 2
        if record.get("userIdentity", {}).get("principalId") == "dynamodb.amazonaws.com":
            continue  # a TTL deletion: free
        units += factor * math.ceil(max(item_size(old), item_size(new), 1) / WRITE_UNIT)
        for index in indexes:
            in_old = index.pk in old and index.sk in old
            in_new = index.pk in new and index.sk in new
            if not (in_old or in_new):
                continue
            moved = in_old and in_new and (old[index.pk], old[index.sk]) != (new[index.pk], new[index.sk])
            writes = 2 if moved else 1
            size = max(_index_size(old, index) if in_old else 0, _index_size(new, index) if in_new else 0)
            units += writes * math.ceil(size / WRITE_UNIT)
    return units


# ----- the bill -----------------------------------------------------------------------------------------


@dataclass
class PerUnit:
    """The mean of one unit of work over its samples."""

    calls: Counter[tuple[str, str]]
    read_units: float
    write_units: float
    bytes_out: float
    invocations: Counter[str]
    gb_seconds: float
    api_requests: float
    intake_requests: float
    invalidated_paths: float
    gb_seconds_model: float = 0.0


def function_memory() -> dict[str, int]:
    from newsdesk_local.template import load_template

    template = load_template()
    default = int(template["Globals"]["Function"].get("MemorySize", 128))
    return {
        name: int(r["Properties"].get("MemorySize", default))
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }


def per_unit(units: list[Unit], indexes: list[IndexSpec], memory: dict[str, int]) -> PerUnit:
    n = len(units)
    calls: Counter[tuple[str, str]] = Counter()
    invocations: Counter[str] = Counter()
    for unit in units:
        calls.update(unit.calls.by_operation())
        invocations.update(name for name, _ in unit.invocations)
    gb_seconds = sum(
        memory[name] / 1024 * math.ceil(ms) / 1000 for unit in units for name, ms in unit.invocations
    )
    gb_seconds_model = sum(
        memory[name] / 1024 * math.ceil(ms) / 1000 for unit in units for name, ms in unit.modelled
    )
    return PerUnit(
        calls=Counter({k: v / n for k, v in calls.items()}),
        read_units=sum(u.calls.read_units() for u in units) / n,
        write_units=sum(write_units(u.stream, u.calls, indexes) for u in units) / n,
        bytes_out=sum(sum(c.bytes_out for c in u.calls.calls) for u in units) / n,
        invocations=Counter({k: v / n for k, v in invocations.items()}),
        gb_seconds=gb_seconds / n,
        api_requests=sum(u.api_requests for u in units) / n,
        intake_requests=sum(u.intake_requests for u in units) / n,
        invalidated_paths=sum(u.invalidated_paths for u in units) / n,
        gb_seconds_model=gb_seconds_model / n,
    )


def monthly_volumes(workload: Workload = WORKLOAD) -> dict[str, float]:
    return {
        "publish": workload.publishes,
        "edit": workload.publishes * workload.edits_per_article,
        "correction": workload.publishes * workload.corrections_per_article,
        "comment": workload.comments,
        "session": workload.sessions * workload.requests_per_session / 5,  # a sample is 5 requests
        "sweep": SWEEPS,
        "refresh": REFRESHES,
    }


@dataclass
class Line:
    service: str
    item: str
    quantity: float
    unit: str
    dollars: float
    note: str = ""


def bill(measured: Measured, workload: Workload = WORKLOAD) -> list[Line]:
    from newsdesk_local.template import load_template

    indexes = table_indexes()
    memory = function_memory()
    volumes = monthly_volumes(workload)
    units = {kind: per_unit(samples, indexes, memory) for kind, samples in measured.units.items()}

    def total(attribute: str) -> float:
        return sum(getattr(units[k], attribute) * volumes[k] for k in units)

    def calls(service: str, *operations: str) -> float:
        return sum(
            n * volumes[k]
            for k, u in units.items()
            for (s, o), n in u.calls.items()
            if s == service and (not operations or o in operations)
        )

    template = load_template()["Resources"]
    alarms = sum(1 for r in template.values() if r["Type"] == "AWS::CloudWatch::Alarm")
    metric_months = sum(METRIC_HOURS.values()) / HOURS
    keys = sum(1 for r in template.values() if r["Type"] == "AWS::KMS::Key")
    invocations = total("gb_seconds") and sum(
        sum(u.invocations.values()) * volumes[k] for k, u in units.items()
    )
    invocations += RETENTIONS  # the daily removal of refused comments' personal data (not measured)
    api = total("api_requests") + total("intake_requests")
    views = workload.page_views
    articles_a_year = workload.articles_per_day * 365
    table_gb = measured.table_bytes_per_article * articles_a_year / 1e9
    bucket_gb = measured.bucket_bytes_per_article * articles_a_year / 1e9
    invalidated = total("invalidated_paths")
    s3_misses = invalidated * workload.edge_caches
    # Pages that are not invalidated are fetched again (or revalidated: still a GET) when their shared
    # lifetime runs out and a reader asks: at most once per reader request.
    s3_refetches = views * workload.requests_per_view
    log_gb = invocations * workload.log_bytes_per_invocation / 1e9
    # Lambda's SQS pollers long-poll each queue with about five concurrent ReceiveMessage calls of 20 s.
    sqs_queues_polled = sum(
        1
        for r in template.values()
        if r["Type"] == "AWS::Serverless::Function"
        for e in (r["Properties"].get("Events") or {}).values()
        if e.get("Type") == "SQS"
    )
    idle_receives = sqs_queues_polled * 5 * 3 * 60 * 24 * DAYS
    lines = [
        Line(
            "Lambda",
            "requests",
            invocations,
            "invocations",
            invocations * prices.LAMBDA_REQUEST,
            "every function's invocations, measured per unit of work",
        ),
        Line(
            "Lambda",
            "duration (arm64), modelled",
            total("gb_seconds_model"),
            "GB-s",
            total("gb_seconds_model") * prices.LAMBDA_ARM_GB_SECOND,
            "own CPU time (AWS calls left out) + each call x its in-region latency, x memory; the upper "
            f"bound (wall time in process with moto) is {total('gb_seconds'):,.0f} GB-s, "
            f"${total('gb_seconds') * prices.LAMBDA_ARM_GB_SECOND:.2f} (not in the total)",
        ),
        Line(
            "DynamoDB",
            "write request units",
            total("write_units"),
            "WRU",
            total("write_units") * prices.DYNAMODB_WRITE_UNIT,
            "from the stream's images: item + indexes, x2 in transactions",
        ),
        Line(
            "DynamoDB",
            "read request units",
            total("read_units"),
            "RRU",
            total("read_units") * prices.DYNAMODB_READ_UNIT,
            "from the sizes of the items returned",
        ),
        Line(
            "DynamoDB",
            "stream reads (Lambda)",
            invocations,
            "GetRecords",
            0.0,
            "free when a Lambda event source mapping reads them",
        ),
        Line(
            "DynamoDB",
            "storage + PITR",
            table_gb,
            "GB-month",
            table_gb * (prices.DYNAMODB_STORAGE_GB_MONTH + prices.DYNAMODB_PITR_GB_MONTH),
            "a year of articles, their revisions, receipts and comments",
        ),
        Line("S3", "PUT", calls("S3", "PutObject"), "requests", calls("S3", "PutObject") * prices.S3_PUT),
        Line(
            "S3",
            "GET/HEAD",
            calls("S3", "HeadObject", "GetObject") + s3_misses + s3_refetches,
            "requests",
            (calls("S3", "HeadObject", "GetObject") + s3_misses + s3_refetches) * prices.S3_GET,
            f"HEADs counted + CloudFront misses ({workload.edge_caches} edge caches per invalidated path) "
            "+ refetches after expiry (bound: one per page request)",
        ),
        Line(
            "S3",
            "storage",
            bucket_gb,
            "GB-month",
            bucket_gb * prices.S3_STORAGE_GB_MONTH,
            "a year of pages (noncurrent versions expire after 30 days)",
        ),
        Line(
            "SQS",
            "requests",
            calls("SQS") + idle_receives,
            "requests",
            (calls("SQS") + idle_receives) * prices.SQS_REQUEST,
            f"counted + Lambda's idle long polls on {sqs_queues_polled} queues (modelled)",
        ),
        Line(
            "CloudFront",
            "HTTPS requests",
            views * workload.requests_per_view + api,
            "requests",
            (views * workload.requests_per_view + api) * prices.CLOUDFRONT_HTTPS_REQUEST,
            f"{workload.requests_per_view} per page view + the API's requests",
        ),
        Line(
            "CloudFront",
            "data transfer out",
            views * measured.page_bytes_gzip / 1e9,
            "GB",
            views * measured.page_bytes_gzip / 1e9 * prices.CLOUDFRONT_TRANSFER_GB,
            f"{measured.page_bytes_gzip / 1024:.1f} KiB per view (gzip, measured)",
        ),
        Line(
            "CloudFront",
            "functions",
            views * workload.requests_per_view,
            "invocations",
            views * workload.requests_per_view * prices.CLOUDFRONT_FUNCTION_INVOCATION,
            "the viewer-request function on every request",
        ),
        Line(
            "CloudFront",
            "invalidation paths",
            invalidated,
            "paths",
            invalidated * prices.CLOUDFRONT_INVALIDATION_PATH,
            "counted per render; the first 1,000 a month are free (not subtracted)",
        ),
        Line(
            "API Gateway",
            "REST requests",
            api,
            "requests",
            api * prices.API_GATEWAY_REST_REQUEST,
            "editor API and comment intake",
        ),
        Line(
            "KMS",
            "requests",
            calls("KMS"),
            "requests",
            calls("KMS") * prices.KMS_REQUEST,
            "form tokens, email/IP MACs, sealing and opening personal data",
        ),
        Line("KMS", "keys", keys, "key-months", keys * prices.KMS_KEY_MONTH, "template.yaml's keys"),
        Line(
            "EventBridge Scheduler",
            "invocations",
            SWEEPS + REFRESHES + RETENTIONS,
            "invocations",
            (SWEEPS + REFRESHES + RETENTIONS) * prices.SCHEDULER_INVOCATION,
            "sweep every minute, refresh hourly, retention daily",
        ),
        Line(
            "CloudWatch",
            "logs ingested + stored",
            log_gb,
            "GB",
            log_gb * (prices.LOGS_INGESTED_GB + prices.LOGS_STORED_GB_MONTH * workload.log_retention_months),
            f"{workload.log_bytes_per_invocation} bytes per invocation (modelled)",
        ),
        Line("CloudWatch", "alarms", alarms, "alarms", alarms * prices.ALARM_MONTH, "template.yaml's alarms"),
        Line(
            "CloudWatch",
            "custom metrics",
            metric_months,
            "metric-months",
            metric_months * prices.METRIC_MONTH,
            "billed for the hours each is sent: "
            + ", ".join(f"{name} {hours:.0f} h" for name, hours in METRIC_HOURS.items() if hours)
            + "; "
            + ", ".join(name for name, hours in METRIC_HOURS.items() if not hours)
            + " only when something is wrong",
        ),
        Line(
            "X-Ray",
            "traces",
            invocations + api,
            "traces",
            (invocations + api) * prices.XRAY_TRACE,
            "Tracing: Active on every function and the API (every request sampled at this rate)",
        ),
        Line(
            "Cognito",
            "monthly active users",
            workload.editors,
            "MAU",
            workload.editors * prices.COGNITO_MAU,
            "Essentials tier",
        ),
    ]
    return lines


# The metrics the code emits (Powertools EMF, namespace Newsdesk, one `service` dimension), each with the
# hours in a month it is sent in under the workload: CloudWatch bills a custom metric by the hour, only for
# the hours it is sent in ($0.30 a metric-month of 730 hours).
METRIC_HOURS = {
    "OverdueSchedules": HOURS,  # the sweep, every minute: 0 when nothing is overdue, still sent
    "ScheduleLateness": 12 * DAYS,  # each scheduled publish: assumed to fall in 12 hours of each day
    "CommentPersonalDataRemoved": DAYS,  # the daily retention run
    "CommentPersonalDataSkipped": 0,
    "ScheduledActionsEarly": 0,
    "ScheduledActionsSkipped": 0,
    "UnreadableRecord": 0,
}
METRIC_NAMES = tuple(METRIC_HOURS)


def run() -> list[Result]:
    measured = measure()
    lines = bill(measured)
    services: dict[str, float] = defaultdict(float)
    for line in lines:
        services[line.service] += line.dollars
    grand = sum(services.values())
    biggest = max(lines, key=lambda line: line.dollars)
    memory = function_memory()
    indexes = table_indexes()
    per_kind = {
        kind: {
            "calls": {
                f"{s}.{o}": round(n, 2) for (s, o), n in per_unit(units, indexes, memory).calls.items()
            },
            "read_units": round(per_unit(units, indexes, memory).read_units, 2),
            "write_units": round(per_unit(units, indexes, memory).write_units, 2),
            "invalidated_paths": per_unit(units, indexes, memory).invalidated_paths,
        }
        for kind, units in measured.units.items()
    }
    durations: dict[str, dict[str, list[float]]] = defaultdict(lambda: {"bound": [], "model": []})
    for units in measured.units.values():
        for unit in units:
            for name, ms in unit.invocations:
                durations[name]["bound"].append(ms)
            for name, ms in unit.modelled:
                durations[name]["model"].append(ms)
    median_ms = {
        name: {f"{kind}_median_ms": round(statistics.median(v), 1) for kind, v in d.items() if v}
        for name, d in sorted(durations.items())
    }
    results = [
        Result(
            "monthly bill, before free tier",
            grand,
            "$",
            target=TARGET,
            comment=f"largest line: {biggest.service} {biggest.item} ${biggest.dollars:,.2f}",
            details={
                "prices_as_of": prices.PRICES_AS_OF,
                "workload": WORKLOAD.__dict__,
                "volumes": monthly_volumes(),
                "per_unit": per_kind,
                "lambda_durations": median_ms,
                "latencies_as_of": prices.LATENCIES_AS_OF,
                "lines": [line.__dict__ for line in lines],
                "measured": {
                    "page_bytes_gzip": measured.page_bytes_gzip,
                    "table_bytes_per_article": measured.table_bytes_per_article,
                    "bucket_bytes_per_article": measured.bucket_bytes_per_article,
                },
            },
        )
    ]
    for service, dollars in sorted(services.items(), key=lambda kv: -kv[1]):
        items = [line for line in lines if line.service == service]
        results.append(
            Result(
                f"  {service}",
                dollars,
                "$",
                comment="; ".join(
                    f"{line.item} {_qty(line.quantity)} {line.unit} ${line.dollars:,.2f}" for line in items
                ),
            )
        )
    return results


def _qty(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.value:,.2f} {result.unit}  {result.comment}")
