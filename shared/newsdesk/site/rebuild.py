"""Full rebuilds: plan every public page, fan the work out in chunks through a queue, track completion.

A rebuild re-renders everything (after a template change, say) but still uploads only objects whose
bytes changed. Chunks are small enough for one Lambda invocation each, so a rebuild of any size fits
in Lambda's limits. The worker that completes the last chunk sends one wildcard invalidation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TypeVar
from zoneinfo import ZoneInfo

from ulid import ULID

from newsdesk.clock import utc_now
from newsdesk.site.models import (
    ARCHIVE_INDEX,
    CORRECTIONS,
    CORRECTIONS_FEED,
    FEED,
    HOME,
    NEWS_SITEMAP,
    SITEMAP_INDEX,
    TAG_INDEX,
    Chunk,
    LiveArticle,
    Page,
    RebuildStatus,
    scope_pages,
)
from newsdesk.site.pages import month_of
from newsdesk.site.ports import ChunkQueue, Invalidator, LiveArticles, RebuildLedger
from newsdesk.site.publisher import SitePublisher

ARTICLES_PER_CHUNK = 25
PAGES_PER_CHUNK = 25

T = TypeVar("T")


def _batched(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan_chunks(live: Iterable[LiveArticle], tz: ZoneInfo, rebuild_id: str) -> list[Chunk]:
    """Every live article and every listing, feed and sitemap, in chunks."""
    ids: list[str] = []
    months: set[tuple[int, int]] = set()
    scoped: set[Page] = set()
    for article in live:
        ids.append(article.id)
        year, month = month_of(article.published_at, tz)
        months.add((year, month))
        for scope in article.scopes:
            scoped |= scope_pages(scope, year, month)

    listing = [
        HOME,
        ARCHIVE_INDEX,
        FEED,
        SITEMAP_INDEX,
        NEWS_SITEMAP,
        CORRECTIONS,
        CORRECTIONS_FEED,
        TAG_INDEX,
    ]
    listing += [Page("month", year=y, month=m) for y, m in sorted(months)]
    listing += [Page("sitemap_shard", year=y, month=m) for y, m in sorted(months)]
    listing += sorted(scoped)
    chunks: list[Chunk] = []
    for group in _batched(ids, ARTICLES_PER_CHUNK):
        chunks.append(Chunk(rebuild_id, len(chunks), articles=tuple(group)))
    for pages_group in _batched(listing, PAGES_PER_CHUNK):
        chunks.append(Chunk(rebuild_id, len(chunks), pages=tuple(pages_group)))
    return chunks


def start_rebuild(
    articles: LiveArticles,
    ledger: RebuildLedger,
    queue: ChunkQueue,
    *,
    tz: ZoneInfo,
    now: dt.datetime | None = None,
) -> RebuildStatus:
    """Plan a full rebuild and enqueue its chunks. Returns the status to poll."""
    started = now or utc_now()
    rebuild_id = str(ULID.from_datetime(started))
    chunks = plan_chunks(articles.live(), tz, rebuild_id)
    ledger.create(rebuild_id, len(chunks), started)
    queue.send_chunks(chunks)
    return RebuildStatus(rebuild_id, len(chunks), 0, started, None)


def run_chunk(
    chunk: Chunk, publisher: SitePublisher, ledger: RebuildLedger, cdn: Invalidator
) -> RebuildStatus:
    """Render one chunk. The worker that completes the last chunk invalidates the whole site once.

    A rebuild compares every object with the bucket itself, never with the digest ledger: it is how a
    damaged bucket is repaired (and the ledger with it)."""
    publisher.trust_digests = False
    publisher.load(chunk.articles)
    for article_id in chunk.articles:
        publisher.rerender_article(article_id)
    for page in chunk.pages:
        publisher.render_page(page)
    publisher.finish(ensure_static=chunk.number == 0, invalidate=False)
    status = ledger.complete_chunk(chunk.rebuild_id, chunk.number)
    if status.done >= status.total and ledger.mark_finished(chunk.rebuild_id, utc_now()):
        cdn.invalidate(["/*"])
        status = ledger.status(chunk.rebuild_id) or status
    return status
