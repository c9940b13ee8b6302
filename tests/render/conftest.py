"""Fixtures for the publishing pipeline: articles, hostile inputs, and the renderer wired to in-process moto.

The moto pipeline is the real thing end to end: the table from template.yaml with its stream, the site
bucket, a CloudFront distribution, and stream records read back through the dynamodbstreams API, turned
into the event shape Lambda delivers. S3 writes and CloudFront invalidations are counted with botocore
event hooks on the very clients the renderer uses.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.adapters.cloudfront import Cdn
from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.adapters.dynamodb.receipts import ReceiptStore
from newsdesk.adapters.dynamodb.records import article_to_item, scope_to_item, slug_claim_item
from newsdesk.adapters.dynamodb.stream import TableStream
from newsdesk.adapters.s3 import SiteBucket
from newsdesk.articles import service
from newsdesk.articles.models import (
    Article,
    ArticleStatus,
    Image,
    RenderReceipt,
    Scope,
    Tag,
    public_path,
)
from newsdesk.articles.service import new_article_id
from newsdesk.articles.slugs import slugify
from newsdesk.batch.stream import handle_stream_batch
from newsdesk.site.models import (
    ARCHIVE_INDEX,
    CORRECTIONS,
    CORRECTIONS_FEED,
    FEED,
    HOME,
    NEWS_SITEMAP,
    SITEMAP_INDEX,
    TAG_INDEX,
    CorrectionEntry,
    Page,
    SiteObject,
    key_to_path,
    scope_pages,
)
from newsdesk.site.pages import SiteConfig
from newsdesk.site.publisher import SitePublisher
from newsdesk.wiring.settings import RendererSettings
from newsdesk.wiring.site import build_publisher
from tests.conftest import REGION, FakeLambdaContext, create_articles_table, fake_aws

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_s3 import S3Client

KOLKATA = ZoneInfo("Asia/Kolkata")
SITE_URL = "https://news.example.com"
SITE_NAME = "Newsdesk"
SITE = SiteConfig(name=SITE_NAME, url=SITE_URL, tz=KOLKATA, language="en")
# 2026-11-20 12:00 in Kolkata.
PUBLISHED_AT = dt.datetime(2026, 11, 20, 6, 30, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """moto runs in-process and rendering is pure: nothing here needs the network."""


# ----- articles -----------------------------------------------------------------------------------


def new_id() -> str:
    return new_article_id()


def make_article(
    *,
    headline: str = "Monsoon arrives early in Kerala",
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    published_at: dt.datetime | None = PUBLISHED_AT,
    updated_at: dt.datetime | None = None,
    tags: Iterable[str] = ("Kerala", "Monsoon"),
    slug: str | None = None,
    **fields: Any,
) -> Article:
    """A domain article; published (with its permanent URL) unless told otherwise."""
    article_id = fields.pop("id", None) or new_id()
    slug = slug or slugify(headline) or f"article-{article_id.lower()}"
    live_once = status in (ArticleStatus.PUBLISHED, ArticleStatus.UNPUBLISHED) and published_at is not None
    created = (published_at or dt.datetime(2026, 11, 1, tzinfo=dt.UTC)) - dt.timedelta(hours=1)
    values: dict[str, Any] = {
        "id": article_id,
        "slug": slug,
        "headline": headline,
        "summary": "The rains reached the coast a week ahead of the usual date.",
        "body": "Heavy rain fell across the state on Friday.\n\nSchools were closed in three districts.",
        "authors": ["Asha Menon"],
        "source": "Press Trust of India",
        "dateline": "Thiruvananthapuram",
        "section": "Weather",
        "tags": [Tag.from_name(name) for name in tags],
        "image": Image(
            url="https://images.example.com/monsoon.jpg", alt="Clouds over the sea", caption="Kovalam beach"
        ),
        "status": status,
        "created_at": created,
        "updated_at": updated_at or published_at or created,
        "published_at": published_at if live_once else None,
        "version": 2 if live_once else 1,
        "url": public_path(slug, published_at, KOLKATA) if live_once and published_at else None,
    }
    values.update(fields)
    return Article.model_validate(values)


# ----- hostile input ------------------------------------------------------------------------------

# Each payload tries to run `window.__pwned = true`, change document.title or call alert() wherever it
# lands: element content, attribute values, the JSON-LD script, RSS, sitemaps. All are at most 80 characters.
HOSTILE = {
    "script": "<script>window.__pwned=true</script>",
    "img_onerror": '<img src=x onerror="window.__pwned=true">',
    "svg_onload": '<svg onload="document.title=1">',
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "attribute_breakout": '"><script>window.__pwned=true</script>',
    "single_quote_breakout": "'><img src=x onerror=alert(1)>",
    "json_ld_breakout": "</script><script>window.__pwned=true</script>",
    "title_breakout": "</title><script>alert(1)</script>",
    "style": '<style>*{background:url("javascript:alert(1)")}</style>',
    "comment": "<!--<script>alert(1)</script>-->",
    "anchor": '<a href="javascript:alert(1)">click</a>',
    "unclosed": '<div onmouseover="alert(1)"><b>hover',
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#60;b&#62; &#x3C;i&#x3E;",
    "nested": "<<script>script>alert(1)<</script>/script>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "xml_breakout": "]]></description><script>alert(1)</script>",
    "body_onload": "<body onload=alert(1)><meta http-equiv=refresh content=0>",
    "js_escape": "\\u003c/script\\u003e\u2028\u2029</script>",
}

# Markdown-specific attacks, for the body only.
HOSTILE_MARKDOWN = """\
# Heading <script>window.__pwned=true</script>

[plain js](javascript:window.__pwned=true) [upper](JAVASCRIPT:alert(1)) [entity](&#106;avascript:alert(1))
[tab](java\tscript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
[vb](vbscript:msgbox(1)) [angle](<javascript:alert(1)>) <javascript:alert(1)>

![data image](data:image/png;base64,iVBORw0KGgo=) ![svg](data:image/svg+xml,<svg onload=alert(1)>)
![js image](javascript:alert(1))

[reference][evil]

[evil]: javascript:alert(1)

<script>window.__pwned=true</script>

<img src=x onerror="window.__pwned=true">

<iframe src="https://evil.example/"></iframe>

<svg onload="document.title='pwned'"><circle r=1></svg>

<style>body { display: none }</style>

<!-- a comment -->

<div onclick="alert(1)">unclosed <b>markup

| a | b |
|---|---|
| <script>alert(1)</script> | [x](javascript:alert(1)) |

```html
<script>alert("in a code block, shown as text")</script>
```
"""


def hostile_article(payload: str, **overrides: Any) -> Article:
    """An article with `payload` in every field that reaches a page."""
    overrides.setdefault("slug", "hostile-article")
    return make_article(
        headline=f"Headline {payload}",
        summary=f"Summary {payload}",
        body=f"Body {payload}\n\n{HOSTILE_MARKDOWN}",
        authors=[f"Author {payload}", f"{payload} second author"],
        source=f"Agency {payload}",
        dateline=f"Kochi {payload}",
        section=f"Section {payload}",
        tags=[f"Tag {payload}"[:60], "Kerala"],
        image=Image(
            url='https://images.example.com/a.jpg?q="onerror="window.__pwned=true"&x=<script>',
            alt=f"Alt {payload}",
            caption=f"Caption {payload}",
        ),
        **overrides,
    )


# ----- the pipeline in moto -------------------------------------------------------------------------


@dataclass
class Recorder:
    """Parameters of every call of the given operations made through one client."""

    calls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def attach(self, client: Any, service: str, *operations: str) -> Recorder:
        for operation in operations:
            self.calls.setdefault(operation, [])
            client.meta.events.register(f"provide-client-params.{service}.{operation}", self._hook(operation))
        return self

    def _hook(self, operation: str) -> Callable[..., None]:
        def record(params: dict[str, Any], **_: Any) -> None:
            self.calls[operation].append(copy.deepcopy(params))

        return record

    def of(self, operation: str) -> list[dict[str, Any]]:
        return self.calls[operation]

    def clear(self) -> None:
        for calls in self.calls.values():
            calls.clear()


def lambda_stream_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A record from GetRecords in the shape Lambda's event source mapping delivers it."""
    out = copy.deepcopy(record)
    change = out["dynamodb"]
    created = change.get("ApproximateCreationDateTime")
    if isinstance(created, dt.datetime):
        change["ApproximateCreationDateTime"] = int(created.timestamp())
    out["eventSourceARN"] = stream_arn
    out["awsRegion"] = REGION
    return out


def article_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Only the article items' records (SK = A), as the renderer's event filter would leave them."""
    return [r for r in records if r["dynamodb"]["Keys"]["SK"]["S"] == "A"]


@dataclass
class Pipeline:
    table: str
    bucket: str
    distribution_id: str
    ddb: DynamoDBClient
    s3: S3Client
    cloudfront: CloudFrontClient
    streams: DynamoDBStreamsClient
    stream_arn: str
    s3_calls: Recorder
    cdn_calls: Recorder
    clock: Callable[[], dt.datetime] | None = None
    _iterators: dict[str, str] = field(default_factory=dict)

    # ----- adapters ---------------------------------------------------------------------------------

    @property
    def store(self) -> ArticleStore:
        return ArticleStore(self.table, self.ddb)

    @property
    def settings(self) -> RendererSettings:
        return RendererSettings(
            site_name=SITE_NAME,
            site_url=SITE_URL,
            site_timezone="Asia/Kolkata",
            site_language="en",
            table_name=self.table,
            site_bucket=self.bucket,
            distribution_id=self.distribution_id,
        )

    def cdn(self, **kwargs: Any) -> Cdn:
        return Cdn(self.distribution_id, self.cloudfront, sleep=lambda _seconds: None, **kwargs)

    def publisher(self, **overrides: Any) -> SitePublisher:
        """A publisher as the renderer function builds it, on this test's clients."""
        overrides.setdefault("reader", PublishedArticles(self.table, self.ddb))
        overrides.setdefault("writer", SiteBucket(self.bucket, self.s3))
        overrides.setdefault("cdn", self.cdn())
        overrides.setdefault("receipts", ReceiptStore(self.table, self.ddb))
        overrides.setdefault("authors", AuthorStore(self.table, self.ddb))
        if self.clock is not None:
            overrides.setdefault("clock", self.clock)
        return build_publisher(self.settings, **overrides)

    # ----- editorial actions, through the services ------------------------------------------------

    def create(self, **fields: Any) -> Article:
        fields.setdefault("body", "Heavy rain fell across the state on Friday.")
        return service.create_article(self.store, fields)

    def publish(self, article_id: str) -> Article:
        return service.publish_article(self.store, article_id, site_tz=KOLKATA, expected_version=None)

    def create_published(self, **fields: Any) -> Article:
        return self.publish(self.create(**fields).id)

    def unpublish(self, article_id: str) -> Article:
        return service.unpublish_article(self.store, article_id, expected_version=None)

    def revise(self, article: Article, **changes: Any) -> Article:
        return service.revise_article(self.store, article.id, changes, expected_version=article.version)

    def seed(self, articles: Iterable[Article]) -> None:
        """Write articles straight into the table (no API, no transactions), to have many live ones quickly.

        The items are the store's own (newsdesk.adapters.dynamodb.records); moto copies the whole table
        for each transaction, so ArticleStore.create would make seeding quadratic.
        """
        seed_items(self.ddb, self.table, articles)

    # ----- the stream and the renderer ---------------------------------------------------------------

    def stream_records(
        self, keep: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None
    ) -> list[dict[str, Any]]:
        """Article records (or those `keep` keeps) written to the table's stream since the last call, as
        Lambda delivers them."""
        shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
        records: list[dict[str, Any]] = []
        for shard in shards:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            response = self.streams.get_records(ShardIterator=iterator)
            records.extend(lambda_stream_record(r, self.stream_arn) for r in response["Records"])
            self._iterators[shard_id] = response["NextShardIterator"]
        return (keep or article_records)(records)

    def render(
        self, records: list[dict[str, Any]] | None = None, publisher: SitePublisher | None = None
    ) -> dict[str, Any]:
        """One renderer invocation: the given records (default: what is new on the stream)."""
        records = self.stream_records() if records is None else records
        publisher = publisher or self.publisher()
        return dict(handle_stream_batch({"Records": records}, FakeLambdaContext(), publisher, TableStream()))

    def render_site(self) -> None:
        """Render every live article and every listing, as a full rebuild would, without the queue."""
        self.stream_records()  # what was written so far is covered by this render
        live = PublishedArticles(self.table, self.ddb).latest(10_000)
        publisher = self.publisher()
        publisher.load(a.id for a in live)
        for article in live:
            publisher.rerender_article(article.id)
        pages: set[Page] = {HOME, ARCHIVE_INDEX, FEED, SITEMAP_INDEX, NEWS_SITEMAP}
        pages |= {CORRECTIONS, CORRECTIONS_FEED, TAG_INDEX}
        for article in live:
            assert article.published_at is not None
            local = article.published_at.astimezone(KOLKATA)
            pages |= {Page("month", year=local.year, month=local.month)}
            pages |= {Page("sitemap_shard", year=local.year, month=local.month)}
            for scope in article.scopes:
                pages |= scope_pages(scope, local.year, local.month)
        for page in sorted(pages):
            publisher.render_page(page)
        publisher.finish(invalidate=False)

    # ----- what readers see ---------------------------------------------------------------------------

    def object_keys(self) -> set[str]:
        found: set[str] = set()
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            found.update(obj["Key"] for obj in page.get("Contents", []))
        return found

    def get(self, key: str) -> dict[str, Any]:
        response = self.s3.get_object(Bucket=self.bucket, Key=key)
        return {
            "body": response["Body"].read(),
            "content_type": response["ContentType"],
            "cache_control": response.get("CacheControl"),
        }

    def body(self, key: str) -> bytes:
        data: bytes = self.get(key)["body"]
        return data

    def text(self, key: str) -> str:
        return self.body(key).decode("utf-8")

    @property
    def uploaded(self) -> list[str]:
        return [call["Key"] for call in self.s3_calls.of("PutObject")]

    @property
    def deleted(self) -> list[str]:
        return [call["Key"] for call in self.s3_calls.of("DeleteObject")]

    @property
    def invalidations(self) -> list[list[str]]:
        """Paths of each CreateInvalidation request, in order."""
        calls = self.cdn_calls.of("CreateInvalidation")
        return [call["InvalidationBatch"]["Paths"]["Items"] for call in calls]

    def invalidations_in_cloudfront(self) -> list[list[str]]:
        """The invalidations the (moto) distribution holds."""
        listing = self.cloudfront.list_invalidations(DistributionId=self.distribution_id)["InvalidationList"]
        found: list[list[str]] = []
        for item in listing.get("Items", []):
            response = self.cloudfront.get_invalidation(DistributionId=self.distribution_id, Id=item["Id"])
            found.append(response["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", []))
        return found

    def clear_calls(self) -> None:
        self.s3_calls.clear()
        self.cdn_calls.clear()

    @staticmethod
    def paths(keys: Iterable[str]) -> set[str]:
        return {key_to_path(k) for k in keys}


def seed_items(client: DynamoDBClient, table: str, articles: Iterable[Article]) -> int:
    """BatchWriteItem the article, slug-claim and tag items of `articles`; returns the number of items."""
    items: list[dict[str, Any]] = []
    for article in articles:
        items.append(article_to_item(article))
        items.append(slug_claim_item(article.slug, article.id))
        items.extend(scope_to_item(article, scope) for scope in article.scopes)
    for start in range(0, len(items), 25):
        request: dict[str, Any] = {table: [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]}
        while request:
            request = client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
    return len(items)


def create_distribution(cloudfront: CloudFrontClient, bucket: str) -> str:
    response = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": uuid.uuid4().hex,
            "Comment": "newsdesk test site",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "site",
                        "DomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "site",
                "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",  # CachingOptimized
            },
        }
    )
    return response["Distribution"]["Id"]


def create_site_bucket() -> str:
    import boto3

    name = f"newsdesk-site-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name,
        CreateBucketConfiguration={"LocationConstraint": REGION},  # type: ignore[typeddict-item]
    )
    return name


@pytest.fixture
def site_bucket(aws: None) -> str:
    return create_site_bucket()


def build_pipeline(dynamodb_client: DynamoDBClient, articles_table: str, site_bucket: str) -> Pipeline:
    """The renderer's world in moto (which must be active): the table with its stream, the bucket, the
    distribution, and recorders on the clients the renderer will use."""
    import boto3

    s3 = boto3.client("s3", region_name=REGION)
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    streams = boto3.client("dynamodbstreams", region_name=REGION)
    stream_arn = dynamodb_client.describe_table(TableName=articles_table)["Table"]["LatestStreamArn"]
    return Pipeline(
        table=articles_table,
        bucket=site_bucket,
        distribution_id=create_distribution(cloudfront, site_bucket),
        ddb=dynamodb_client,
        s3=s3,
        cloudfront=cloudfront,
        streams=streams,
        stream_arn=stream_arn,
        s3_calls=Recorder().attach(s3, "s3", "PutObject", "DeleteObject"),
        cdn_calls=Recorder().attach(cloudfront, "cloudfront", "CreateInvalidation"),
    )


@pytest.fixture
def pipeline(dynamodb_client: DynamoDBClient, articles_table: str, site_bucket: str) -> Pipeline:
    """The renderer's world in moto: the table (with its stream), the bucket, the distribution."""
    return build_pipeline(dynamodb_client, articles_table, site_bucket)


@contextlib.contextmanager
def module_pipeline() -> Iterator[Pipeline]:
    """A pipeline in a moto world of its own, for a site that a whole module reads (built once)."""
    import boto3

    with fake_aws():
        ddb = boto3.client("dynamodb", region_name=REGION)
        table = create_articles_table(ddb, f"newsdesk-articles-{uuid.uuid4().hex[:12]}")
        yield build_pipeline(ddb, table, create_site_bucket())


def spread(count: int, *, start: dt.datetime, step: dt.timedelta) -> list[dt.datetime]:
    """`count` moments going back from `start` by `step`."""
    return [start - step * i for i in range(count)]


# ----- in-memory adapters, for rendering without AWS ---------------------------------------------------


@dataclass
class MemoryReader:
    """The PublishedReader protocol over a list of articles (what the indexes would return)."""

    articles: list[Article]
    fail_for: set[str] = field(default_factory=set)

    def _live(self, scope: Scope | None) -> list[Article]:
        live = [a for a in self.articles if a.is_live and a.published_at is not None]
        if scope:
            live = [a for a in live if a.in_scope(scope)]
        return sorted(live, key=lambda a: (a.published_at, a.id), reverse=True)

    def get(self, article_id: str) -> Article | None:
        if article_id in self.fail_for:
            raise RuntimeError(f"cannot read article {article_id}")
        return next((a for a in self.articles if a.id == article_id), None)

    def latest(
        self, limit: int, scope: Scope | None = None, *, known: Mapping[str, Article] | None = None
    ) -> list[Article]:
        return self._live(scope)[:limit]

    def between(
        self, start: dt.datetime, end: dt.datetime, scope: Scope | None = None, limit: int | None = None
    ) -> list[Article]:
        found = [a for a in self._live(scope) if a.published_at and start <= a.published_at < end]
        return found[:limit] if limit is not None else found

    def months(self, tz: dt.tzinfo, scope: Scope | None = None) -> list[tuple[int, int]]:
        found = set()
        for article in self._live(scope):
            assert article.published_at is not None
            local = article.published_at.astimezone(tz)
            found.add((local.year, local.month))
        return sorted(found, reverse=True)

    def recent_corrections(self, limit: int) -> list[CorrectionEntry]:
        entries = [CorrectionEntry(a, c) for a in self._live(None) for c in a.corrections]
        return sorted(entries, key=lambda e: e.correction.issued_at, reverse=True)[:limit]

    def scope_names(self, kind: str, limit: int) -> list[tuple[str, str]]:
        found = {s.slug: a.scope_name(s) for a in self._live(None) for s in a.scopes if s.kind.value == kind}
        return sorted(found.items())[:limit]


@dataclass
class MemoryBucket:
    objects: dict[str, SiteObject] = field(default_factory=dict)

    def put_if_changed(self, obj: SiteObject) -> bool:
        stored = self.objects.get(obj.key)
        if stored is not None and stored.digest == obj.digest:
            return False
        self.objects[obj.key] = obj
        return True

    def put(self, obj: SiteObject) -> None:
        self.objects[obj.key] = obj

    def delete(self, key: str) -> bool:
        return self.objects.pop(key, None) is not None


@dataclass
class MemoryCdn:
    requests: list[list[str]] = field(default_factory=list)

    def invalidate(self, paths: Iterable[str]) -> str | None:
        unique = sorted(set(paths))
        if not unique:
            return None
        self.requests.append(unique)
        return f"I{len(self.requests)}"


@dataclass
class MemoryReceipts:
    receipts: dict[str, RenderReceipt] = field(default_factory=dict)

    def get(self, article_id: str) -> RenderReceipt | None:
        return self.receipts.get(article_id)

    def record(self, receipt: RenderReceipt) -> bool:
        previous = self.receipts.get(receipt.article_id)
        if previous is not None and previous.version > receipt.version:
            return False
        self.receipts[receipt.article_id] = receipt
        return True


def render_in_memory(
    articles: list[Article], *, clock: dt.datetime | None = None
) -> tuple[MemoryBucket, SitePublisher]:
    """Publish `articles` (all new) with in-memory adapters; returns the bucket with every object."""
    bucket = MemoryBucket()
    publisher = SitePublisher(
        SITE,
        MemoryReader(articles),
        bucket,
        MemoryCdn(),
        MemoryReceipts(),
        clock=lambda: clock or PUBLISHED_AT + dt.timedelta(hours=1),
    )
    for article in articles:
        publisher.apply(article.id, None)
    publisher.finish()
    return bucket, publisher
