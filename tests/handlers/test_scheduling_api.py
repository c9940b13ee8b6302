"""Scheduling, embargo and expiry through the editor function and the scheduled-action function, against
EventBridge Scheduler and the table in in-process moto. The clock is frozen; firings are driven by hand
with each schedule's own target input, as EventBridge Scheduler sends it."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from newsdesk.clock import FrozenClock
from tests.conftest import ROOT, SITE_TZ, at_every_boundary, load_function
from tests.handlers.client import ApiResponse, EditorApi

SCHEDULED_ACTION_APP = ROOT / "functions" / "scheduled_action" / "app.py"
GROUP = "newsdesk-test-ArticleScheduleGroup"
TARGET_ARN = "arn:aws:lambda:ap-south-1:123456789012:function:newsdesk-test-ScheduledActionFunction"
ROLE_ARN = "arn:aws:iam::123456789012:role/newsdesk-test-SchedulerInvokeRole"


@pytest.fixture
def scheduler_client(aws: None) -> Any:
    import boto3

    client = boto3.client("scheduler")
    client.create_schedule_group(Name=GROUP)
    return client


@pytest.fixture
def scheduling_env(monkeypatch: pytest.MonkeyPatch, editor_env: str, scheduler_client: Any) -> None:
    monkeypatch.setenv("SCHEDULE_GROUP", GROUP)
    monkeypatch.setenv("SCHEDULED_ACTION_ARN", TARGET_ARN)
    monkeypatch.setenv("SCHEDULER_ROLE_ARN", ROLE_ARN)


@pytest.fixture
def api(scheduling_env: None, editor_api: ModuleType, lambda_context: Any) -> EditorApi:
    return EditorApi(editor_api.lambda_handler, lambda_context)


@pytest.fixture
def action_fn(scheduling_env: None, articles_table: str) -> Iterator[ModuleType]:
    module = load_function(SCHEDULED_ACTION_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)


def schedule(api: EditorApi, article_id: str, body: Any, if_match: str | None = None) -> ApiResponse:
    return api.send(
        "publish_article",
        path=f"/api/articles/{article_id}/schedule",
        body=body,
        headers={"If-Match": if_match},
    )


def cancel(api: EditorApi, article_id: str) -> ApiResponse:
    return api.send("publish_article", path=f"/api/articles/{article_id}/schedule", method="DELETE")


def schedules(client: Any) -> dict[str, dict[str, Any]]:
    names = [s["Name"] for s in client.list_schedules(GroupName=GROUP)["Schedules"]]
    return {name: client.get_schedule(GroupName=GROUP, Name=name) for name in names}


def fire(action_fn: ModuleType, lambda_context: Any, definition: dict[str, Any]) -> dict[str, Any]:
    """What EventBridge Scheduler does when the schedule is due: invoke the target with its input."""
    assert definition["Target"]["Arn"] == TARGET_ARN
    result: dict[str, Any] = action_fn.lambda_handler(
        json.loads(definition["Target"]["Input"]), lambda_context
    )
    return result


def iso(moment: dt.datetime) -> str:
    return moment.isoformat()


# ----- scheduling -----------------------------------------------------------------------------------------


@at_every_boundary
def test_a_scheduled_article_goes_live_when_its_schedule_fires(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given a draft scheduled for 30 seconds from now, in the site's zone
    article = api.create_ok()
    publish_at = clock().astimezone(SITE_TZ) + dt.timedelta(seconds=30)
    response = schedule(api, article["id"], {"publish_at": iso(publish_at)}, if_match='"1"')

    # Then it is scheduled, and one one-shot schedule at that moment (in UTC) targets the action function
    assert response.status == 200, response.body
    scheduled = response.json()
    assert scheduled["status"] == "scheduled"
    assert dt.datetime.fromisoformat(scheduled["publish_at"]) == publish_at
    assert response.headers["etag"] == '"2"'
    held = schedules(scheduler_client)
    assert list(held) == [f"{article['id']}-publish"]
    definition = held[f"{article['id']}-publish"]
    utc = publish_at.astimezone(dt.UTC)
    assert definition["ScheduleExpression"] == f"at({utc:%Y-%m-%dT%H:%M:%S})"
    assert definition["ScheduleExpressionTimezone"] == "UTC"
    assert definition["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert definition["ActionAfterCompletion"] == "DELETE"
    assert definition["Target"]["RoleArn"] == ROLE_ARN
    assert json.loads(definition["Target"]["Input"]) == {
        "article_id": article["id"],
        "action": "publish",
        "version": 2,
        "at": utc.isoformat(),
    }

    # When the schedule fires on time
    clock.advance(seconds=30)
    result = fire(action_fn, lambda_context, definition)

    # Then the article is published then, at a URL dated in the site's zone on that day
    assert result["done"] is True
    live = api.get(article["id"]).json()
    assert live["status"] == "published"
    assert dt.datetime.fromisoformat(live["published_at"]) == publish_at
    assert live["url"].startswith(f"/{publish_at:%Y}/{publish_at:%m}/{publish_at:%d}/")
    assert live["publish_at"] is None

    # And a second firing (a retry) changes nothing
    again = fire(action_fn, lambda_context, definition)
    assert again["done"] is False
    assert api.get(article["id"]).json()["version"] == live["version"]


def test_a_firing_that_comes_early_fails_so_that_the_scheduler_retries(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given an article scheduled for a minute from now
    article = api.create_ok()
    publish_at = clock() + dt.timedelta(minutes=1)
    assert schedule(api, article["id"], {"publish_at": iso(publish_at)}).status == 200
    definition = schedules(scheduler_client)[f"{article['id']}-publish"]

    # When the schedule fires 20 seconds early
    clock.advance(seconds=40)
    from newsdesk.articles.scheduling import NotDueYet

    with pytest.raises(NotDueYet):
        fire(action_fn, lambda_context, definition)

    # Then the article is still scheduled, and the retry on time publishes it
    assert api.get(article["id"]).json()["status"] == "scheduled"
    clock.advance(seconds=20)
    assert fire(action_fn, lambda_context, definition)["done"] is True
    assert api.get(article["id"]).json()["status"] == "published"


def test_rescheduling_moves_the_one_schedule_and_cancelling_removes_it(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given an article scheduled for an hour from now
    article = api.create_ok()
    first = clock() + dt.timedelta(hours=1)
    assert schedule(api, article["id"], {"publish_at": iso(first)}).status == 200
    old = schedules(scheduler_client)[f"{article['id']}-publish"]

    # When it is rescheduled for two hours from now
    second = clock() + dt.timedelta(hours=2)
    response = schedule(api, article["id"], {"publish_at": iso(second)})

    # Then there is still one schedule, at the new time; the old firing (if it came) changes nothing
    assert response.status == 200, response.body
    held = schedules(scheduler_client)
    assert list(held) == [f"{article['id']}-publish"]
    assert held[f"{article['id']}-publish"]["ScheduleExpression"] == f"at({second:%Y-%m-%dT%H:%M:%S})"
    clock.advance(hours=1)
    assert fire(action_fn, lambda_context, old)["done"] is False
    assert api.get(article["id"]).json()["status"] == "scheduled"

    # When the schedule is cancelled
    cancelled = cancel(api, article["id"])

    # Then the article is a draft again and no schedule is left
    assert cancelled.status == 200, cancelled.body
    assert cancelled.json()["status"] == "draft"
    assert cancelled.json()["publish_at"] is None
    assert schedules(scheduler_client) == {}

    # And cancelling again is a conflict, while scheduling again works
    assert cancel(api, article["id"]).problem["status"] == 409
    assert schedule(api, article["id"], {"publish_at": iso(clock() + dt.timedelta(hours=1))}).status == 200


def test_an_expiry_takes_a_published_article_down(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given wire copy scheduled for in a minute, to expire an hour later
    article = api.create_ok()
    publish_at = clock() + dt.timedelta(minutes=1)
    expire_at = publish_at + dt.timedelta(hours=1)
    response = schedule(api, article["id"], {"publish_at": iso(publish_at), "expire_at": iso(expire_at)})
    assert response.status == 200, response.body
    held = schedules(scheduler_client)
    assert sorted(held) == [f"{article['id']}-publish", f"{article['id']}-unpublish"]

    # When both schedules fire in turn
    clock.set(publish_at)
    assert fire(action_fn, lambda_context, held[f"{article['id']}-publish"])["done"] is True
    assert api.get(article["id"]).json()["status"] == "published"
    clock.set(expire_at + dt.timedelta(seconds=2))
    assert fire(action_fn, lambda_context, held[f"{article['id']}-unpublish"])["done"] is True

    # Then the article is down, and its URL is kept for a later republish
    down = api.get(article["id"]).json()
    assert down["status"] == "unpublished"
    assert down["url"] is not None
    assert down["expire_at"] is None


def test_patch_sets_and_clears_an_expiry_of_a_published_article(
    api: EditorApi, scheduler_client: Any, clock: FrozenClock
) -> None:
    # Given a published article
    article = api.create_ok()
    published = api.publish(article["id"]).json()

    # When an expiry is set with PATCH
    expire_at = clock() + dt.timedelta(hours=6)
    response = api.patch(article["id"], {"expire_at": iso(expire_at)}, if_match=f'"{published["version"]}"')

    # Then the article carries it and an unpublish schedule exists
    assert response.status == 200, response.body
    assert dt.datetime.fromisoformat(response.json()["expire_at"]) == expire_at
    assert list(schedules(scheduler_client)) == [f"{article['id']}-unpublish"]

    # When it is cleared
    cleared = api.patch(article["id"], {"expire_at": None}, if_match=response.headers["etag"])

    # Then the schedule is gone
    assert cleared.status == 200, cleared.body
    assert cleared.json()["expire_at"] is None
    assert schedules(scheduler_client) == {}


# ----- embargo --------------------------------------------------------------------------------------------


def test_an_embargoed_article_refuses_to_publish_early_even_by_the_button(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given a draft under embargo until 18:00 in the site's zone
    article = api.create_ok()
    embargo = clock().astimezone(SITE_TZ).replace(hour=18, minute=0, second=0, microsecond=0)
    patched = api.patch(article["id"], {"embargo_until": iso(embargo)}, if_match='"1"')
    assert patched.status == 200, patched.body

    # When it is published now, or scheduled before the embargo
    button = api.publish(article["id"])
    early = schedule(api, article["id"], {"publish_at": iso(embargo - dt.timedelta(minutes=1))})

    # Then both are refused with a 409 that names the embargo
    for refused in (button, early):
        problem = refused.problem
        assert problem["status"] == 409
        assert problem["type"] == "urn:newsdesk:problem:embargoed"
        assert embargo.astimezone(dt.UTC).isoformat() in problem["detail"]
        assert [e["field"] for e in problem["errors"]] == ["embargo_until"]
    assert api.get(article["id"]).json()["status"] == "draft"

    # And scheduling it at the embargo works, and fires then
    at_embargo = schedule(api, article["id"], {"publish_at": iso(embargo)})
    assert at_embargo.status == 200, at_embargo.body
    clock.set(embargo)
    assert fire(action_fn, lambda_context, schedules(scheduler_client)[f"{article['id']}-publish"])["done"]
    assert api.get(article["id"]).json()["status"] == "published"


def test_an_embargo_cannot_be_moved_past_the_scheduled_publish(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article scheduled for an hour from now
    article = api.create_ok()
    publish_at = clock() + dt.timedelta(hours=1)
    scheduled = schedule(api, article["id"], {"publish_at": iso(publish_at)})

    # When an embargo later than that is set
    refused = api.patch(
        article["id"],
        {"embargo_until": iso(publish_at + dt.timedelta(hours=1))},
        if_match=scheduled.headers["etag"],
    )

    # Then it is refused (409), and lifting the embargo instead works
    assert refused.problem["status"] == 409
    lifted = api.patch(article["id"], {"embargo_until": None}, if_match=scheduled.headers["etag"])
    assert lifted.status == 200, lifted.body


# ----- refused requests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"publish_at": "2026-11-20T15:00:00"}, "publish_at"),  # no offset
        ({"publish_at": "tomorrow"}, "publish_at"),
        ({}, "publish_at"),
        ({"publish_at": "2026-11-20T15:00:00+05:30", "expire_at": "2026-11-20T16:00:00"}, "expire_at"),
        ({"publish_at": "2026-11-20T15:00:00+05:30", "when": "now"}, "when"),
    ],
)
def test_a_schedule_without_an_offset_or_malformed_is_refused(
    api: EditorApi, scheduler_client: Any, body: dict[str, Any], field: str
) -> None:
    # Given a draft
    article = api.create_ok()

    # When it is scheduled with a malformed body
    response = schedule(api, article["id"], body)

    # Then 422 names the field, nothing is scheduled, and a well-formed request still works
    assert response.problem["status"] == 422
    assert field in response.problem_fields()
    assert schedules(scheduler_client) == {}
    assert schedule(api, article["id"], {"publish_at": "2026-11-20T15:00:00+05:30"}).status == 200


def test_a_schedule_in_the_past_or_expiring_first_is_refused(
    api: EditorApi, scheduler_client: Any, clock: FrozenClock
) -> None:
    # Given a draft
    article = api.create_ok()
    now = clock()

    # When it is scheduled in the past, or to expire before it goes live
    past = schedule(api, article["id"], {"publish_at": iso(now - dt.timedelta(seconds=1))})
    backwards = schedule(
        api,
        article["id"],
        {"publish_at": iso(now + dt.timedelta(hours=2)), "expire_at": iso(now + dt.timedelta(hours=1))},
    )

    # Then each is a 422 naming the field, and nothing is scheduled
    assert past.problem["status"] == 422 and past.problem_fields() == ["publish_at"]
    assert backwards.problem["status"] == 422 and backwards.problem_fields() == ["expire_at"]
    assert schedules(scheduler_client) == {}
    assert schedule(api, article["id"], {"publish_at": iso(now + dt.timedelta(hours=2))}).status == 200


def test_a_published_article_cannot_be_scheduled_and_a_stale_version_is_refused(
    api: EditorApi, clock: FrozenClock
) -> None:
    # Given a published article and a draft
    published = api.create_ok()
    api.publish(published["id"])
    draft = api.create_ok(slug="another-story")
    later = {"publish_at": iso(clock() + dt.timedelta(hours=1))}

    # When each is scheduled (the draft with a stale If-Match)
    conflict = schedule(api, published["id"], later)
    stale = schedule(api, draft["id"], later, if_match='"7"')

    # Then 409 and 412; with the right version it works
    assert conflict.problem["status"] == 409
    assert stale.problem["status"] == 412
    assert schedule(api, draft["id"], later, if_match='"1"').status == 200


# ----- the sweep --------------------------------------------------------------------------------------------


def test_the_sweep_publishes_a_scheduled_article_whose_schedule_was_lost(
    api: EditorApi, action_fn: ModuleType, scheduler_client: Any, clock: FrozenClock, lambda_context: Any
) -> None:
    # Given a scheduled article whose schedule has disappeared
    article = api.create_ok()
    publish_at = clock() + dt.timedelta(minutes=5)
    assert schedule(api, article["id"], {"publish_at": iso(publish_at)}).status == 200
    scheduler_client.delete_schedule(GroupName=GROUP, Name=f"{article['id']}-publish")

    # When the minutely sweep runs within a minute of its time, and again after
    clock.set(publish_at + dt.timedelta(seconds=30))
    within = action_fn.lambda_handler({"sweep": True}, lambda_context)
    clock.advance(seconds=40)
    after = action_fn.lambda_handler({"sweep": True}, lambda_context)

    # Then the first leaves it (not yet overdue); the second counts and publishes it
    assert within == {"overdue": 0, "fired": 0}
    assert after == {"overdue": 1, "fired": 1}
    assert api.get(article["id"]).json()["status"] == "published"


def test_publishing_a_scheduled_article_by_the_button_removes_its_schedule_and_keeps_its_expiry(
    api: EditorApi, scheduler_client: Any, clock: FrozenClock
) -> None:
    # Given an article scheduled for tomorrow, to expire the day after
    article = api.create_ok()
    publish_at = clock() + dt.timedelta(days=1)
    body = {"publish_at": iso(publish_at), "expire_at": iso(publish_at + dt.timedelta(days=1))}
    assert schedule(api, article["id"], body).status == 200

    # When it is published now by the button
    published = api.publish(article["id"])

    # Then only the expiry is still scheduled
    assert published.status == 200, published.body
    assert published.json()["publish_at"] is None
    assert list(schedules(scheduler_client)) == [f"{article['id']}-unpublish"]

    # And unpublishing it removes the expiry too
    assert api.unpublish(article["id"]).status == 200
    assert schedules(scheduler_client) == {}


def test_patch_refuses_an_embargo_without_an_offset(api: EditorApi) -> None:
    # Given a draft
    article = api.create_ok()

    # When an embargo without an offset is sent
    naive = api.patch(article["id"], {"embargo_until": "2026-11-21T09:00:00"}, if_match='"1"')

    # Then 422 names the field, and the same time with an offset is accepted
    assert naive.problem["status"] == 422
    assert naive.problem_fields() == ["embargo_until"]
    accepted = api.patch(article["id"], {"embargo_until": "2026-11-21T09:00:00+05:30"}, if_match='"1"')
    assert accepted.status == 200, accepted.body


def test_an_expiry_in_the_past_is_refused_and_a_future_one_accepted(
    api: EditorApi, clock: FrozenClock
) -> None:
    # Given a published article
    article = api.create_ok()
    published = api.publish(article["id"]).json()
    etag = f'"{published["version"]}"'

    # When an expiry a second ago is set
    past = api.patch(article["id"], {"expire_at": iso(clock() - dt.timedelta(seconds=1))}, if_match=etag)

    # Then it is a 422 naming expire_at, and one in the future is accepted
    assert past.problem["status"] == 422
    assert past.problem_fields() == ["expire_at"]
    future = api.patch(article["id"], {"expire_at": iso(clock() + dt.timedelta(hours=1))}, if_match=etag)
    assert future.status == 200, future.body
