"""Turn article changes into site changes: render what they touch, upload what differs, invalidate once
what readers must see at once (newsdesk.site.freshness decides which paths).

Every page is rendered from the current state of the table: the changed articles are read with strongly
consistent reads, and listings (read from eventually consistent indexes) are corrected with them, so a
late, duplicated or reordered event can never put older content live.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from aws_lambda_powertools import Logger

from newsdesk.articles.models import (
    Article,
    AuthorProfile,
    RenderReceipt,
    RenderState,
    Scope,
    ScopeKind,
    name_slug,
)
from newsdesk.clock import utc_now
from newsdesk.site import pages, structured_data
from newsdesk.site.discovery import Discovery
from newsdesk.site.freshness import Change, invalidation_paths, live_within, must_invalidate, stronger
from newsdesk.site.models import CorrectionEntry, Page, SiteObject, key_to_path, page_key
from newsdesk.site.pages import SiteConfig, month_bounds
from newsdesk.site.plan import pages_for
from newsdesk.site.ports import (
    AuthorDirectory,
    CommentSource,
    DigestLedger,
    Invalidator,
    ObjectWriter,
    PublishedReader,
    ReceiptWriter,
)

logger = Logger(child=True)

# Uploads (and the HEADs that ask a stored object's hash when the ledger has none) and a batch's listing
# reads are I/O bound, so done in parallel.
UPLOAD_THREADS = 8

_io_threads: ThreadPoolExecutor | None = None
_io_threads_lock = threading.Lock()


def io_threads() -> ThreadPoolExecutor:
    """The process's threads for the renderer's parallel reads and uploads, started on first use and
    kept for the container's life. A pool made for each call started its threads each time: in the
    local stack, where every function shares one interpreter, that was about a sixth of a publish's
    render time (py-spy, `bench live`). Nothing run on these threads submits work to them, so callers
    waiting on them cannot deadlock."""
    global _io_threads
    with _io_threads_lock:
        if _io_threads is None:
            _io_threads = ThreadPoolExecutor(max_workers=UPLOAD_THREADS, thread_name_prefix="site-io")
        return _io_threads


@dataclass
class Overlay:
    """The current state of the articles being changed, laid over (possibly lagging) index reads."""

    current: dict[str, Article | None] = field(default_factory=dict)

    def apply(
        self,
        items: list[Article],
        *,
        scope: Scope | None = None,
        start: dt.datetime | None = None,
        end: dt.datetime | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        merged = {a.id: a for a in items if a.id not in self.current}
        for article_id, article in self.current.items():
            if article is None or not article.is_live or article.published_at is None:
                continue
            if scope and not article.in_scope(scope):
                continue
            if start and end and not (start <= article.published_at < end):
                continue
            merged[article_id] = article
        ordered = sorted(merged.values(), key=lambda a: (a.published_at or a.updated_at, a.id), reverse=True)
        return ordered[:limit] if limit is not None else ordered

    def months(
        self, months: list[tuple[int, int]], site: SiteConfig, scope: Scope | None
    ) -> list[tuple[int, int]]:
        found = set(months)
        for article in self.current.values():
            if (
                article is not None
                and article.is_live
                and article.published_at is not None
                and (scope is None or article.in_scope(scope))
            ):
                found.add(pages.month_of(article.published_at, site.tz))
        return sorted(found, reverse=True)


def _article_change(before: Article | None, after: Article) -> Change:
    """How a live article's page changed: corrected when the batch gave it a new correction."""
    corrected = before is None or len(after.corrections) > len(before.corrections)
    return Change.ARTICLE_CORRECTED if corrected else Change.ARTICLE_REVISED


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    invalidation_id: str | None = None
    invalidated: list[str] = field(default_factory=list)  # the paths of that invalidation

    @property
    def changed_paths(self) -> list[str]:
        return self.written + self.deleted


class SitePublisher:
    """Renders one batch of article changes.

    With a `digests` ledger, whether an object changed is decided from the hash the ledger recorded for
    it (one read for all the objects of a call) instead of a HEAD per object: equal, nothing is sent;
    different, the object is uploaded without asking S3 first; unknown, S3 is asked as without a ledger.
    A hash is forgotten before its object is uploaded or deleted and recorded once the upload is done, so
    an interrupted batch leaves the ledger silent, never wrong. `trust_digests=False` (full rebuilds,
    which repair the bucket whatever happened to it) asks S3 about every object and records what it finds.
    """

    def __init__(
        self,
        site: SiteConfig,
        reader: PublishedReader,
        writer: ObjectWriter,
        cdn: Invalidator,
        receipts: ReceiptWriter,
        *,
        comments: CommentSource | None = None,
        clock: Callable[[], dt.datetime] = utc_now,
        digests: DigestLedger | None = None,
        trust_digests: bool = True,
        discovery: Discovery | None = None,
        authors: AuthorDirectory | None = None,
        invalidate_edits: bool = False,
    ) -> None:
        self.site = site
        self.reader = reader
        self.writer = writer
        self.cdn = cdn
        self.receipts = receipts
        self.comments = comments
        self.clock = clock
        self.digests = digests
        self.trust_digests = trust_digests
        self.discovery = discovery  # announces what the batch changed (IndexNow, WebSub)
        self.authors = authors
        # an ordinary edit is invalidated too, not only corrections (newsdesk.site.freshness)
        self.invalidate_edits = invalidate_edits
        self.overlay = Overlay()
        self.result = BatchResult()
        self._done: dict[str, bool] = {}  # object key -> uploaded
        self._pending_receipts: list[RenderReceipt] = []
        self._retry_paths: set[str] = set()
        self._reads: dict[tuple[object, ...], Any] = {}
        self._befores: dict[str, Article | None] = {}  # article id -> as it was before this batch
        self._changes: dict[str, tuple[Change, str]] = {}  # changed path -> why, and its Cache-Control

    # ----- one batch ------------------------------------------------------------------------------

    def load(self, article_ids: Iterable[str]) -> None:
        """Read the current state of every article in the batch before rendering anything."""
        for article_id in article_ids:
            if article_id not in self.overlay.current:
                self.overlay.current[article_id] = self.reader.get(article_id)

    def apply(self, article_id: str, before: Article | None) -> list[str]:
        """Render what one article's change touches. Returns the paths this change altered."""
        self.load([article_id])
        self._befores.setdefault(article_id, before)
        after = self.overlay.current[article_id]
        changed: list[str] = []
        live = after is not None and after.is_live
        url = (after.url if after else None) or (before.url if before else None)
        first = self._befores[article_id]
        was_live = first is not None and first.is_live
        objects: list[SiteObject] = []
        kinds: dict[str, Change] = {}
        if live and after is not None:
            article_page = self._article_page(after)
            objects.append(article_page)
            kinds[article_page.key] = _article_change(first, after) if was_live else Change.ARTICLE_NEW
        elif url:
            changed += self._delete(page_key(url), Change.ARTICLE_REMOVED)
        removed: list[str] = []
        touched = sorted(pages_for(before, after, self.site.tz))
        self._prefetch(touched)
        for page in touched:
            rendered, gone = self._render_objects(page, every=False)
            objects += rendered
            removed += gone
        changed += self._write_all(objects, Change.LISTING, kinds=kinds)
        for key in removed:
            changed += self._delete(key, Change.LISTING)
        if after is not None and after.url is not None:
            previous = self.receipts.get(article_id)
            if previous is not None and previous.state is RenderState.FAILED:
                self._retry_paths.update(previous.paths)
            self._pending_receipts.append(
                RenderReceipt(
                    article_id=article_id,
                    version=after.version,
                    state=RenderState.LIVE if live else RenderState.REMOVED,
                    rendered_at=self.clock(),
                    paths=changed,
                )
            )
        return changed

    def record_failure(self, article_id: str, error: Exception) -> None:
        """Say in the article's render receipt, at once, that rendering its change failed and why.

        The version is the stored one if it could be read (newsdesk.articles.errors.UnreadableArticle
        carries it), else the one this batch read, else the last receipt's; the receipt keeps the paths
        of the last render. Writing it never hides the original error: a receipt that cannot be written
        is logged.
        """
        try:
            previous = self.receipts.get(article_id)
            current = self.overlay.current.get(article_id)
            version = getattr(error, "version", None) or (current.version if current else None)
            version = version or (previous.version if previous else 1)
            detail = getattr(error, "detail", None) or f"{type(error).__name__}: {error}"
            self.receipts.record(
                RenderReceipt(
                    article_id=article_id,
                    version=version,
                    state=RenderState.FAILED,
                    rendered_at=self.clock(),
                    paths=previous.paths if previous else [],
                    error=detail[:1000],
                )
            )
        except Exception:
            logger.exception("render receipt not recorded", article_id=article_id)

    def rerender_article(self, article_id: str) -> list[str]:
        """Re-render one live article page only (e.g. after a comment was approved)."""
        self.load([article_id])
        article = self.overlay.current[article_id]
        if article is None or not article.is_live:
            return []
        return self._write_all([self._article_page(article)], Change.ARTICLE_COMMENTS)

    def rerender_author(self, slug: str) -> list[str]:
        """Re-render an author's page and feed (after their profile changed), deleting them if nothing
        of theirs is live."""
        self._reads.pop(("profile", slug), None)
        changed: list[str] = []
        for kind in ("author", "author_feed"):
            objects, gone = self._render_objects(Page(kind, slug), every=False)
            changed += self._write_all(objects, Change.LISTING)
            for key in gone:
                changed += self._delete(key, Change.LISTING)
        return changed

    def invalidated_paths(self) -> set[str]:
        """The paths this batch changed that readers must see at once."""
        return {
            path
            for path, (kind, _) in self._changes.items()
            if must_invalidate(kind, invalidate_edits=self.invalidate_edits)
        }

    def finish(self, *, ensure_static: bool = True, invalidate: bool = True) -> BatchResult:
        """Write shared static objects, invalidate in one request the changed paths readers must see at
        once (and those a failed render left), record receipts."""
        if ensure_static:
            static = [pages.stylesheet(), pages.comments_script(), *pages.favicons()]
            # The publisher's logo in structured data until an editor sets one, and the IndexNow key file.
            discovered = [structured_data.default_logo(self.site)]
            discovered += self.discovery.objects() if self.discovery else []
            self._write_all(
                [*static, pages.robots(self.site), pages.not_found_page(self.site), *discovered],
                Change.LISTING,
                kinds={obj.key: Change.STATIC for obj in static},
            )
        paths = set(invalidation_paths(self.invalidated_paths())) | self._retry_paths
        self._pending_receipts = [self._with_freshness(r) for r in self._pending_receipts]
        try:
            if invalidate:
                self.result.invalidation_id = self.cdn.invalidate(paths)
                self.result.invalidated = sorted(paths)
        except Exception as exc:
            for receipt in self._pending_receipts:
                self.receipts.record(
                    receipt.model_copy(
                        update={"state": RenderState.FAILED, "error": str(exc), "paths": sorted(paths)}
                    )
                )
            raise
        for receipt in self._pending_receipts:
            self.receipts.record(receipt)
        if self.discovery:
            self.discovery.announce(self.site.url, {path: kind for path, (kind, _) in self._changes.items()})
        logger.info(
            "site updated",
            written=len(self.result.written),
            deleted=len(self.result.deleted),
            unchanged=self.result.unchanged,
            invalidation_id=self.result.invalidation_id,
        )
        return self.result

    def _with_freshness(self, receipt: RenderReceipt) -> RenderReceipt:
        """The receipt saying which of its paths were invalidated and when the others reach readers."""
        changes = [self._changes[p] for p in receipt.paths if p in self._changes]
        invalidated = [p for p in receipt.paths if p in self.invalidated_paths()]
        within = max(
            (
                live_within(kind, cache_control, invalidate_edits=self.invalidate_edits)
                for kind, cache_control in changes
            ),
            default=0,
        )
        return receipt.model_copy(update={"invalidated": invalidated, "live_within": within})

    def _note(self, path: str, kind: Change, cache_control: str) -> None:
        previous = self._changes.get(path)
        decided = stronger(previous[0] if previous else None, kind, invalidate_edits=self.invalidate_edits)
        self._changes[path] = (decided, cache_control if decided is kind or previous is None else previous[1])

    # ----- objects --------------------------------------------------------------------------------

    def _write_all(
        self, objects: list[SiteObject], kind: Change, *, kinds: dict[str, Change] | None = None
    ) -> list[str]:
        """Upload the objects whose bytes changed, several at a time. Returns the paths that changed.
        Each changed object is noted as changed by `kind`, or by its key's entry in `kinds`."""
        fresh = list({obj.key: obj for obj in objects if obj.key not in self._done}.values())
        recorded = self.digests.get_many([obj.key for obj in fresh]) if self.digests and fresh else {}
        if self.digests and self.trust_digests:
            for obj in [obj for obj in fresh if recorded.get(obj.key) == obj.digest]:
                self._done[obj.key] = False
                self.result.unchanged += 1
            fresh = [obj for obj in fresh if recorded.get(obj.key) != obj.digest]
        stale = {obj.key: None for obj in fresh if obj.key in recorded and recorded[obj.key] != obj.digest}
        if self.digests and stale:
            self.digests.record(stale)

        def upload(obj: SiteObject) -> bool:
            if self.trust_digests and obj.key in recorded:  # known to differ
                self.writer.put(obj)
                return True
            return self.writer.put_if_changed(obj)

        uploaded = list(io_threads().map(upload, fresh)) if len(fresh) > 1 else [upload(obj) for obj in fresh]
        if self.digests and (
            learnt := {obj.key: obj.digest for obj in fresh if recorded.get(obj.key) != obj.digest}
        ):
            self.digests.record(learnt)
        for obj, was_uploaded in zip(fresh, uploaded, strict=True):
            self._done[obj.key] = was_uploaded
            if was_uploaded:
                self.result.written.append(obj.path)
            else:
                self.result.unchanged += 1
        changed: list[str] = []
        for obj in objects:
            if self._done[obj.key] and obj.path not in changed:
                changed.append(obj.path)
                self._note(obj.path, (kinds or {}).get(obj.key, kind), obj.cache_control)
        return changed

    def _delete(self, key: str, kind: Change) -> list[str]:
        if key in self._done:
            return []
        if self.digests:
            self.digests.record({key: None})
        removed = self.writer.delete(key)
        self._done[key] = removed
        if removed:
            path = key_to_path(key)
            self.result.deleted.append(path)
            self._note(path, kind, "")
            return [path]
        return []

    def _article_page(self, article: Article) -> SiteObject:
        extra = self.comments.extra_for(article) if self.comments else {}
        return pages.article_page(self.site, article, profiles=self._profiles(article), **extra)

    # Index reads are memoised for the batch: the home page and the site feed, a scope's page and its
    # feed, a month page and its sitemap shard share one Query each.

    # A scope's listing of a month is the site's listing of that month filtered, when the batch has read
    # that already (a publish renders both); a scope's latest articles are read by id only when no other
    # listing of the batch has them.

    def _prefetch(self, touched: list[Page]) -> None:
        """Read the listings the pages will need at the same time rather than one after the other: the
        site's (latest, months, each month) and each scope's months first, then each scope's latest
        articles (read by id but for those the first reads found)."""
        tz = self.site.tz
        first: dict[tuple[object, ...], Callable[[], Any]] = {}
        scopes: dict[Scope, int] = {}
        for page in touched:
            if page.kind in {"home", "feed"}:
                first[self._latest_key(pages.FEED_SIZE, None)] = partial(
                    self.reader.latest, self._widest(pages.FEED_SIZE, None)
                )
            if page.kind in {"home", "archive_index", "sitemap_index"}:
                first[("months", None)] = partial(self.reader.months, tz, None)
            if page.kind == "home":
                for section in self.site.sections:
                    scopes.setdefault(Scope.section(section.slug), pages.SECTION_BLOCK_SIZE)
            if page.kind in {"month", "sitemap_shard"}:
                start, end = month_bounds(page.year, page.month, tz)
                first[("between", None, start, end)] = partial(self.reader.between, start, end, None)
            scope = page.scope
            if scope is not None and page.variant in {"", "feed"}:
                first[("months", scope)] = partial(self.reader.months, tz, scope)
                scopes[scope] = pages.SCOPE_PAGE_SIZE
        self._read_together(first)
        known = self._known()
        then: dict[tuple[object, ...], Callable[[], Any]] = {}
        for scope, size in sorted(scopes.items()):
            key = self._latest_key(size, scope)
            then[key] = partial(self.reader.latest, self._widest(size, scope), scope, known=known)
        self._read_together(then)

    def _read_together(self, loaders: dict[tuple[object, ...], Callable[[], Any]]) -> None:
        todo = {key: load for key, load in loaders.items() if key not in self._reads}
        if len(todo) <= 1:
            for key, load in todo.items():
                self._reads[key] = load()
            return
        pool = io_threads()
        futures = {key: pool.submit(load) for key, load in todo.items()}
        for key, future in futures.items():
            self._reads[key] = future.result()

    @staticmethod
    def _widest(limit: int, scope: Scope | None) -> int:
        return max(limit, pages.SCOPE_PAGE_SIZE if scope else pages.FEED_SIZE)

    def _latest_key(self, limit: int, scope: Scope | None) -> tuple[object, ...]:
        return ("latest", scope, self._widest(limit, scope))

    def _latest(self, limit: int, scope: Scope | None = None) -> list[Article]:
        key = self._latest_key(limit, scope)
        widest = self._widest(limit, scope)
        if key not in self._reads:
            self._reads[key] = (
                self.reader.latest(widest, scope, known=self._known())
                if scope
                else self.reader.latest(widest)
            )
        return self.overlay.apply(self._reads[key], scope=scope, limit=limit)

    def _between(self, start: dt.datetime, end: dt.datetime, scope: Scope | None = None) -> list[Article]:
        key = ("between", scope, start, end)
        if key not in self._reads:
            site_wide = self._reads.get(("between", None, start, end))
            if scope and site_wide is not None:
                self._reads[key] = [a for a in site_wide if a.in_scope(scope)]
            else:
                self._reads[key] = self.reader.between(start, end, scope)
        return self.overlay.apply(self._reads[key], scope=scope, start=start, end=end)

    def _known(self) -> dict[str, Article]:
        """Every article some listing of this batch has read, by id."""
        known: dict[str, Article] = {}
        for key, value in self._reads.items():
            if key[0] in {"latest", "between"}:
                known.update((a.id, a) for a in value)
        return known

    def _months(self, scope: Scope | None = None) -> list[tuple[int, int]]:
        key = ("months", scope)
        if key not in self._reads:
            self._reads[key] = self.reader.months(self.site.tz, scope)
        return self.overlay.months(self._reads[key], self.site, scope)

    def _corrections(self) -> list[CorrectionEntry]:
        """The latest corrections, each with its article as this batch read it (if it is still live)."""
        key = ("corrections",)
        if key not in self._reads:
            self._reads[key] = self.reader.recent_corrections(pages.CORRECTIONS_SIZE)
        entries: list[CorrectionEntry] = []
        for entry in self._reads[key]:
            article = self.overlay.current.get(entry.article.id, entry.article)
            if article is not None and article.is_live:
                entries.append(CorrectionEntry(article=article, correction=entry.correction))
        return entries

    def _profile(self, slug: str) -> AuthorProfile | None:
        key = ("profile", slug)
        if key not in self._reads:
            self._reads[key] = self.authors.get(slug) if self.authors else None
        found: AuthorProfile | None = self._reads[key]
        return found

    def _profiles(self, article: Article) -> dict[str, AuthorProfile]:
        """The profiles of the article's authors that editors keep, by slug."""
        slugs = [s.slug for s in article.scopes if s.kind is ScopeKind.AUTHOR]
        return {slug: profile for slug in slugs if (profile := self._profile(slug)) is not None}

    def _scope_name(self, scope: Scope, articles: list[Article]) -> str:
        """What readers call a scope: a tag's name, the section's name in the menu (else as articles
        give it), an author's profile name (else as bylines give it)."""
        if scope.kind is ScopeKind.SECTION:
            for link in self.site.sections:
                if link.slug == scope.slug:
                    return link.name
        if scope.kind is ScopeKind.AUTHOR and (profile := self._profile(scope.slug)) is not None:
            return profile.name
        candidates = [*articles, *(a for a in self.overlay.current.values() if a is not None)]
        for article in candidates:
            if scope.kind is ScopeKind.TAG:
                for t in article.tags:
                    if t.slug == scope.slug:
                        return t.name
            elif scope.kind is ScopeKind.SECTION:
                if article.section and article.section_slug == scope.slug:
                    return article.section
            else:
                for name in article.authors:
                    if name_slug(name) == scope.slug:
                        return name
        return scope.slug.replace("-", " ").title()

    def _lead(self, latest: list[Article]) -> Article | None:
        """The front page's lead: the article editors pinned while it is live, else the newest."""
        pinned = self.site.lead_article_id
        if pinned:
            self.load([pinned])
            article = self.overlay.current.get(pinned)
            if article is not None and article.is_live and article.published_at is not None:
                return article
        return latest[0] if latest else None

    def _render(self, page: Page) -> SiteObject | None:
        """The one object of a page that has exactly one (not a month's archive or sitemap); None when
        the page lists nothing any more (a scope's page or feed), to be deleted."""
        site = self.site
        if page.kind == "home":
            latest = self._latest(pages.HOME_SIZE)
            sections = [
                (link, self._latest(pages.SECTION_BLOCK_SIZE, Scope.section(link.slug)))
                for link in site.sections
            ]
            return pages.home_page(site, latest, self._months(), lead=self._lead(latest), sections=sections)
        if page.kind == "archive_index":
            return pages.archive_index(site, self._months())
        if page.kind == "tag_index":
            return pages.tag_index(site, self._tag_index())
        if page.kind == "feed":
            return pages.site_feed(site, self._latest(pages.FEED_SIZE))
        if page.kind == "sitemap_index":
            return pages.sitemap_index(site, *self._shard_counts())
        if page.kind == "news_sitemap":
            now = self.clock()
            recent = self._between(
                now - dt.timedelta(hours=pages.NEWS_SITEMAP_HOURS), now + dt.timedelta(minutes=5)
            )
            return pages.news_sitemap(site, recent)
        scope = page.scope
        if scope is not None and page.variant in {"", "feed"}:
            latest = self._latest(pages.SCOPE_PAGE_SIZE, scope)
            if not latest:
                return None
            name = self._scope_name(scope, latest)
            if page.variant == "":
                profile = self._profile(scope.slug) if scope.kind is ScopeKind.AUTHOR else None
                return pages.scope_page(site, scope, name, latest, self._months(scope), profile=profile)
            return pages.scope_feed(site, scope, name, latest)
        if page.kind in {"corrections", "corrections_feed"}:
            entries = self._corrections()
            if page.kind == "corrections":
                return pages.corrections_page(site, entries)
            return pages.corrections_feed(site, entries)
        raise ValueError(f"unknown page kind {page.kind!r}")

    def _tag_index(self) -> list[tuple[str, str]]:
        """(slug, name) of the tags with live articles, for the tag index (at most TAG_INDEX_SIZE). The
        index read may lag: this batch's articles are laid over it."""
        found = dict(self.reader.scope_names(ScopeKind.TAG.value, pages.TAG_INDEX_SIZE))
        for article_id, before in self._befores.items():
            for article in (before, self.overlay.current.get(article_id)):
                for t in article.tags if article is not None else []:
                    if self._latest(1, Scope.tag(t.slug)):
                        found[t.slug] = t.name
                    else:
                        found.pop(t.slug, None)
        return sorted(found.items())[: pages.TAG_INDEX_SIZE]

    def _render_objects(self, page: Page, *, every: bool) -> tuple[list[SiteObject], list[str]]:
        """The objects of `page` to write, and the keys to delete. A month's archive and sitemap come in
        pages anchored at the month's oldest article: with `every` (a rebuild) all of them are rendered,
        else only those this batch's changes alter (the month's own page, the last shard, a page that
        just filled up, and, when an older article comes or goes, the pages after it). A listing that
        no longer lists anything is deleted (readers get the 404 page)."""
        site = self.site
        if page.kind == "sitemap_index" and not every and not self._shards_changed():
            return [], []
        if page.kind == "tag_index" and not every and not self._tags_came_or_went():
            return [], []
        scope = page.scope
        if page.kind not in {"month", "sitemap_shard"} and (scope is None or page.variant != "month"):
            rendered = self._render(page)
            if rendered is None:
                assert scope is not None
                path = pages.scope_path(scope) if page.variant == "" else pages.scope_feed_path(scope)
                return [], [page_key(path)]
            return [rendered], []
        start, end = month_bounds(page.year, page.month, site.tz)
        items = self._between(start, end, scope)
        y, m = page.year, page.month
        if page.kind == "sitemap_shard":
            if every:
                return pages.sitemap_month(site, y, m, items), []
            numbers, gone = self._affected(items, start, end, None, pages.SITEMAP_SHARD_SIZE, partial=True)
            shards = [pages.sitemap_shard(site, y, m, items, n) for n in sorted(numbers)]
            return shards or [pages.sitemap_shard(site, y, m, items)], [
                pages.shard_path(y, m, n).lstrip("/") for n in gone if n > 1
            ]
        numbers = set(range(1, pages.full_archive_pages(len(items)) + 1))
        emptied: list[int] = []
        if not every:
            numbers, emptied = self._affected(
                items, start, end, scope, pages.ARCHIVE_PAGE_SIZE, partial=False
            )
        deleted = [page_key(pages.archive_page_path(y, m, n, scope)) for n in emptied]
        if not items:
            return [], [*deleted, page_key(pages.month_path(y, m, scope))]
        if scope is None:
            return [
                pages.month_page(site, y, m, items),
                *(pages.month_archive_page(site, y, m, items, n) for n in sorted(numbers)),
            ], deleted
        name = self._scope_name(scope, items)
        return [
            pages.scope_month_page(site, scope, name, y, m, items),
            *(pages.scope_month_archive_page(site, scope, name, y, m, items, n) for n in sorted(numbers)),
        ], deleted

    def _in(self, article: Article | None, start: dt.datetime, end: dt.datetime, scope: Scope | None) -> bool:
        return (
            article is not None
            and article.is_live
            and article.published_at is not None
            and start <= article.published_at < end
            and (scope is None or article.in_scope(scope))
        )

    def _count_before(
        self, items: list[Article], start: dt.datetime, end: dt.datetime, scope: Scope | None
    ) -> int:
        """How many articles the listing had before this batch's changes."""
        count = len(items)
        for article_id, before in self._befores.items():
            count += self._in(before, start, end, scope) - self._in(
                self.overlay.current.get(article_id), start, end, scope
            )
        return count

    def _affected(
        self,
        items: list[Article],
        start: dt.datetime,
        end: dt.datetime,
        scope: Scope | None,
        size: int,
        *,
        partial: bool,
    ) -> tuple[set[int], list[int]]:
        """The numbered pages (from 1, anchored at the oldest, `size` each) of a listing whose content this
        batch's changes alter, and those that no longer exist. With `partial` the last, partly filled page
        is a numbered page too (sitemap shards); else it is the listing's own page (archives)."""

        def pages_of(count: int) -> int:
            return -(-count // size) if partial else (count - 1) // size if count else 0

        oldest_first = [((a.published_at or a.updated_at), a.id) for a in reversed(items)]
        now_pages, before_pages = pages_of(len(items)), pages_of(self._count_before(items, start, end, scope))
        numbers = set(range(before_pages + 1, now_pages + 1))  # pages that filled up (or began)
        for article_id, before in self._befores.items():
            after = self.overlay.current.get(article_id)
            was, now = self._in(before, start, end, scope), self._in(after, start, end, scope)
            states = [a for a, there in ((before, was), (after, now)) if there and a is not None]
            if not states:
                continue
            keys = [((a.published_at or a.updated_at), a.id) for a in states]
            first = min(bisect_left(oldest_first, k) for k in keys) // size + 1
            moved = was != now or len(set(keys)) > 1
            numbers |= set(range(first, now_pages + 1)) if moved else {first}
        return {n for n in numbers if 1 <= n <= now_pages}, list(range(now_pages + 1, before_pages + 1))

    def _tags_came_or_went(self) -> bool:
        """Whether this batch gives a tag its first live article or takes its last one away (the tag
        index lists the tags with live articles)."""
        for article_id, before in self._befores.items():
            after = self.overlay.current.get(article_id)
            was = {s for s in (before.scopes if before and before.is_live else ()) if s.kind is ScopeKind.TAG}
            now = {s for s in (after.scopes if after and after.is_live else ()) if s.kind is ScopeKind.TAG}
            for scope in was ^ now:
                others = [
                    a
                    for a in self._latest(2, scope)
                    if not (a.id in self._befores and not self._in_before(a.id, scope))
                ]
                if not others:
                    return True
        return False

    def _in_before(self, article_id: str, scope: Scope) -> bool:
        before = self._befores.get(article_id)
        return before is not None and before.is_live and before.in_scope(scope)

    def _shards_changed(self) -> bool:
        """Whether this batch changes how many sitemap shards a month has (or which months have any)."""
        months = {
            pages.month_of(article.published_at, self.site.tz)
            for article_id, before in self._befores.items()
            for article in (before, self.overlay.current.get(article_id))
            if article is not None and article.published_at is not None
        }
        for year, month in months:
            start, end = month_bounds(year, month, self.site.tz)
            items = self._between(start, end)
            before = self._count_before(items, start, end, None)
            if pages.sitemap_shards(len(items)) != pages.sitemap_shards(before):
                return True
        return False

    def _shard_counts(self) -> tuple[list[tuple[int, int]], dict[tuple[int, int], int]]:
        """Every month with articles and how many it has (read only when the sitemap index changes)."""
        months = self._months()
        counts = {}
        for y, m in months:
            start, end = month_bounds(y, m, self.site.tz)
            counts[(y, m)] = len(self._between(start, end))
        return months, counts

    def render_page(self, page: Page) -> list[str]:
        """Render every object of one listing page (used by full rebuilds)."""
        objects, _ = self._render_objects(page, every=True)
        return self._write_all(objects, Change.LISTING)
