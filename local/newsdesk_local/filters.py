"""Lambda event filtering (FilterCriteria of an event source mapping), as Lambda applies it.

A record is delivered when any filter's pattern matches it. A pattern is an object whose keys must all
match; a leaf is a list of matchers, of which one must match (any element, if the record's value is a
list): exact values (strings, numbers, booleans, null), `prefix`, `suffix`, `equals-ignore-case`,
`wildcard`, `exists`, `anything-but`, `numeric` and `cidr`; `$or` takes a list of patterns.
For SQS, a JSON message body is matched as the object it encodes.
"""

from __future__ import annotations

import ipaddress
import json
import operator
import re
from collections.abc import Callable
from typing import Any

_MISSING: Any = object()
_NUMERIC = {
    "=": operator.eq,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}

RecordFilter = Callable[[dict[str, Any]], bool]


class InvalidFilterPattern(ValueError):
    """The FilterCriteria pattern is not valid (Lambda would refuse to create the mapping)."""


def compile_filters(filter_criteria: dict[str, Any] | None) -> RecordFilter:
    """A predicate over records for a FilterCriteria block ({"Filters": [{"Pattern": "..."}]})."""
    patterns = []
    for item in (filter_criteria or {}).get("Filters") or []:
        raw = item.get("Pattern")
        try:
            pattern = json.loads(raw) if isinstance(raw, str) else raw
        except json.JSONDecodeError as exc:
            raise InvalidFilterPattern(f"Pattern is not JSON: {raw!r}") from exc
        if not isinstance(pattern, dict):
            raise InvalidFilterPattern(f"Pattern must be a JSON object: {raw!r}")
        validate(pattern)
        patterns.append(pattern)
    if not patterns:
        return lambda _record: True
    return lambda record: any(matches(pattern, record) for pattern in patterns)


_OPERATORS = {
    "prefix",
    "suffix",
    "equals-ignore-case",
    "wildcard",
    "exists",
    "anything-but",
    "numeric",
    "cidr",
}


def validate(pattern: dict[str, Any]) -> None:
    """Refuse what Lambda refuses: leaves that are not lists, unknown operators."""
    for key, expected in pattern.items():
        if key == "$or":
            if not isinstance(expected, list) or len(expected) < 2:
                raise InvalidFilterPattern("$or takes a list of at least two patterns")
            for sub in expected:
                validate(sub)
        elif isinstance(expected, dict):
            validate(expected)
        elif isinstance(expected, list):
            for matcher in expected:
                if isinstance(matcher, dict) and (len(matcher) != 1 or next(iter(matcher)) not in _OPERATORS):
                    raise InvalidFilterPattern(f"{key}: unknown matcher {matcher!r}")
        else:
            raise InvalidFilterPattern(f"{key}: a pattern's leaves are lists of matchers, not {expected!r}")


def sqs_view(record: dict[str, Any]) -> dict[str, Any]:
    """An SQS record as filters see it: the body as the object it encodes, if it is JSON."""
    try:
        body = json.loads(record.get("body", ""))
    except (json.JSONDecodeError, TypeError):
        return record
    return {**record, "body": body}


def matches(pattern: dict[str, Any], event: Any) -> bool:
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(sub, event) for sub in expected):
                return False
            continue
        value = event.get(key, _MISSING) if isinstance(event, dict) else _MISSING
        if isinstance(expected, dict):
            if not isinstance(value, dict) or not matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not _leaf(expected, value):
                return False
        else:
            raise InvalidFilterPattern(f"{key}: a pattern's leaves are lists of matchers, not {expected!r}")
    return True


def _leaf(matchers: list[Any], value: Any) -> bool:
    for matcher in matchers:
        if isinstance(matcher, dict) and "exists" in matcher:
            found = _one(matcher, value)
        elif isinstance(value, list):  # a list matches when one of its elements does
            found = any(_one(matcher, v) for v in value)
        else:
            found = _one(matcher, value)
        if found:
            return True
    return False


def _one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, dict):
        if value is _MISSING:
            return False
        if isinstance(matcher, bool) or isinstance(value, bool) or matcher is None or value is None:
            return matcher is value or (matcher == value and type(matcher) is type(value))
        if isinstance(matcher, int | float) and isinstance(value, int | float):
            return float(matcher) == float(value)
        return matcher == value
    if len(matcher) != 1:
        raise InvalidFilterPattern(f"one operator per matcher: {matcher!r}")
    ((name, arg),) = matcher.items()
    if name == "exists":
        return (value is not _MISSING) is bool(arg)
    if value is _MISSING:
        return False
    if name == "prefix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            return isinstance(value, str) and value.lower().startswith(str(arg["equals-ignore-case"]).lower())
        return isinstance(value, str) and value.startswith(str(arg))
    if name == "suffix":
        if isinstance(arg, dict) and "equals-ignore-case" in arg:
            return isinstance(value, str) and value.lower().endswith(str(arg["equals-ignore-case"]).lower())
        return isinstance(value, str) and value.endswith(str(arg))
    if name == "equals-ignore-case":
        return isinstance(value, str) and value.lower() == str(arg).lower()
    if name == "wildcard":
        regex = ".*".join(re.escape(part) for part in str(arg).split("*"))
        return isinstance(value, str) and re.fullmatch(regex, value, re.DOTALL) is not None
    if name == "anything-but":
        if isinstance(arg, dict):
            return not _one(arg, value)
        excluded = arg if isinstance(arg, list) else [arg]
        return not any(_one(e, value) for e in excluded)
    if name == "numeric":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        return all(_NUMERIC[arg[i]](value, arg[i + 1]) for i in range(0, len(arg), 2))
    if name == "cidr":
        try:
            return ipaddress.ip_address(str(value)) in ipaddress.ip_network(str(arg), strict=False)
        except ValueError:
            return False
    raise InvalidFilterPattern(f"unknown filter operator {name!r}")
