"""Scheduled publishing, embargoes and expiry, on the one code path the publish and unpublish buttons use.

An article is scheduled with a `publish_at` (and perhaps an `expire_at`, for wire copy that must come
down); an `embargo_until` is a moment it cannot be published before, by schedule or by the button. Each
due action is a one-shot schedule of a `Scheduler` (EventBridge Scheduler on AWS, a poller locally), named
by the article and the action: rescheduling replaces it, cancelling deletes it. When it fires, `fire`
re-reads the article and acts only if the article still wants that action now (so a late, repeated or
stale firing changes nothing): the schedule is a reminder, the article's own times are the truth.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from newsdesk.articles import models
from newsdesk.articles.errors import (
    ArticleNotFound,
    Embargoed,
    InvalidArticle,
    InvalidTransition,
    VersionConflict,
)
from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.values import DueAction, ScheduledAction
from newsdesk.clock import Clock, utc_now

# A firing this much before its time (clocks of two services disagree) is retried, not dropped.
EARLY_TOLERANCE = dt.timedelta(minutes=1)
# A due action that has not taken effect this long after its time is overdue (an alarm, and a catch-up).
OVERDUE_AFTER = dt.timedelta(minutes=1)
_ATTEMPTS = 3


class Scheduler(Protocol):
    """One-shot schedules by name. `upsert` creates or replaces; `delete` of an absent one is no error."""

    def upsert(self, due: DueAction) -> None: ...
    def delete(self, article_id: str, action: ScheduledAction) -> None: ...


class NotDueYet(Exception):
    """A firing came before its time: the caller retries it (the scheduler's retry policy, the poller)."""

    def __init__(self, due: DueAction, wait: dt.timedelta) -> None:
        super().__init__(f"{due.name} is due in {wait.total_seconds():.0f} s")
        self.wait = wait


@dataclass(frozen=True)
class Outcome:
    """What a firing did: `done` (the action took effect), or why it changed nothing."""

    done: bool
    reason: str
    article: Article | None = None
    lateness: dt.timedelta | None = None


# ----- what an article wants ---------------------------------------------------------------------------


def wanted(article: Article | None) -> dict[ScheduledAction, dt.datetime]:
    """The schedules an article in this state needs, by action."""
    if article is None:
        return {}
    out: dict[ScheduledAction, dt.datetime] = {}
    if article.status is ArticleStatus.SCHEDULED and article.publish_at is not None:
        out[ScheduledAction.PUBLISH] = article.publish_at
    live_or_soon = article.status in {ArticleStatus.SCHEDULED, ArticleStatus.PUBLISHED}
    if live_or_soon and article.expire_at is not None:
        out[ScheduledAction.UNPUBLISH] = article.expire_at
    return out


def reconcile(scheduler: Scheduler, before: Article | None, after: Article | None) -> None:
    """Make the scheduler hold what `after` wants, given that it held what `before` wanted: upsert what
    is new or moved, delete what is no longer wanted. Every change of an article ends with this."""
    old, new = wanted(before), wanted(after)
    for action, at in new.items():
        if old.get(action) != at and after is not None:
            scheduler.upsert(DueAction(after.id, action, at, after.version))
    for action in old.keys() - new.keys():
        scheduler.delete((before or after).id, action)  # type: ignore[union-attr]


def check_dates(article: Article, previous: Article | None = None) -> None:
    """The rules between an article's own times (publish, embargo, expiry), as of its `updated_at`. A new
    expiry must be in the future; one already stored is left to its schedule."""
    moved = previous is None or previous.expire_at != article.expire_at
    if moved and article.expire_at is not None and article.expire_at <= article.updated_at:
        raise InvalidArticle("expire_at", "expire_at must be in the future.")
    scheduled = article.status is ArticleStatus.SCHEDULED and article.publish_at is not None
    if scheduled and article.embargo_until is not None and article.publish_at < article.embargo_until:  # type: ignore[operator]
        raise Embargoed(article.id, article.embargo_until)
    if article.expire_at is not None:
        start = article.publish_at if article.status is ArticleStatus.SCHEDULED else None
        start = start or article.embargo_until
        if start is not None and article.expire_at <= start:
            raise InvalidArticle("expire_at", "expire_at must be after the article goes live.")


# ----- use cases -----------------------------------------------------------------------------------------


def _load(repo: ArticleRepository, article_id: str) -> Article:
    article = repo.get(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def schedule_article(
    repo: ArticleRepository,
    scheduler: Scheduler,
    article_id: str,
    *,
    publish_at: dt.datetime,
    expire_at: dt.datetime | None,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> Article:
    """Schedule (or reschedule) a publish, and an expiry if given. Raises Embargoed before an embargo."""
    now = clock()
    current = _load(repo, article_id)
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(article_id, expected_version)
    if current.status is ArticleStatus.PUBLISHED:
        raise InvalidTransition(f"Article {article_id!r} is already published; there is nothing to schedule.")
    if publish_at <= now:
        raise InvalidArticle("publish_at", "publish_at must be in the future; publish now instead.")
    if current.embargo_until is not None and publish_at < current.embargo_until:
        raise Embargoed(article_id, current.embargo_until)
    if expire_at is not None and expire_at <= publish_at:
        raise InvalidArticle("expire_at", "expire_at must be after publish_at.")
    scheduled = current.model_copy(
        update={
            "status": ArticleStatus.SCHEDULED,
            "publish_at": publish_at,
            "expire_at": expire_at,
            "updated_at": now,
            "version": current.version + 1,
        }
    )
    repo.save(scheduled, current)
    reconcile(scheduler, current, scheduled)
    return scheduled


def cancel_schedule(
    repo: ArticleRepository,
    scheduler: Scheduler,
    article_id: str,
    *,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> Article:
    """Cancel a scheduled publish: the article is a draft again (its expiry, if any, is kept)."""
    current = _load(repo, article_id)
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(article_id, expected_version)
    if current.status is not ArticleStatus.SCHEDULED:
        raise InvalidTransition(
            f"Article {article_id!r} is not scheduled (it is {current.status.value}); nothing to cancel."
        )
    draft = current.model_copy(
        update={
            "status": ArticleStatus.DRAFT,
            "publish_at": None,
            "updated_at": clock(),
            "version": current.version + 1,
        }
    )
    repo.save(draft, current)
    reconcile(scheduler, current, draft)
    return draft


def fire(
    repo: ArticleRepository,
    due: DueAction,
    *,
    site_tz: ZoneInfo,
    clock: Clock = utc_now,
) -> Outcome:
    """Do a due action if the article still wants it now; otherwise change nothing and say why.

    Idempotent: a second firing finds the action done. Raises NotDueYet when it comes early.
    """
    for attempt in range(1, _ATTEMPTS + 1):
        now = clock()
        article = repo.get(due.article_id)
        if article is None:
            return Outcome(False, "the article no longer exists")
        if article.version < due.version:
            return Outcome(False, f"the stored article is older than version {due.version}", article)
        at = wanted(article).get(due.action)
        if at is None:
            return Outcome(
                False, f"the article ({article.status.value}) no longer wants {due.action}", article
            )
        if at > now:
            if at - now <= EARLY_TOLERANCE:
                raise NotDueYet(due, at - now)
            return Outcome(False, f"the article has been rescheduled to {at.isoformat()}", article)
        try:
            if due.action is ScheduledAction.PUBLISH:
                changed = models.publish(article, now, site_tz)
            else:
                changed = models.unpublish(article, now).model_copy(update={"expire_at": None})
        except (Embargoed, InvalidTransition) as exc:
            return Outcome(False, str(exc), article)
        try:
            repo.save(changed, article)
        except VersionConflict:
            if attempt == _ATTEMPTS:
                raise
            continue
        return Outcome(True, f"{due.action.value}ed", changed, lateness=now - at)
    raise AssertionError("unreachable")  # pragma: no cover


def overdue(repo: ArticleRepository, *, clock: Clock = utc_now, page_size: int = 100) -> list[DueAction]:
    """Scheduled publishes more than OVERDUE_AFTER past their time: their schedule was lost or failed."""
    limit = clock() - OVERDUE_AFTER
    found: list[DueAction] = []
    cursor: str | None = None
    while True:
        page = repo.list_by_status(ArticleStatus.SCHEDULED, page_size, cursor)
        for article in page.items:
            at = wanted(article).get(ScheduledAction.PUBLISH)
            if at is not None and at <= limit:
                found.append(DueAction(article.id, ScheduledAction.PUBLISH, at, article.version))
        cursor = page.next_cursor
        if cursor is None:
            return found


class NoScheduler:
    """A Scheduler that holds nothing: the table alone (the overdue sweep fires due actions, late)."""

    def upsert(self, due: DueAction) -> None:
        return None

    def delete(self, article_id: str, action: ScheduledAction) -> None:
        return None


def reconcile_all(scheduler: Scheduler, article_id: str, article: Article | None) -> None:
    """Make the scheduler hold exactly what `article` wants (None: the article is gone), without knowing
    what it held before: upsert every wanted schedule, delete the others."""
    wants = wanted(article)
    for action in ScheduledAction:
        if action in wants and article is not None:
            scheduler.upsert(DueAction(article.id, action, wants[action], article.version))
        else:
            scheduler.delete(article_id, action)
