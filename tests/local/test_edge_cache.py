"""The local distribution's edge cache: what a reader sees after a change, as on CloudFront."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from newsdesk.site import pages
from newsdesk_local.cdn import Distribution, distribution_spec
from newsdesk_local.edge_cache import EdgeCache, InvalidationFeed, lifetime
from newsdesk_local.http_messages import HttpRequest
from newsdesk_local.rehearsal import transformed_template
from tests.conftest import REGION

HTML = "text/html; charset=utf-8"


class Ticks:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Site:
    """A bucket behind the template's distribution, through an edge cache on the test's clock."""

    def __init__(self, *, ttl_cap: float | None = None) -> None:
        self.s3 = boto3.client("s3", region_name=REGION)
        self.s3.create_bucket(Bucket="site", CreateBucketConfiguration={"LocationConstraint": REGION})  # type: ignore[typeddict-item]
        self.clock = Ticks()
        self.sent: list[list[str]] = []
        self.cdn = Distribution(
            distribution_spec(transformed_template()),
            domain_name="d1.cloudfront.net",
            s3=self.s3,
            buckets={"SiteBucket": "site"},
            apis={},
            cache=EdgeCache(clock=self.clock, ttl_cap=ttl_cap, invalidations=self._invalidations),
        )
        self.put("404.html", "Not here", pages.CACHE_ERROR)

    def _invalidations(self) -> list[list[str]]:
        sent, self.sent = self.sent, []
        return sent

    def put(self, key: str, text: str, cache_control: str) -> None:
        self.s3.put_object(
            Bucket="site", Key=key, Body=text.encode(), ContentType=HTML, CacheControl=cache_control
        )

    def get(self, path: str) -> tuple[int, str, str | None]:
        response = self.cdn.handle(HttpRequest("GET", path))
        return response.status, response.body.decode(), response.header("X-Cache")

    def after(self, seconds: float) -> None:
        self.clock.now += seconds + 0.3  # past any invalidation poll


@pytest.fixture
def site(aws: None) -> Site:
    return Site()


def test_a_listing_is_served_from_the_cache_for_a_minute_at_most(site: Site) -> None:
    # Given the home page, read once through the distribution
    site.put("index.html", "Home v1", pages.CACHE_LISTING)
    assert site.get("/") == (200, "Home v1", "Miss from cloudfront")

    # When it changes in the bucket (and nothing is invalidated)
    site.put("index.html", "Home v2", pages.CACHE_LISTING)

    # Then readers get the cached copy for its s-maxage, then once more while it is fetched again
    # (stale-while-revalidate), then the new one
    site.after(20)
    assert site.get("/") == (200, "Home v1", "Hit from cloudfront")
    site.after(20)
    assert site.get("/") == (200, "Home v1", "Hit from cloudfront")
    assert site.get("/") == (200, "Home v2", "Hit from cloudfront")


def test_a_listing_nobody_read_for_a_minute_is_fetched_again(site: Site) -> None:
    # Given a tag page read once
    site.put("tags/rain/index.html", "Rain v1", pages.CACHE_LISTING)
    assert site.get("/tags/rain/")[1] == "Rain v1"
    site.put("tags/rain/index.html", "Rain v2", pages.CACHE_LISTING)

    # When the next reader comes after its shared lifetime (60 s)
    site.after(60)

    # Then they get the new page from the bucket
    assert site.get("/tags/rain/") == (200, "Rain v2", "Miss from cloudfront")


def test_an_invalidated_article_page_is_fetched_again_at_once(site: Site) -> None:
    # Given an article page read once, then edited
    site.put("2026/11/20/a/index.html", "Story v1", pages.CACHE_ARTICLE)
    assert site.get("/2026/11/20/a/")[1] == "Story v1"
    site.put("2026/11/20/a/index.html", "Story v2", pages.CACHE_ARTICLE)
    site.after(1)
    assert site.get("/2026/11/20/a/")[1] == "Story v1"

    # When the renderer invalidates it
    site.sent.append(["/2026/11/20/a/", "/2026/11/20/a/index.html"])
    site.after(1)

    # Then the next reader gets the edit
    assert site.get("/2026/11/20/a/") == (200, "Story v2", "Miss from cloudfront")


def test_a_404_is_kept_for_the_error_caching_ttl_only(site: Site) -> None:
    # Given a URL asked for before its article was published
    assert site.get("/2026/11/20/new/")[0] == 404

    # When the article is published a moment later
    site.put("2026/11/20/new/index.html", "New story", pages.CACHE_ARTICLE)

    # Then the 404 stands for the distribution's ErrorCachingMinTTL (10 s), and no longer
    site.after(5)
    assert site.get("/2026/11/20/new/")[0] == 404
    site.after(5)
    assert site.get("/2026/11/20/new/")[:2] == (200, "New story")


def test_a_cap_of_zero_keeps_nothing(aws: None) -> None:
    # Given a distribution whose cache keeps nothing (as the end-to-end tests run it)
    site = Site(ttl_cap=0)
    site.put("index.html", "Home v1", pages.CACHE_LISTING)
    assert site.get("/")[1] == "Home v1"

    # When the page changes
    site.put("index.html", "Home v2", pages.CACHE_LISTING)

    # Then the next reader sees it at once
    assert site.get("/") == (200, "Home v2", "Miss from cloudfront")


@pytest.mark.parametrize(
    ("cache_control", "status", "kept"),
    [
        (pages.CACHE_LISTING, 200, (30.0, 30.0)),
        (pages.CACHE_ARTICLE, 200, (60.0, 60.0)),
        ("public, max-age=60", 200, (60.0, 0.0)),
        ("private, max-age=60", 200, None),
        ("no-store", 200, None),
        (None, 200, None),
        (None, 404, (10.0, 0.0)),
        (None, 403, None),
    ],
)
def test_lifetimes_follow_the_origin_header(cache_control: str | None, status: int, kept: Any) -> None:
    # Given an origin's answer
    # When the edge decides how long to keep it
    found = lifetime(cache_control, status=status, error_ttl=10)

    # Then s-maxage (else max-age) and stale-while-revalidate decide; 404s keep the error TTL
    assert (found.fresh, found.stale) == kept if found else kept is None


def test_the_feed_reads_each_invalidation_of_the_emulated_distribution_once(aws: None) -> None:
    # Given a distribution in the emulator with one invalidation
    cloudfront = boto3.client("cloudfront", region_name=REGION)
    config = {
        "CallerReference": "edge-cache-test",
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [{"Id": "site", "DomainName": "site.s3.amazonaws.com"}]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all"},
    }
    distribution_id = cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"]  # type: ignore[arg-type]

    def invalidate(*paths: str) -> None:
        batch: Any = {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": paths[0]}
        cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)

    invalidate("/a/", "/a/index.html")
    feed = InvalidationFeed(cloudfront, distribution_id)

    # When the feed is read, another invalidation is sent, and the feed is read twice more
    first = feed()
    invalidate("/b/")
    second, third = feed(), feed()

    # Then each invalidation's paths come once
    assert [sorted(paths) for paths in first] == [["/a/", "/a/index.html"]]
    assert second == [["/b/"]]
    assert third == []
