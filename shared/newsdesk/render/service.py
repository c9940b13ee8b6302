"""Wiring for the renderer function: settings → adapters → publisher, and the stream batch handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsdesk.comments.keys import comment_id_of
from newsdesk.comments.public import PublicComments
from newsdesk.comments.tokens import KmsMac
from newsdesk.config import RebuildSettings, RendererSettings, rebuild_settings, renderer_settings
from newsdesk.domain.models import Article
from newsdesk.render.pages import SiteConfig
from newsdesk.render.plan import NEWS_SITEMAP
from newsdesk.render.publisher import SitePublisher
from newsdesk.render.rebuild import Chunk, RebuildStatus, RebuildTracker, run_chunk, start_rebuild
from newsdesk.store.cdn import Cdn
from newsdesk.store.comments import CommentStore
from newsdesk.store.published import PublishedArticles
from newsdesk.store.receipts import ReceiptStore
from newsdesk.store.records import ARTICLE_SK, ENTITY_ARTICLE, item_to_article
from newsdesk.store.site_bucket import SiteBucket

logger = Logger(child=True)


def site_config(settings: RendererSettings) -> SiteConfig:
    return SiteConfig(
        name=settings.site_name, url=settings.site_url, tz=settings.tz, language=settings.site_language
    )


def public_comments(settings: RendererSettings, **overrides: Any) -> PublicComments:
    return PublicComments(
        store=overrides.pop("store", None) or CommentStore(settings.table_name),
        tz=settings.tz,
        open_days=settings.comments_open_days,
        signer=overrides.pop("signer", None)
        or (KmsMac(settings.comments_mac_key_id) if settings.comments_mac_key_id else None),
        **overrides,
    )


def build_publisher(settings: RendererSettings | None = None, **overrides: Any) -> SitePublisher:
    settings = settings or renderer_settings()
    reader = overrides.pop("reader", None) or PublishedArticles(settings.table_name)
    comments = overrides.pop("comments", None) or public_comments(settings)
    return SitePublisher(
        site_config(settings),
        reader,
        overrides.pop("writer", None) or SiteBucket(settings.site_bucket),
        overrides.pop("cdn", None) or Cdn(settings.distribution_id),
        overrides.pop("receipts", None) or ReceiptStore(settings.table_name),
        comments=comments,
        **overrides,
    )


def _article_id(raw: dict[str, Any]) -> str | None:
    keys = raw.get("dynamodb", {}).get("Keys", {})
    pk, sk = keys.get("PK", {}).get("S", ""), keys.get("SK", {}).get("S", "")
    if sk != ARTICLE_SK or not pk.startswith("ARTICLE#"):
        return None
    return pk.removeprefix("ARTICLE#")


def _before(raw: dict[str, Any]) -> Article | None:
    old = raw.get("dynamodb", {}).get("OldImage")
    if not old or old.get("entity", {}).get("S") != ENTITY_ARTICLE:
        return None
    return item_to_article(old)


def _comment_change(raw: dict[str, Any]) -> tuple[str, str | None, bool] | None:
    """(comment id, its article per the old image, whether the old image was public) of a comment record."""
    change = raw.get("dynamodb", {})
    comment_id = comment_id_of(change.get("Keys", {}).get("PK", {}).get("S", ""))
    if comment_id is None:
        return None
    old = change.get("OldImage") or {}
    article_id = old.get("article_id", {}).get("S")
    return comment_id, article_id, old.get("status", {}).get("S") == "approved"


def _apply_comment(publisher: SitePublisher, raw: dict[str, Any]) -> list[str]:
    """A comment changed: re-render its article's page if it is public now or was before (approved,
    un-approved, deleted or edited while approved). Nothing else depends on comments."""
    found = _comment_change(raw)
    source = publisher.comments
    if found is None or not isinstance(source, PublicComments):
        return []
    comment_id, old_article, was_public = found
    comment = source.refresh(comment_id, old_article)
    article_id = comment.article_id if comment is not None else old_article
    if article_id is None or not (was_public or (comment is not None and comment.is_public)):
        return []
    changed = publisher.rerender_article(article_id)
    logger.info("comment rendered", comment_id=comment_id, article_id=article_id, changed=changed)
    return changed


def _preload_comments(publisher: SitePublisher, records: list[dict[str, Any]]) -> None:
    """Read every comment of the batch before rendering, so an article page rendered for the first of
    them already shows the others (each page is rendered once per batch)."""
    source = publisher.comments
    if not isinstance(source, PublicComments):
        return
    for raw in records:
        found = _comment_change(raw)
        if found is None:
            continue
        try:
            source.refresh(found[0], found[1])
        except Exception:  # the record's handler reads it again and reports the failure
            logger.warning("comment not preloaded", comment_id=found[0], exc_info=True)


def _preload(publisher: SitePublisher, article_ids: list[str]) -> None:
    """Read every article of the batch before rendering, so each page shows all of them as they are now.

    An article that cannot be read here is read again by its own record's handler, which then fails
    that record alone (reported in batchItemFailures) instead of the whole batch.
    """
    for article_id in article_ids:
        try:
            publisher.load([article_id])
        except Exception:  # the record's handler reads it again and reports the failure
            logger.warning("article not preloaded", article_id=article_id, exc_info=True)


def handle_stream_batch(event: dict[str, Any], context: Any, publisher: SitePublisher) -> dict[str, Any]:
    """Render what the batch's article changes touch; report records that failed so they are retried."""
    records = event.get("Records", [])
    _preload(publisher, [i for r in records if (i := _article_id(r))])
    _preload_comments(publisher, records)

    def handle(record: DynamoDBRecord) -> None:
        article_id = _article_id(record.raw_event)
        if article_id is None:
            _apply_comment(publisher, record.raw_event)
            return
        changed = publisher.apply(article_id, _before(record.raw_event))
        logger.info("article rendered", article_id=article_id, event=record.event_name, changed=changed)

    processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
    response = process_partial_response(
        event=event, record_handler=handle, processor=processor, context=context
    )
    publisher.finish()
    return dict(response)


def start_full_rebuild(settings: RebuildSettings | None = None) -> RebuildStatus:
    import boto3

    settings = settings or rebuild_settings()
    status = start_rebuild(
        boto3.client("dynamodb"),
        boto3.client("sqs"),
        table_name=settings.table_name,
        queue_url=settings.rebuild_queue_url,
        tz=settings.tz,
    )
    logger.info("rebuild started", rebuild_id=status.rebuild_id, chunks=status.total)
    return status


def handle_rebuild_batch(
    event: dict[str, Any], context: Any, settings: RendererSettings | None = None
) -> dict[str, Any]:
    settings = settings or renderer_settings()
    tracker = RebuildTracker(settings.table_name)
    cdn = Cdn(settings.distribution_id)

    def handle(record: SQSRecord) -> None:
        chunk = Chunk.from_message(record.body)
        status = run_chunk(chunk, build_publisher(settings, cdn=cdn), tracker, cdn)
        logger.info(
            "rebuild chunk done",
            rebuild_id=chunk.rebuild_id,
            chunk=chunk.number,
            done=status.done,
            total=status.total,
        )

    processor = BatchProcessor(event_type=EventType.SQS)
    return dict(
        process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
    )


def refresh_time_windows(publisher: SitePublisher) -> list[str]:
    """Re-render the objects whose content depends on the clock, not only on changes: the Google News
    sitemap lists the last 48 hours, so it must drop old articles even when nothing is published."""
    changed = publisher.render_page(NEWS_SITEMAP)
    publisher.finish(ensure_static=False)
    logger.info("time windows refreshed", changed=changed)
    return changed
