"""The intrinsic functions the transformed template uses, resolved against a deployment
(newsdesk_local.template.Deployed): Ref (parameters, pseudo parameters, resources), Fn::GetAtt, Fn::Sub,
Fn::Select, Fn::Split and Fn::Join.

Conditions and Fn::If are not here: newsdesk_local.rehearsal.kept_resources evaluates them first, as
CloudFormation does, and leaves the branches taken. Any other function is refused by name, so a template
that starts using one fails loudly instead of deploying something half-resolved.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from newsdesk_local.template import Deployed

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class UnresolvableReference(LookupError):
    """A !Ref, !GetAtt or ${...} names something the deployment does not have, or a function the local
    stack does not resolve."""


class Resolver:
    """Resolves intrinsics in template values, with these parameter values."""

    def __init__(self, deployed: Deployed, parameters: Mapping[str, Any] | None = None) -> None:
        self.deployed = deployed
        self.parameters = dict(deployed.parameters if parameters is None else parameters)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref":
                    return self.ref(str(arg))
                if key.startswith("Fn::"):
                    return self._function(key, arg)
            return {k: self.resolve(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value

    def ref(self, name: str) -> Any:
        if name in self.parameters:
            return self.parameters[name]
        pseudo = self._pseudo(name)
        if pseudo is not None:
            return pseudo
        try:
            return self.deployed.ref(name)
        except KeyError:
            raise UnresolvableReference(f"!Ref {name}: no such parameter or deployed resource") from None

    def get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.deployed.get_att(logical_id, attribute)
        except KeyError:
            raise UnresolvableReference(
                f"!GetAtt {logical_id}.{attribute}: the local stack does not know this attribute"
            ) from None

    def _pseudo(self, name: str) -> str | None:
        d = self.deployed
        return {
            "AWS::Region": d.region,
            "AWS::AccountId": d.account_id,
            "AWS::StackName": d.stack_name,
            # A stack's id ends in a UUID CloudFormation picks; here one the stack's name, region and
            # account always give, so it stays the same across restarts as a deployed stack's does.
            "AWS::StackId": f"arn:aws:cloudformation:{d.region}:{d.account_id}:stack/{d.stack_name}/"
            + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{d.account_id}/{d.region}/{d.stack_name}")),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else [self.resolve(a) for a in arg]
            return self.get_att(str(parts[0]), str(parts[1]))
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if key == "Fn::Split":
            delimiter, text = arg
            return str(self.resolve(text)).split(str(delimiter))
        if key == "Fn::Join":
            delimiter, items = arg
            return str(delimiter).join(str(item) for item in self.resolve(items))
        raise UnresolvableReference(
            f"{key}: the template does not use it, so the local stack does not resolve it"
        )

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, str(text))


def as_env_value(value: Any) -> str:
    """An environment variable's value as Lambda gets it: always a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
