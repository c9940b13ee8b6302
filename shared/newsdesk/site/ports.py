"""What rendering and publishing need from the world: the live articles, the bucket, the CDN, render
receipts, approved comments, the site's configuration, and for full rebuilds a ledger and a queue.
newsdesk.adapters implements each; tests substitute their own."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Protocol

from newsdesk.articles.models import Article, AuthorProfile, RenderReceipt, Scope
from newsdesk.site.models import Chunk, CorrectionEntry, LiveArticle, RebuildStatus, SiteObject

if TYPE_CHECKING:
    from newsdesk.comments.models import Comment, PublicComment
    from newsdesk.site.configuration import SiteConfiguration
    from newsdesk.site.values import Announcement


class PublishedReader(Protocol):
    def get(self, article_id: str) -> Article | None: ...
    def latest(
        self, limit: int, scope: Scope | None = None, *, known: Mapping[str, Article] | None = None
    ) -> list[Article]:
        """The newest `limit` live articles (of `scope`); `known` articles, by id, need not be read
        again."""
        ...

    def between(
        self, start: dt.datetime, end: dt.datetime, scope: Scope | None = None, limit: int | None = None
    ) -> list[Article]: ...
    def months(self, tz: dt.tzinfo, scope: Scope | None = None) -> list[tuple[int, int]]: ...
    def recent_corrections(self, limit: int) -> list[CorrectionEntry]: ...
    def scope_names(self, kind: str, limit: int) -> list[tuple[str, str]]:
        """(slug, name) of up to `limit` scopes of `kind` with live articles, in slug order."""
        ...


class AuthorDirectory(Protocol):
    """The author profiles editors keep, by the slug of the author's page."""

    def get(self, slug: str) -> AuthorProfile | None: ...


class LiveArticles(Protocol):
    def live(self) -> Iterator[LiveArticle]: ...


class ObjectWriter(Protocol):
    def put_if_changed(self, obj: SiteObject) -> bool: ...
    def put(self, obj: SiteObject) -> None: ...
    def delete(self, key: str) -> bool: ...


class DigestLedger(Protocol):
    """The content hash of each object the bucket holds, as the last writer recorded it (by object key)."""

    def get_many(self, keys: list[str]) -> dict[str, str]: ...
    def record(self, digests: Mapping[str, str | None]) -> None: ...


class Invalidator(Protocol):
    def invalidate(self, paths: Iterable[str]) -> str | None: ...


class ReceiptWriter(Protocol):
    def get(self, article_id: str) -> RenderReceipt | None: ...
    def record(self, receipt: RenderReceipt) -> bool: ...


class CommentSource(Protocol):
    """What an article page shows besides the article (its comments and their form)."""

    def extra_for(self, article: Article) -> dict[str, object]: ...


class CommentReader(Protocol):
    def get(self, comment_id: str) -> Comment | None: ...
    def approved_for_article(self, article_id: str) -> list[PublicComment]: ...


class RebuildLedger(Protocol):
    """How many chunks a rebuild has and which are done (a redelivered chunk counts once)."""

    def create(self, rebuild_id: str, total: int, now: dt.datetime) -> None: ...
    def complete_chunk(self, rebuild_id: str, number: int) -> RebuildStatus: ...
    def mark_finished(self, rebuild_id: str, now: dt.datetime) -> bool: ...
    def status(self, rebuild_id: str) -> RebuildStatus | None: ...


class ChunkQueue(Protocol):
    def send_chunks(self, chunks: list[Chunk]) -> None: ...


class AnnouncementQueue(Protocol):
    """Where the renderer leaves one batch's announcement for the announcer (newsdesk.site.discovery)."""

    def send_announcement(self, announcement: Announcement) -> None: ...


class IndexNow(Protocol):
    """An IndexNow endpoint: told which URLs of one site (`origin`, scheme://host) changed, proving the
    site's ownership with the key file at the origin's root (https://www.indexnow.org/documentation)."""

    def submit(self, origin: str, urls: list[str]) -> None: ...


class Hub(Protocol):
    """A WebSub hub: told which topics (feeds) have new content (W3C WebSub, 'publish' notification)."""

    def publish(self, topics: list[str]) -> None: ...


class ConfigurationStore(Protocol):
    """The site's configuration, one stored item. `save` writes it only if the stored version is
    `expected_version` (0: nothing is stored yet), else raises ConfigurationChanged."""

    def get(self) -> SiteConfiguration | None: ...
    def save(self, configuration: SiteConfiguration, *, expected_version: int) -> None: ...
