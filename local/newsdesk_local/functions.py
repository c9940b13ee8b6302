"""The deployment's functions (AWS::Lambda::Function, as the SAM transform wrote them, Globals applied) as
the local stack runs them: code folder, handler, limits, environment.

A function's code is the folder its Code.S3Key names (newsdesk_local.rehearsal.packaged put it there, as
`sam package` puts the built folder), relative to the template.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsdesk_local.intrinsics import Resolver, as_env_value
from newsdesk_local.rehearsal import code_folder
from newsdesk_local.template import ROOT, Deployed

FUNCTION_TYPE = "AWS::Lambda::Function"


@dataclass(frozen=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    timeout: int = 3
    memory_size: int = 128

    @property
    def module_file(self) -> Path:
        """The file Handler names: `app.lambda_handler` → <CodeUri>/app.py."""
        module, _, _ = self.handler.rpartition(".")
        return self.code_uri / (module.replace(".", "/") + ".py")

    @property
    def handler_name(self) -> str:
        return self.handler.rpartition(".")[2]


def function_specs(deployed: Deployed, root: Path = ROOT) -> dict[str, FunctionSpec]:
    specs = {}
    for logical_id, resource in deployed.of_type(FUNCTION_TYPE).items():
        props = resource.get("Properties") or {}
        specs[logical_id] = FunctionSpec(
            logical_id=logical_id,
            code_uri=(root / code_folder(str(props["Code"]["S3Key"]))).resolve(),
            handler=str(props["Handler"]),
            timeout=int(props.get("Timeout", 3)),
            memory_size=int(props.get("MemorySize", 128)),
        )
    return specs


def function_environment(deployed: Deployed, logical_id: str) -> dict[str, str]:
    """The function's environment variables, intrinsics resolved."""
    props = deployed.resources[logical_id].get("Properties") or {}
    variables = (props.get("Environment") or {}).get("Variables") or {}
    resolved = Resolver(deployed).resolve(variables)
    return {name: as_env_value(value) for name, value in resolved.items()}
