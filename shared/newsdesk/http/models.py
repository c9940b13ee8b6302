"""Request and response models of the editor API, and their mapping from the domain."""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from newsdesk.articles.models import Article, ArticleStatus, CorrectionType, RenderReceipt, RenderState
from newsdesk.articles.types import (
    MAX_AUTHORS,
    MAX_TAGS,
    AltText,
    Body,
    Caption,
    Headline,
    HttpUrlText,
    PersonName,
    ShortText,
    Slug,
    Summary,
    TagName,
)
from newsdesk.media.models import MAX_UPLOAD_BYTES, MediaId, MediaItem, MediaStatus

RenderStateName = Literal["not_public", "pending", "live", "removed", "failed"]


class ImageIn(BaseModel):
    """An image by its URL (`url` and `alt`), or an uploaded image that is ready (`media`: its id; its own
    alt text and caption unless given here)."""

    model_config = ConfigDict(extra="forbid")

    url: HttpUrlText | None = Field(default=None, description="Absolute http(s) URL of the image.")
    media: MediaId | None = Field(default=None, description="An uploaded image's id (POST /api/media).")
    alt: AltText | None = Field(
        default=None, description="Text alternative, required for accessibility (for `media`: its own)."
    )
    caption: Caption | None = None
    width: int | None = Field(
        default=None, ge=1, le=20_000, description="An image by url: its width in pixels (with `height`)."
    )
    height: int | None = Field(
        default=None, ge=1, le=20_000, description="An image by url: its height in pixels (with `width`)."
    )

    @model_validator(mode="after")
    def _url_or_media(self) -> Self:
        if (self.url is None) == (self.media is None):
            raise ValueError("give the image's url, or the id of an uploaded image as media (one of them)")
        if self.url is not None and self.alt is None:
            raise ValueError("an image given by its url needs alt text")
        # Its size lets pages reserve the image's space before it loads (no layout shift); an uploaded
        # image knows its own.
        if (self.width is None) != (self.height is None):
            raise ValueError("give an image's width and height together")
        if self.media is not None and self.width is not None:
            raise ValueError("an uploaded image has its own size; give width and height only with a url")
        return self


class MediaUploadIn(BaseModel):
    """An image to upload: its type and size fix the presigned upload; alt text is required."""

    model_config = ConfigDict(extra="forbid")

    content_type: Literal["image/jpeg", "image/png", "image/webp"] = Field(description="The file's type.")
    size: int = Field(ge=1, le=MAX_UPLOAD_BYTES, description="The file's size in bytes.")
    alt: AltText = Field(description="Text alternative, required for accessibility.")
    caption: Caption | None = None
    credit: ShortText | None = Field(default=None, description="Who made the image, e.g. a photographer.")
    filename: ShortText | None = Field(default=None, description="The file's name, for editors.")


class UploadOut(BaseModel):
    url: str = Field(description="Where to POST the form.")
    fields: dict[str, str] = Field(description="Form fields to send before the file (named `file`).")


class MediaCreated(BaseModel):
    id: str
    status: Literal["processing"]
    upload: UploadOut
    expires_at: dt.datetime = Field(description="The upload is refused after this.")


class RenditionOut(BaseModel):
    url: str = Field(description="Path on the site, under /media/.")
    width: int
    height: int
    format: Literal["webp", "jpeg"]
    ratio: Literal["16x9", "4x3", "1x1"] | None = Field(
        default=None, description="The crop's aspect ratio; null for a width for `srcset`."
    )


class MediaOut(BaseModel):
    id: str
    status: MediaStatus
    content_type: str
    size: int
    alt: str
    caption: str | None = None
    credit: str | None = None
    filename: str | None = None
    created_at: dt.datetime
    updated_at: dt.datetime
    width: int | None = None
    height: int | None = None
    renditions: list[RenditionOut] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="What could not be made, and why.")
    reason: str | None = Field(default=None, description="Why processing failed.")


class ArticleCreate(BaseModel):
    """A new draft. The slug is derived from the headline unless given."""

    model_config = ConfigDict(extra="forbid")

    headline: Headline
    body: Body = Field(description="Markdown, at most 100 KB.")
    slug: Slug | None = None
    summary: Summary = ""
    authors: list[PersonName] = Field(default_factory=list, max_length=MAX_AUTHORS)
    source: ShortText | None = Field(default=None, description="Wire agency credit, e.g. a news agency.")
    dateline: ShortText | None = Field(default=None, description="Where the story was filed from.")
    section: ShortText | None = None
    tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS, description="Display names.")
    image: ImageIn | None = None


class ArticlePatch(BaseModel):
    """A partial update: only the fields sent change; `null` clears an optional field."""

    model_config = ConfigDict(extra="forbid")

    headline: Headline | None = None
    body: Body | None = None
    slug: Slug | None = Field(
        default=None, description="Editable while the article has never been published."
    )
    summary: Summary | None = None
    authors: list[PersonName] | None = Field(default=None, max_length=MAX_AUTHORS)
    source: ShortText | None = None
    dateline: ShortText | None = None
    section: ShortText | None = None
    tags: list[TagName] | None = Field(default=None, max_length=MAX_TAGS)
    image: ImageIn | None = None
    embargo_until: AwareDatetime | None = Field(
        default=None,
        description="ISO 8601 with an offset: the article cannot be published (or scheduled) before it; "
        "null lifts the embargo.",
    )
    expire_at: AwareDatetime | None = Field(
        default=None,
        description="ISO 8601 with an offset: the published article comes down then (wire copy); "
        "null keeps it up.",
    )


class ScheduleIn(BaseModel):
    """When to publish, and perhaps when to take down again. Times are ISO 8601 with an offset."""

    model_config = ConfigDict(extra="forbid")

    publish_at: AwareDatetime = Field(description="In the future, and not before an embargo.")
    expire_at: AwareDatetime | None = Field(default=None, description="After publish_at.")


class TagOut(BaseModel):
    name: str
    slug: str


class ImageOut(BaseModel):
    url: str = Field(description="Absolute URL, or the path of an uploaded image's default rendition.")
    alt: str
    caption: str | None = None
    credit: str | None = None
    media_id: str | None = Field(default=None, description="The uploaded image it is, if it is one.")
    width: int | None = None
    height: int | None = None
    renditions: list[RenditionOut] = Field(default_factory=list)


class RenderOut(BaseModel):
    """What publishing did: whether the public pages show the current version yet."""

    state: RenderStateName = Field(
        description="not_public: never published; pending: the pages do not show this version yet; "
        "live / removed: the pages show it / no longer show it; "
        "failed: the last render failed and is being retried."
    )
    version: int | None = Field(default=None, description="Article version the pages were rendered from.")
    rendered_at: dt.datetime | None = None
    paths: list[str] = Field(default_factory=list, description="Public paths written or removed.")
    error: str | None = None
    invalidated: list[str] = Field(
        default_factory=list,
        description="Of `paths`, those the CDN was told to drop: readers see them as soon as the "
        "invalidation completes (a corrected or withdrawn article page; every edited one where the "
        "deployment invalidates edits).",
    )
    live_within: int = Field(
        default=0,
        description="Seconds after `rendered_at` by which every other path reaches readers, as the CDN's "
        "copies expire (listings and feeds: 60; an edited article page, or one re-rendered for comments: "
        "120).",
    )


class CorrectionOut(BaseModel):
    type: CorrectionType
    text: str
    issued_at: dt.datetime


class OwnerOut(BaseModel):
    sub: str = Field(description="The creator's Cognito subject.")
    email: str | None = Field(default=None, description="Their email, if their token had one.")


class ArticleOut(BaseModel):
    id: str
    slug: str
    headline: str
    summary: str
    body: str
    authors: list[str]
    source: str | None
    dateline: str | None
    section: str | None
    tags: list[TagOut]
    image: ImageOut | None
    status: ArticleStatus
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    version: int
    url: str | None = Field(description="Public path of the page; null until first published, then fixed.")
    publish_at: dt.datetime | None = Field(default=None, description="When a scheduled publish is due.")
    embargo_until: dt.datetime | None = Field(default=None, description="Not published before this.")
    expire_at: dt.datetime | None = Field(default=None, description="When it comes down again.")
    corrections: list[CorrectionOut] = Field(
        default_factory=list, description="Corrections, clarifications and editor's notes, oldest first."
    )
    revised_at: dt.datetime | None = Field(
        default=None, description="When the headline or body last changed or a correction was issued."
    )
    render: RenderOut | None = Field(
        default=None, description="Render receipt of the public pages (single-article reads only)."
    )
    created_by: OwnerOut | None = Field(
        default=None,
        description="Who created it; null for articles created before creators were recorded (only "
        "editors may change those).",
    )


class ArticleList(BaseModel):
    items: list[ArticleOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class Health(BaseModel):
    status: Literal["ok"]


def article_out(article: Article, render: RenderOut | None = None) -> ArticleOut:
    return ArticleOut(
        id=article.id,
        slug=article.slug,
        headline=article.headline,
        summary=article.summary,
        body=article.body,
        authors=list(article.authors),
        source=article.source,
        dateline=article.dateline,
        section=article.section,
        tags=[TagOut(name=t.name, slug=t.slug) for t in article.tags],
        image=ImageOut(**article.image.model_dump()) if article.image else None,
        status=article.status,
        created_at=article.created_at,
        updated_at=article.updated_at,
        published_at=article.published_at,
        version=article.version,
        url=article.url,
        publish_at=article.publish_at,
        embargo_until=article.embargo_until,
        expire_at=article.expire_at,
        corrections=[
            CorrectionOut(type=c.type, text=c.text, issued_at=c.issued_at) for c in article.corrections
        ],
        revised_at=article.revised_at,
        render=render,
        created_by=OwnerOut(sub=article.created_by.sub, email=article.created_by.email)
        if article.created_by
        else None,
    )


def render_out(article: Article, receipt: RenderReceipt | None) -> RenderOut:
    """The render state of the article's current version, from its last receipt."""
    state: RenderStateName
    if receipt is None:
        state = "pending" if article.url is not None else "not_public"
        return RenderOut(state=state)
    if receipt.version >= article.version or receipt.state is RenderState.FAILED:
        state = receipt.state.value
    else:
        state = "pending"
    return RenderOut(
        state=state,
        version=receipt.version,
        rendered_at=receipt.rendered_at,
        paths=receipt.paths,
        error=receipt.error,
        invalidated=receipt.invalidated,
        live_within=receipt.live_within,
    )


def media_out(item: MediaItem) -> MediaOut:
    return MediaOut.model_validate(item.model_dump(exclude={"created_by"}))
