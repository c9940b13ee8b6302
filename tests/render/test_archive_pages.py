"""A month's archive and sitemap in pages of a fixed size anchored at the month's oldest article: a full
page never changes when newer articles come, so one publish rewrites a bounded number of bytes."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.site import pages
from newsdesk.site.models import Page
from newsdesk.site.publisher import SitePublisher
from tests.render.conftest import (
    SITE,
    SITE_URL,
    MemoryBucket,
    MemoryCdn,
    MemoryReader,
    MemoryReceipts,
    make_article,
)
from tests.render.dom import parse_html

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MONTH_START = dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC)
NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)


def month_of_articles(count: int) -> list[Article]:
    """`count` articles in November 2026 (site time), oldest first, two hours apart."""
    return [
        make_article(
            headline=f"Story {i:03d}", published_at=MONTH_START + dt.timedelta(hours=2 * i), tags=["Kerala"]
        )
        for i in range(count)
    ]


def publisher(articles: list[Article], bucket: MemoryBucket) -> SitePublisher:
    return SitePublisher(
        SITE, MemoryReader(articles), bucket, MemoryCdn(), MemoryReceipts(), clock=lambda: NOW
    )


def rendered(articles: list[Article]) -> MemoryBucket:
    """The site as a rebuild leaves it."""
    bucket = MemoryBucket()
    site = publisher(articles, bucket)
    for page in ("month", "sitemap_shard", "tag_month"):
        site.render_page(Page(page, "kerala" if page == "tag_month" else "", year=2026, month=11))
    site.render_page(Page("sitemap_index"))
    return bucket


def headlines(bucket: MemoryBucket, key: str) -> list[str]:
    doc = parse_html(bucket.objects[key].body)
    return [a.text for a in doc.find_all("a") if (a.get("href") or "").startswith("/2026/")]


def sitemap_locs(bucket: MemoryBucket, key: str) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(bucket.objects[key].body).iter(f"{SM}loc")]


def test_full_pages_hold_the_oldest_articles_and_the_month_shows_the_rest() -> None:
    # Given 45 articles in one month, rendered
    bucket = rendered(month_of_articles(45))

    # Then page 1 holds the oldest 20, page 2 the next 20, and the month's own page the newest 5, newest first
    assert headlines(bucket, "archive/2026/11/1/index.html") == [f"Story {i:03d}" for i in range(19, -1, -1)]
    assert headlines(bucket, "archive/2026/11/2/index.html") == [f"Story {i:03d}" for i in range(39, 19, -1)]
    assert headlines(bucket, "archive/2026/11/index.html") == [f"Story {i:03d}" for i in range(44, 39, -1)]
    assert "archive/2026/11/3/index.html" not in bucket.objects
    # And each page links to the one before it, and back to the month
    month = parse_html(bucket.objects["archive/2026/11/index.html"].body)
    assert month.find("a", rel="prev")["href"] == "/archive/2026/11/2/"
    first = parse_html(bucket.objects["archive/2026/11/1/index.html"].body)
    assert first.find_all("a", rel="prev") == []
    assert "/archive/2026/11/" in [a.get("href") for a in first.find_all("a")]
    # And the tag's month is paged the same way
    assert len(headlines(bucket, "tags/kerala/2026/11/2/index.html")) == pages.ARCHIVE_PAGE_SIZE


def test_a_publish_rewrites_the_month_page_and_only_the_page_it_fills() -> None:
    # Given 40 articles (two full pages' worth, the month's page showing the newest 20), rendered
    articles = month_of_articles(40)
    bucket = rendered(articles)
    full_before = {k: v.digest for k, v in bucket.objects.items() if k.startswith("archive/2026/11/1/")}

    # When a 41st is published
    new = make_article(
        headline="Story 040", published_at=MONTH_START + dt.timedelta(hours=80), tags=["Kerala"]
    )
    site = publisher([*articles, new], bucket)
    written = site.apply(new.id, None)

    # Then page 2 is written (it is full now), the month's page shows the one new article, page 1 is untouched
    assert "/archive/2026/11/2/" in written
    assert "/archive/2026/11/" in written
    assert "/archive/2026/11/1/" not in written
    assert {
        k: v.digest for k, v in bucket.objects.items() if k.startswith("archive/2026/11/1/")
    } == full_before
    assert headlines(bucket, "archive/2026/11/index.html") == ["Story 040"]

    # And the next publish writes only the month's page of the archive
    newer = make_article(
        headline="Story 041", published_at=MONTH_START + dt.timedelta(hours=82), tags=["Kerala"]
    )
    written = publisher([*articles, new, newer], bucket).apply(newer.id, None)
    assert [p for p in written if p.startswith("/archive/")] == ["/archive/2026/11/"]


def test_taking_down_an_old_article_shifts_the_pages_after_it_and_removes_an_emptied_one() -> None:
    # Given 41 articles, rendered (pages 1 and 2 full, the month's page with one)
    articles = month_of_articles(41)
    bucket = rendered(articles)

    # When the oldest is unpublished
    gone = articles[0].model_copy(update={"status": ArticleStatus.UNPUBLISHED, "version": 3})
    written = publisher([gone, *articles[1:]], bucket).apply(gone.id, articles[0])

    # Then pages 1 and 2 now start one later, and the month's page is the last 20 again: no page 3
    assert {"/archive/2026/11/1/", "/archive/2026/11/"} <= set(written)
    assert headlines(bucket, "archive/2026/11/1/index.html") == [f"Story {i:03d}" for i in range(20, 0, -1)]
    assert "archive/2026/11/2/index.html" not in bucket.objects
    assert headlines(bucket, "archive/2026/11/index.html") == [f"Story {i:03d}" for i in range(40, 20, -1)]


def test_sitemap_shards_hold_a_bounded_number_of_urls_and_the_index_lists_them() -> None:
    # Given 120 articles in one month, rendered
    articles = month_of_articles(120)
    bucket = rendered(articles)

    # Then the month's shards hold 50, 50 and 20 URLs, oldest first, and the index lists all three
    size = pages.SITEMAP_SHARD_SIZE
    first = sitemap_locs(bucket, "sitemaps/2026-11.xml")
    assert len(first) == size
    assert first[0] == SITE_URL + (articles[0].url or "")
    assert len(sitemap_locs(bucket, "sitemaps/2026-11-2.xml")) == size
    assert len(sitemap_locs(bucket, "sitemaps/2026-11-3.xml")) == 120 - 2 * size
    assert sitemap_locs(bucket, "sitemap.xml") == [
        f"{SITE_URL}/sitemaps/2026-11.xml",
        f"{SITE_URL}/sitemaps/2026-11-2.xml",
        f"{SITE_URL}/sitemaps/2026-11-3.xml",
    ]

    # When one more is published, only the last shard changes (and not the index)
    new = make_article(
        headline="Story 120", published_at=MONTH_START + dt.timedelta(hours=240), tags=["Kerala"]
    )
    written = publisher([*articles, new], bucket).apply(new.id, None)
    assert [p for p in written if p.startswith("/sitemap")] == ["/sitemaps/2026-11-3.xml"]
