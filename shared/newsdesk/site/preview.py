"""A preview: the article page exactly as the renderer would publish it (the same templates, through
newsdesk.site.pages.article_page), for an article in any state, with a banner that says it is a preview,
`noindex, nofollow`, and no comment form. Pure: no I/O but reading templates."""

from __future__ import annotations

import datetime as dt

from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.articles.previews import as_published
from newsdesk.site import pages
from newsdesk.site.pages import SiteConfig


def _banner(article: Article, site: SiteConfig) -> dict[str, str]:
    version = f"version {article.version}"
    if article.status is ArticleStatus.PUBLISHED:
        return {
            "title": "Preview",
            "detail": f"This is the published {version}; readers see it at {article.url}.",
        }
    if article.status is ArticleStatus.SCHEDULED and article.publish_at is not None:
        when = pages._when(article.publish_at, site.tz)
        detail = f"Scheduled ({version}) to be published {when}. Readers cannot see it yet."
    elif article.status is ArticleStatus.UNPUBLISHED:
        detail = f"Unpublished ({version}): readers cannot see it."
    else:
        detail = f"{article.status.value.capitalize()} ({version}): readers cannot see it."
    return {"title": "Preview \N{EM DASH} not published", "detail": detail}


def preview_page(site: SiteConfig, article: Article, now: dt.datetime) -> bytes:
    """The article's page as it would be published now, as a preview (HTML, UTF-8)."""
    shown = as_published(article, now, site.tz)
    page = pages.article_page(site, shown, preview=_banner(article, site))
    return page.body
