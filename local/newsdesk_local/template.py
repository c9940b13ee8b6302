"""template.yaml (the one source of truth), loaded with cfn-lint's decoder, and what a deployment of it made.

Used by the local stack against moto server and by the tests against in-process moto, so neither
keeps a second, hand-written copy of a table, queue or bucket definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = ROOT / "template.yaml"


class TemplateError(RuntimeError):
    """The template does not load."""


@cache
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """The template as cfn-lint's decoder reads it: short-form intrinsics (!Ref, !Sub ...) in their long
    form, as plain dicts, lists and strings."""
    from cfnlint.decode import decode

    template, problems = decode(str(path))
    if template is None:
        raise TemplateError(f"{path} does not load: {'; '.join(str(p) for p in problems)}")
    plain: dict[str, Any] = _plain(template)
    return plain


def _plain(node: Any) -> Any:
    """cfn-lint's decoder returns its own dict/str subclasses (with line marks); plain types are simpler."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    return node


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
    """
    props = template["Resources"][logical_id]["Properties"]
    return create_table_arguments(resolve(props) if resolve is not None else props, table_name)


def create_table_arguments(props: dict[str, Any], table_name: str) -> dict[str, Any]:
    """CreateTable arguments for the (resolved) properties of an AWS::DynamoDB::Table. Point-in-time
    recovery and TTL are separate API calls (see newsdesk_local.deploy)."""
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
    if "StreamSpecification" in props:
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    sse = props.get("SSESpecification")
    if sse:
        args["SSESpecification"] = {
            "Enabled": bool(sse.get("SSEEnabled", False)),
            **{k: sse[k] for k in ("SSEType", "KMSMasterKeyId") if k in sse},
        }
    return args


def _throughput(value: dict[str, Any] | None) -> dict[str, int]:
    value = value or {}
    return {
        "ReadCapacityUnits": int(value.get("ReadCapacityUnits", 5)),
        "WriteCapacityUnits": int(value.get("WriteCapacityUnits", 5)),
    }


@dataclass
class Deployed:
    """What a deployment of the (SAM-transformed) template produced, by logical id.

    `resources` are the resources CloudFormation would create with the deployment's `parameters` (the
    conditions' Fn::If branches taken, intrinsics unresolved). `names` holds what `!Ref` gives (a table's
    name, a queue's URL, a user pool's id), `arns` the ARNs and `attributes` every other `!GetAtt`.
    `emulated` lists the resources that exist in the emulator; `not_held` the ones the emulator cannot
    hold, each with what stands in for it locally (newsdesk_local.deploy.NOT_HELD).
    """

    names: dict[str, str] = field(default_factory=dict)
    arns: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    stack_name: str = "newsdesk-local"
    region: str = "us-east-1"
    account_id: str = "123456789012"
    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    emulated: list[str] = field(default_factory=list)
    not_held: dict[str, str] = field(default_factory=dict)

    def of_type(self, type_name: str) -> dict[str, dict[str, Any]]:
        return {name: res for name, res in self.resources.items() if res.get("Type") == type_name}

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
