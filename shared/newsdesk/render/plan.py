"""Which public objects a change to one article touches. A fixed handful, whatever the site's size."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from newsdesk.domain.models import Article
from newsdesk.render.pages import month_of


@dataclass(frozen=True, order=True)
class Page:
    """A page to (re)render: `kind` plus its parameters."""

    kind: str
    tag: str = ""
    year: int = 0
    month: int = 0


HOME = Page("home")
ARCHIVE_INDEX = Page("archive_index")
FEED = Page("feed")
SITEMAP_INDEX = Page("sitemap_index")
NEWS_SITEMAP = Page("news_sitemap")


def pages_for(before: Article | None, after: Article | None, tz: ZoneInfo) -> set[Page]:
    """Listing pages that may show `before` or `after`; empty when neither is or was live."""
    live = [a for a in (before, after) if a is not None and a.is_live and a.published_at is not None]
    if not live:
        return set()
    pages = {HOME, ARCHIVE_INDEX, FEED, SITEMAP_INDEX, NEWS_SITEMAP}
    for article in live:
        assert article.published_at is not None
        year, month = month_of(article.published_at, tz)
        pages.add(Page("month", year=year, month=month))
        pages.add(Page("sitemap_shard", year=year, month=month))
        for tag in article.tags:
            pages.add(Page("tag", tag=tag.slug))
            pages.add(Page("tag_feed", tag=tag.slug))
            pages.add(Page("tag_month", tag=tag.slug, year=year, month=month))
    return pages
