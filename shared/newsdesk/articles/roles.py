"""Who may do what to an article: the newsroom's two roles, and the review step between them.

Editors (the `editors` group) may do everything. Writers (the `writers` group) create drafts, read and list
articles, change their own articles while they are drafts or in review, submit their own drafts for
review, and read the revisions of their own articles. An article records its creator (`created_by`); one
stored before creators were recorded is owned by nobody, so only editors may change it. Which routes a
group may call at all is declared on the routes (newsdesk.http); the rules here are the ones that depend
on the article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection
from dataclasses import dataclass

from newsdesk.articles.errors import ArticleNotFound, InvalidTransition, NotPermitted, VersionConflict
from newsdesk.articles.models import Article, ArticleStatus, Owner
from newsdesk.articles.ports import ArticleRepository
from newsdesk.clock import Clock, utc_now

EDITORS = "editors"
WRITERS = "writers"
STAFF = (WRITERS, EDITORS)  # every route a writer may call, an editor may call too

# The states in which a writer may still change their own article.
WRITER_EDITABLE = frozenset({ArticleStatus.DRAFT, ArticleStatus.REVIEW})
# Fields only editors set: when an article may go live and when it comes down are publishing decisions.
EDITOR_FIELDS = frozenset({"embargo_until", "expire_at"})


@dataclass(frozen=True)
class Caller:
    """The signed-in person making a request: their Cognito subject, email (if their token has one) and
    groups, as the verified token says."""

    sub: str
    email: str | None
    groups: frozenset[str]

    @property
    def is_editor(self) -> bool:
        return EDITORS in self.groups

    def owns(self, article: Article) -> bool:
        return article.created_by is not None and article.created_by.sub == self.sub

    def as_owner(self) -> Owner:
        return Owner(sub=self.sub, email=self.email)


def ensure_may_change(caller: Caller, article: Article, fields: Collection[str]) -> None:
    """A writer changes only their own article, while it is a draft or in review, and not its embargo or
    expiry. Raises NotPermitted naming the editors group."""
    if caller.is_editor:
        return
    if not caller.owns(article):
        raise NotPermitted(
            f"Article {article.id!r} was created by someone else; only editors may change it.", EDITORS
        )
    if article.status not in WRITER_EDITABLE:
        raise NotPermitted(
            f"Article {article.id!r} is {article.status.value}; only editors may change it now "
            "(writers change their articles while they are drafts or in review).",
            EDITORS,
        )
    refused = sorted(EDITOR_FIELDS & set(fields))
    if refused:
        raise NotPermitted(f"Only editors may set {' or '.join(refused)}.", EDITORS)


def ensure_may_read_history(caller: Caller, article: Article) -> None:
    """A writer reads the revisions of their own articles only."""
    if not caller.is_editor and not caller.owns(article):
        raise NotPermitted(
            f"Article {article.id!r} was created by someone else; only editors may read its revisions.",
            EDITORS,
        )


def change_guard(caller: Caller, fields: Collection[str]) -> Callable[[Article], None]:
    """ensure_may_change as a check of the very version a change replaces."""
    return lambda article: ensure_may_change(caller, article, fields)


# ----- review ----------------------------------------------------------------------------------------


def submit(article: Article, now: dt.datetime) -> Article:
    """A draft, submitted for review: an editor publishes or schedules it from there."""
    if article.status is not ArticleStatus.DRAFT:
        raise InvalidTransition(
            f"Article {article.id!r} is {article.status.value}; only a draft can be submitted for review."
        )
    return article.model_copy(
        update={"status": ArticleStatus.REVIEW, "updated_at": now, "version": article.version + 1}
    )


def submit_for_review(
    repo: ArticleRepository,
    caller: Caller,
    article_id: str,
    *,
    expected_version: int,
    clock: Clock = utc_now,
) -> Article:
    """Submit a draft for review: a writer their own drafts, an editor any draft. The caller's right is
    checked on the version the change replaces; the save is conditional on it."""
    current = repo.get(article_id)
    if current is None:
        raise ArticleNotFound(article_id)
    if expected_version != current.version:
        raise VersionConflict(article_id, expected_version)
    if not caller.is_editor and not caller.owns(current):
        raise NotPermitted(
            f"Article {article_id!r} was created by someone else; only editors submit others' drafts.",
            EDITORS,
        )
    submitted = submit(current, clock())
    repo.save(submitted, current)
    return submitted


def ensure_may_preview(caller: Caller, article: Article) -> None:
    """A writer previews (and shares a preview of) their own articles only."""
    if not caller.is_editor and not caller.owns(article):
        raise NotPermitted(
            f"Article {article.id!r} was created by someone else; only editors may preview it.", EDITORS
        )
