"""Full rebuilds: plan every public page, fan the work out in chunks through SQS, track completion.

A rebuild re-renders everything (after a template change, say) but still uploads only objects whose
bytes changed. Chunks are small enough for one Lambda invocation each, so a rebuild of any size fits
in Lambda's limits. The worker that completes the last chunk sends one wildcard invalidation.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ulid import ULID

from newsdesk.clock import utc_now
from newsdesk.render.pages import month_of
from newsdesk.render.plan import ARCHIVE_INDEX, FEED, HOME, NEWS_SITEMAP, SITEMAP_INDEX, Page
from newsdesk.store.attributes import from_item, to_item
from newsdesk.store.records import INDEXES, PUBLISHED
from newsdesk.store.table import TableAdapter

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

    from newsdesk.render.publisher import SitePublisher
    from newsdesk.store.cdn import Cdn

ARTICLES_PER_CHUNK = 25
PAGES_PER_CHUNK = 25


@dataclass(frozen=True)
class Chunk:
    rebuild_id: str
    number: int
    articles: tuple[str, ...] = ()
    pages: tuple[Page, ...] = ()

    def to_message(self) -> str:
        return json.dumps(
            {
                "rebuild_id": self.rebuild_id,
                "chunk": self.number,
                "articles": list(self.articles),
                "pages": [[p.kind, p.tag, p.year, p.month] for p in self.pages],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_message(cls, body: str) -> Chunk:
        data = json.loads(body)
        return cls(
            rebuild_id=str(data["rebuild_id"]),
            number=int(data["chunk"]),
            articles=tuple(str(i) for i in data.get("articles", [])),
            pages=tuple(Page(str(k), str(t), int(y), int(m)) for k, t, y, m in data.get("pages", [])),
        )


@dataclass(frozen=True)
class RebuildStatus:
    rebuild_id: str
    total: int
    done: int
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def complete(self) -> bool:
        return self.finished_at is not None


def _batched(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RebuildTracker(TableAdapter):
    """The ``REBUILD#{id}`` item: how many chunks there are and which are done.

    Done chunks are a number set, so a redelivered chunk is not counted twice.
    """

    @staticmethod
    def _key(rebuild_id: str) -> dict[str, Any]:
        return {"PK": {"S": f"REBUILD#{rebuild_id}"}, "SK": {"S": "R"}}

    def create(self, rebuild_id: str, total: int, now: dt.datetime) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={
                **self._key(rebuild_id),
                **to_item({"entity": "rebuild", "total": total, "started_at": now.isoformat()}),
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def complete_chunk(self, rebuild_id: str, number: int) -> RebuildStatus:
        response = self.client.update_item(
            TableName=self.table_name,
            Key=self._key(rebuild_id),
            UpdateExpression="ADD done_chunks :n",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":n": {"NS": [str(number)]}},
            ReturnValues="ALL_NEW",
        )
        return self._status(rebuild_id, response["Attributes"])

    def mark_finished(self, rebuild_id: str, now: dt.datetime) -> bool:
        """Set finished_at once. True for the one caller that set it."""
        from botocore.exceptions import ClientError

        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=self._key(rebuild_id),
                UpdateExpression="SET finished_at = :now",
                ConditionExpression="attribute_exists(PK) AND attribute_not_exists(finished_at)",
                ExpressionAttributeValues={":now": {"S": now.isoformat()}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def status(self, rebuild_id: str) -> RebuildStatus | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=self._key(rebuild_id), ConsistentRead=True
        )
        return self._status(rebuild_id, response["Item"]) if "Item" in response else None

    @staticmethod
    def _status(rebuild_id: str, item: dict[str, Any]) -> RebuildStatus:
        done = len(item.get("done_chunks", {}).get("NS", []))
        data = from_item({k: v for k, v in item.items() if k != "done_chunks"})
        return RebuildStatus(
            rebuild_id=rebuild_id,
            total=int(data["total"]),
            done=done,
            started_at=dt.datetime.fromisoformat(data["started_at"]),
            finished_at=dt.datetime.fromisoformat(data["finished_at"]) if data.get("finished_at") else None,
        )


def plan_chunks(client: DynamoDBClient, table_name: str, tz: ZoneInfo, rebuild_id: str) -> list[Chunk]:
    """Every live article and every listing, feed and sitemap, in chunks. Reads the Published index only."""
    pk_attr, _ = INDEXES["Published"]
    ids: list[str] = []
    months: set[tuple[int, int]] = set()
    tags: set[str] = set()
    tag_months: set[tuple[str, int, int]] = set()
    kwargs: dict[str, Any] = {
        "TableName": table_name,
        "IndexName": "Published",
        "KeyConditionExpression": "#pk = :pk",
        "ExpressionAttributeNames": {"#pk": pk_attr, "#id": "id", "#tags": "tags", "#p": "published_at"},
        "ExpressionAttributeValues": {":pk": {"S": PUBLISHED}},
        "ProjectionExpression": "#id, #tags, #p",
        "ScanIndexForward": False,
    }
    while True:
        response = client.query(**kwargs)
        for item in response.get("Items", []):
            data = from_item(item)
            ids.append(data["id"])
            year, month = month_of(dt.datetime.fromisoformat(data["published_at"]), tz)
            months.add((year, month))
            for tag in data.get("tags", []):
                tags.add(tag["slug"])
                tag_months.add((tag["slug"], year, month))
        if "LastEvaluatedKey" not in response:
            break
        kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]

    listing = [HOME, ARCHIVE_INDEX, FEED, SITEMAP_INDEX, NEWS_SITEMAP]
    listing += [Page("month", year=y, month=m) for y, m in sorted(months)]
    listing += [Page("sitemap_shard", year=y, month=m) for y, m in sorted(months)]
    listing += [Page(kind, tag=t) for t in sorted(tags) for kind in ("tag", "tag_feed")]
    listing += [Page("tag_month", tag=t, year=y, month=m) for t, y, m in sorted(tag_months)]
    chunks: list[Chunk] = []
    for group in _batched(ids, ARTICLES_PER_CHUNK):
        chunks.append(Chunk(rebuild_id, len(chunks), articles=tuple(group)))
    for pages_group in _batched(listing, PAGES_PER_CHUNK):
        chunks.append(Chunk(rebuild_id, len(chunks), pages=tuple(pages_group)))
    return chunks


def start_rebuild(
    client: DynamoDBClient,
    sqs: SQSClient,
    *,
    table_name: str,
    queue_url: str,
    tz: ZoneInfo,
    now: dt.datetime | None = None,
) -> RebuildStatus:
    """Plan a full rebuild and enqueue its chunks. Returns the status to poll."""
    started = now or utc_now()
    rebuild_id = str(ULID.from_datetime(started))
    chunks = plan_chunks(client, table_name, tz, rebuild_id)
    tracker = RebuildTracker(table_name, client)
    tracker.create(rebuild_id, len(chunks), started)
    for group in _batched(chunks, 10):
        response = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(c.number), "MessageBody": c.to_message()} for c in group],
        )
        if response.get("Failed"):
            raise RuntimeError(f"could not enqueue rebuild chunks: {response['Failed']}")
    return RebuildStatus(rebuild_id, len(chunks), 0, started, None)


def run_chunk(chunk: Chunk, publisher: SitePublisher, tracker: RebuildTracker, cdn: Cdn) -> RebuildStatus:
    """Render one chunk. The worker that completes the last chunk invalidates the whole site once."""
    publisher.load(chunk.articles)
    for article_id in chunk.articles:
        publisher.rerender_article(article_id)
    for page in chunk.pages:
        publisher.render_page(page)
    publisher.finish(ensure_static=chunk.number == 0, invalidate=False)
    status = tracker.complete_chunk(chunk.rebuild_id, chunk.number)
    if status.done >= status.total and tracker.mark_finished(chunk.rebuild_id, utc_now()):
        cdn.invalidate(["/*"])
        status = tracker.status(chunk.rebuild_id) or status
    return status
