"""Read-only queries over what is live, for rendering. Key lookups and Queries only."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from newsdesk.domain.models import Article
from newsdesk.store.articles import ArticleStore
from newsdesk.store.attributes import sort_time
from newsdesk.store.records import INDEXES, PUBLISHED, item_to_article, tag_pk

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class PublishedArticles:
    """Published articles newest first, site-wide or by tag, whole or within a time range."""

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.articles = ArticleStore(table_name, client)

    @property
    def table_name(self) -> str:
        return self.articles.table_name

    def get(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def latest(self, limit: int, tag: str | None = None) -> list[Article]:
        return self._query(tag, limit=limit)

    def between(
        self, start: dt.datetime, end: dt.datetime, tag: str | None = None, limit: int | None = None
    ) -> list[Article]:
        """Published in [start, end), newest first."""
        return self._query(tag, start=start, end=end, limit=limit)

    def months(self, tz: dt.tzinfo, tag: str | None = None) -> list[tuple[int, int]]:
        """(year, month) pairs in the site's time zone that have published articles, newest first.

        One single-item Query per month that has content, stepping back from the newest article.
        """
        index = "PublishedByTag" if tag else "Published"
        pk_attr, sk_attr = INDEXES[index]
        found: list[tuple[int, int]] = []
        before: str | None = None
        while True:
            condition = "#pk = :pk" + (" AND #sk < :before" if before else "")
            values: dict[str, Any] = {":pk": {"S": tag_pk(tag) if tag else PUBLISHED}}
            if before:
                values[":before"] = {"S": before}
            response = self.articles.client.query(
                TableName=self.table_name,
                IndexName=index,
                KeyConditionExpression=condition,
                ExpressionAttributeNames={"#pk": pk_attr, "#sk": sk_attr},
                ExpressionAttributeValues=values,
                ProjectionExpression="#sk",
                ScanIndexForward=False,
                Limit=1,
            )
            items = response.get("Items", [])
            if not items:
                return found
            published = dt.datetime.fromisoformat(
                items[0][sk_attr]["S"].split("#", 1)[0].replace("Z", "+00:00")
            )
            local = published.astimezone(tz)
            found.append((local.year, local.month))
            month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            before = sort_time(month_start)

    def _query(
        self,
        tag: str | None,
        *,
        limit: int | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
    ) -> list[Article]:
        index = "PublishedByTag" if tag else "Published"
        pk_attr, sk_attr = INDEXES[index]
        condition = "#pk = :pk"
        values: dict[str, Any] = {":pk": {"S": tag_pk(tag) if tag else PUBLISHED}}
        names = {"#pk": pk_attr}
        if start is not None and end is not None:
            condition += " AND #sk BETWEEN :start AND :end"
            names["#sk"] = sk_attr
            values[":start"] = {"S": sort_time(start)}
            values[":end"] = {"S": sort_time(end)}
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
            "ScanIndexForward": False,
        }
        items: list[dict[str, Any]] = []
        while True:
            if limit is not None:
                kwargs["Limit"] = limit - len(items)
            response = self.articles.client.query(**kwargs)
            items.extend(response.get("Items", []))
            if "LastEvaluatedKey" not in response or (limit is not None and len(items) >= limit):
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        if tag:
            return self.articles.get_many([i["article_id"]["S"] for i in items])
        return [item_to_article(i) for i in items]
