"""Moderation: what an editor can do to a comment. Raises domain errors; the HTTP layer maps them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from newsdesk.comments.errors import CommentChanged, CommentNotFound
from newsdesk.comments.models import Comment, CommentPage, CommentStatus
from newsdesk.comments.ports import CommentStore
from newsdesk.comments.retention import DEFAULT_PERSONAL_DATA_DAYS, personal_data_due
from newsdesk.errors import DomainError

MAX_BULK = 100


def list_comments(
    store: CommentStore,
    *,
    status: CommentStatus,
    article_id: str | None,
    limit: int,
    cursor: str | None,
) -> CommentPage:
    """The moderation queue of one status (newest first), site-wide or for one article."""
    if article_id is not None:
        return store.list_for_article(article_id, limit, cursor, status)
    return store.list_by_status(status, limit, cursor)


def get_comment(store: CommentStore, comment_id: str) -> Comment:
    comment = store.get(comment_id)
    if comment is None:
        raise CommentNotFound(comment_id)
    return comment


def _moderated(
    comment: Comment, status: CommentStatus, moderator: str, now: dt.datetime, personal_data_days: int
) -> Comment:
    due = None
    if not comment.personal_data_removed:
        due = personal_data_due(status, comment.personal_data_expires_at, now=now, days=personal_data_days)
    return comment.model_copy(
        update={
            "status": status,
            "version": comment.version + 1,
            "moderated_by": moderator,
            "moderated_at": now,
            "personal_data_expires_at": due,
        }
    )


def set_status(
    store: CommentStore,
    comment_id: str,
    status: CommentStatus,
    *,
    moderator: str,
    now: dt.datetime,
    expected_version: int | None = None,
    personal_data_days: int = DEFAULT_PERSONAL_DATA_DAYS,
) -> Comment:
    """Approve, hold, reject or mark as spam. Setting the status a comment has already changes nothing.
    A comment marked spam or rejected keeps its sender's personal data `personal_data_days` days."""
    current = get_comment(store, comment_id)
    return _apply(
        store,
        current,
        status,
        moderator=moderator,
        now=now,
        expected_version=expected_version,
        personal_data_days=personal_data_days,
    )


def _apply(
    store: CommentStore,
    current: Comment,
    status: CommentStatus,
    *,
    moderator: str,
    now: dt.datetime,
    expected_version: int | None,
    personal_data_days: int,
) -> Comment:
    if expected_version is not None and current.version != expected_version:
        raise CommentChanged(current.id, expected_version)
    if current.status is status:
        return current
    updated = _moderated(current, status, moderator, now, personal_data_days)
    store.save(updated, current.version)
    return updated


def delete_comment(store: CommentStore, comment_id: str, *, expected_version: int | None = None) -> None:
    store.delete(comment_id, expected_version)


@dataclass(frozen=True)
class BulkOutcome:
    id: str
    comment: Comment | None
    error: DomainError | None


def set_status_many(
    store: CommentStore,
    ids: list[str],
    status: CommentStatus,
    *,
    moderator: str,
    now: dt.datetime,
    personal_data_days: int = DEFAULT_PERSONAL_DATA_DAYS,
) -> list[BulkOutcome]:
    """One status for a page of the queue (at most MAX_BULK ids), each id on its own: one failure does
    not stop the others. Read in one BatchGetItem, written one conditional Put each."""
    unique = list(dict.fromkeys(ids))[:MAX_BULK]
    found = {c.id: c for c in store.get_comments(unique)}
    outcomes: list[BulkOutcome] = []
    for comment_id in unique:
        current = found.get(comment_id)
        if current is None:
            outcomes.append(BulkOutcome(comment_id, None, CommentNotFound(comment_id)))
            continue
        try:
            updated = _apply(
                store,
                current,
                status,
                moderator=moderator,
                now=now,
                expected_version=None,
                personal_data_days=personal_data_days,
            )
        except DomainError as exc:
            outcomes.append(BulkOutcome(comment_id, None, exc))
            continue
        outcomes.append(BulkOutcome(comment_id, updated, None))
    return outcomes
