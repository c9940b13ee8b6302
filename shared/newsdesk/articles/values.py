"""Small values of the articles feature that adapters carry: a scheduled action and its one-shot schedule
(newsdesk.articles.scheduling has the rules; newsdesk.adapters.scheduler holds the schedules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ScheduledAction(StrEnum):
    PUBLISH = "publish"
    UNPUBLISH = "unpublish"


def schedule_name(article_id: str, action: ScheduledAction) -> str:
    """The one schedule of an article and action (a reschedule replaces it)."""
    return f"{article_id}-{action.value}"


@dataclass(frozen=True)
class DueAction:
    """One one-shot schedule: do `action` to the article at `at`; `version` is the article's version
    when it was set (a firing never acts on an older article than that)."""

    article_id: str
    action: ScheduledAction
    at: dt.datetime
    version: int

    @property
    def name(self) -> str:
        return schedule_name(self.article_id, self.action)

    def to_input(self) -> dict[str, Any]:
        """The input of the schedule's target (the scheduled-action function's event)."""
        return {
            "article_id": self.article_id,
            "action": self.action.value,
            "version": self.version,
            "at": self.at.astimezone(dt.UTC).isoformat(),
        }

    @classmethod
    def from_input(cls, payload: dict[str, Any]) -> DueAction:
        """The due action of a target input; KeyError, TypeError or ValueError if it is not one."""
        at = dt.datetime.fromisoformat(str(payload["at"]))
        if at.tzinfo is None:
            raise ValueError("the time of a due action needs an offset")
        return cls(
            article_id=str(payload["article_id"]),
            action=ScheduledAction(payload["action"]),
            at=at,
            version=int(payload["version"]),
        )
