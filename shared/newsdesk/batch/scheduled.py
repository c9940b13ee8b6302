"""The scheduled-action function's events: a due schedule firing (its target input names the article, the
action and the version), or the minutely sweep for due actions that have not taken effect.

Both end in newsdesk.articles.scheduling.fire, the publish / unpublish the API's buttons use. A firing that
comes early raises NotDueYet, so that the scheduler retries it; anything else the firing reports.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from newsdesk.articles import scheduling
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.values import DueAction

logger = Logger(child=True)

LATENESS_METRIC = "ScheduleLateness"
OVERDUE_METRIC = "OverdueSchedules"
EARLY_METRIC = "ScheduledActionsEarly"
SKIPPED_METRIC = "ScheduledActionsSkipped"


def handle_scheduled_event(
    event: dict[str, Any], repo: ArticleRepository, *, site_tz: ZoneInfo, metrics: Metrics
) -> dict[str, Any]:
    if event.get("sweep"):
        return sweep(repo, site_tz=site_tz, metrics=metrics)
    try:
        due = DueAction.from_input(event)
    except (KeyError, TypeError, ValueError) as exc:
        # Not one of ours: retrying cannot help, so it is reported, not raised.
        logger.error("not a due action", error=str(exc), keys=sorted(event)[:10])
        return {"done": False, "reason": f"not a due action: {exc}"}
    return _fire(repo, due, site_tz=site_tz, metrics=metrics)


def _fire(repo: ArticleRepository, due: DueAction, *, site_tz: ZoneInfo, metrics: Metrics) -> dict[str, Any]:
    try:
        outcome = scheduling.fire(repo, due, site_tz=site_tz)
    except scheduling.NotDueYet as early:
        metrics.add_metric(name=EARLY_METRIC, unit=MetricUnit.Count, value=1)
        logger.info("scheduled action came early; retried", article_id=due.article_id, wait=str(early.wait))
        raise
    if outcome.done and outcome.lateness is not None:
        seconds = max(outcome.lateness.total_seconds(), 0.0)
        metrics.add_metric(name=LATENESS_METRIC, unit=MetricUnit.Seconds, value=seconds)
        logger.info(
            "scheduled action done",
            article_id=due.article_id,
            action=due.action.value,
            due_at=due.at.isoformat(),
            lateness_seconds=round(seconds, 3),
            version=outcome.article.version if outcome.article else None,
        )
    else:
        metrics.add_metric(name=SKIPPED_METRIC, unit=MetricUnit.Count, value=1)
        logger.info(
            "scheduled action not needed",
            article_id=due.article_id,
            action=due.action.value,
            reason=outcome.reason,
        )
    return {
        "article_id": due.article_id,
        "action": due.action.value,
        "done": outcome.done,
        "reason": outcome.reason,
    }


def sweep(repo: ArticleRepository, *, site_tz: ZoneInfo, metrics: Metrics) -> dict[str, Any]:
    """Fire the scheduled publishes more than a minute past due (their schedule was lost or failed), and
    count them: the OverdueSchedules alarm goes off when any is found."""
    overdue = scheduling.overdue(repo)
    metrics.add_metric(name=OVERDUE_METRIC, unit=MetricUnit.Count, value=len(overdue))
    fired = 0
    for due in overdue:
        logger.warning(
            "a scheduled publish was overdue", article_id=due.article_id, due_at=due.at.isoformat()
        )
        fired += _fire(repo, due, site_tz=site_tz, metrics=metrics)["done"]
    return {"overdue": len(overdue), "fired": fired}
