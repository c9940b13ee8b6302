"""Render receipts: one item per article (``ARTICLE#{id}`` / ``RENDER``), never moving backwards."""

from __future__ import annotations

from newsdesk.adapters.dynamodb.keys import receipt_key
from newsdesk.adapters.dynamodb.records import item_to_receipt, receipt_to_item
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.articles.models import RenderReceipt


class ReceiptStore(TableAdapter):
    def get(self, article_id: str) -> RenderReceipt | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=receipt_key(article_id), ConsistentRead=True
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
