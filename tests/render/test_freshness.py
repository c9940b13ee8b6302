"""Which changed paths the CDN is told to drop, and how soon the others reach readers."""

from __future__ import annotations

import pytest

from newsdesk.site import pages
from newsdesk.site.freshness import (
    ERROR_CACHING_SECONDS,
    WILDCARD_PAGES,
    Change,
    invalidation_paths,
    live_within,
    must_invalidate,
    shared_lifetime,
    stronger,
)
from newsdesk_local.template import load_template


@pytest.mark.parametrize(
    ("change", "invalidated", "invalidated_with_every_edit"),
    [
        (Change.ARTICLE_CORRECTED, True, True),
        (Change.ARTICLE_REMOVED, True, True),
        (Change.ARTICLE_REVISED, False, True),
        (Change.ARTICLE_NEW, False, False),
        (Change.ARTICLE_COMMENTS, False, False),
        (Change.LISTING, False, False),
        (Change.STATIC, False, False),
    ],
)
def test_only_corrected_or_withdrawn_article_pages_are_invalidated_unless_every_edit_is(
    change: Change, invalidated: bool, invalidated_with_every_edit: bool
) -> None:
    # Given a path changed this way
    # When the publisher asks whether to invalidate it, by default and in a deployment that invalidates
    # every edit
    decided = must_invalidate(change)
    decided_for_every_edit = must_invalidate(change, invalidate_edits=True)

    # Then it is invalidated exactly when a reader must see it at once
    assert decided is invalidated
    assert decided_for_every_edit is invalidated_with_every_edit


def test_an_invalidating_change_of_a_path_wins_over_another_in_the_same_batch() -> None:
    # Given an article page re-rendered for a comment and corrected in one batch
    # When the two changes are combined, in either order
    # Then the correction decides
    assert stronger(Change.ARTICLE_COMMENTS, Change.ARTICLE_CORRECTED) is Change.ARTICLE_CORRECTED
    assert stronger(Change.ARTICLE_CORRECTED, Change.ARTICLE_COMMENTS) is Change.ARTICLE_CORRECTED
    assert stronger(None, Change.LISTING) is Change.LISTING
    # and an ordinary edit decides only where every edit is invalidated
    assert stronger(Change.ARTICLE_COMMENTS, Change.ARTICLE_REVISED) is Change.ARTICLE_COMMENTS
    assert (
        stronger(Change.ARTICLE_COMMENTS, Change.ARTICLE_REVISED, invalidate_edits=True)
        is Change.ARTICLE_REVISED
    )


def test_shared_lifetime_is_s_maxage_plus_stale_while_revalidate() -> None:
    # Given the site's Cache-Control values
    # When their shared lifetimes are read
    # Then listings, feeds and the 404 page reach readers within a minute, article pages within two
    assert shared_lifetime(pages.CACHE_LISTING) == 60
    assert shared_lifetime(pages.CACHE_FEED) == 60
    assert shared_lifetime(pages.CACHE_ERROR) == 60
    assert shared_lifetime(pages.CACHE_ARTICLE) == 120
    assert shared_lifetime("public, max-age=120") == 120
    assert shared_lifetime("no-store") == 0


def test_live_within_says_when_each_change_reaches_readers() -> None:
    # Given each kind of change
    # When its delay is asked
    # Then invalidated pages are live at once, a new page once the 404 CloudFront may hold expires, and
    # the rest when their shared lifetime runs out
    assert live_within(Change.ARTICLE_CORRECTED, pages.CACHE_ARTICLE) == 0
    assert live_within(Change.ARTICLE_REMOVED, "") == 0
    assert live_within(Change.ARTICLE_REVISED, pages.CACHE_ARTICLE) == 120
    assert live_within(Change.ARTICLE_REVISED, pages.CACHE_ARTICLE, invalidate_edits=True) == 0
    assert live_within(Change.ARTICLE_NEW, pages.CACHE_ARTICLE) == ERROR_CACHING_SECONDS
    assert live_within(Change.ARTICLE_COMMENTS, pages.CACHE_ARTICLE) == 120
    assert live_within(Change.LISTING, pages.CACHE_LISTING) == 60
    assert live_within(Change.STATIC, pages.CACHE_STATIC) == 0


def test_the_distribution_caches_a_404_no_longer_than_the_publisher_assumes() -> None:
    # Given template.yaml's distribution
    template = load_template()
    distributions = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudFront::Distribution"
    ]

    # When its custom error responses are read
    errors = distributions[0]["Properties"]["DistributionConfig"]["CustomErrorResponses"]

    # Then a 404 is cached for the seconds a new article's receipt allows for
    assert [e["ErrorCachingMinTTL"] for e in errors if e["ErrorCode"] == 404] == [ERROR_CACHING_SECONDS]


def test_a_page_is_invalidated_as_requested_and_as_the_object_the_viewer_function_names() -> None:
    # Given a page path and a file path changed in one batch
    # When their invalidation paths are asked
    paths = invalidation_paths(["/2026/11/20/a/", "/feed.xml", "/2026/11/20/a/"])

    # Then one wildcard covers /a/ and /a/index.html (the URI after PrettyUrlsFunction), for one path
    assert paths == ["/2026/11/20/a/*", "/feed.xml"]


def test_a_batch_of_many_pages_names_both_uris_instead_of_wildcards() -> None:
    # Given more pages in one batch than CloudFront's wildcard limit leaves room for
    pages = [f"/2026/11/20/story-{n:02d}/" for n in range(WILDCARD_PAGES + 1)]

    # When their invalidation paths are asked
    paths = invalidation_paths(pages)

    # Then each page is named twice, exactly, and no path has a wildcard
    assert len(paths) == 2 * len(pages)
    assert "/2026/11/20/story-00/" in paths and "/2026/11/20/story-00/index.html" in paths
    assert not any("*" in p for p in paths)
