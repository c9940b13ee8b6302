"""The base of every adapter to the Newsdesk table: its name and a DynamoDB client built on first use.

Tests and callers inject a client; otherwise one is created lazily, never at import time, so moto is
active first and cold starts do not pay for boto3 until a request needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsdesk.store.cursor import InvalidCursor, decode_cursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class TableAdapter:
    def __init__(self, table_name: str, client: DynamoDBClient | None = None) -> None:
        self.table_name = table_name
        self._client = client

    @property
    def client(self) -> DynamoDBClient:
        if self._client is None:
            import boto3

            self._client = boto3.client("dynamodb")
        return self._client

    def query_index(
        self,
        index: str,
        keys: tuple[str, str],
        partition: str,
        limit: int,
        cursor: str | None,
        **extra: Any,
    ) -> Any:
        """One page of an index partition, newest first, resuming from an opaque cursor.

        `keys` are the index's partition and sort attributes; `extra` adds to (or overrides) the Query's
        arguments, merging the expression name and value maps.
        """
        pk_attr, sk_attr = keys
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "#pk = :pk",
            "ExpressionAttributeNames": {"#pk": pk_attr},
            "ExpressionAttributeValues": {":pk": {"S": partition}},
            "ScanIndexForward": False,
            "Limit": limit,
        }
        start = decode_cursor(cursor, frozenset({"PK", "SK", pk_attr, sk_attr}))
        if start:
            if start[pk_attr]["S"] != partition:
                # Same key names, another listing (status or tag): DynamoDB refuses such a start key.
                raise InvalidCursor("The cursor is not one this API issued for this listing.")
            kwargs["ExclusiveStartKey"] = start
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(kwargs.get(key), dict):
                kwargs[key] = {**kwargs[key], **value}
            else:
                kwargs[key] = value
        return self.client.query(**kwargs)
