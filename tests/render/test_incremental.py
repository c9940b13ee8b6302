"""Only what changed: one publish rewrites the same handful of objects whatever the size of the site."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdesk.render.pages import page_key
from tests.render.conftest import KOLKATA, Pipeline, make_article

TAGS = ["Kerala", "Monsoon", "Politics", "Cricket", "Economy", "Health", "Climate", "Courts"]
NEW_TAGS = ["Kerala", "Monsoon"]


def seed_live_site(pipeline: Pipeline, count: int) -> dt.datetime:
    """`count` live articles over the last months, written straight to the table, then the whole site
    rendered. The newest is a minute old and carries NEW_TAGS. Returns the newest publication time."""
    newest = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    pipeline.seed(
        make_article(
            headline=f"Seeded story number {i}",
            published_at=newest - dt.timedelta(hours=18) * i,
            tags=[TAGS[i % len(TAGS)], TAGS[(i * 3 + 1) % len(TAGS)]],
        )
        for i in range(count)
    )
    pipeline.render_site()
    return newest


def objects_one_publish_touches(url: str, tags: list[str]) -> set[str]:
    """What a new article in an existing month, with existing tags, changes: its page and the listings
    that show it. The archive index and sitemap index do not change (no new month)."""
    _, year, month, *_ = url.split("/")
    keys = {
        page_key(url),
        "index.html",
        "feed.xml",
        "news-sitemap.xml",
        f"archive/{year}/{month}/index.html",
        f"sitemaps/{year}-{month}.xml",
    }
    for tag in tags:
        keys |= {f"tags/{tag}/index.html", f"tags/{tag}/feed.xml", f"tags/{tag}/{year}/{month}/index.html"}
    return keys


@pytest.mark.parametrize("live_articles", [30, 120])
def test_one_publish_rewrites_a_fixed_set_of_objects_whatever_the_site_size(
    pipeline: Pipeline, live_articles: int
) -> None:
    # Given a rendered site with many live articles, the newest in this month with the same tags
    newest = seed_live_site(pipeline, live_articles)
    pipeline.clear_calls()

    # When one more article is published through the services and the renderer runs
    article = pipeline.create_published(headline="One more story", tags=NEW_TAGS)
    assert article.url is not None and article.published_at is not None
    publisher = pipeline.publisher()
    pipeline.render(publisher=publisher)

    # Then exactly the objects that show it were uploaded, each once: 12, for 30 or 120 live articles
    same_month = (newest.astimezone(KOLKATA).month, article.published_at.astimezone(KOLKATA).month)
    assert same_month[0] == same_month[1], "the seed's newest article must share the new one's month"
    expected = objects_one_publish_touches(article.url, ["kerala", "monsoon"])
    assert sorted(pipeline.uploaded) == sorted(expected)
    assert len(pipeline.uploaded) == 12
    assert set(publisher.result.written) == pipeline.paths(expected)
    assert pipeline.deleted == []
    assert [sorted(paths) for paths in pipeline.invalidations] == [sorted(pipeline.paths(expected))]


@pytest.mark.parametrize("live_articles", [30, 120])
def test_unpublish_rewrites_a_fixed_set_of_objects_whatever_the_site_size(
    pipeline: Pipeline, live_articles: int
) -> None:
    # Given a rendered site, the newest article carrying NEW_TAGS
    seed_live_site(pipeline, live_articles)
    newest = pipeline.store.list_published(1).items[0]
    assert newest.url is not None
    pipeline.clear_calls()

    # When that article is unpublished
    pipeline.unpublish(newest.id)
    pipeline.render()

    # Then its page is deleted and only the listings that showed it are rewritten
    listings = objects_one_publish_touches(newest.url, ["kerala", "monsoon"]) - {page_key(newest.url)}
    assert pipeline.deleted == [page_key(newest.url)]
    assert sorted(pipeline.uploaded) == sorted(listings)
