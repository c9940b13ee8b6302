"""The renderer's batches: the table's stream, one record per changed item, rendered together.

Every article of the batch is read before anything is rendered (so each page shows all of them as they
are now); then each record is applied on its own, and a record that fails is reported in
`batchItemFailures` so that Lambda retries it (bisecting the batch) while the others stand; its article's
render receipt says `failed` at once, with the reason. An article that cannot be read (it breaks a rule
of the article) fails its own record only: listings leave it out. One invalidation and the render
receipts go out when the batch is done. Records given up on reach the render dead-letter queue, which
`newsdesk redrive` (newsdesk.batch.redrive) replays.
"""

from __future__ import annotations

from typing import Any, Protocol

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from newsdesk.site import changes
from newsdesk.site.changes import ConfigurationChanges
from newsdesk.site.models import ArticleChange, CommentChange, SiteChange
from newsdesk.site.publisher import SitePublisher

logger = Logger(child=True)


class ChangeReader(Protocol):
    """Reads a stream record (newsdesk.adapters.dynamodb.stream.TableStream)."""

    def article_id(self, record: dict[str, Any]) -> str | None: ...
    def article_change(self, record: dict[str, Any]) -> ArticleChange | None: ...
    def comment_change(self, record: dict[str, Any]) -> CommentChange | None: ...
    def site_change(self, record: dict[str, Any]) -> SiteChange | None: ...
    def author_change(self, record: dict[str, Any]) -> str | None: ...


def handle_stream_batch(
    event: dict[str, Any],
    context: Any,
    publisher: SitePublisher,
    reader: ChangeReader,
    configuration: ConfigurationChanges | None = None,
) -> PartialItemFailureResponse:
    """Render what the batch's changes touch; report records that failed so they are retried.
    `configuration` answers changes of the site's configuration (newsdesk.site.changes)."""
    records = event.get("Records", [])
    changes.preload_articles(publisher, [i for r in records if (i := reader.article_id(r))])
    changes.preload_comments(publisher, [c for r in records if (c := reader.comment_change(r))])

    def handle(record: DynamoDBRecord) -> None:
        article = reader.article_change(record.raw_event)
        if article is None:
            site = reader.site_change(record.raw_event)
            if site is not None:
                changes.apply_site_change(publisher, site, configuration)
                return
            comment = reader.comment_change(record.raw_event)
            if comment is not None:
                changes.apply_comment_change(publisher, comment)
            elif (author := reader.author_change(record.raw_event)) is not None:
                changes.apply_author_change(publisher, author)
            return
        try:
            changed = changes.apply_article_change(publisher, article)
        except Exception as exc:  # this record alone fails (batchItemFailures); the editor sees why
            publisher.record_failure(article.article_id, exc)
            raise
        logger.info(
            "article rendered", article_id=article.article_id, event=record.event_name, changed=changed
        )

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    response = process_partial_response(
        event=event, record_handler=handle, processor=processor, context=context
    )
    publisher.finish()
    return response
