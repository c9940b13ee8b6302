"""DynamoDB adapter for uploaded images (newsdesk.media.ports.MediaRepository): one item per upload,
created once, finished (ready or failed) once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.keys import ENTITY_MEDIA, media_key
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.media.models import MediaItem, MediaStatus


def media_to_item(media: MediaItem) -> Item:
    values: dict[str, Any] = {
        **{k: v for k, v in media.model_dump(mode="json").items() if v is not None and v != []},
        "entity": ENTITY_MEDIA,
    }
    return {**to_item(values), **media_key(media.id)}


def item_to_media(item: Item) -> MediaItem:
    data = from_item(item)
    for name in ("PK", "SK", "entity"):
        data.pop(name, None)
    data["created_at"] = dt.datetime.fromisoformat(data["created_at"])
    data["updated_at"] = dt.datetime.fromisoformat(data["updated_at"])
    return MediaItem.model_validate(data)


class MediaStore(TableAdapter):
    def get(self, media_id: str) -> MediaItem | None:
        found = self.client.get_item(TableName=self.table_name, Key=media_key(media_id), ConsistentRead=True)
        item = found.get("Item")
        return item_to_media(item) if item else None

    def create(self, item: MediaItem) -> None:
        self.client.put_item(
            TableName=self.table_name,
            Item=media_to_item(item),
            ConditionExpression="attribute_not_exists(PK)",
        )

    def finish(self, item: MediaItem) -> bool:
        """Write the processed item if the stored one is still processing; False if it is not."""
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=media_to_item(item),
                ConditionExpression="#status = :processing",
                ExpressionAttributeNames={"#status": "status"},
                ExpressionAttributeValues={":processing": {"S": MediaStatus.PROCESSING.value}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True
