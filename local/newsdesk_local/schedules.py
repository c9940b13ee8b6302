"""EventBridge Scheduler, locally: the one-shot schedules in the template's schedule group, fired when due.

The editor API writes its schedules to the emulator (which holds them but never fires them); this poller
lists the group every second, invokes each due `at(...)` schedule's target function in-process with the
schedule's input, as the scheduler would, and deletes it after completion when it asks for that. A target
that fails is retried on the next polls (the scheduler's retry policy), up to `retries` times.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from newsdesk.clock import Clock, utc_now
from newsdesk_local.runtime import Invocation

logger = logging.getLogger(__name__)

_AT = re.compile(r"^at\((\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\)$")
RETRIES = 10


def due_time(expression: str, timezone: str | None) -> dt.datetime | None:
    """When a one-time expression fires (aware); None for a rate or cron expression."""
    found = _AT.match(expression.strip())
    if found is None:
        return None
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(found.group(1)).replace(tzinfo=ZoneInfo(timezone or "UTC"))


class SchedulePoller:
    """`poll_once` fires the due schedules of `group`; `invoke(function_arn, event)` runs a target."""

    def __init__(
        self,
        scheduler: Any,
        group: str,
        invoke: Callable[[str, dict[str, Any]], Invocation],
        *,
        clock: Clock = utc_now,
        retries: int = RETRIES,
    ) -> None:
        self.scheduler = scheduler
        self.group = group
        self.invoke = invoke
        self.clock = clock
        self.retries = retries
        self._failures: dict[tuple[str, str], int] = {}

    def names(self) -> list[str]:
        found: list[str] = []
        for page in self.scheduler.get_paginator("list_schedules").paginate(GroupName=self.group):
            found += [s["Name"] for s in page.get("Schedules", [])]
        return found

    def poll_once(self) -> int:
        fired = 0
        now = self.clock()
        for name in self.names():
            try:
                schedule = self.scheduler.get_schedule(GroupName=self.group, Name=name)
            except self.scheduler.exceptions.ResourceNotFoundException:
                continue  # deleted meanwhile (cancelled)
            if schedule.get("State", "ENABLED") != "ENABLED":
                continue
            at = due_time(schedule["ScheduleExpression"], schedule.get("ScheduleExpressionTimezone"))
            if at is None or at > now:
                continue
            fired += self._fire(name, schedule)
        return fired

    def _fire(self, name: str, schedule: dict[str, Any]) -> int:
        target = schedule["Target"]
        key = (name, schedule["ScheduleExpression"])
        event = json.loads(target.get("Input") or "{}")
        result = self.invoke(target["Arn"], event)
        if result.failed:
            failures = self._failures.get(key, 0) + 1
            self._failures[key] = failures
            if failures <= self.retries:
                level = logging.INFO if result.error_type == "NotDueYet" else logging.WARNING
                logger.log(
                    level, "schedule %s: %s (%s); retrying", name, result.error_type, result.error_message
                )
                return 0
            logger.error("schedule %s failed %d times; giving up: %s", name, failures, result.error_message)
        self._failures.pop(key, None)
        if schedule.get("ActionAfterCompletion") == "DELETE":
            self._delete_if_unchanged(name, schedule["ScheduleExpression"])
        return 1

    def _delete_if_unchanged(self, name: str, expression: str) -> None:
        """Delete the schedule that ran, not one an editor has just moved to another time."""
        try:
            now = self.scheduler.get_schedule(GroupName=self.group, Name=name)
            if now["ScheduleExpression"] == expression:
                self.scheduler.delete_schedule(GroupName=self.group, Name=name)
        except self.scheduler.exceptions.ResourceNotFoundException:
            pass
