"""Lambda event filtering (FilterCriteria), as applied by the pollers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from newsdesk_local.filters import InvalidFilterPattern, compile_filters, matches, sqs_view

RECORD: dict[str, Any] = {
    "eventName": "MODIFY",
    "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
    "dynamodb": {
        "Keys": {"PK": {"S": "ARTICLE#01J"}, "SK": {"S": "A"}},
        "NewImage": {"status": {"S": "published"}, "tags": {"L": [{"S": "a"}, {"S": "b"}]}},
    },
    "size": 12,
    "sourceIp": "10.0.0.7",
    "nothing": None,
    "labels": ["red", "green"],
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"eventName": ["MODIFY"]}, True),
        ({"eventName": ["INSERT", "MODIFY"]}, True),
        ({"eventName": ["INSERT"]}, False),
        ({"dynamodb": {"Keys": {"SK": {"S": ["A"]}}}}, True),
        ({"dynamodb": {"Keys": {"SK": {"S": ["TAG#x"]}}}}, False),
        ({"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "ARTICLE#"}]}}}}, True),
        ({"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "SLUG#"}]}}}}, False),
        ({"eventSourceARN": [{"suffix": "/stream/x"}]}, True),
        ({"eventName": [{"equals-ignore-case": "modify"}]}, True),
        ({"eventName": [{"wildcard": "MO*FY"}]}, True),
        ({"dynamodb": {"OldImage": [{"exists": False}]}}, True),
        ({"dynamodb": {"OldImage": [{"exists": True}]}}, False),
        ({"dynamodb": {"NewImage": {"status": [{"exists": True}]}}}, True),
        ({"eventName": [{"anything-but": ["REMOVE"]}]}, True),
        ({"eventName": [{"anything-but": "MODIFY"}]}, False),
        ({"eventName": [{"anything-but": {"prefix": "MOD"}}]}, False),
        ({"missing": [{"anything-but": ["x"]}]}, False),
        ({"size": [{"numeric": [">", 10, "<=", 12]}]}, True),
        ({"size": [{"numeric": ["<", 10]}]}, False),
        ({"size": [12.0]}, True),
        ({"sourceIp": [{"cidr": "10.0.0.0/24"}]}, True),
        ({"nothing": [None]}, True),
        ({"missing": [None]}, False),
        ({"labels": ["green"]}, True),
        ({"labels": ["blue"]}, False),
        ({"$or": [{"eventName": ["INSERT"]}, {"size": [12]}]}, True),
        ({"$or": [{"eventName": ["INSERT"]}, {"size": [13]}]}, False),
        ({"eventName": ["MODIFY"], "size": [13]}, False),
    ],
)
def test_patterns_match_like_lambda(pattern: dict[str, Any], expected: bool) -> None:
    # Given a record and a filter pattern
    # When the pattern is applied
    # Then it matches exactly when Lambda's filtering would
    assert matches(pattern, RECORD) is expected


def test_filters_are_or_ed_and_patterns_are_json_strings() -> None:
    # Given two filters, as FilterCriteria carries them in a template
    criteria = {
        "Filters": [
            {"Pattern": json.dumps({"eventName": ["INSERT"]})},
            {"Pattern": json.dumps({"dynamodb": {"Keys": {"SK": {"S": ["A"]}}}})},
        ]
    }

    # When they are compiled
    accept = compile_filters(criteria)

    # Then a record passes when any of them matches
    assert accept(RECORD)
    assert not accept({**RECORD, "dynamodb": {"Keys": {"SK": {"S": "TAG#a"}}}})
    assert compile_filters(None)(RECORD)


def test_sqs_bodies_are_matched_as_json() -> None:
    # Given SQS records, one with a JSON body and one with plain text
    accept = compile_filters({"Filters": [{"Pattern": '{"body": {"kind": ["render"]}}'}]})
    json_record = {"messageId": "1", "body": json.dumps({"kind": "render", "id": 3})}
    text_record = {"messageId": "2", "body": "render"}

    # When the filter is applied to their views
    # Then only the JSON body with the wanted field matches
    assert accept(sqs_view(json_record))
    assert not accept(sqs_view(text_record))
    assert compile_filters({"Filters": [{"Pattern": '{"body": ["render"]}'}]})(sqs_view(text_record))


@pytest.mark.parametrize(
    "pattern", ["not json", "[1]", '{"a": "not a list"}', '{"a": [{"between": [1, 2]}]}']
)
def test_invalid_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(InvalidFilterPattern):
        compile_filters({"Filters": [{"Pattern": pattern}]})(RECORD)
