"""The table's stream records (as Lambda delivers them) read as the renderer's changes: which article or
comment changed, and what it was before."""

from __future__ import annotations

from typing import Any

from newsdesk.adapters.dynamodb.keys import ARTICLE_SK, ENTITY_ARTICLE, article_id_of, comment_id_of
from newsdesk.adapters.dynamodb.records import item_to_article
from newsdesk.comments.models import CommentStatus
from newsdesk.site.models import ArticleChange, CommentChange


class TableStream:
    """newsdesk.batch.stream.ChangeReader over DynamoDB stream records."""

    @staticmethod
    def article_id(record: dict[str, Any]) -> str | None:
        """The id of the article whose item the record is about, if it is one."""
        keys = record.get("dynamodb", {}).get("Keys", {})
        pk, sk = keys.get("PK", {}).get("S", ""), keys.get("SK", {}).get("S", "")
        return article_id_of(pk) if sk == ARTICLE_SK else None

    def article_change(self, record: dict[str, Any]) -> ArticleChange | None:
        article_id = self.article_id(record)
        if article_id is None:
            return None
        old = record.get("dynamodb", {}).get("OldImage")
        if not old or old.get("entity", {}).get("S") != ENTITY_ARTICLE:
            return ArticleChange(article_id, None)
        return ArticleChange(article_id, item_to_article(old))

    @staticmethod
    def comment_change(record: dict[str, Any]) -> CommentChange | None:
        change = record.get("dynamodb", {})
        comment_id = comment_id_of(change.get("Keys", {}).get("PK", {}).get("S", ""))
        if comment_id is None:
            return None
        old = change.get("OldImage") or {}
        return CommentChange(
            comment_id=comment_id,
            article_id=old.get("article_id", {}).get("S"),
            was_public=old.get("status", {}).get("S") == CommentStatus.APPROVED.value,
        )
