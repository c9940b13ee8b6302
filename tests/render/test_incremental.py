"""Only what changed: one publish rewrites the same handful of objects whatever the size of the site,
and whatever the hour: the calendar moments where the site's month turns are played too."""

from __future__ import annotations

import datetime as dt

import pytest

from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.articles.models import Article, ScopeKind
from newsdesk.clock import FrozenClock
from newsdesk.site import pages
from newsdesk.site.models import page_key
from tests.conftest import BOUNDARIES, TEST_NOW
from tests.render.conftest import KOLKATA, Pipeline, make_article

TAGS = ["Kerala", "Monsoon", "Politics", "Cricket", "Economy", "Health", "Climate", "Courts"]
NEW_TAGS = ["Kerala", "Monsoon"]


# A small site at each calendar boundary, and sites of 30 and 80 (several archive pages of a month) on an
# ordinary afternoon.
SIZES_AND_MOMENTS = [
    pytest.param(12, at, id=f"12-{name}") for name, at in BOUNDARIES.items() if at != TEST_NOW
] + [pytest.param(size, TEST_NOW, id=f"{size}-ordinary-afternoon") for size in (30, 80)]


def seed_live_site(pipeline: Pipeline, count: int, now: dt.datetime) -> dt.datetime:
    """`count` live articles over the last months, written straight to the table, then the whole site
    rendered. The newest is a minute old and carries NEW_TAGS. Returns the newest publication time."""
    newest = now - dt.timedelta(minutes=1)
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


def objects_one_publish_touches(
    url: str, scopes: list[str], counts: dict[str | None, int] | None = None
) -> set[str]:
    """What a new article in a month that has others, in existing scopes, changes: its page and the
    listings that show it. The archive index and sitemap index do not change (the month stays listed).

    `scopes` are the roots of its scopes' pages ("tags/kerala", "section/weather", "authors/asha-menon");
    `counts` are the articles the month (None) and each scope's month had before. A month's archive and
    sitemap come in pages anchored at the oldest article: the new one also writes the full page it
    completes, lands in the month's last shard, and changes the sitemap index if that shard is new."""
    _, year, month, *_ = url.split("/")
    counts = counts or {}
    keys = {page_key(url), "index.html", "feed.xml", "news-sitemap.xml"}
    keys |= {f"{root}/{name}" for root in scopes for name in ("index.html", "feed.xml")}
    for root in [None, *scopes]:
        base = f"{root}/{year}/{month}/" if root else f"archive/{year}/{month}/"
        keys.add(f"{base}index.html")
        count = counts.get(root, 0)
        if count > 0 and count % pages.ARCHIVE_PAGE_SIZE == 0:
            keys.add(f"{base}{count // pages.ARCHIVE_PAGE_SIZE}/index.html")
    count = counts.get(None, 0)
    keys.add(pages.shard_path(int(year), int(month), pages.sitemap_shards(count + 1)).lstrip("/"))
    if pages.sitemap_shards(count + 1) != pages.sitemap_shards(count):
        keys.add("sitemap.xml")
    return keys


def objects_one_unpublish_touches(
    url: str, scopes: list[str], counts: dict[str | None, int]
) -> tuple[set[str], set[str]]:
    """What taking the newest article of its month down rewrites (besides deleting its page), and the
    archive pages and shards it deletes: `scopes` and `counts` as for objects_one_publish_touches, with
    it. A month's archive left empty is deleted."""
    _, year, month, *_ = url.split("/")
    written = {"index.html", "feed.xml", "news-sitemap.xml"}
    written |= {f"{root}/{name}" for root in scopes for name in ("index.html", "feed.xml")}
    deleted: set[str] = set()
    for root in [None, *scopes]:
        base = f"{root}/{year}/{month}/" if root else f"archive/{year}/{month}/"
        left = counts[root] - 1
        (written if left else deleted).add(f"{base}index.html")
        if left > 0 and left % pages.ARCHIVE_PAGE_SIZE == 0:
            deleted.add(f"{base}{left // pages.ARCHIVE_PAGE_SIZE}/index.html")
    left = counts[None] - 1
    before, after = pages.sitemap_shards(left + 1), pages.sitemap_shards(left)
    if before == after or after == 0:  # the last shard loses it (an emptied first shard stays, empty)
        written.add(pages.shard_path(int(year), int(month), before).lstrip("/"))
    else:
        deleted.add(pages.shard_path(int(year), int(month), before).lstrip("/"))
    if before != after:
        written.add("sitemap.xml")
    return written, deleted


SCOPE_ROOTS = {ScopeKind.TAG: "tags", ScopeKind.SECTION: "section", ScopeKind.AUTHOR: "authors"}


def roots(article: Article) -> list[str]:
    """The roots of the pages of the article's scopes."""
    return [f"{SCOPE_ROOTS[s.kind]}/{s.slug}" for s in article.scopes]


def month_counts(pipeline: Pipeline, moment: dt.datetime, article: Article) -> dict[str | None, int]:
    """How many live articles the site's month of `moment` has, in all and in each of the article's
    scopes (by the root of the scope's pages)."""
    start, end = pages.month_bounds(*site_month(moment), KOLKATA)
    reader = PublishedArticles(pipeline.table, pipeline.ddb)
    counts: dict[str | None, int] = {None: len(reader.between(start, end))}
    for scope, root in zip(article.scopes, roots(article), strict=True):
        counts[root] = len(reader.between(start, end, scope))
    return counts


def site_month(moment: dt.datetime) -> tuple[int, int]:
    local = moment.astimezone(KOLKATA)
    return local.year, local.month


@pytest.mark.parametrize(("live_articles", "clock"), SIZES_AND_MOMENTS, indirect=["clock"])
def test_one_publish_rewrites_a_fixed_set_of_objects_whatever_the_site_size(
    pipeline: Pipeline, live_articles: int, clock: FrozenClock
) -> None:
    # Given a rendered site with many live articles, the newest a minute old, with the same tags
    newest = seed_live_site(pipeline, live_articles, clock())
    pipeline.clear_calls()

    # When one more article is published through the services and the renderer runs
    article = pipeline.create(headline="One more story", tags=NEW_TAGS)
    counts = month_counts(pipeline, clock(), article)
    article = pipeline.publish(article.id)
    assert article.url is not None and article.published_at is not None
    publisher = pipeline.publisher()
    pipeline.render(publisher=publisher)

    # Then exactly the objects that show it were uploaded, each once: 12, whatever the site's size, and
    # one more for each archive page it fills up (a minute before the new one, the seed's newest is in
    # the same month of the site, at any moment but the first minute of a month)
    assert site_month(newest) == site_month(article.published_at)
    expected = objects_one_publish_touches(article.url, roots(article), counts)
    assert sorted(pipeline.uploaded) == sorted(expected)
    assert 12 <= len(pipeline.uploaded) <= 12 + 3
    assert set(publisher.result.written) == pipeline.paths(expected)
    assert pipeline.deleted == []
    # and nothing was invalidated: the new page was never cached, the listings expire within a minute
    assert pipeline.invalidations == []


@pytest.mark.parametrize(("live_articles", "clock"), SIZES_AND_MOMENTS, indirect=["clock"])
def test_unpublish_rewrites_a_fixed_set_of_objects_whatever_the_site_size(
    pipeline: Pipeline, live_articles: int, clock: FrozenClock
) -> None:
    # Given a rendered site, the newest article carrying NEW_TAGS; in the first hours of a month it is
    # alone in that month (the next one was published 18 hours earlier)
    seed_live_site(pipeline, live_articles, clock())
    newest = pipeline.store.list_published(2).items[0]
    previous = pipeline.store.list_published(2).items[1]
    assert newest.url is not None and newest.published_at and previous.published_at
    alone_in_its_month = site_month(newest.published_at) != site_month(previous.published_at)
    counts = month_counts(pipeline, newest.published_at, newest)
    pipeline.clear_calls()

    # When that article is unpublished
    pipeline.unpublish(newest.id)
    pipeline.render()

    # Then its page is deleted and only the listings that showed it are rewritten: when it leaves its
    # month empty, the archive index and the sitemap index (which list months) change as well
    listings, emptied = objects_one_unpublish_touches(newest.url, roots(newest), counts)
    if alone_in_its_month:
        listings |= {"archive/index.html", "sitemap.xml"}
    assert sorted(pipeline.deleted) == sorted({page_key(newest.url)} | emptied)
    assert sorted(pipeline.uploaded) == sorted(listings)
