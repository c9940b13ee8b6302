"""Which public objects a change to one article touches. A fixed handful, whatever the site's size."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from newsdesk.articles.models import Article
from newsdesk.site.models import (
    ARCHIVE_INDEX,
    CORRECTIONS,
    CORRECTIONS_FEED,
    FEED,
    HOME,
    NEWS_SITEMAP,
    SITEMAP_INDEX,
    TAG_INDEX,
    Page,
    scope_pages,
)
from newsdesk.site.pages import month_of


def pages_for(before: Article | None, after: Article | None, tz: ZoneInfo) -> set[Page]:
    """Listing pages that may show `before` or `after`; empty when neither is or was live."""
    live = [a for a in (before, after) if a is not None and a.is_live and a.published_at is not None]
    if not live:
        return set()
    pages = {HOME, ARCHIVE_INDEX, FEED, SITEMAP_INDEX, NEWS_SITEMAP}
    if any(article.corrections for article in live):  # listed there (its headline, its corrections)
        pages |= {CORRECTIONS, CORRECTIONS_FEED}
    for article in live:
        assert article.published_at is not None
        year, month = month_of(article.published_at, tz)
        pages.add(Page("month", year=year, month=month))
        pages.add(Page("sitemap_shard", year=year, month=month))
        for scope in article.scopes:
            pages |= scope_pages(scope, year, month)
    if _tag_set(before) != _tag_set(after):  # a tag may have gained its first or lost its last article
        pages.add(TAG_INDEX)
    return pages


def _tag_set(article: Article | None) -> frozenset[str]:
    if article is None or not article.is_live or article.published_at is None:
        return frozenset()
    return frozenset(t.slug for t in article.tags)
