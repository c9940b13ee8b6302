"""How a changed object of the site reaches readers through the CDN: invalidated, or left to expire.

CloudFront keeps an object for the origin's `s-maxage` (the cache policy's MinTTL is 1 s and its MaxTTL a
year, so the object's own header rules), and serves it a further `stale-while-revalidate` seconds while it
fetches the new copy. Invalidation paths are billed per path ($0.005 each beyond the first 1,000 a
month), so only a page that a reader must see changed at once is invalidated: an article page that was
corrected (a new correction, clarification or editor's note) or taken down. Everything else is left to
expire within its shared lifetime:

- an ordinary edit of a live article (no new correction) reaches readers within the article page's
  shared lifetime, two minutes. Invalidating every edit was the bill's largest line: $15.20 of $26.60 a
  month for a newsroom that publishes 100 stories a day and edits each once. A deployment that wants
  every edit at once sets the template's InvalidateEdits parameter (`invalidate_edits`);
- a brand-new article page was never cached (before publication its URL answered the 404 page, which
  CloudFront keeps for the distribution's ErrorCachingMinTTL, a few seconds);
- an article page re-rendered for a comment appears within the article's shared lifetime;
- listings, feeds, sitemaps, the corrections page and the 404 page appear within theirs (a minute);
- static objects are named by their content and never change.

This module is the one place that decides; the publisher asks it for every changed path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class Change(StrEnum):
    """Why an object of the site changed."""

    ARTICLE_NEW = "article_new"  # an article page that did not exist (first published, or published again)
    ARTICLE_REVISED = "article_revised"  # a live article page whose article was edited (no new correction)
    ARTICLE_CORRECTED = "article_corrected"  # a live article page whose article was given a new correction
    ARTICLE_REMOVED = "article_removed"  # an article page deleted (unpublished, expired, deleted)
    ARTICLE_COMMENTS = "article_comments"  # a live article page re-rendered for its comments
    LISTING = "listing"  # home, tag, archive and corrections pages, feeds, sitemaps, robots.txt, 404
    STATIC = "static"  # stylesheet and script, named by their content


_INVALIDATED = frozenset({Change.ARTICLE_CORRECTED, Change.ARTICLE_REMOVED})


def must_invalidate(change: Change, *, invalidate_edits: bool = False) -> bool:
    """Whether a path changed this way is invalidated (readers see it at once) or left to expire; an
    ordinary edit is invalidated too when the deployment asks for it."""
    return change in _INVALIDATED or (invalidate_edits and change is Change.ARTICLE_REVISED)


def stronger(a: Change | None, b: Change, *, invalidate_edits: bool = False) -> Change:
    """Of two changes of one path in one batch, the one that decides: an invalidating change wins."""
    if a is None:
        return b
    return (
        b
        if must_invalidate(b, invalidate_edits=invalidate_edits)
        and not must_invalidate(a, invalidate_edits=invalidate_edits)
        else a
    )


_DIRECTIVE = re.compile(r"(?:^|,)\s*([a-z-]+)\s*=\s*(\d+)", re.IGNORECASE)


def shared_lifetime(cache_control: str) -> int:
    """The longest a CDN serves an object after it changed at the origin, in seconds: `s-maxage` (else
    `max-age`) plus `stale-while-revalidate`."""
    values = {name.lower(): int(seconds) for name, seconds in _DIRECTIVE.findall(cache_control)}
    return values.get("s-maxage", values.get("max-age", 0)) + values.get("stale-while-revalidate", 0)


# The distribution's ErrorCachingMinTTL for 404 (template.yaml): how long CloudFront may keep answering
# the 404 page for a URL that was requested before its article was published.
ERROR_CACHING_SECONDS = 10


def live_within(change: Change, cache_control: str, *, invalidate_edits: bool = False) -> int:
    """The longest, in seconds, before a new reader sees this change (0: at once, once an invalidation
    has completed)."""
    if must_invalidate(change, invalidate_edits=invalidate_edits) or change is Change.STATIC:
        return 0
    if change is Change.ARTICLE_NEW:
        return ERROR_CACHING_SECONDS
    return shared_lifetime(cache_control)


# CloudFront allows 15 wildcard invalidation paths in progress at once (3,000 exact ones); one batch
# uses wildcards for at most this many pages, so that a request of its own never exceeds the limit and
# one after another are only throttled (and retried) until earlier ones complete.
WILDCARD_PAGES = 10


def invalidation_paths(pages: Iterable[str]) -> list[str]:
    """The paths to invalidate for a batch's changed pages. The distribution's viewer-request function
    rewrites `/a/b/` to the object `/a/b/index.html`, and CloudFront asks for both URIs to be invalidated
    when a function changes the one requested: `/a/b/*` covers both for the price of one path (a wildcard
    matches zero or more characters). A batch of more pages names both URIs exactly instead."""
    pages = sorted(set(pages))
    folders = [p for p in pages if p.endswith("/")]
    if len(folders) <= WILDCARD_PAGES:
        return [p + "*" if p.endswith("/") else p for p in pages]
    return [q for p in pages for q in ([p, p + "index.html"] if p.endswith("/") else [p])]
