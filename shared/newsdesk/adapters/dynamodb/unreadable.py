"""Items that no longer map to the domain model (a limit tightened since they were written, a console
edit): each one is reported — a structured warning naming its key, and an `UnreadableRecord` metric
(CloudWatch embedded metric format, in the namespace of POWERTOOLS_METRICS_NAMESPACE) — and a listing
leaves it out, so one bad item never breaks anything but itself."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from aws_lambda_powertools import Logger

from newsdesk.adapters.dynamodb.codec import Item

logger = Logger(child=True)

METRIC = "UnreadableRecord"
# What mapping an item can raise: a missing attribute, a value of the wrong kind, a rule it breaks
# (pydantic's ValidationError is a ValueError).
MAPPING_ERRORS: tuple[type[Exception], ...] = (KeyError, ValueError, TypeError, AttributeError)

T = TypeVar("T")


def key_of(item: Item) -> tuple[str, str]:
    return item.get("PK", {}).get("S", "?"), item.get("SK", {}).get("S", "?")


def report_unreadable(entity: str, item: Item, error: Exception) -> None:
    """Say that `item` cannot be read, with its key and why; count it."""
    pk, sk = key_of(item)
    logger.warning(
        "unreadable record left out", entity=entity, pk=pk, sk=sk, error=f"{type(error).__name__}: {error}"
    )
    # (imported here: only a bad item pays for the metrics utility, never a cold start)
    from aws_lambda_powertools.metrics import MetricUnit, single_metric
    from aws_lambda_powertools.metrics.exceptions import SchemaValidationError

    try:
        with single_metric(name=METRIC, unit=MetricUnit.Count, value=1) as metric:
            metric.add_dimension(name="entity", value=entity)
    except SchemaValidationError:  # no metrics namespace configured (a test, a script): the log says it
        pass


def readable(entity: str, items: Iterable[Item], mapping: Callable[[Item], T]) -> list[T]:
    """The items that map, in order; each one that does not is reported and left out."""
    found: list[T] = []
    for item in items:
        try:
            found.append(mapping(item))
        except MAPPING_ERRORS as exc:
            report_unreadable(entity, item, exc)
    return found
