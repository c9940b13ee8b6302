"""Intrinsic functions resolved against a deployment."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk_local.intrinsics import NO_VALUE, Resolver, UnresolvableReference, references
from newsdesk_local.template import Deployed

TEMPLATE: dict[str, Any] = {
    "Parameters": {
        "Env": {"Type": "String", "Default": "dev"},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a,b"},
    },
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {},
}


@pytest.fixture
def resolver() -> Resolver:
    deployed = Deployed(stack_name="demo", region="eu-west-1")
    deployed.names["Table"] = "demo-Table"
    deployed.arns["Table"] = "arn:aws:dynamodb:eu-west-1:123456789012:table/demo-Table"
    deployed.attributes[("Table", "StreamArn")] = "arn:stream"
    return Resolver(TEMPLATE, deployed)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Table"}, "demo-Table"),
        ({"Ref": "Env"}, "dev"),
        ({"Ref": "Zones"}, ["a", "b"]),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Fn::GetAtt": ["Table", "Arn"]}, "arn:aws:dynamodb:eu-west-1:123456789012:table/demo-Table"),
        ({"Fn::GetAtt": "Table.StreamArn"}, "arn:stream"),
        (
            {"Fn::Sub": "${AWS::StackName}-${Table}-${Table.StreamArn}-${!Literal}"},
            "demo-demo-Table-arn:stream-${Literal}",
        ),
        ({"Fn::Sub": ["${Name}/x", {"Name": {"Ref": "Env"}}]}, "dev/x"),
        ({"Fn::Join": ["-", ["a", {"Ref": "Env"}]]}, "a-dev"),
        ({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}, "y"),
        ({"Fn::If": ["IsProd", "big", "small"]}, "small"),
        ({"Fn::ToJsonString": {"a": {"Ref": "Env"}}}, '{"a":"dev"}'),
        ({"A": 1, "B": {"Ref": "AWS::NoValue"}}, {"A": 1}),
    ],
)
def test_intrinsics_resolve(resolver: Resolver, value: Any, expected: Any) -> None:
    # Given a deployment and a value with intrinsics
    # When it is resolved
    # Then it is the value CloudFormation would give
    assert resolver.resolve(value) == expected


def test_a_lone_no_value_is_dropped(resolver: Resolver) -> None:
    assert resolver.resolve({"Ref": "AWS::NoValue"}) is NO_VALUE


@pytest.mark.parametrize(
    "value", [{"Ref": "Missing"}, {"Fn::GetAtt": ["Table", "Nope"]}, {"Fn::ImportValue": "x"}]
)
def test_unknown_references_fail_clearly(resolver: Resolver, value: Any) -> None:
    with pytest.raises(UnresolvableReference):
        resolver.resolve(value)


def test_references_are_found_in_every_form() -> None:
    # Given a value referring to resources in three ways
    value = {
        "a": {"Ref": "A"},
        "b": [{"Fn::GetAtt": "B.Arn"}],
        "c": {"Fn::Sub": "${C.Arn}/${AWS::Region}/${!Not}"},
    }

    # When its references are listed
    # Then all three are found, and pseudo parameters and escapes are not resources
    assert set(references(value)) == {"A", "B", "C", "AWS::Region"}
