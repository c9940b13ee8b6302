"""EventBridge Scheduler: one one-shot schedule per article and action (newsdesk.articles.scheduling).

Each schedule lives in the stack's schedule group, is named by the article and the action, fires once at
its time (`at(...)`, UTC, no flexible window), invokes the scheduled-action function with
`{article_id, action, version, at}` and deletes itself once it has run.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

from newsdesk.adapters.aws import AwsAdapter
from newsdesk.articles.values import DueAction, ScheduledAction, schedule_name

RETRIES = 10  # EventBridge Scheduler retries a failed (or early) invocation, with back-off, this often


def at_expression(at: dt.datetime) -> str:
    """A one-time schedule expression in UTC (ScheduleExpressionTimezone), to the second: a time with a
    fraction of a second is rounded up, so the schedule never fires before it."""
    utc = at.astimezone(dt.UTC)
    if utc.microsecond:
        utc = utc.replace(microsecond=0) + dt.timedelta(seconds=1)
    return f"at({utc:%Y-%m-%dT%H:%M:%S})"


class EventBridgeScheduler(AwsAdapter[Any]):
    """newsdesk.articles.scheduling.Scheduler over EventBridge Scheduler."""

    service = "scheduler"

    def __init__(self, group: str, target_arn: str, role_arn: str, client: Any | None = None) -> None:
        super().__init__(client)
        self.group = group
        self.target_arn = target_arn
        self.role_arn = role_arn

    def upsert(self, due: DueAction) -> None:
        definition: dict[str, Any] = {
            "Name": due.name,
            "GroupName": self.group,
            "ScheduleExpression": at_expression(due.at),
            "ScheduleExpressionTimezone": "UTC",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "ActionAfterCompletion": "DELETE",
            "Target": {
                "Arn": self.target_arn,
                "RoleArn": self.role_arn,
                "Input": json.dumps(due.to_input()),
                "RetryPolicy": {"MaximumRetryAttempts": RETRIES, "MaximumEventAgeInSeconds": 3600},
            },
        }
        errors = self.client.exceptions
        try:
            self.client.update_schedule(**definition)
        except errors.ResourceNotFoundException:
            try:
                self.client.create_schedule(**definition)
            except errors.ConflictException:  # created meanwhile by another request: replace it
                self.client.update_schedule(**definition)

    def delete(self, article_id: str, action: ScheduledAction) -> None:
        with contextlib.suppress(self.client.exceptions.ResourceNotFoundException):
            self.client.delete_schedule(Name=schedule_name(article_id, action), GroupName=self.group)

    def names(self) -> list[str]:
        """The schedules in the group (the local poller and tests list them)."""
        found: list[str] = []
        for page in self.client.get_paginator("list_schedules").paginate(GroupName=self.group):
            found += [s["Name"] for s in page.get("Schedules", [])]
        return found
