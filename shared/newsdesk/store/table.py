"""The base of every adapter to the Newsdesk table: its name and a DynamoDB client built on first use.

Tests and callers inject a client; otherwise one is created lazily, never at import time, so moto is
active first and cold starts do not pay for boto3 until a request needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

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
