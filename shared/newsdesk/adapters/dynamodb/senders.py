"""The comment intake's and the worker's reads of the table: an article's publication, and a sender's
(or an address's) earlier comments. Standard library only: the intake imports this module."""

from __future__ import annotations

import datetime as dt

from newsdesk.adapters.dynamodb.keys import (
    BY_IP,
    BY_UPDATED,
    address_partition,
    article_key,
    parse_sort_time,
    sender_partition,
    sort_time,
    time_key,
)
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.comments.values import Publication, SenderHistory

# A sender's history is read newest first, at most this many pages (of up to 1 MB of items each).
HISTORY_PAGES = 10


class PublicationTable(TableAdapter):
    """newsdesk.comments.ports.Publications."""

    def publication(self, article_id: str) -> Publication:
        response = self.client.get_item(
            TableName=self.table_name,
            Key=article_key(article_id),
            ProjectionExpression="#s, published_at, #u",
            ExpressionAttributeNames={"#s": "status", "#u": "url"},
        )
        item = response.get("Item") or {}
        published = item.get("published_at", {}).get("S")
        return Publication(
            article_id=article_id,
            status=item.get("status", {}).get("S"),
            published_at=dt.datetime.fromisoformat(published) if published else None,
            url=item.get("url", {}).get("S"),
        )


class SenderHistoryTable(TableAdapter):
    """newsdesk.comments.ports.SenderHistories: comments by the keyed hash of their sender's email (the
    ByUpdated index's COMMENTER# partitions) and of their IP address (ByIp)."""

    def sender_history(
        self,
        email_hash: str,
        *,
        article_id: str,
        body_hash: str,
        before: tuple[dt.datetime, str],
        ip_hash: str | None = None,
    ) -> SenderHistory:
        latest: dt.datetime | None = None
        duplicate = approved = False
        pages = self.query_pages(
            max_pages=HISTORY_PAGES,
            IndexName=BY_UPDATED.name,
            KeyConditionExpression="#pk = :pk AND #sk < :before",
            ProjectionExpression="#sk, article_id, body_hash, ip_hash, #status",
            ExpressionAttributeNames={"#pk": BY_UPDATED.pk, "#sk": BY_UPDATED.sk, "#status": "status"},
            ExpressionAttributeValues={
                ":pk": {"S": sender_partition(email_hash)},
                ":before": {"S": time_key(*before)},
            },
            ScanIndexForward=False,
        )
        for items in pages:
            for item in items:
                created = parse_sort_time(item[BY_UPDATED.sk]["S"])
                latest = created if latest is None else max(latest, created)
                duplicate = duplicate or (
                    item.get("article_id", {}).get("S") == article_id
                    and item.get("body_hash", {}).get("S") == body_hash
                )
                approved = approved or (
                    item.get("status", {}).get("S") == "approved"
                    and (ip_hash is None or item.get("ip_hash", {}).get("S") == ip_hash)
                )
        return SenderHistory(latest=latest, duplicate=duplicate, approved_before=approved)

    def latest_from_address(self, ip_hash: str, since: dt.datetime) -> dt.datetime | None:
        items = self.client.query(
            TableName=self.table_name,
            IndexName=BY_IP.name,
            KeyConditionExpression="#pk = :pk AND #sk > :since",
            ExpressionAttributeNames={"#pk": BY_IP.pk, "#sk": BY_IP.sk},
            ExpressionAttributeValues={
                ":pk": {"S": address_partition(ip_hash)},
                ":since": {"S": sort_time(since)},
            },
            ProjectionExpression="#sk",
            ScanIndexForward=False,
            Limit=1,
        ).get("Items", [])
        return parse_sort_time(items[0][BY_IP.sk]["S"]) if items else None
