"""What the site is made of and what changes it: objects of the site bucket, pages to render, the chunks
of a full rebuild and their progress, and the changes the table's stream reports. No I/O here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsdesk.articles.models import Article, Correction, Scope, ScopeKind

if TYPE_CHECKING:
    from newsdesk.site.configuration import SiteConfiguration


@dataclass(frozen=True)
class SiteObject:
    """One object of the site bucket, as bytes plus the headers it is served with."""

    key: str
    body: bytes
    content_type: str
    cache_control: str
    digest: str = field(init=False)

    def __post_init__(self) -> None:
        h = hashlib.sha256(self.body)
        h.update(b"\0" + self.content_type.encode() + b"\0" + self.cache_control.encode())
        object.__setattr__(self, "digest", h.hexdigest())

    @property
    def path(self) -> str:
        return key_to_path(self.key)


def key_to_path(key: str) -> str:
    """The URL readers use for an object key (``a/b/index.html`` → ``/a/b/``)."""
    if key == "index.html":
        return "/"
    if key.endswith("/index.html"):
        return "/" + key[: -len("index.html")]
    return "/" + key


def page_key(path: str) -> str:
    """The object key for a public path (``/a/b/`` → ``a/b/index.html``)."""
    clean = path.lstrip("/")
    return clean + "index.html" if clean.endswith("/") or not clean else clean


@dataclass(frozen=True, order=True)
class Page:
    """A listing page to (re)render: `kind` plus its parameters. The pages of a scope (a tag, a
    section, an author) are kinds `{scope}`, `{scope}_feed` and `{scope}_month`, with the scope's slug."""

    kind: str
    slug: str = ""
    year: int = 0
    month: int = 0

    @property
    def scope(self) -> Scope | None:
        """The scope this page lists, if it lists one."""
        head = self.kind.split("_", 1)[0]
        return Scope(ScopeKind(head), self.slug) if head in SCOPE_KINDS and self.slug else None

    @property
    def variant(self) -> str:
        """For a scope's page: "" (its latest), "feed" or "month"."""
        return self.kind.partition("_")[2]


SCOPE_KINDS = frozenset(kind.value for kind in ScopeKind)


def scope_pages(scope: Scope, year: int, month: int) -> set[Page]:
    """The pages of `scope` that may list an article it has, published in that month."""
    kind = scope.kind.value
    return {
        Page(kind, scope.slug),
        Page(f"{kind}_feed", scope.slug),
        Page(f"{kind}_month", scope.slug, year, month),
    }


HOME = Page("home")
TAG_INDEX = Page("tag_index")
ARCHIVE_INDEX = Page("archive_index")
FEED = Page("feed")
SITEMAP_INDEX = Page("sitemap_index")
NEWS_SITEMAP = Page("news_sitemap")
CORRECTIONS = Page("corrections")
CORRECTIONS_FEED = Page("corrections_feed")


@dataclass(frozen=True)
class CorrectionEntry:
    """One correction as the /corrections/ page lists it: the correction and its (live) article."""

    article: Article
    correction: Correction


# ----- changes, as the table's stream reports them ---------------------------------------------------


@dataclass(frozen=True)
class ArticleChange:
    """An article item changed; `before` is the article as it was (None if it is new)."""

    article_id: str
    before: Article | None


@dataclass(frozen=True)
class SiteChange:
    """The site's configuration changed: as it was and as it is (None: nothing stored, the deployment's
    defaults)."""

    before: SiteConfiguration | None
    after: SiteConfiguration | None


@dataclass(frozen=True)
class CommentChange:
    """A comment item changed; its article and whether readers saw it, as the old image says."""

    comment_id: str
    article_id: str | None
    was_public: bool


@dataclass(frozen=True)
class StreamRange:
    """Records of one shard of the table's stream, first to last sequence number (both included): what
    a failure record of the renderer's event source names (never the records themselves)."""

    stream_arn: str
    shard_id: str
    first: str
    last: str


# ----- full rebuilds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveArticle:
    """What planning a rebuild needs of a live article."""

    id: str
    published_at: dt.datetime
    scopes: tuple[Scope, ...]  # its tags, section and authors


@dataclass(frozen=True)
class Chunk:
    """One message of a full rebuild: some article pages or some listing pages to render."""

    rebuild_id: str
    number: int
    articles: tuple[str, ...] = ()
    pages: tuple[Page, ...] = ()

    def to_message(self) -> str:
        return json.dumps(
            {
                "rebuild_id": self.rebuild_id,
                "chunk": self.number,
                "articles": list(self.articles),
                "pages": [[p.kind, p.slug, p.year, p.month] for p in self.pages],
            },
            separators=(",", ":"),
        )

    @classmethod
    def from_message(cls, body: str) -> Chunk:
        data = json.loads(body)
        return cls(
            rebuild_id=str(data["rebuild_id"]),
            number=int(data["chunk"]),
            articles=tuple(str(i) for i in data.get("articles", [])),
            pages=tuple(Page(str(k), str(t), int(y), int(m)) for k, t, y, m in data.get("pages", [])),
        )


@dataclass(frozen=True)
class RebuildStatus:
    rebuild_id: str
    total: int
    done: int
    started_at: dt.datetime
    finished_at: dt.datetime | None

    @property
    def complete(self) -> bool:
        return self.finished_at is not None
