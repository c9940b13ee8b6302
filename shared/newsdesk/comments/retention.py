"""How long a refused comment keeps its sender's personal data, and the daily removal of what is due.

A comment marked spam or rejected (by the rules or by a moderator) keeps the sender's email and IP
address (KMS ciphertexts and keyed hashes) for a configurable number of days, so a moderator can still
review the decision; then they are removed, and the comment's text, name, website, status and times
stay. Approving or holding the comment again before then cancels the removal. Approved and pending
comments keep their sender's data: the sender history (flood, duplicate and returning-commenter rules)
and the moderators need it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from newsdesk.comments.models import CommentStatus
from newsdesk.comments.ports import PersonalDataRetention

logger = Logger(child=True)

DEFAULT_PERSONAL_DATA_DAYS = 30
REFUSED = frozenset({CommentStatus.SPAM, CommentStatus.REJECTED})


def personal_data_due(
    status: CommentStatus, current: dt.datetime | None, *, now: dt.datetime, days: int
) -> dt.datetime | None:
    """When a comment that now has `status` loses its sender's personal data (None: never).

    The period starts when a comment is first refused: moving it between spam and rejected keeps the
    date it already has; approving or holding it clears the date."""
    if status not in REFUSED:
        return None
    return current if current is not None else now + dt.timedelta(days=days)


@dataclass(frozen=True)
class RetentionReport:
    due: int  # comments the index listed as due
    removed: int  # comments whose personal data this run removed
    skipped: int  # listed but changed since (approved again, re-dated, deleted or already done)


def remove_due_personal_data(store: PersonalDataRetention, *, now: dt.datetime) -> RetentionReport:
    """Remove the sender's personal data from every refused comment due by `now`. Each removal is
    conditional (still refused, still due), so a comment approved meanwhile keeps its data, and a
    second run finds nothing left to do."""
    due = removed = 0
    for comment_id in store.due_for_removal(now):
        due += 1
        if store.remove_personal_data(comment_id, now=now):
            removed += 1
    report = RetentionReport(due=due, removed=removed, skipped=due - removed)
    logger.info(
        "personal data of refused comments removed",
        due=report.due,
        removed=report.removed,
        skipped=report.skipped,
    )
    return report
