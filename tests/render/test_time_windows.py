"""The scheduled refresh of pages that change with time alone (the news sitemap's 48 hours)."""

from __future__ import annotations

import datetime as dt

from newsdesk.site.changes import refresh_time_windows
from tests.render.conftest import Pipeline, make_article

NEWS = "news-sitemap.xml"


def test_the_hourly_refresh_drops_articles_older_than_48_hours_from_the_news_sitemap(
    pipeline: Pipeline,
) -> None:
    # Given a news sitemap rendered while an article was 47 hours old
    published = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    article = make_article(headline="Old enough to leave the news sitemap", published_at=published)
    pipeline.seed([article])
    refresh_time_windows(pipeline.publisher(clock=lambda: published + dt.timedelta(hours=47)))
    assert article.url is not None and article.url in pipeline.text(NEWS)
    pipeline.clear_calls()

    # When the hourly refresh runs two hours later, with nothing published in between
    changed = refresh_time_windows(pipeline.publisher(clock=lambda: published + dt.timedelta(hours=49)))

    # Then only the news sitemap is rewritten, without the article, and not invalidated (it expires)
    assert changed == ["/news-sitemap.xml"]
    assert article.url not in pipeline.text(NEWS)
    assert pipeline.uploaded == [NEWS]
    assert pipeline.invalidations == []


def test_the_refresh_uploads_nothing_when_the_window_did_not_change(pipeline: Pipeline) -> None:
    # Given a news sitemap that is current
    published = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    pipeline.seed([make_article(headline="Still news", published_at=published)])
    refresh_time_windows(pipeline.publisher(clock=lambda: published + dt.timedelta(hours=1)))
    pipeline.clear_calls()

    # When the refresh runs again an hour later
    changed = refresh_time_windows(pipeline.publisher(clock=lambda: published + dt.timedelta(hours=2)))

    # Then nothing is uploaded or invalidated
    assert changed == []
    assert pipeline.uploaded == []
    assert pipeline.invalidations == []
