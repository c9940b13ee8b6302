"""Previews of an article in any state, and the signed, expiring share links that let someone without an
account read one. Standard library only, but for the article models.

A share link's token is `{article_id}.{version}.{expires}.{mac}`: `mac` is the base64url HMAC-SHA-256,
made by a key that never leaves its keeper (a dedicated KMS HMAC key: newsdesk.adapters.kms.KmsMac), of
`newsdesk-preview-link/v1|{article_id}|{version}|{expires}`. The prefix separates these messages from
anything else a MAC key could be asked to sign. The token binds

* the article (a token whose id was swapped for another article's does not verify),
* its version: any change to the article (an edit, a publish, a restore) makes a new version, and every
  link to an earlier one stops working (revoked by editing, as an editor expects),
* its expiry, in seconds since the epoch (at most MAX_EXPIRES_IN after it was issued).

A token that is not one of ours (garbled, forged, for an article that has since been deleted) is simply
not found: the answer never says whether an article exists. One that is ours but expired, or for an
earlier version, is gone (and says so, so the reader knows to ask for a new link).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol
from zoneinfo import ZoneInfo

from newsdesk.articles.errors import ArticleNotFound, PreviewLinkGone, PreviewLinkNotFound
from newsdesk.articles.models import Article, public_path
from newsdesk.articles.ports import ArticleRepository
from newsdesk.clock import Clock, utc_now

DEFAULT_EXPIRES_IN: Final = 2 * 86400
MIN_EXPIRES_IN: Final = 60
MAX_EXPIRES_IN: Final = 14 * 86400
PREVIEW_PATH: Final = "/api/preview/"

_DOMAIN: Final = "newsdesk-preview-link/v1"
_MAC_BYTES: Final = 32
# article id (ULID) . version . expiry (epoch seconds) . HMAC-SHA-256 in unpadded base64url (43 chars)
_TOKEN: Final = re.compile(
    r"^([0-9A-HJKMNP-TV-Z]{26})\.([1-9][0-9]{0,8})\.([1-9][0-9]{0,11})\.([A-Za-z0-9_-]{43})$"
)
MAX_TOKEN_LENGTH: Final = 26 + 1 + 9 + 1 + 12 + 1 + 43


class LinkSigner(Protocol):
    """HMAC-SHA-256 with a key that never leaves its keeper (newsdesk.adapters.kms.KmsMac)."""

    def generate(self, message: bytes) -> bytes: ...
    def verify(self, message: bytes, mac: bytes) -> bool: ...


@dataclass(frozen=True)
class PreviewLink:
    token: str
    article_id: str
    version: int
    expires_at: dt.datetime

    @property
    def path(self) -> str:
        return PREVIEW_PATH + self.token


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _message(article_id: str, version: int, expires: int) -> bytes:
    return f"{_DOMAIN}|{article_id}|{version}|{expires}".encode("ascii")


def issue_link(
    repo: ArticleRepository,
    signer: LinkSigner,
    article_id: str,
    *,
    expires_in: int = DEFAULT_EXPIRES_IN,
    clock: Clock = utc_now,
    guard: Callable[[Article], None] | None = None,
) -> PreviewLink:
    """A share link to the article's current version, valid for `expires_in` seconds from now; `guard`
    sees the article first and may refuse (who may share it)."""
    if not MIN_EXPIRES_IN <= expires_in <= MAX_EXPIRES_IN:
        raise ValueError(f"expires_in must be between {MIN_EXPIRES_IN} and {MAX_EXPIRES_IN} seconds")
    article = repo.get(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    if guard is not None:
        guard(article)
    expires = int(clock().timestamp()) + expires_in
    mac = signer.generate(_message(article.id, article.version, expires))
    token = f"{article.id}.{article.version}.{expires}.{_b64url(mac)}"
    return PreviewLink(token, article.id, article.version, dt.datetime.fromtimestamp(expires, dt.UTC))


def open_link(repo: ArticleRepository, signer: LinkSigner, token: str, *, clock: Clock = utc_now) -> Article:
    """The article a share link shows: PreviewLinkNotFound unless the token is ours (checked before any
    storage is read), PreviewLinkGone when it has expired or the article has changed since."""
    # Checked in this order: shape and size (no call to the key's keeper for garbage), the MAC (nothing
    # more is said about a token that is not ours), the expiry, then the article.
    match = _TOKEN.match(token) if len(token) <= MAX_TOKEN_LENGTH else None
    if match is None:
        raise PreviewLinkNotFound
    article_id, version, expires = match.group(1), int(match.group(2)), int(match.group(3))
    try:
        mac = base64.urlsafe_b64decode(match.group(4) + "=")
    except (binascii.Error, ValueError):
        raise PreviewLinkNotFound from None
    # One spelling per MAC: the last character's unused bits must be zero.
    if _b64url(mac) != match.group(4) or len(mac) != _MAC_BYTES:
        raise PreviewLinkNotFound
    if not signer.verify(_message(article_id, version, expires), mac):
        raise PreviewLinkNotFound
    if clock().timestamp() >= expires:
        raise PreviewLinkGone("expired", "This preview link has expired; ask the newsroom for a new link.")
    article = repo.get(article_id)
    if article is None:
        raise PreviewLinkNotFound
    if article.version != version:
        raise PreviewLinkGone(
            "revoked",
            "This preview link was for an earlier version of the article; ask for a new link.",
        )
    return article


def as_published(article: Article, now: dt.datetime, site_tz: ZoneInfo) -> Article:
    """The article as the renderer would publish it now: its first publication time (or its scheduled
    time, or now) and its permanent URL (or the one a publish now would give it). Nothing is saved."""
    published_at = article.published_at or article.publish_at or now
    url = article.url or public_path(article.slug, published_at, site_tz)
    return article.model_copy(update={"published_at": published_at, "url": url})
