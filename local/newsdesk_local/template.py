"""Read template.yaml (the one source of truth) and create its resources in an AWS endpoint.

Used by the local stack against moto server and by the tests against in-process moto, so neither
keeps a second, hand-written copy of a table, queue or bucket definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that keeps CloudFormation short-form intrinsics (!Ref, !Sub, !GetAtt ...)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def resources(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {
        name: res for name, res in template.get("Resources", {}).items() if res.get("Type") == type_name
    }


def table_definition(template: dict[str, Any], logical_id: str, table_name: str) -> dict[str, Any]:
    """CreateTable arguments for an AWS::DynamoDB::Table of the template."""
    props = template["Resources"][logical_id]["Properties"]
    args: dict[str, Any] = {
        "TableName": table_name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if "GlobalSecondaryIndexes" in props:
        args["GlobalSecondaryIndexes"] = [
            {k: v for k, v in gsi.items() if k in {"IndexName", "KeySchema", "Projection"}}
            for gsi in props["GlobalSecondaryIndexes"]
        ]
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return args


@dataclass
class Deployed:
    """Physical names of the resources created from the template, by logical id."""

    names: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def ref(self, logical_id: str) -> str:
        return self.names[logical_id]
