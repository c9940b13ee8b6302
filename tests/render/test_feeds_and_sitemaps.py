"""Feeds and sitemaps as their consumers read them: feedparser for RSS, ElementTree for sitemaps."""

from __future__ import annotations

import calendar
import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import feedparser
import pytest

from newsdesk import clock as product_clock
from newsdesk.articles.models import Article
from newsdesk.clock import FrozenClock, utc_now
from newsdesk.site import pages
from tests.conftest import TEST_NOW
from tests.render.conftest import (
    KOLKATA,
    SITE,
    SITE_URL,
    Pipeline,
    make_article,
    module_pipeline,
    render_in_memory,
)

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"
NS = {"sm": SM, "news": NEWS}


@dataclass
class Site:
    pipeline: Pipeline
    articles: list[Article]  # live, newest first
    now: dt.datetime

    def newest(self, count: int, tag: str | None = None) -> list[Article]:
        chosen = [a for a in self.articles if tag is None or tag in {t.slug for t in a.tags}]
        return chosen[:count]


@pytest.fixture(scope="module")
def live_site() -> Iterator[Site]:
    """64 live articles: 60 every two hours back from the test moment (24 of them in the last 48 hours),
    4 older ones two and four months back; every third is tagged Kerala. Plus a draft. All rendered,
    once for the module: its tests only read the site."""
    with module_pipeline() as pipeline:
        previous = product_clock.use(FrozenClock(TEST_NOW))
        try:
            yield build_live_site(pipeline)
        finally:
            product_clock.use(previous)


def build_live_site(pipeline: Pipeline) -> Site:
    now = utc_now().replace(microsecond=0)
    articles = [
        make_article(
            headline=f"Story {i:02d} of the week",
            published_at=now - dt.timedelta(minutes=30) - dt.timedelta(hours=2) * i,
            tags=["Kerala", "Weather"] if i % 3 == 0 else ["Weather"],
            authors=[f"Reporter {i % 5}"],
            summary=f"Summary of story {i:02d} & more.",
        )
        for i in range(60)
    ]
    articles += [
        make_article(headline=f"Older story {i}", published_at=now - dt.timedelta(days=60 * (1 + i // 2) + i))
        for i in range(4)
    ]
    pipeline.seed(articles)
    pipeline.create(headline="Unfinished draft", tags=["Kerala"])
    pipeline.render_site()
    return Site(pipeline, sorted(articles, key=lambda a: a.published_at or now, reverse=True), now)


def parse_feed(body: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_site_feed_lists_newest_fifty_articles_with_titles_links_and_dates(live_site: Site) -> None:
    # Given a site with 64 live articles
    # When /feed.xml is read with feedparser
    parsed = parse_feed(live_site.pipeline.body("feed.xml"))

    # Then it is the site's RSS 2.0 feed with the 50 newest articles, newest first
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Newsdesk"
    assert parsed.feed.link == f"{SITE_URL}/"
    assert parsed.feed.language == "en"
    newest = live_site.newest(50)
    assert len(parsed.entries) == pages.FEED_SIZE == 50
    assert [e.title for e in parsed.entries] == [a.headline for a in newest]
    assert [e.link for e in parsed.entries] == [SITE_URL + (a.url or "") for a in newest]
    assert [e.id for e in parsed.entries] == [f"{SITE_URL}{a.url}#{a.id}" for a in newest]
    stamps = [calendar.timegm(e.published_parsed) for e in parsed.entries]
    published = [dt.datetime.fromtimestamp(stamp, dt.UTC) for stamp in stamps]
    assert published == [a.published_at for a in newest]
    first = parsed.entries[0]
    assert first.summary == "Summary of story 00 &amp; more."  # HTML, which reads "… & more."
    assert first.author == "Reporter 0"
    assert [t.term for t in first.tags] == ["Kerala", "Weather"]


def test_site_feed_declares_its_own_address(live_site: Site) -> None:
    # Given / When
    root = ET.fromstring(live_site.pipeline.body("feed.xml"))

    # Then
    self_link = root.find("channel/{http://www.w3.org/2005/Atom}link")
    assert self_link is not None
    assert self_link.attrib == {"href": f"{SITE_URL}/feed.xml", "rel": "self", "type": "application/rss+xml"}


def test_tag_feed_lists_only_that_tag_newest_first(live_site: Site) -> None:
    # Given 20 live articles tagged Kerala (every third of 60)
    # When its feed is read
    parsed = parse_feed(live_site.pipeline.body("tags/kerala/feed.xml"))

    # Then it has the 20 newest of them, and names the tag
    tagged = live_site.newest(20, "kerala")
    assert parsed.feed.title == "Newsdesk: Kerala"
    assert parsed.feed.link == f"{SITE_URL}/tags/kerala/"
    assert len(parsed.entries) == pages.TAG_FEED_SIZE == 20
    assert [e.title for e in parsed.entries] == [a.headline for a in tagged]
    assert all("Kerala" in [t.term for t in e.tags] for e in parsed.entries)


def test_tag_feed_caps_at_twenty_when_more_are_tagged(live_site: Site) -> None:
    # Given 64 live articles tagged Weather
    # When
    parsed = parse_feed(live_site.pipeline.body("tags/weather/feed.xml"))

    # Then
    assert [e.title for e in parsed.entries] == [a.headline for a in live_site.newest(20, "weather")]


def test_tag_page_links_its_feed(live_site: Site) -> None:
    # Given / When
    from tests.render.dom import parse_html

    doc = parse_html(live_site.pipeline.body("tags/kerala/index.html"))

    # Then
    feed = doc.find("link", rel="alternate", title="Kerala")
    assert (feed["type"], feed["href"]) == ("application/rss+xml", f"{SITE_URL}/tags/kerala/feed.xml")


def test_sitemap_index_lists_every_shard_of_every_month_with_articles(live_site: Site) -> None:
    # Given / When
    root = ET.fromstring(live_site.pipeline.body("sitemap.xml"))

    # Then each month with articles has a shard per SITEMAP_SHARD_SIZE of them (the first named after
    # the month), newest month first: the month of the 60 recent ones has two
    assert root.tag == f"{{{SM}}}sitemapindex"
    months = sorted(
        {pages.month_of(a.published_at, KOLKATA) for a in live_site.articles if a.published_at}, reverse=True
    )
    counts = {
        month: sum(
            1
            for a in live_site.articles
            if a.published_at and pages.month_of(a.published_at, KOLKATA) == month
        )
        for month in months
    }
    assert max(counts.values()) > pages.SITEMAP_SHARD_SIZE
    shards = [(y, m, n) for y, m in months for n in range(1, pages.sitemap_shards(counts[(y, m)]) + 1)]
    expected = [f"{SITE_URL}/sitemaps/{y:04d}-{m:02d}{f'-{n}' if n > 1 else ''}.xml" for y, m, n in shards]
    assert [loc.text for loc in root.findall("sm:sitemap/sm:loc", NS)] == expected
    for url in expected:
        assert url.removeprefix(f"{SITE_URL}/") in live_site.pipeline.object_keys()


def test_sitemap_shard_lists_the_month_articles_with_lastmod(live_site: Site) -> None:
    # Given the month of the newest article
    newest = live_site.articles[0]
    assert newest.published_at is not None
    year, month = pages.month_of(newest.published_at, KOLKATA)

    # When its shards are read
    in_month = [
        a
        for a in live_site.articles
        if a.published_at and pages.month_of(a.published_at, KOLKATA) == (year, month)
    ]
    roots = [
        ET.fromstring(live_site.pipeline.body(pages.shard_path(year, month, n).lstrip("/")))
        for n in range(1, pages.sitemap_shards(len(in_month)) + 1)
    ]

    # Then together they list exactly that month's articles, oldest first, at most SITEMAP_SHARD_SIZE
    # each, each with a W3C UTC lastmod
    assert all(root.tag == f"{{{SM}}}urlset" for root in roots)
    assert [len(root.findall("sm:url", NS)) for root in roots] == [pages.SITEMAP_SHARD_SIZE, 10]
    urls = [url for root in roots for url in root.findall("sm:url", NS)]
    oldest_first = sorted(in_month, key=lambda a: (a.published_at, a.id))
    assert [url.findtext("sm:loc", namespaces=NS) for url in urls] == [
        SITE_URL + (a.url or "") for a in oldest_first
    ]
    entries = {
        url.findtext("sm:loc", namespaces=NS): url.findtext("sm:lastmod", namespaces=NS) for url in urls
    }
    assert entries == {
        SITE_URL + (a.url or ""): a.updated_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
        for a in in_month
    }


def test_news_sitemap_lists_only_articles_of_the_last_48_hours(live_site: Site) -> None:
    # Given / When
    root = ET.fromstring(live_site.pipeline.body("news-sitemap.xml"))

    # Then it holds the 24 articles published in the last 48 hours, with their news:news elements
    window = dt.timedelta(hours=48)
    recent = [a for a in live_site.articles if a.published_at and live_site.now - a.published_at < window]
    assert len(recent) == 24
    urls = root.findall("sm:url", NS)
    assert [u.findtext("sm:loc", namespaces=NS) for u in urls] == [SITE_URL + (a.url or "") for a in recent]
    for url, article in zip(urls, recent, strict=True):
        news = url.find("news:news", NS)
        assert news is not None
        assert news.findtext("news:publication/news:name", namespaces=NS) == "Newsdesk"
        assert news.findtext("news:publication/news:language", namespaces=NS) == "en"
        assert news.findtext("news:title", namespaces=NS) == article.headline
        published = news.findtext("news:publication_date", namespaces=NS) or ""
        assert dt.datetime.fromisoformat(published.replace("Z", "+00:00")) == article.published_at


def test_robots_txt_names_both_sitemaps(live_site: Site) -> None:
    # Given / When
    stored = live_site.pipeline.get("robots.txt")
    lines = stored["body"].decode().splitlines()

    # Then
    assert stored["content_type"] == "text/plain; charset=utf-8"
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in lines
    assert f"Sitemap: {SITE_URL}/news-sitemap.xml" in lines
    assert "Disallow: /api/" in lines


def test_drafts_are_in_no_feed_or_sitemap(live_site: Site) -> None:
    # Given a draft tagged Kerala next to the live articles
    # When every feed and sitemap is read
    keys = [k for k in live_site.pipeline.object_keys() if k.endswith(".xml")]

    # Then none mentions it
    assert {"feed.xml", "tags/kerala/feed.xml", "sitemap.xml", "news-sitemap.xml"} <= set(keys)
    for key in keys:
        assert b"Unfinished draft" not in live_site.pipeline.body(key), key
        assert b"unfinished-draft" not in live_site.pipeline.body(key), key


def test_feed_with_no_articles_is_valid_and_empty() -> None:
    # Given / When
    parsed = parse_feed(pages.site_feed(SITE, []).body)

    # Then
    assert parsed.feed.title == "Newsdesk"
    assert parsed.entries == []


def test_news_sitemap_drops_articles_once_older_than_48_hours() -> None:
    # Given one article published 47 hours and one 49 hours before the renderer's clock
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)
    fresh = make_article(headline="Fresh story", published_at=now - dt.timedelta(hours=47))
    stale = make_article(headline="Stale story", published_at=now - dt.timedelta(hours=49))

    # When both are published in one batch
    bucket, _ = render_in_memory([fresh, stale], clock=now)

    # Then only the fresh one is in the news sitemap, but both are in the month's shard
    news = ET.fromstring(bucket.objects["news-sitemap.xml"].body)
    assert [t.text for t in news.iter(f"{{{NEWS}}}title")] == ["Fresh story"]
    shard = ET.fromstring(bucket.objects["sitemaps/2026-11.xml"].body)
    assert len(shard.findall("sm:url", NS)) == 2
