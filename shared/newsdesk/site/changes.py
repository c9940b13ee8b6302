"""What the renderer does with the table's changes: an article change re-renders what it touches; a
comment change re-renders its article's page if the comment is public now or was before (nothing else
depends on comments); an author profile's change re-renders that author's pages; a change of the site's
configuration re-renders the front page when only its lead story changed, and starts a full rebuild when
something every page shows changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from newsdesk.site.comments import PublicComments
from newsdesk.site.configuration import Reach, SiteConfiguration, what_it_touches
from newsdesk.site.models import HOME, NEWS_SITEMAP, ArticleChange, CommentChange, RebuildStatus, SiteChange
from newsdesk.site.publisher import SitePublisher

logger = Logger(child=True)


def preload_articles(publisher: SitePublisher, article_ids: Iterable[str]) -> None:
    """Read every article of the batch before rendering, so each page shows all of them as they are now.

    An article that cannot be read here is read again by its own record's handler, which then fails
    that record alone (reported in batchItemFailures) instead of the whole batch.
    """
    for article_id in article_ids:
        try:
            publisher.load([article_id])
        except Exception:  # the record's handler reads it again and reports the failure
            logger.warning("article not preloaded", article_id=article_id, exc_info=True)


def preload_comments(publisher: SitePublisher, changes: Iterable[CommentChange]) -> None:
    """Read every comment of the batch before rendering, so an article page rendered for the first of
    them already shows the others (each page is rendered once per batch)."""
    source = publisher.comments
    if not isinstance(source, PublicComments):
        return
    for change in changes:
        try:
            source.refresh(change.comment_id, change.article_id)
        except Exception:  # the record's handler reads it again and reports the failure
            logger.warning("comment not preloaded", comment_id=change.comment_id, exc_info=True)


def apply_article_change(publisher: SitePublisher, change: ArticleChange) -> list[str]:
    return publisher.apply(change.article_id, change.before)


def apply_comment_change(publisher: SitePublisher, change: CommentChange) -> list[str]:
    """Re-render the comment's article page if the comment is public now or was before (approved,
    un-approved, deleted or edited while approved)."""
    source = publisher.comments
    if not isinstance(source, PublicComments):
        return []
    comment = source.refresh(change.comment_id, change.article_id)
    article_id = comment.article_id if comment is not None else change.article_id
    if article_id is None or not (change.was_public or (comment is not None and comment.is_public)):
        return []
    changed = publisher.rerender_article(article_id)
    logger.info("comment rendered", comment_id=change.comment_id, article_id=article_id, changed=changed)
    return changed


def apply_author_change(publisher: SitePublisher, slug: str) -> list[str]:
    """Re-render the pages of an author whose profile changed (their page and feed show its name, bio,
    photo and links). Articles' pages keep their bylines until they are rendered again."""
    changed = publisher.rerender_author(slug)
    logger.info("author profile rendered", slug=slug, changed=changed)
    return changed


def refresh_time_windows(publisher: SitePublisher) -> list[str]:
    """Re-render the objects whose content depends on the clock, not only on changes: the Google News
    sitemap lists the last 48 hours, so it must drop old articles even when nothing is published."""
    changed = publisher.render_page(NEWS_SITEMAP)
    publisher.finish(ensure_static=False)
    logger.info("time windows refreshed", changed=changed)
    return changed


@dataclass
class ConfigurationChanges:
    """How one batch answers changes of the site's configuration: `defaults` is what a missing item
    means (the deployment's), `start_rebuild` plans and enqueues a full rebuild. At most one rebuild is
    started per batch, however many changes it holds."""

    defaults: SiteConfiguration
    start_rebuild: Callable[[], RebuildStatus]
    started: RebuildStatus | None = None


def apply_site_change(
    publisher: SitePublisher, change: SiteChange, handling: ConfigurationChanges | None
) -> list[str]:
    """Re-render what a change of the site's configuration touches. The publisher already renders with
    the configuration as it is now (read once, at the start of the batch)."""
    if handling is None:
        logger.warning("site configuration change not handled (no rebuild starter)")
        return []
    before, after = change.before or handling.defaults, change.after or handling.defaults
    reach = what_it_touches(before, after)
    if reach is Reach.FRONT_PAGE:
        changed = publisher.render_page(HOME)
        logger.info("lead story rendered", lead_article_id=after.lead_article_id, changed=changed)
        return changed
    if reach is Reach.EVERY_PAGE and handling.started is None:
        handling.started = handling.start_rebuild()
        logger.info(
            "site configuration changed: rebuild started",
            version=after.version,
            rebuild_id=handling.started.rebuild_id,
            chunks=handling.started.total,
        )
    return []
