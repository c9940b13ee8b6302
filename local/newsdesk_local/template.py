"""Read template.yaml (the one source of truth) and create its resources in an AWS endpoint.

Used by the local stack against moto server and by the tests against in-process moto, so neither
keeps a second, hand-written copy of a table, queue or bucket definition.
"""

from __future__ import annotations

from collections.abc import Callable
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
        return yaml.load(fh, Loader=_CfnLoader)


def resources(template: dict[str, Any], type_name: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in template.get("Resources", {}).items() if res.get("Type") == type_name}


def table_definition(
    template: dict[str, Any],
    logical_id: str,
    table_name: str,
    resolve: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """CreateTable arguments for an AWS::DynamoDB::Table of the template.

    `resolve` resolves intrinsics (!Ref, !Sub ...) in the properties; without it they must have none.
    Point-in-time recovery and TTL are separate API calls (see newsdesk_local.deploy).
    """
    props = template["Resources"][logical_id]["Properties"]
    if resolve is not None:
        props = resolve(props)
    args: dict[str, Any] = {
        "TableName": table_name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    index_keys = {"IndexName", "KeySchema", "Projection"}
    if args["BillingMode"] == "PROVISIONED":
        args["ProvisionedThroughput"] = _throughput(props.get("ProvisionedThroughput"))
        index_keys.add("ProvisionedThroughput")
    if "GlobalSecondaryIndexes" in props:
        args["GlobalSecondaryIndexes"] = [
            {k: v for k, v in gsi.items() if k in index_keys} for gsi in props["GlobalSecondaryIndexes"]
        ]
    if "LocalSecondaryIndexes" in props:
        args["LocalSecondaryIndexes"] = [
            {k: v for k, v in lsi.items() if k in {"IndexName", "KeySchema", "Projection"}}
            for lsi in props["LocalSecondaryIndexes"]
        ]
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    sse = props.get("SSESpecification")
    if sse:
        args["SSESpecification"] = {
            "Enabled": bool(sse.get("SSEEnabled", False)),
            **{k: sse[k] for k in ("SSEType", "KMSMasterKeyId") if k in sse},
        }
    for key in ("TableClass", "DeletionProtectionEnabled", "Tags"):
        if key in props:
            args[key] = props[key]
    return args


def _throughput(value: dict[str, Any] | None) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": int(value.get("ReadCapacityUnits", 5)),
        "WriteCapacityUnits": int(value.get("WriteCapacityUnits", 5)),
    }


@dataclass
class Deployed:
    """What a deployment of the template produced, by logical id.

    `names` holds what `!Ref` gives (a table's name, a queue's URL, a user pool's id), `arns` the ARNs and
    `attributes` every other `!GetAtt`. `emulated` lists the resources that exist in the emulator;
    `virtual` the ones that only got a name (functions, the API, ...), with the reason.
    """

    names: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    stack_name: str = "newsdesk-local"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    emulated: list[str] = field(default_factory=list)
    virtual: dict[str, str] = field(default_factory=dict)

    def ref(self, logical_id: str) -> str:
        return self.names[logical_id]

    def get_att(self, logical_id: str, attribute: str) -> str:
        if (logical_id, attribute) in self.attributes:
            return self.attributes[(logical_id, attribute)]
        if attribute == "Arn" and logical_id in self.arns:
            return self.arns[logical_id]
        raise KeyError(f"{logical_id}.{attribute}")

    def logical_id_of_arn(self, arn: str) -> str:
        for logical_id, known in self.arns.items():
            if known == arn:
                return logical_id
        for (logical_id, _attribute), value in self.attributes.items():
            if value == arn:
                return logical_id
        raise KeyError(arn)
