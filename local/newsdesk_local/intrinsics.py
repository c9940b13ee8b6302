"""CloudFormation intrinsic functions, resolved against a deployment (newsdesk_local.template.Deployed).

Covers what SAM templates use: Ref (parameters, pseudo parameters, resources), Fn::GetAtt, Fn::Sub,
Fn::Join, Fn::Select, Fn::Split, Fn::If with Conditions, Fn::FindInMap, Fn::Base64, Fn::GetAZs and
Fn::ToJsonString. Fn::ImportValue has nothing to import from locally and raises.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from newsdesk_local.template import Deployed

NO_VALUE: Any = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


class UnresolvableReference(LookupError):
    """A !Ref, !GetAtt or ${...} names something the deployment does not have."""


class Resolver:
    """Resolves intrinsics in template values; parameters default to the template's Defaults."""

    def __init__(
        self, template: dict[str, Any], deployed: Deployed, parameters: Mapping[str, Any] | None = None
    ) -> None:
        self.template = template
        self.deployed = deployed
        self.parameters = parameter_values(template, parameters)

    # ----- entry points ---------------------------------------------------------------------------

    def resolve(self, value: Any) -> Any:
        if isinstance(value, dict):
            if len(value) == 1:
                ((key, arg),) = value.items()
                if key == "Ref":
                    return self.ref(str(arg))
                if key == "Condition":
                    return self.condition(str(arg))
                if key.startswith("Fn::"):
                    return self._function(key, arg)
            resolved = {k: self.resolve(v) for k, v in value.items()}
            return {k: v for k, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
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

    def condition(self, name: str) -> bool:
        conditions = self.template.get("Conditions") or {}
        if name not in conditions:
            raise UnresolvableReference(f"Condition {name}: not defined in Conditions")
        return bool(self.resolve(conditions[name]))

    # ----- helpers --------------------------------------------------------------------------------

    def _pseudo(self, name: str) -> Any:
        d = self.deployed
        return {
            "AWS::Region": d.region,
            "AWS::AccountId": d.account_id,
            "AWS::StackName": d.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{d.region}:{d.account_id}:stack/{d.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
            "AWS::NoValue": NO_VALUE,
        }.get(name)

    def _function(self, key: str, arg: Any) -> Any:
        if key == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else [self.resolve(a) for a in arg]
            return self.get_att(str(parts[0]), str(parts[1]))
        if key == "Fn::Sub":
            return self._sub(arg)
        if key == "Fn::Join":
            delimiter, items = arg
            return str(delimiter).join(str(i) for i in self.resolve(items))
        if key == "Fn::Select":
            index, items = arg
            return self.resolve(items)[int(self.resolve(index))]
        if key == "Fn::Split":
            delimiter, text = arg
            return str(self.resolve(text)).split(str(delimiter))
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self.resolve(when_true if self.condition(str(name)) else when_false)
        if key == "Fn::Equals":
            left, right = (self.resolve(a) for a in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self.resolve(arg[0])
        if key == "Fn::And":
            return all(self.resolve(a) for a in arg)
        if key == "Fn::Or":
            return any(self.resolve(a) for a in arg)
        if key == "Fn::FindInMap":
            mapping, top, second = (self.resolve(a) for a in arg[:3])
            return self.template["Mappings"][mapping][top][second]
        if key == "Fn::Base64":
            return base64.b64encode(str(self.resolve(arg)).encode()).decode()
        if key == "Fn::GetAZs":
            return [f"{self.deployed.region}{zone}" for zone in "abc"]
        if key == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg), separators=(",", ":"))
        if key == "Fn::ImportValue":
            raise UnresolvableReference("Fn::ImportValue: other stacks' exports do not exist locally")
        return {key: self.resolve(arg)}

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


def parameter_values(template: dict[str, Any], overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Template parameters: their Default, unless overridden; lists for CommaDelimitedList."""
    values: dict[str, Any] = {}
    for name, spec in (template.get("Parameters") or {}).items():
        value = (overrides or {}).get(name, spec.get("Default"))
        if value is None:
            raise UnresolvableReference(f"Parameter {name} has no Default; pass a value")
        if spec.get("Type") == "CommaDelimitedList" and isinstance(value, str):
            value = [v.strip() for v in value.split(",")]
        values[name] = value if isinstance(value, list) else str(value)
    return values


def references(value: Any) -> Iterator[str]:
    """Every logical id or parameter a value refers to (Ref, GetAtt, ${...} in Sub)."""
    if isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str):
                yield arg
            elif key == "Fn::GetAtt":
                yield (arg.split(".", 1)[0] if isinstance(arg, str) else str(arg[0]))
            elif key == "Fn::Sub":
                text = arg if isinstance(arg, str) else arg[0]
                local = set() if isinstance(arg, str) else set(arg[1])
                for name in _SUB_VARIABLE.findall(str(text)):
                    if not name.startswith("!") and name not in local:
                        yield name.split(".", 1)[0] if not name.startswith("AWS::") else name
                if not isinstance(arg, str):
                    yield from references(arg[1])
            else:
                yield from references(arg)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def as_env_value(value: Any) -> str:
    """An environment variable's value as Lambda gets it: always a string."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
