"""The table's stream records (as Lambda delivers them) read as the renderer's changes: which article or
comment changed, and what it was before, or how the site's configuration changed; and the stream read
back, for a redrive."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from newsdesk.adapters.aws import AwsAdapter
from newsdesk.adapters.dynamodb.keys import (
    ARTICLE_SK,
    AUTHOR_PROFILE_SK,
    ENTITY_ARTICLE,
    article_id_of,
    author_slug_of,
    comment_id_of,
    is_site_config,
)
from newsdesk.adapters.dynamodb.records import article_as_stored
from newsdesk.adapters.dynamodb.site_config import configuration_from_item
from newsdesk.adapters.dynamodb.unreadable import report_unreadable
from newsdesk.articles.errors import UnreadableArticle
from newsdesk.comments.models import CommentStatus
from newsdesk.site.errors import ChangesGone, UnreadableConfiguration
from newsdesk.site.models import ArticleChange, CommentChange, SiteChange, StreamRange

logger = Logger(child=True)

if TYPE_CHECKING:
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient


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
        try:
            # As stored: what it was only tells which pages it was on (a repair's old image breaks a rule).
            before = article_as_stored(old)
        except UnreadableArticle as exc:
            report_unreadable("article", old, exc)
            before = None
        return ArticleChange(article_id, before)

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

    @staticmethod
    def site_change(record: dict[str, Any]) -> SiteChange | None:
        """How the site's configuration changed, if the record is about its item. An image that breaks
        the configuration's rules counts as the deployment's defaults (what the renderer shows then)."""
        change = record.get("dynamodb", {})
        if not is_site_config(change.get("Keys", {})):
            return None

        def image(name: str) -> Any:
            found = change.get(name)
            if not found:
                return None
            try:
                return configuration_from_item(found)
            except UnreadableConfiguration as exc:
                logger.warning("site configuration unreadable", image=name, reason=exc.detail)
                return None

        return SiteChange(before=image("OldImage"), after=image("NewImage"))

    @staticmethod
    def author_change(record: dict[str, Any]) -> str | None:
        """The slug of the author whose profile the record is about, if it is one."""
        keys = record.get("dynamodb", {}).get("Keys", {})
        pk, sk = keys.get("PK", {}).get("S", ""), keys.get("SK", {}).get("S", "")
        return author_slug_of(pk) if sk == AUTHOR_PROFILE_SK else None


class StreamHistory(AwsAdapter["DynamoDBStreamsClient"]):
    """Reads records back from the table's stream, by shard and sequence numbers
    (newsdesk.batch.redrive.StreamHistory): what a failure record of the renderer's event source names."""

    service = "dynamodbstreams"

    def __init__(self, client: DynamoDBStreamsClient | None = None) -> None:
        super().__init__(client)

    # Empty pages in a row after which the records are taken to be unreachable (an open shard answers
    # empty pages past its newest record).
    MAX_EMPTY_PAGES = 20

    def records(self, span: StreamRange) -> list[dict[str, Any]]:
        """The records from span.first to span.last (both included), in order; ChangesGone if the
        stream no longer has them (trimmed after 24 hours, or the stream or shard is gone)."""
        from botocore.exceptions import ClientError

        try:
            last = int(span.last)
            iterator: str | None = self.client.get_shard_iterator(
                StreamArn=span.stream_arn,
                ShardId=span.shard_id,
                ShardIteratorType="AT_SEQUENCE_NUMBER",
                SequenceNumber=span.first,
            )["ShardIterator"]
            found: list[dict[str, Any]] = []
            empty = 0
            while iterator is not None and empty < self.MAX_EMPTY_PAGES:
                response = self.client.get_records(ShardIterator=iterator, Limit=1000)
                page = response.get("Records", [])
                empty = 0 if page else empty + 1
                for record in page:
                    number = int(record["dynamodb"]["SequenceNumber"])
                    if number > last:
                        return found
                    found.append(dict(record))
                    if number == last:
                        return found
                iterator = response.get("NextShardIterator")
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in _GONE:
                where = f"{span.first}..{span.last} of shard {span.shard_id}"
                raise ChangesGone(f"The stream records {where} are gone ({code}).") from exc
            raise
        except ValueError as exc:
            where = f"{span.first}..{span.last}"
            raise ChangesGone(f"The sequence numbers {where} are not ones DynamoDB issued.") from exc
        if iterator is None:  # the shard was closed before the last record named: all there is
            return found
        raise ChangesGone(
            f"The stream records up to {span.last} of shard {span.shard_id} could not be reached."
        )


_GONE = {"TrimmedDataAccessException", "ResourceNotFoundException", "ExpiredIteratorException"}
