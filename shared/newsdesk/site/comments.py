"""Approved comments on the article page: the renderer's CommentSource (newsdesk.site.ports).

`extra_for(article)` gives the article page's template its `comments`: the approved comments oldest first
(public fields only: the model has no email or IP), their count, whether comments are open and until
when, and the form's action and token. Comments come from the per-article index, then a strongly
consistent read; a comment that just changed is laid over that (the index may not show the change yet),
so one approval renders the page with the comment on it.

The form's token is issued at the article's publication time, not at render time: the page's bytes then
stay the same from one render to the next (no upload, no invalidation for nothing), and the page's
script fetches a fresh token, which is what makes the minimum fill time count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from newsdesk.articles.models import Article
from newsdesk.clock import utc_now
from newsdesk.comments import fields
from newsdesk.comments.models import Comment, PublicComment, public_view
from newsdesk.comments.rules import closes_at
from newsdesk.comments.tokens import Mac, make_token
from newsdesk.site import pages
from newsdesk.site.ports import CommentReader


def comments_close_at(article: Article, open_days: int) -> dt.datetime | None:
    if article.published_at is None:
        return None
    return closes_at(article.published_at, open_days)


def comments_open(article: Article, open_days: int, now: dt.datetime) -> bool:
    closes = comments_close_at(article, open_days)
    return article.is_live and open_days > 0 and closes is not None and now < closes


def _when(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {local:%B %Y, %H:%M %Z}"


def _count_text(count: int) -> str:
    if count == 0:
        return "No comments yet"
    return "1 comment" if count == 1 else f"{count:,} comments"


def comments_view(
    article: Article,
    approved: list[PublicComment],
    *,
    tz: ZoneInfo,
    open_days: int,
    now: dt.datetime,
    token: str | None,
) -> dict[str, Any]:
    """What _comments.html shows. Built from PublicComment only."""
    closes = comments_close_at(article, open_days) or now
    return {
        "count": len(approved),
        "count_text": _count_text(len(approved)),
        "entries": [
            {
                "id": c.id,
                "name": c.name,
                "website": c.website,
                "body": c.body,
                "created_iso": c.created_at.astimezone(tz).isoformat(timespec="seconds"),
                "created_text": _when(c.created_at, tz),
            }
            for c in approved
        ],
        "open": comments_open(article, open_days, now),
        "closes_iso": closes.astimezone(tz).isoformat(timespec="seconds"),
        "closes_text": _when(closes, tz),
        "action": f"/api/articles/{article.id}/comments",
        "token_url": f"/api/articles/{article.id}/comment-token",
        "token": token,
        "script_path": "/" + pages.comments_script_key(),
        "honeypot": fields.HONEYPOT,
        "pending_anchor": fields.PENDING_ANCHOR,
        "limits": {
            "name": fields.NAME_MAX,
            "email": fields.EMAIL_MAX,
            "website": fields.WEBSITE_MAX,
            "body": fields.BODY_MAX,
        },
    }


@dataclass
class PublicComments:
    """The renderer's CommentSource, for one batch."""

    store: CommentReader
    tz: ZoneInfo
    open_days: int = 14
    signer: Mac | None = None
    clock: Callable[[], dt.datetime] = utc_now
    # comment id -> (article id, the comment as readers may now see it, or None if they may not)
    changed: dict[str, tuple[str, PublicComment | None]] = field(default_factory=dict)
    _tokens: dict[tuple[str, int], str] = field(default_factory=dict)

    def refresh(self, comment_id: str, article_id: str | None = None) -> Comment | None:
        """Read one comment as it is now and lay it over what the index says from here on."""
        comment = self.store.get(comment_id)
        owner = comment.article_id if comment is not None else article_id
        if owner is not None:
            self.changed[comment_id] = (
                owner,
                public_view(comment) if comment and comment.is_public else None,
            )
        return comment

    def approved(self, article_id: str) -> list[PublicComment]:
        """The article's approved comments, oldest first."""
        found = {c.id: c for c in self.store.approved_for_article(article_id) if c.id not in self.changed}
        for comment_id, (owner, comment) in self.changed.items():
            if owner == article_id and comment is not None:
                found[comment_id] = comment
        return sorted(found.values(), key=lambda c: (c.created_at, c.id))

    def token_for(self, article: Article) -> str | None:
        if self.signer is None or article.published_at is None:
            return None
        issued = int(article.published_at.timestamp())
        key = (article.id, issued)
        if key not in self._tokens:
            self._tokens[key] = make_token(self.signer, article.id, issued)
        return self._tokens[key]

    def extra_for(self, article: Article) -> dict[str, object]:
        now = self.clock()
        is_open = comments_open(article, self.open_days, now)
        view = comments_view(
            article,
            self.approved(article.id),
            tz=self.tz,
            open_days=self.open_days,
            now=now,
            token=self.token_for(article) if is_open else None,
        )
        return {"comments": view}
