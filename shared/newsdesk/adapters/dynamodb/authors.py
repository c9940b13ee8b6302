"""Author profiles: one item per byline (``AUTHOR#{slug}`` / ``P``), listed by slug in the ByUpdated
partition ``AUTHORS``. Writes are conditional on the version they replace."""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.cursor import encode_cursor
from newsdesk.adapters.dynamodb.keys import (
    AUTHOR_PREFIX,
    AUTHOR_PROFILE_SK,
    AUTHORS_PK,
    BY_UPDATED,
    ENTITY_AUTHOR,
    author_profile_key,
)
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.adapters.dynamodb.unreadable import readable
from newsdesk.articles.errors import AuthorChanged, AuthorExists
from newsdesk.articles.models import AuthorKind, AuthorProfile


def profile_to_item(profile: AuthorProfile) -> Item:
    values: dict[str, Any] = {
        "PK": f"{AUTHOR_PREFIX}{profile.slug}",
        "SK": AUTHOR_PROFILE_SK,
        "entity": ENTITY_AUTHOR,
        "slug": profile.slug,
        "name": profile.name,
        "kind": profile.kind.value,
        "bio": profile.bio,
        "photo_url": profile.photo_url,
        "profile_url": profile.profile_url,
        "same_as": list(profile.same_as),
        "version": profile.version,
        "updated_at": profile.updated_at.astimezone(dt.UTC).isoformat() if profile.updated_at else None,
        BY_UPDATED.pk: AUTHORS_PK,
        BY_UPDATED.sk: profile.slug,
    }
    return to_item({k: v for k, v in values.items() if v is not None})


def item_to_profile(item: Item) -> AuthorProfile:
    data = from_item(item)
    return AuthorProfile(
        slug=data["slug"],
        name=data["name"],
        kind=AuthorKind(data.get("kind", AuthorKind.PERSON.value)),
        bio=data.get("bio", ""),
        photo_url=data.get("photo_url"),
        profile_url=data.get("profile_url"),
        same_as=list(data.get("same_as") or []),
        version=int(data["version"]),
        updated_at=dt.datetime.fromisoformat(data["updated_at"]) if data.get("updated_at") else None,
    )


class AuthorStore(TableAdapter):
    """newsdesk.articles.ports.AuthorRepository and newsdesk.site.ports.AuthorDirectory over the table."""

    def get(self, slug: str) -> AuthorProfile | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=author_profile_key(slug), ConsistentRead=True
        )
        return item_to_profile(response["Item"]) if "Item" in response else None

    def list(self, limit: int, cursor: str | None = None) -> tuple[list[AuthorProfile], str | None]:
        """One page of the profiles in slug order."""
        response = self.query_index(BY_UPDATED, AUTHORS_PK, limit, cursor, ScanIndexForward=True)
        items = readable("author", response.get("Items", []), item_to_profile)
        return items, encode_cursor(response.get("LastEvaluatedKey"))

    def put(self, profile: AuthorProfile, expected_version: int | None) -> None:
        from botocore.exceptions import ClientError

        condition: dict[str, Any] = (
            {"ConditionExpression": "attribute_not_exists(PK)"}
            if expected_version is None
            else {
                "ConditionExpression": "#v = :expected",
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        )
        try:
            self.client.put_item(TableName=self.table_name, Item=profile_to_item(profile), **condition)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            if expected_version is None:
                raise AuthorExists(profile.slug) from exc
            raise AuthorChanged(profile.slug) from exc
