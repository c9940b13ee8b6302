"""The intrinsic functions the transformed template uses, resolved against a deployment."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk_local.intrinsics import Resolver, UnresolvableReference
from newsdesk_local.rehearsal import kept_resources, transformed_template
from newsdesk_local.template import Deployed


@pytest.fixture
def resolver() -> Resolver:
    deployed = Deployed(
        stack_name="demo", region="eu-west-1", parameters={"Env": "dev", "Url": "https://x.test"}
    )
    deployed.names["Table"] = "demo-Table"
    deployed.arns["Table"] = "arn:aws:dynamodb:eu-west-1:123456789012:table/demo-Table"
    deployed.attributes[("Table", "StreamArn")] = "arn:stream"
    return Resolver(deployed)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "Table"}, "demo-Table"),
        ({"Ref": "Env"}, "dev"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Fn::GetAtt": ["Table", "Arn"]}, "arn:aws:dynamodb:eu-west-1:123456789012:table/demo-Table"),
        ({"Fn::GetAtt": "Table.StreamArn"}, "arn:stream"),
        (
            {"Fn::Sub": "${AWS::StackName}-${Table}-${Table.StreamArn}-${!Literal}"},
            "demo-demo-Table-arn:stream-${Literal}",
        ),
        ({"Fn::Sub": ["${Name}/x", {"Name": {"Ref": "Env"}}]}, "dev/x"),
        ({"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "Url"}]}]}, "x.test"),
        ({"Fn::Join": [",", [{"Ref": "Env"}, "", "b"]]}, "dev,,b"),
        ({"A": [1, {"Ref": "Env"}]}, {"A": [1, "dev"]}),
    ],
)
def test_intrinsics_resolve(resolver: Resolver, value: Any, expected: Any) -> None:
    # Given a deployment and a value with intrinsics
    # When it is resolved
    # Then it is the value CloudFormation would give
    assert resolver.resolve(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"Ref": "Missing"},
        {"Fn::GetAtt": ["Table", "Nope"]},
        {"Fn::Base64": "a"},
        {"Fn::If": ["IsProd", "a", "b"]},
    ],
)
def test_unknown_references_and_functions_fail_clearly(resolver: Resolver, value: Any) -> None:
    # Given a reference to nothing, or a function the template does not use
    # When it is resolved
    # Then it fails by name rather than passing through half-resolved
    with pytest.raises(UnresolvableReference):
        resolver.resolve(value)


def test_the_resolver_covers_every_function_the_transformed_template_uses() -> None:
    # Given the transformed template with the local stack's parameters (conditions already evaluated)
    resources = kept_resources(transformed_template(), {"SiteUrl": "http://127.0.0.1:8000"})
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            used.update(k for k in node if k == "Ref" or k.startswith("Fn::"))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    # When the intrinsics in it are listed
    walk(resources)

    # Then the resolver knows each of them (Fn::Select and Fn::Split only with a custom domain)
    assert used <= {"Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Select", "Fn::Split", "Fn::Join"}
    assert {"Ref", "Fn::GetAtt", "Fn::Sub"} <= used
