"""DynamoDB adapter for reader comments: key lookups and Queries only, every write conditional.

The layout (keys and index overloads) is in newsdesk.adapters.dynamodb.keys; a sender's history, which
the intake reads too, in newsdesk.adapters.dynamodb.senders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from newsdesk.adapters.dynamodb import keys
from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.cursor import encode_cursor
from newsdesk.adapters.dynamodb.keys import BY_IP, BY_STATUS, BY_TAG, BY_UPDATED, PERSONAL_DATA_DUE
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.adapters.dynamodb.unreadable import readable
from newsdesk.comments.errors import CommentChanged, CommentNotFound
from newsdesk.comments.models import Comment, CommentPage, CommentStatus, PublicComment

# What the public page needs of a comment: never the ciphertexts, hashes or user agent.
PUBLIC_ATTRIBUTES = ("id", "article_id", "name", "website", "body", "status", "created_at")

# What removing a refused comment's personal data takes off its item: the sender's email and IP as
# ciphertexts and keyed hashes, and the index keys that file the comment under them (its sender's and its
# address's history) and under the removal still due.
PERSONAL_ATTRIBUTES = (
    "email_ciphertext",
    "ip_ciphertext",
    "email_hash",
    "ip_hash",
    "user_agent",
    BY_UPDATED.pk,
    BY_UPDATED.sk,
    BY_IP.pk,
    BY_IP.sk,
    PERSONAL_DATA_DUE.pk,
    PERSONAL_DATA_DUE.sk,
)


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def comment_to_item(comment: Comment) -> Item:
    created = comment.created_at
    sort = keys.time_key(created, comment.id)
    values: dict[str, Any] = {
        "PK": keys.comment_pk(comment.id),
        "SK": keys.COMMENT_SK,
        "entity": keys.ENTITY_COMMENT,
        "id": comment.id,
        "article_id": comment.article_id,
        "name": comment.name,
        "website": comment.website,
        "body": comment.body,
        "status": comment.status.value,
        "reason": comment.reason,
        "created_at": _iso(created),
        "version": comment.version,
        "email_ciphertext": comment.email_ciphertext,
        "ip_ciphertext": comment.ip_ciphertext,
        "email_hash": comment.email_hash,
        "ip_hash": comment.ip_hash,
        "body_hash": comment.body_hash,
        "user_agent": comment.user_agent,
        "via_form": comment.via_form,
        "moderated_by": comment.moderated_by,
        "moderated_at": _iso(comment.moderated_at) if comment.moderated_at else None,
        "personal_data_removed_at": (
            _iso(comment.personal_data_removed_at) if comment.personal_data_removed_at else None
        ),
        BY_STATUS.pk: keys.queue_partition(comment.status.value),
        BY_STATUS.sk: sort,
        BY_TAG.pk: keys.comments_on_partition(comment.article_id),
        BY_TAG.sk: sort,
    }
    if comment.email_hash is not None:
        values[BY_UPDATED.pk] = keys.sender_partition(comment.email_hash)
        values[BY_UPDATED.sk] = sort
    if comment.ip_hash is not None:
        values[BY_IP.pk] = keys.address_partition(comment.ip_hash)
        values[BY_IP.sk] = sort
    due = comment.personal_data_expires_at
    if due is not None and not comment.personal_data_removed:
        values[PERSONAL_DATA_DUE.pk] = keys.PERSONAL_DATA_PARTITION
        values[PERSONAL_DATA_DUE.sk] = _epoch(due)
    return to_item(values)


def _epoch(moment: dt.datetime) -> int:
    """Whole seconds since the epoch, rounded up: data is never removed before its moment."""
    seconds = moment.timestamp()
    whole = int(seconds)
    return whole if whole == seconds else whole + 1


def _optional_bytes(value: Any) -> bytes | None:
    return bytes(value) if value is not None else None


def item_to_comment(item: Item) -> Comment:
    data = from_item(item)
    return Comment(
        id=data["id"],
        article_id=data["article_id"],
        name=data["name"],
        website=data.get("website"),
        body=data["body"],
        status=CommentStatus(data["status"]),
        reason=data.get("reason"),
        created_at=dt.datetime.fromisoformat(data["created_at"]),
        version=data["version"],
        email_ciphertext=_optional_bytes(data.get("email_ciphertext")),
        ip_ciphertext=_optional_bytes(data.get("ip_ciphertext")),
        email_hash=data.get("email_hash"),
        ip_hash=data.get("ip_hash"),
        body_hash=data["body_hash"],
        user_agent=data.get("user_agent"),
        via_form=bool(data.get("via_form", False)),
        moderated_by=data.get("moderated_by"),
        moderated_at=dt.datetime.fromisoformat(data["moderated_at"]) if data.get("moderated_at") else None,
        personal_data_expires_at=(
            dt.datetime.fromtimestamp(data[PERSONAL_DATA_DUE.sk], dt.UTC)
            if data.get(PERSONAL_DATA_DUE.sk) is not None
            else None
        ),
        personal_data_removed_at=(
            dt.datetime.fromisoformat(data["personal_data_removed_at"])
            if data.get("personal_data_removed_at")
            else None
        ),
    )


def item_to_public(item: Item) -> PublicComment:
    data = from_item(item)
    return PublicComment(
        id=data["id"],
        article_id=data["article_id"],
        name=data["name"],
        website=data.get("website"),
        body=data["body"],
        created_at=dt.datetime.fromisoformat(data["created_at"]),
    )


class CommentStore(TableAdapter):
    """newsdesk.comments.ports.CommentStore and PersonalDataRetention, and the renderer's
    newsdesk.site.ports.CommentReader."""

    # ----- reads -----------------------------------------------------------------------------------

    def get(self, comment_id: str) -> Comment | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=keys.comment_key(comment_id), ConsistentRead=True
        )
        item = response.get("Item")
        return item_to_comment(item) if item else None

    def get_many(self, ids: list[str], *, projection: tuple[str, ...] | None = None) -> list[Item]:
        """Items by comment id, in the order given (missing ones left out), strongly consistent."""
        found: dict[str, Item] = {}
        for start in range(0, len(ids), 100):
            request_keys = [keys.comment_key(i) for i in dict.fromkeys(ids[start : start + 100])]
            spec: dict[str, Any] = {"Keys": request_keys, "ConsistentRead": True}
            if projection:
                spec["ProjectionExpression"] = ", ".join(f"#a{i}" for i in range(len(projection)))
                spec["ExpressionAttributeNames"] = {f"#a{i}": name for i, name in enumerate(projection)}
            request: dict[str, Any] = {self.table_name: spec}
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    found[item.get("id", {}).get("S", "")] = item
                request = response.get("UnprocessedKeys") or {}
        return [found[i] for i in ids if i in found]

    def get_comments(self, ids: list[str]) -> list[Comment]:
        """Comments by id, in the order given; missing and unreadable ones (reported) left out."""
        return readable("comment", self.get_many(ids), item_to_comment)

    def list_by_status(self, status: CommentStatus, limit: int, cursor: str | None = None) -> CommentPage:
        """The moderation queue of one status, newest first."""
        response = self.query_index(BY_STATUS, keys.queue_partition(status.value), limit, cursor)
        return CommentPage(
            items=readable("comment", response.get("Items", []), item_to_comment),
            next_cursor=encode_cursor(response.get("LastEvaluatedKey")),
        )

    def list_for_article(
        self, article_id: str, limit: int, cursor: str | None = None, status: CommentStatus | None = None
    ) -> CommentPage:
        """One article's comments (of one status, if given), newest first."""
        extra: dict[str, Any] = {}
        if status is not None:
            extra = {
                "FilterExpression": "#status = :status",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":status": {"S": status.value}},
            }
        response = self.query_index(BY_TAG, keys.comments_on_partition(article_id), limit, cursor, **extra)
        ids = [item["PK"]["S"].removeprefix(keys.COMMENT_PREFIX) for item in response.get("Items", [])]
        comments = self.get_comments(ids)
        if status is not None:  # the index may lag behind the items
            comments = [c for c in comments if c.status is status]
        return CommentPage(items=comments, next_cursor=encode_cursor(response.get("LastEvaluatedKey")))

    def approved_for_article(self, article_id: str) -> list[PublicComment]:
        """Every approved comment of an article, oldest first, read consistently (public fields only)."""
        found = self.query_all(
            IndexName=BY_TAG.name,
            KeyConditionExpression="#pk = :pk",
            FilterExpression="#status = :approved",
            ExpressionAttributeNames={"#pk": BY_TAG.pk, "#status": "status"},
            ExpressionAttributeValues={
                ":pk": {"S": keys.comments_on_partition(article_id)},
                ":approved": {"S": CommentStatus.APPROVED.value},
            },
            ScanIndexForward=True,
        )
        ids = [item["PK"]["S"].removeprefix(keys.COMMENT_PREFIX) for item in found]
        items = self.get_many(ids, projection=PUBLIC_ATTRIBUTES)
        approved = [
            item
            for item in items
            if item.get("status", {}).get("S") == CommentStatus.APPROVED.value
            and item.get("article_id", {}).get("S") == article_id
        ]
        return readable("comment", approved, item_to_public)

    # ----- writes ----------------------------------------------------------------------------------

    def put_new(self, comment: Comment) -> bool:
        """Store a new comment; False if one with its id exists already (a redelivered message)."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=comment_to_item(comment),
                ConditionExpression="attribute_not_exists(PK)",
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def save(self, comment: Comment, expected_version: int) -> None:
        """Store a new version of a comment, if `expected_version` is still the stored one."""
        from botocore.exceptions import ClientError

        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=comment_to_item(comment),
                ConditionExpression="attribute_exists(PK) AND #v = :expected",
                ExpressionAttributeNames={"#v": "version"},
                ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            if self.get(comment.id) is None:
                raise CommentNotFound(comment.id) from exc
            raise CommentChanged(comment.id, expected_version) from exc

    def delete(self, comment_id: str, expected_version: int | None = None) -> None:
        from botocore.exceptions import ClientError

        condition = "attribute_exists(PK)"
        extra: dict[str, Any] = {}
        if expected_version is not None:
            condition += " AND #v = :expected"
            extra = {
                "ExpressionAttributeNames": {"#v": "version"},
                "ExpressionAttributeValues": {":expected": {"N": str(expected_version)}},
            }
        try:
            self.client.delete_item(
                TableName=self.table_name,
                Key=keys.comment_key(comment_id),
                ConditionExpression=condition,
                **extra,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
            if expected_version is None or self.get(comment_id) is None:
                raise CommentNotFound(comment_id) from exc
            raise CommentChanged(comment_id, expected_version) from exc

    # ----- personal data of refused comments ---------------------------------------------------------

    def due_for_removal(self, now: dt.datetime) -> Iterator[str]:
        """Comment ids from the sparse PersonalDataDue index, due by `now`, oldest due first, a page
        at a time (the index holds keys only: a page is up to 1 MB of keys)."""
        pages = self.query_pages(
            IndexName=PERSONAL_DATA_DUE.name,
            KeyConditionExpression="#pk = :pk AND #due <= :now",
            ExpressionAttributeNames={"#pk": PERSONAL_DATA_DUE.pk, "#due": PERSONAL_DATA_DUE.sk},
            ExpressionAttributeValues={
                ":pk": {"S": keys.PERSONAL_DATA_PARTITION},
                ":now": {"N": str(int(now.timestamp()))},
            },
        )
        for items in pages:
            for item in items:
                comment_id = keys.comment_id_of(item["PK"]["S"])
                if comment_id is not None:
                    yield comment_id

    def remove_personal_data(self, comment_id: str, *, now: dt.datetime) -> bool:
        """One conditional UpdateItem: the personal attributes and index keys go, the version moves on
        (so a moderator's write based on the earlier version fails instead of restoring them)."""
        from botocore.exceptions import ClientError

        names = {f"#r{i}": name for i, name in enumerate(PERSONAL_ATTRIBUTES)}
        due = f"#r{PERSONAL_ATTRIBUTES.index(PERSONAL_DATA_DUE.sk)}"
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=keys.comment_key(comment_id),
                UpdateExpression=(f"REMOVE {', '.join(names)} SET #removed = :now_iso, #v = #v + :one"),
                ConditionExpression=(
                    f"attribute_exists(PK) AND #status IN (:spam, :rejected) AND {due} <= :now"
                ),
                ExpressionAttributeNames={
                    **names,
                    "#removed": "personal_data_removed_at",
                    "#v": "version",
                    "#status": "status",
                },
                ExpressionAttributeValues={
                    ":now_iso": {"S": _iso(now)},
                    ":one": {"N": "1"},
                    ":spam": {"S": CommentStatus.SPAM.value},
                    ":rejected": {"S": CommentStatus.REJECTED.value},
                    ":now": {"N": str(int(now.timestamp()))},
                },
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return False
            raise
        return True
