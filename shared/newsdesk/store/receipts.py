"""Render receipts: one item per article (``ARTICLE#{id}`` / ``RENDER``), never moving backwards."""

from __future__ import annotations

import datetime as dt

from newsdesk.domain.models import RenderReceipt, RenderState
from newsdesk.store.attributes import Item, from_item, to_item
from newsdesk.store.records import RENDER_SK, article_pk
from newsdesk.store.table import TableAdapter


def receipt_to_item(receipt: RenderReceipt) -> Item:
    return to_item(
        {
            "PK": article_pk(receipt.article_id),
            "SK": RENDER_SK,
            "entity": "render",
            "article_id": receipt.article_id,
            "version": receipt.version,
            "state": receipt.state.value,
            "rendered_at": receipt.rendered_at.astimezone(dt.UTC).isoformat(),
            "paths": receipt.paths,
            "error": receipt.error,
        }
    )


def item_to_receipt(item: Item) -> RenderReceipt:
    data = from_item(item)
    return RenderReceipt(
        article_id=data["article_id"],
        version=data["version"],
        state=RenderState(data["state"]),
        rendered_at=dt.datetime.fromisoformat(data["rendered_at"]),
        paths=data.get("paths", []),
        error=data.get("error"),
    )


class ReceiptStore(TableAdapter):
    def get(self, article_id: str) -> RenderReceipt | None:
        response = self.client.get_item(
            TableName=self.table_name,
            Key={"PK": {"S": article_pk(article_id)}, "SK": {"S": RENDER_SK}},
            ConsistentRead=True,
        )
        return item_to_receipt(response["Item"]) if "Item" in response else None

    def record(self, receipt: RenderReceipt) -> bool:
        """Store the receipt unless it is older than, or repeats, the stored one. True if stored."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=receipt_to_item(receipt),
                # A newer version, or the same version in another state (failed → live). A repeat of the
                # same version and state (a duplicate or later record of a change already rendered, which
                # changes nothing) keeps the receipt that lists the paths the change wrote.
                ConditionExpression="attribute_not_exists(PK) OR #v < :v OR (#v = :v AND #s <> :s)",
                ExpressionAttributeNames={"#v": "version", "#s": "state"},
                ExpressionAttributeValues={
                    ":v": {"N": str(receipt.version)},
                    ":s": {"S": receipt.state.value},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
