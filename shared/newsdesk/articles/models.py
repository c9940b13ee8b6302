"""The article as the newsroom thinks of it, the rules that change it, and what the renderer last did for
it (its render receipt). No I/O here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from newsdesk.articles.errors import Embargoed, InvalidArticle, InvalidTransition
from newsdesk.articles.slugs import slugify
from newsdesk.articles.types import (
    MAX_CORRECTIONS,
    AccountEmail,
    AccountId,
    AltText,
    ArticleId,
    Bio,
    Body,
    Caption,
    CorrectionText,
    Headline,
    HttpUrlText,
    ImageUrl,
    PersonName,
    ShortText,
    Slug,
    Summary,
    TagName,
    Timestamp,
    Version,
)
from newsdesk.media.models import MediaId, Rendition


class ArticleStatus(StrEnum):
    DRAFT = "draft"
    REVIEW = "review"  # submitted by its writer, waiting for an editor (not public)
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"


class Tag(BaseModel):
    """A tag as shown to readers, with the stable slug its page lives under."""

    model_config = ConfigDict(frozen=True)

    name: TagName
    slug: Slug

    @classmethod
    def from_name(cls, name: str) -> Tag:
        slug = slugify(name, max_length=60)
        if not slug:
            raise InvalidArticle("tags", f"The tag {name!r} has no letters or digits to build a URL from.")
        return cls(name=name.strip(), slug=slug)


class ScopeKind(StrEnum):
    """What a public listing of articles is scoped by."""

    TAG = "tag"
    SECTION = "section"
    AUTHOR = "author"


@dataclass(frozen=True, order=True)
class Scope:
    """A listing's scope: the articles with one tag, in one section, or by one author (by its slug).
    A live article is a member of each scope it names (Article.scopes)."""

    kind: ScopeKind
    slug: str

    @classmethod
    def tag(cls, slug: str) -> Scope:
        return cls(ScopeKind.TAG, slug)

    @classmethod
    def section(cls, slug: str) -> Scope:
        return cls(ScopeKind.SECTION, slug)

    @classmethod
    def author(cls, slug: str) -> Scope:
        return cls(ScopeKind.AUTHOR, slug)


def name_slug(name: str) -> str:
    """The slug of a section's or an author's page, from the name articles give (empty if it has no
    letters or digits)."""
    return slugify(name, max_length=60)


def scopes_of(tag_slugs: list[str], section: str | None, authors: list[str]) -> tuple[Scope, ...]:
    """The listing scopes of an article with these tags (slugs), section and authors (names)."""
    found = [Scope.tag(slug) for slug in tag_slugs]
    if section and (section_slug := name_slug(section)):
        found.append(Scope.section(section_slug))
    found += [Scope.author(slug) for name in authors if (slug := name_slug(name))]
    return tuple(dict.fromkeys(found))


class Image(BaseModel):
    """An article's image: a URL an editor gave, or an uploaded media item (newsdesk.media), whose
    renditions are kept here so that a page needs no other read. `url` is then the path of its default
    rendition on the site (/media/{id}/...)."""

    model_config = ConfigDict(frozen=True)

    url: ImageUrl
    alt: AltText
    caption: Caption | None = None
    credit: ShortText | None = None
    media_id: MediaId | None = None
    width: int | None = Field(default=None, ge=1)
    height: int | None = Field(default=None, ge=1)
    renditions: list[Rendition] = Field(default_factory=list)


class CorrectionType(StrEnum):
    CORRECTION = "correction"
    CLARIFICATION = "clarification"
    EDITORS_NOTE = "editors_note"

    @property
    def label(self) -> str:
        return {
            "correction": "Correction",
            "clarification": "Clarification",
            "editors_note": "Editor's note",
        }[self.value]


class Correction(BaseModel):
    """A correction, clarification or editor's note appended to a published article, in plain text."""

    model_config = ConfigDict(frozen=True)

    type: CorrectionType
    text: CorrectionText
    issued_at: Timestamp


class Owner(BaseModel):
    """Who created an article: the Cognito subject of their verified token, and their email for display
    if the token had one. Staff only: never shown to readers."""

    model_config = ConfigDict(frozen=True)

    sub: AccountId
    email: AccountEmail | None = None


class RenderedBody(BaseModel):
    """An article body as sanitised HTML, made once when its version was saved.

    `digest` names the body text and the rules it was made with (newsdesk.site.markdown.body_digest): the
    renderer uses `html` only while the digest still matches, so a changed body, or changed rules, is never
    shown from a stale copy.
    """

    model_config = ConfigDict(frozen=True)

    digest: str
    html: str


class Article(BaseModel):
    """An article in any state. `url` is fixed by the first publish and never changes afterwards.

    `corrections` are appended (never edited or removed); `revised_at` is when the headline or the body
    last changed or a correction was issued: what readers are told as "Updated".
    """

    model_config = ConfigDict(frozen=True)

    id: ArticleId
    slug: Slug
    headline: Headline
    summary: Summary = ""
    body: Body
    authors: list[PersonName] = Field(default_factory=list)
    source: ShortText | None = None
    dateline: ShortText | None = None
    section: ShortText | None = None
    tags: list[Tag] = Field(default_factory=list)
    image: Image | None = None
    status: ArticleStatus
    created_at: Timestamp
    updated_at: Timestamp
    published_at: Timestamp | None = None
    version: Version
    url: str | None = None
    # When a scheduled publish, the end of an embargo and an expiry (wire copy) fall. See
    # newsdesk.articles.scheduling.
    publish_at: Timestamp | None = None
    embargo_until: Timestamp | None = None
    expire_at: Timestamp | None = None
    corrections: list[Correction] = Field(default_factory=list, max_length=MAX_CORRECTIONS)
    revised_at: Timestamp | None = None
    # Who created it (None for articles stored before ownership was recorded: owned by nobody).
    created_by: Owner | None = None
    # The body as sanitised HTML, stored with the version (see RenderedBody); never shown to editors.
    rendered_body: RenderedBody | None = Field(default=None, repr=False)

    @property
    def is_live(self) -> bool:
        return self.status is ArticleStatus.PUBLISHED

    @property
    def slug_frozen(self) -> bool:
        return self.url is not None

    @property
    def section_slug(self) -> str | None:
        return (name_slug(self.section) or None) if self.section else None

    @property
    def scopes(self) -> tuple[Scope, ...]:
        """Every listing scope the article belongs to: its tags, its section and each of its authors."""
        return scopes_of([t.slug for t in self.tags], self.section, self.authors)

    def in_scope(self, scope: Scope) -> bool:
        return scope in self.scopes

    def scope_name(self, scope: Scope) -> str:
        """What the article calls one of its scopes: the tag's name, its section, the author's name."""
        if scope.kind is ScopeKind.TAG:
            names = [t.name for t in self.tags if t.slug == scope.slug]
        elif scope.kind is ScopeKind.SECTION:
            names = [self.section] if self.section and self.section_slug == scope.slug else []
        else:
            names = [name for name in self.authors if name_slug(name) == scope.slug]
        return names[0] if names else scope.slug


class AuthorKind(StrEnum):
    """Who a byline names: a person, or an organization (a news agency such as PTI, AP or Reuters)."""

    PERSON = "person"
    ORGANIZATION = "organization"


class AuthorProfile(BaseModel):
    """What editors keep about a byline: its page is /authors/{slug}/ (the slug of the name bylines
    give), whether a profile exists or not. `bio` is plain text."""

    model_config = ConfigDict(frozen=True)

    slug: Slug
    name: PersonName
    kind: AuthorKind = AuthorKind.PERSON
    bio: Bio = ""
    photo_url: HttpUrlText | None = None
    profile_url: HttpUrlText | None = None
    same_as: list[HttpUrlText] = Field(default_factory=list, max_length=10)
    version: Version = 1
    updated_at: Timestamp | None = None


@dataclass(frozen=True)
class ArticlePage:
    """One page of a listing, and the opaque cursor of the next page (None on the last)."""

    items: list[Article]
    next_cursor: str | None


def dedupe_tags(names: list[str]) -> list[Tag]:
    """Tags in the order given, one per slug ("Climate" and "climate" are the same tag)."""
    seen: dict[str, Tag] = {}
    for name in names:
        tag = Tag.from_name(name)
        seen.setdefault(tag.slug, tag)
    return list(seen.values())


def headline_slug(headline: str) -> str:
    slug = slugify(headline)
    if not slug:
        raise InvalidArticle(
            "slug",
            "The headline has no Latin letters or digits to build a slug from; give a slug explicitly.",
        )
    return slug


def public_path(slug: str, first_published: dt.datetime, site_tz: ZoneInfo) -> str:
    """The permanent URL path of a published article: /{yyyy}/{mm}/{dd}/{slug}/ in the site's time zone."""
    local = first_published.astimezone(site_tz)
    return f"/{local:%Y}/{local:%m}/{local:%d}/{slug}/"


def publish(article: Article, now: dt.datetime, site_tz: ZoneInfo) -> Article:
    if article.status is ArticleStatus.PUBLISHED:
        raise InvalidTransition(f"Article {article.id!r} is already published.")
    if article.embargo_until is not None and now < article.embargo_until:
        raise Embargoed(article.id, article.embargo_until)
    published_at = article.published_at or now
    url = article.url or public_path(article.slug, published_at, site_tz)
    return article.model_copy(
        update={
            "status": ArticleStatus.PUBLISHED,
            "published_at": published_at,
            "url": url,
            "updated_at": now,
            "version": article.version + 1,
            "publish_at": None,
        }
    )


def unpublish(article: Article, now: dt.datetime) -> Article:
    if article.status is not ArticleStatus.PUBLISHED:
        raise InvalidTransition(f"Article {article.id!r} is not published (it is {article.status.value}).")
    return article.model_copy(
        update={"status": ArticleStatus.UNPUBLISHED, "updated_at": now, "version": article.version + 1}
    )


MATERIAL_FIELDS = frozenset({"headline", "body"})


def material_change(article: Article, update: dict[str, object]) -> bool:
    """Whether an update changes what readers would call the story (its headline or body)."""
    return any(name in update and update[name] != getattr(article, name) for name in MATERIAL_FIELDS)


def ensure_deletable(article: Article) -> None:
    if article.status is ArticleStatus.PUBLISHED:
        raise InvalidTransition(f"Article {article.id!r} is published; unpublish it before deleting it.")


class RenderState(StrEnum):
    LIVE = "live"
    REMOVED = "removed"
    FAILED = "failed"


class RenderReceipt(BaseModel):
    """What the renderer last did for an article: which version it rendered and which paths changed."""

    model_config = ConfigDict(frozen=True)

    article_id: ArticleId
    version: Version
    state: RenderState
    rendered_at: Timestamp
    paths: list[str] = Field(default_factory=list)
    error: str | None = None
    # Of `paths`, those the CDN was told to drop (readers see them at once); the others reach readers
    # when the CDN's copy expires, at most `live_within` seconds after `rendered_at`.
    invalidated: list[str] = Field(default_factory=list)
    live_within: int = 0


# ----- revisions -----------------------------------------------------------------------------------


class Revision(BaseModel):
    """One saved version of an article (body, headline and metadata), as it was when saved."""

    model_config = ConfigDict(frozen=True)

    article: Article
    saved_at: Timestamp

    @property
    def version(self) -> int:
        return self.article.version


@dataclass(frozen=True)
class RevisionPage:
    """One page of an article's revisions, newest first, and the next page's cursor (None on the last)."""

    items: list[Revision]
    next_cursor: str | None


@dataclass(frozen=True)
class RevisionRetention:
    """How long saved versions are kept: the newest `keep` versions, and (if `days` is set) none older than
    `days` days. The current version is always the article itself, whatever the retention."""

    keep: int = 100
    days: int | None = None

    def __post_init__(self) -> None:
        if self.keep < 1 or (self.days is not None and self.days < 1):
            raise ValueError("retention keeps at least one version, for at least one day")
