"""Comments as stored (everything a moderator may see) and as the public sees them (no email, no IP).

`PublicComment` has no field for the sender's email or IP address at all, not even an optional one, so
no template or serializer given one can leak them. Mapping from the stored comment is explicit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from newsdesk.articles.types import ArticleId, Timestamp
from newsdesk.comments.fields import BODY_MAX, NAME_MAX, WEBSITE_MAX, is_web_url

CommentId = Annotated[str, StringConstraints(pattern=r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]


def _web_url(value: str | None) -> str | None:
    if value is not None and not is_web_url(value):
        raise ValueError("must be an http or https URL")
    return value


WebUrl = Annotated[str | None, AfterValidator(_web_url)]


class CommentStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    SPAM = "spam"
    REJECTED = "rejected"


class Comment(BaseModel):
    """A stored comment. The sender's email and IP address are only here as KMS ciphertexts (and as
    keyed hashes, which identify a sender without revealing the address).

    A spam or rejected comment keeps them until `personal_data_expires_at`; then they are removed
    (newsdesk.comments.retention) and the four fields are None, the text and its status kept."""

    model_config = ConfigDict(frozen=True)

    id: CommentId
    article_id: ArticleId
    name: str = Field(min_length=1, max_length=NAME_MAX)
    website: WebUrl = Field(default=None, max_length=WEBSITE_MAX)
    body: str = Field(min_length=1, max_length=BODY_MAX)
    status: CommentStatus
    reason: str | None = Field(default=None, description="Why the rules held it or marked it spam.")
    created_at: Timestamp
    version: int = Field(ge=1)
    email_ciphertext: bytes | None
    ip_ciphertext: bytes | None
    email_hash: str | None
    ip_hash: str | None
    body_hash: str
    user_agent: str | None = None
    via_form: bool = Field(default=False, description="Sent through the site's form with a valid token.")
    moderated_by: str | None = None
    moderated_at: Timestamp | None = None
    personal_data_expires_at: Timestamp | None = Field(
        default=None, description="When the sender's email and IP are removed (spam and rejected only)."
    )
    personal_data_removed_at: Timestamp | None = None

    @property
    def is_public(self) -> bool:
        return self.status is CommentStatus.APPROVED

    @property
    def personal_data_removed(self) -> bool:
        return self.personal_data_removed_at is not None


class PublicComment(BaseModel):
    """What readers see of an approved comment. There is deliberately no email or IP field."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: CommentId
    article_id: ArticleId
    name: str
    website: WebUrl = None
    body: str
    created_at: Timestamp


@dataclass(frozen=True)
class CommentPage:
    """One page of a moderation queue, and the opaque cursor of the next page (None on the last)."""

    items: list[Comment]
    next_cursor: str | None


def public_view(comment: Comment) -> PublicComment:
    return PublicComment(
        id=comment.id,
        article_id=comment.article_id,
        name=comment.name,
        website=comment.website,
        body=comment.body,
        created_at=comment.created_at,
    )


def utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)
