"""The site's configuration as the one ``SITE``/``CONFIG`` item of the table (newsdesk.site.ports.
ConfigurationStore): read strongly consistent, written only over the version it replaces."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.keys import ENTITY_SITE_CONFIG, site_config_key
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.site.configuration import SiteConfiguration
from newsdesk.site.errors import ConfigurationChanged, UnreadableConfiguration

_KEYS = ("PK", "SK", "entity")


def configuration_item(configuration: SiteConfiguration) -> Item:
    values: dict[str, Any] = configuration.model_dump(mode="json")
    return {**site_config_key(), **to_item({"entity": ENTITY_SITE_CONFIG, **values})}


def configuration_from_item(item: Item) -> SiteConfiguration:
    """The configuration an item (or a stream image of it) holds; UnreadableConfiguration if it breaks
    the configuration's rules."""
    from pydantic import ValidationError

    values = {k: v for k, v in from_item(item).items() if k not in _KEYS}
    try:
        if isinstance(values.get("updated_at"), str):
            values["updated_at"] = dt.datetime.fromisoformat(values["updated_at"])
        return SiteConfiguration.model_validate(values)
    except (ValidationError, ValueError) as exc:
        version = values.get("version")
        raise UnreadableConfiguration(
            f"The stored site configuration cannot be read: {exc}",
            version=version if isinstance(version, int) and version > 0 else None,
        ) from None


class SiteConfigStore(TableAdapter):
    def get(self) -> SiteConfiguration | None:
        response = self.client.get_item(TableName=self.table_name, Key=site_config_key(), ConsistentRead=True)
        item = response.get("Item")
        return configuration_from_item(item) if item else None

    def save(self, configuration: SiteConfiguration, *, expected_version: int) -> None:
        from botocore.exceptions import ClientError

        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(PK)"}
            if expected_version == 0
            else {
                "ConditionExpression": "#version = :expected",
                "ExpressionAttributeNames": {"#version": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        )
        try:
            self.client.put_item(
                TableName=self.table_name, Item=configuration_item(configuration), **condition
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                raise ConfigurationChanged(expected_version) from None
            raise
