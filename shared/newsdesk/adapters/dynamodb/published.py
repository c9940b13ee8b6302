"""Read-only queries over what is live, for rendering. Key lookups and Queries only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from newsdesk.adapters.dynamodb.articles import ArticleStore, article_id_in
from newsdesk.adapters.dynamodb.codec import from_item
from newsdesk.adapters.dynamodb.keys import (
    CORRECTIONS_PK,
    LIVE,
    PUBLISHED,
    PUBLISHED_BY_TAG,
    parse_sort_time,
    scope_pk,
    sort_time,
)
from newsdesk.adapters.dynamodb.records import item_to_article, read_article
from newsdesk.adapters.dynamodb.unreadable import MAPPING_ERRORS, readable, report_unreadable
from newsdesk.articles.models import Article, Scope, scopes_of
from newsdesk.site.models import CorrectionEntry, LiveArticle

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Index entries a scope's month list reads per Query (see PublishedArticles.months): about 15 KB.
SCOPE_MONTHS_PAGE = 100


class PublishedArticles:
    """Published articles newest first, site-wide or in a scope (tag, section, author), whole or within
    a time range.

    Everything here is read strictly, for readers: one article that breaks a rule raises
    UnreadableArticle when it is asked for by id, and is left out (and reported) of every listing.
    """

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.articles = ArticleStore(table_name, client)

    @property
    def table_name(self) -> str:
        return self.articles.table_name

    def get(self, article_id: str) -> Article | None:
        item = self.articles.get_item(article_id)
        return read_article(item) if item else None

    def recent_corrections(self, limit: int) -> list[CorrectionEntry]:
        """The latest corrections issued on live articles, newest first (strongly consistent)."""
        response = self.articles.client.query(
            TableName=self.table_name,
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": CORRECTIONS_PK}},
            ScanIndexForward=False,
            Limit=limit,
            ConsistentRead=True,
        )
        logged = [(i["article_id"]["S"], int(i["number"]["N"])) for i in response.get("Items", [])]
        articles = {a.id: a for a in self.articles.get_many(list(dict.fromkeys(i for i, _ in logged)))}
        return [
            CorrectionEntry(article=articles[i], correction=articles[i].corrections[n])
            for i, n in logged
            if i in articles and articles[i].is_live and n < len(articles[i].corrections)
        ]

    def latest(
        self, limit: int, scope: Scope | None = None, *, known: Mapping[str, Article] | None = None
    ) -> list[Article]:
        """The newest `limit` live articles (of `scope`). A scope's index holds ids only: the articles
        are read by id (one BatchGetItem), but for those in `known`."""
        return self._query(scope, limit=limit, known=known)

    def between(
        self, start: dt.datetime, end: dt.datetime, scope: Scope | None = None, limit: int | None = None
    ) -> list[Article]:
        """Published in [start, end), newest first."""
        return self._query(scope, start=start, end=end, limit=limit)

    def scope_names(self, kind: str, limit: int) -> list[tuple[str, str]]:
        """(slug, name) of up to `limit` scopes of `kind` (tag, section, author) that have live
        articles, in slug order: a Scan of the sparse membership index (live memberships only),
        projected to the partition key and the name."""
        index = PUBLISHED_BY_TAG
        prefix = scope_pk(kind, "")
        found: dict[str, str] = {}
        pages = self.articles.client.get_paginator("scan").paginate(
            TableName=self.table_name,
            IndexName=index.name,
            ProjectionExpression="#pk, #name",
            FilterExpression="begins_with(#pk, :prefix)",
            ExpressionAttributeNames={"#pk": index.pk, "#name": "name"},
            ExpressionAttributeValues={":prefix": {"S": prefix}},
        )
        for page in pages:
            for item in page.get("Items", []):
                slug = item[index.pk]["S"].removeprefix(prefix)
                found[slug] = item.get("name", {}).get("S") or found.get(slug) or slug
        return sorted(found.items())[:limit]

    def months(self, tz: dt.tzinfo, scope: Scope | None = None) -> list[tuple[int, int]]:
        """(year, month) pairs in the site's time zone that have published articles, newest first.

        Queries step back from the newest article: each reads up to a page of index entries and the next
        starts before the first day of the oldest month it saw, so a month is never read twice. The
        site's index holds whole articles, so its page is one entry (one small read per month with
        content). A scope's index entries are keys and an id (about 150 bytes), so its page is
        `SCOPE_MONTHS_PAGE` entries: a tag with a few stories a month gives all its months in one or
        two Queries (a publish into 1,000 articles asked 54 Queries, most of them one per month of each
        of its tags, section and authors), and a dense scope still needs no more than one per month.
        """
        index = PUBLISHED_BY_TAG if scope else PUBLISHED
        page = SCOPE_MONTHS_PAGE if scope else 1
        found: list[tuple[int, int]] = []
        before: str | None = None
        while True:
            condition = "#pk = :pk" + (" AND #sk < :before" if before else "")
            values: dict[str, Any] = {":pk": {"S": _partition(scope)}}
            if before:
                values[":before"] = {"S": before}
            response = self.articles.client.query(
                TableName=self.table_name,
                IndexName=index.name,
                KeyConditionExpression=condition,
                ExpressionAttributeNames={"#pk": index.pk, "#sk": index.sk},
                ExpressionAttributeValues=values,
                ProjectionExpression="#sk",
                ScanIndexForward=False,
                Limit=page,
            )
            items = response.get("Items", [])
            if not items:
                return found
            for item in items:
                local = parse_sort_time(item[index.sk]["S"]).astimezone(tz)
                if (local.year, local.month) not in found:
                    found.append((local.year, local.month))
            if len(items) < page and "LastEvaluatedKey" not in response:
                return found
            oldest = parse_sort_time(items[-1][index.sk]["S"]).astimezone(tz)
            before = sort_time(oldest.replace(day=1, hour=0, minute=0, second=0, microsecond=0))

    def live(self) -> Iterator[LiveArticle]:
        """Every live article, newest first: its id, when it was published and its scopes (for
        rebuilds)."""
        pages = self.articles.query_pages(
            IndexName=PUBLISHED.name,
            KeyConditionExpression="#pk = :pk",
            ExpressionAttributeNames={
                "#pk": PUBLISHED.pk,
                "#id": "id",
                "#tags": "tags",
                "#p": "published_at",
                "#section": "section",
                "#authors": "authors",
            },
            ExpressionAttributeValues={":pk": {"S": LIVE}},
            ProjectionExpression="#id, #tags, #p, #section, #authors",
            ScanIndexForward=False,
        )
        for items in pages:
            for item in items:
                try:
                    data = from_item(item)
                    live = LiveArticle(
                        id=data["id"],
                        published_at=dt.datetime.fromisoformat(data["published_at"]),
                        scopes=scopes_of(
                            [tag["slug"] for tag in data.get("tags", [])],
                            data.get("section"),
                            list(data.get("authors") or []),
                        ),
                    )
                except MAPPING_ERRORS as exc:
                    report_unreadable("article", item, exc)
                    continue
                yield live

    def _query(
        self,
        scope: Scope | None,
        *,
        limit: int | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        known: Mapping[str, Article] | None = None,
    ) -> list[Article]:
        index = PUBLISHED_BY_TAG if scope else PUBLISHED
        condition = "#pk = :pk"
        values: dict[str, Any] = {":pk": {"S": _partition(scope)}}
        names = {"#pk": index.pk}
        if start is not None and end is not None:
            condition += " AND #sk BETWEEN :start AND :end"
            names["#sk"] = index.sk
            values[":start"] = {"S": sort_time(start)}
            values[":end"] = {"S": sort_time(end)}
        kwargs: dict[str, Any] = {
            "IndexName": index.name,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        if limit is not None:
            kwargs["Limit"] = limit
            kwargs["PaginationConfig"] = {"MaxItems": limit}
        items = self.articles.query_all(**kwargs)
        if scope:
            ids = readable("tag", items, article_id_in)
            known = known or {}
            read = {a.id: a for a in self.articles.get_many([i for i in ids if i not in known])}
            return [found for i in ids if (found := read.get(i) or known.get(i)) is not None]
        return readable("article", items, item_to_article)


def _partition(scope: Scope | None) -> str:
    return scope_pk(scope.kind.value, scope.slug) if scope else LIVE
