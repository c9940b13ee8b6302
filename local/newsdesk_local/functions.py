"""The template's functions as the local stack runs them: code, handler, limits, environment, events.

SAM's Globals.Function apply to every AWS::Serverless::Function: scalars are overridden by the
function, maps (Environment.Variables) are merged, the function's own keys winning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsdesk_local.intrinsics import NO_VALUE, Resolver, as_env_value
from newsdesk_local.template import ROOT, Deployed, resources

FUNCTION_TYPE = "AWS::Serverless::Function"


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: int = 3
    memory_size: int = 128
    events: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def module_file(self) -> Path:
        """The file Handler names: `app.lambda_handler` → <CodeUri>/app.py."""
        module, _, _ = self.handler.rpartition(".")
        return self.code_uri / (module.replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rpartition(".")[2]


def function_properties(template: dict[str, Any], logical_id: str) -> dict[str, Any]:
    """The function's properties with Globals.Function applied (unresolved)."""
    globals_ = dict(((template.get("Globals") or {}).get("Function")) or {})
    own = template["Resources"][logical_id].get("Properties") or {}
    merged = {**globals_, **own}
    global_vars = (globals_.get("Environment") or {}).get("Variables") or {}
    own_vars = (own.get("Environment") or {}).get("Variables") or {}
    if global_vars or own_vars:
        merged["Environment"] = {"Variables": {**global_vars, **own_vars}}
    return merged


def function_specs(template: dict[str, Any], root: Path = ROOT) -> dict[str, FunctionSpec]:
    specs = {}
    for logical_id in resources(template, FUNCTION_TYPE):
        props = function_properties(template, logical_id)
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=(root / str(props.get("CodeUri", "."))).resolve(),
            handler=str(props["Handler"]),
            timeout=int(props.get("Timeout", 3)),
            memory_size=int(props.get("MemorySize", 128)),
            events=dict(props.get("Events") or {}),
        )
    return specs


def function_environment(
    template: dict[str, Any],
    logical_id: str,
    deployed: Deployed,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """The function's environment variables (Globals merged with its own), intrinsics resolved."""
    variables = (function_properties(template, logical_id).get("Environment") or {}).get("Variables") or {}
    resolver = Resolver(template, deployed, parameters)
    out: dict[str, str] = {}
    for name, value in variables.items():
        resolved = resolver.resolve(value)
        if resolved is not NO_VALUE:
            out[name] = as_env_value(resolved)
    return out
