"""CloudFront's edge cache, as the local distribution plays it, so that `make dev` shows what readers of
the real site see after a change.

The template's cache policy (Managed-CachingOptimized: MinTTL 1 s, MaxTTL a year, no query strings in
the key) lets each object's own header decide: an answer from the bucket is kept for its `s-maxage`
(else `max-age`; not at all for `no-store`, `no-cache` or `private`), then served stale for
`stale-while-revalidate` more seconds while the next request fetches it again. A 404 is kept for the
distribution's ErrorCachingMinTTL (S3's 404 carries no Cache-Control). The distribution's
invalidations drop what they name: `/path/` exactly, `/prefix*` everything under it.

`ttl_cap` shortens every lifetime (the local stack's `cdn_ttl_cap` setting; 0 caches nothing), so tests
that read a listing right after a publish need not wait out its minute.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header

from newsdesk_local.http_messages import HttpResponse

Clock = Callable[[], float]


@dataclass(frozen=True)
class Lifetime:
    fresh: float  # seconds served from the cache as it is
    stale: float  # then seconds served stale while it is fetched again


def lifetime(cache_control: str | None, *, status: int, error_ttl: float | None) -> Lifetime | None:
    """How long CloudFront keeps an origin's answer (None: not at all). Only a 200 or a 404 is kept here:
    the site bucket answers nothing else worth keeping."""
    if status == 200:
        directives = parse_cache_control_header(cache_control, cls=ResponseCacheControl)
        if directives.no_store or directives.no_cache or directives.private:
            return None
        fresh = directives.s_maxage if directives.s_maxage is not None else directives.max_age
        if not fresh:
            return None
        swr = directives.get("stale-while-revalidate")
        return Lifetime(float(fresh), float(swr) if swr and str(swr).isdigit() else 0.0)
    if status == 404 and error_ttl:
        return Lifetime(float(error_ttl), 0.0)
    return None


@dataclass
class _Entry:
    response: HttpResponse
    stored_at: float
    lifetime: Lifetime


def _copy(response: HttpResponse) -> HttpResponse:
    return dataclasses.replace(response, headers=list(response.headers))


class EdgeCache:
    """Answers from the site bucket, by the viewer's path, for as long as CloudFront would keep them."""

    def __init__(
        self,
        *,
        clock: Clock = time.monotonic,
        ttl_cap: float | None = None,
        invalidations: Callable[[], Iterable[list[str]]] | None = None,
        invalidation_poll: float = 0.25,
    ) -> None:
        self.clock = clock
        self.ttl_cap = ttl_cap
        self.invalidations = invalidations
        self.invalidation_poll = invalidation_poll
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._polled_at: float | None = None

    def get(
        self, path: str, fetch: Callable[[], HttpResponse], *, error_ttl: float | None = None
    ) -> tuple[HttpResponse, bool]:
        """The answer for `path` and whether it came from the cache; `fetch` asks the origin."""
        self._apply_invalidations()
        now = self.clock()
        with self._lock:
            entry = self._entries.get(path)
        if entry is not None:
            age = now - entry.stored_at
            if age < entry.lifetime.fresh:
                return self._aged(entry, age), True
            if age < entry.lifetime.fresh + entry.lifetime.stale:
                self._store(path, fetch(), now, error_ttl)  # the next reader gets the new copy
                return self._aged(entry, age), True
        response = fetch()
        self._store(path, response, now, error_ttl)
        return _copy(response), False

    def invalidate(self, paths: Iterable[str]) -> None:
        with self._lock:
            for path in paths:
                if path.endswith("*"):
                    for key in [k for k in self._entries if k.startswith(path[:-1])]:
                        del self._entries[key]
                else:
                    self._entries.pop(path, None)

    def _apply_invalidations(self) -> None:
        """Read the invalidations sent since the last look (at most every `invalidation_poll` seconds, as
        an invalidation takes a moment to reach CloudFront's edges too)."""
        now = self.clock()
        if self.invalidations is None or (
            self._polled_at is not None and now - self._polled_at < self.invalidation_poll
        ):
            return
        self._polled_at = now
        for paths in self.invalidations():
            self.invalidate(paths)

    def _store(self, path: str, response: HttpResponse, now: float, error_ttl: float | None) -> None:
        kept = lifetime(response.header("Cache-Control"), status=response.status, error_ttl=error_ttl)
        if kept is not None and self.ttl_cap is not None:
            fresh = min(kept.fresh, self.ttl_cap)
            kept = Lifetime(fresh, min(kept.stale, max(0.0, self.ttl_cap - fresh)))
        with self._lock:
            if kept is None or kept.fresh + kept.stale <= 0:
                self._entries.pop(path, None)
            else:
                self._entries[path] = _Entry(_copy(response), now, kept)

    @staticmethod
    def _aged(entry: _Entry, age: float) -> HttpResponse:
        response = _copy(entry.response)
        response.set_header("Age", str(int(age)))
        return response


class InvalidationFeed:
    """The paths of the distribution's invalidations not seen before, read from the emulator's CloudFront
    (the renderer sends them there as it would to AWS)."""

    def __init__(self, cloudfront: Any, distribution_id: str) -> None:
        self.cloudfront = cloudfront
        self.distribution_id = distribution_id
        self._seen: set[str] = set()

    def __call__(self) -> list[list[str]]:
        listed = self.cloudfront.list_invalidations(DistributionId=self.distribution_id)
        items = listed.get("InvalidationList", {}).get("Items", [])
        new = [i["Id"] for i in items if i["Id"] not in self._seen]
        batches = []
        for invalidation_id in new:
            found = self.cloudfront.get_invalidation(DistributionId=self.distribution_id, Id=invalidation_id)
            batches.append(list(found["Invalidation"]["InvalidationBatch"]["Paths"].get("Items", [])))
            self._seen.add(invalidation_id)
        return batches
