"""Full rebuilds' progress: the ``REBUILD#{id}`` item, with how many chunks there are and which are done.

Done chunks are a number set, so a redelivered chunk is not counted twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.keys import rebuild_key
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.site.models import RebuildStatus


class RebuildTracker(TableAdapter):
    """newsdesk.site.ports.RebuildLedger."""

    def create(self, rebuild_id: str, total: int, now: dt.datetime) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item={
                **rebuild_key(rebuild_id),
                **to_item({"entity": "rebuild", "total": total, "started_at": now.isoformat()}),
            },
            ConditionExpression="attribute_not_exists(PK)",
        )

    def complete_chunk(self, rebuild_id: str, number: int) -> RebuildStatus:
        response = self.client.update_item(
            TableName=self.table_name,
            Key=rebuild_key(rebuild_id),
            UpdateExpression="ADD done_chunks :n",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={":n": {"NS": [str(number)]}},
            ReturnValues="ALL_NEW",
        )
        return _status(rebuild_id, response["Attributes"])

    def mark_finished(self, rebuild_id: str, now: dt.datetime) -> bool:
        """Set finished_at once. True for the one caller that set it."""
        from botocore.exceptions import ClientError

        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=rebuild_key(rebuild_id),
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
            TableName=self.table_name, Key=rebuild_key(rebuild_id), ConsistentRead=True
        )
        return _status(rebuild_id, response["Item"]) if "Item" in response else None


def _status(rebuild_id: str, item: Item | Any) -> RebuildStatus:
    done = len(item.get("done_chunks", {}).get("NS", []))
    data = from_item({k: v for k, v in item.items() if k != "done_chunks"})
    return RebuildStatus(
        rebuild_id=rebuild_id,
        total=int(data["total"]),
        done=done,
        started_at=dt.datetime.fromisoformat(data["started_at"]),
        finished_at=dt.datetime.fromisoformat(data["finished_at"]) if data.get("finished_at") else None,
    )
