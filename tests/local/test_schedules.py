"""The local stack's schedule poller against EventBridge Scheduler in in-process moto: due one-shot
schedules of the template's group are fired with their input and deleted after completion; others wait."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import boto3
import pytest

from newsdesk.adapters.scheduler import EventBridgeScheduler
from newsdesk.articles.values import DueAction, ScheduledAction
from newsdesk.clock import FrozenClock
from newsdesk_local.deploy import deploy_template
from newsdesk_local.runtime import Invocation
from newsdesk_local.schedules import SchedulePoller, due_time
from tests.conftest import REGION, SITE_TZ, at_every_boundary

ARTICLE = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"
TARGET = "arn:aws:lambda:ap-south-1:123456789012:function:newsdesk-ScheduledActionFunction"
ROLE = "arn:aws:iam::123456789012:role/newsdesk-SchedulerInvokeRole"
TEMPLATE = {"Resources": {"ArticleScheduleGroup": {"Type": "AWS::Scheduler::ScheduleGroup"}}}


@pytest.fixture
def client(aws: None) -> Any:
    return boto3.client("scheduler", region_name=REGION)


@pytest.fixture
def group(client: Any) -> str:
    deployed = deploy_template(TEMPLATE, boto3.Session(region_name=REGION), stack_name="newsdesk")
    name: str = deployed.names["ArticleScheduleGroup"]
    assert name in [g["Name"] for g in client.list_schedule_groups()["ScheduleGroups"]]
    return name


class Targets:
    """Records invocations; answers with `failures` errors first."""

    def __init__(self, failures: list[str] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures = list(failures or [])

    def __call__(self, arn: str, event: dict[str, Any]) -> Invocation:
        self.calls.append((arn, event))
        if self.failures:
            return Invocation(error_type=self.failures.pop(0), error_message="not yet")
        return Invocation(payload={"done": True})


@at_every_boundary
def test_a_due_schedule_fires_once_with_its_input_and_is_deleted(
    client: Any, group: str, clock: FrozenClock
) -> None:
    # Given a publish scheduled 30 s from now and an expiry an hour later
    scheduler = EventBridgeScheduler(group, TARGET, ROLE, client=client)
    targets = Targets()
    poller = SchedulePoller(client, group, targets, clock=clock)
    publish = DueAction(ARTICLE, ScheduledAction.PUBLISH, clock() + dt.timedelta(seconds=30), 2)
    expire = DueAction(ARTICLE, ScheduledAction.UNPUBLISH, clock() + dt.timedelta(hours=1), 2)
    scheduler.upsert(publish)
    scheduler.upsert(expire)

    # When the poller looks before, at and after the publish time
    before = poller.poll_once()
    clock.advance(seconds=30)
    at = poller.poll_once()
    after = poller.poll_once()

    # Then it fired the publish once, at its time, with the schedule's input, and deleted it
    assert (before, at, after) == (0, 1, 0)
    assert targets.calls == [(TARGET, publish.to_input())]
    assert scheduler.names() == [expire.name]


def test_a_failed_firing_is_retried_and_a_moved_schedule_waits_for_its_new_time(
    client: Any, group: str, clock: FrozenClock
) -> None:
    # Given a due schedule whose first firing fails (it came early, say)
    scheduler = EventBridgeScheduler(group, TARGET, ROLE, client=client)
    targets = Targets(failures=["NotDueYet"])
    poller = SchedulePoller(client, group, targets, clock=clock)
    due = DueAction(ARTICLE, ScheduledAction.PUBLISH, clock() + dt.timedelta(seconds=5), 3)
    scheduler.upsert(due)
    clock.advance(seconds=5)

    # When the poller looks twice
    first, second = poller.poll_once(), poller.poll_once()

    # Then the failure kept the schedule, and the retry fired and deleted it
    assert (first, second) == (0, 1)
    assert len(targets.calls) == 2
    assert scheduler.names() == []

    # When a schedule is moved to later before its time, then its old time passes
    scheduler.upsert(DueAction(ARTICLE, ScheduledAction.PUBLISH, clock() + dt.timedelta(minutes=1), 4))
    scheduler.upsert(DueAction(ARTICLE, ScheduledAction.PUBLISH, clock() + dt.timedelta(minutes=10), 5))
    clock.advance(minutes=2)

    # Then nothing fires until the new time
    assert poller.poll_once() == 0
    clock.advance(minutes=8)
    assert poller.poll_once() == 1
    assert json.loads(json.dumps(targets.calls[-1][1]))["version"] == 5


def test_deleting_an_absent_schedule_is_no_error(client: Any, group: str) -> None:
    # Given no schedules
    scheduler = EventBridgeScheduler(group, TARGET, ROLE, client=client)

    # When one is deleted, then
    scheduler.delete(ARTICLE, ScheduledAction.UNPUBLISH)

    # Then nothing is held and no error was raised
    assert scheduler.names() == []


def test_due_time_reads_one_time_expressions_in_their_zone() -> None:
    assert due_time("at(2026-12-31T18:30:00)", "UTC") == dt.datetime(2026, 12, 31, 18, 30, tzinfo=dt.UTC)
    assert due_time("at(2027-01-01T00:00:00)", "Asia/Kolkata") == dt.datetime(2027, 1, 1, tzinfo=SITE_TZ)
    assert due_time("rate(1 minute)", "UTC") is None
