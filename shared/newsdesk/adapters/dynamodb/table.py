"""The base of every adapter to the Newsdesk table: its name, its DynamoDB client (newsdesk.adapters.aws),
one page of an index listing behind an opaque cursor, and whole Queries through boto3's paginator."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from newsdesk.adapters.aws import AwsAdapter
from newsdesk.adapters.dynamodb.cursor import decode_cursor
from newsdesk.adapters.dynamodb.keys import Index
from newsdesk.errors import InvalidCursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

    from newsdesk.adapters.dynamodb.codec import Item


class TableAdapter(AwsAdapter["DynamoDBClient"]):
    service = "dynamodb"

    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        super().__init__(client)
        self.table_name = table_name

    def query_index(self, index: Index, partition: str, limit: int, cursor: str | None, **extra: Any) -> Any:
        """One page of an index partition, newest first, resuming from an opaque cursor.

        `extra` adds to (or overrides) the Query's arguments, merging the expression name and value maps.
        """
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index.name,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": index.pk},
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, frozenset({"PK", "SK", index.pk, index.sk}))
        if start:
            if start[index.pk]["S"] != partition:
                # Same key names, another listing (status or tag): DynamoDB refuses such a start key.
                raise InvalidCursor("The cursor is not one this API issued for this listing.")
            kwargs["ExclusiveStartKey"] = start
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(kwargs.get(key), dict):
                kwargs[key] = {**kwargs[key], **value}
            else:
                kwargs[key] = value
        return self.client.query(**kwargs)

    def query_pages(self, *, max_pages: int | None = None, **kwargs: Any) -> Iterator[list[Item]]:
        """The items of a Query on this table, a page at a time (at most `max_pages` pages)."""
        pages = self.client.get_paginator("query").paginate(TableName=self.table_name, **kwargs)
        for number, page in enumerate(pages, start=1):
            yield page.get("Items", [])
            if max_pages is not None and number >= max_pages:
                return

    def query_all(self, **kwargs: Any) -> list[Item]:
        """Every item of a Query on this table."""
        return [item for page in self.query_pages(**kwargs) for item in page]
