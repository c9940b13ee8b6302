"""Where the editor commands go: the local stack (the NEWSDESK_* settings of `newsdesk dev`) or a deployed
stack (its CloudFormation outputs ApiUrl, UserPoolId and UserPoolClientId)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk_local.editor.client import StackUnreachable
from newsdesk_local.settings import LocalSettings

REQUIRED_OUTPUTS = ("ApiUrl", "UserPoolId", "UserPoolClientId")


@dataclass(frozen=True)
class UserPoolRef:
    """How to sign in: a Cognito client (the emulator's for the local stack) and the pool's app client.
    `client_id` is None for the local stack until the pool is looked up by its template name."""

    cognito: Callable[[], Any]
    client_id: str | None = None
    local: LocalSettings | None = None


@dataclass(frozen=True)
class Target:
    name: str
    cache_key: str
    api_url: str
    site_url: str
    site_tz: ZoneInfo
    pool: UserPoolRef

    @property
    def is_local(self) -> bool:
        return self.pool.local is not None


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _template_zone(settings: LocalSettings) -> str | None:
    """The template's SiteTimezone default: the local stack's zone. Read with a plain YAML loader that
    ignores CloudFormation's tags (the full template loader costs seconds of imports per command)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)
    try:
        template = yaml.load(settings.template.read_text(encoding="utf-8"), Loader=Loader)
        return str(template["Parameters"]["SiteTimezone"]["Default"])
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None


def local_target(settings: LocalSettings) -> Target:
    def cognito() -> Any:
        import boto3

        from newsdesk_local.stack import FAKE_CREDENTIALS

        return boto3.client(
            "cognito-idp",
            endpoint_url=settings.aws_endpoint,
            region_name=settings.region,
            aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )

    return Target(
        name=f"the local stack at {settings.site_url}",
        cache_key=f"local-{settings.host}-{settings.port}",
        api_url=settings.api_url,
        site_url=settings.site_url,
        site_tz=_zone(_template_zone(settings)),
        pool=UserPoolRef(cognito=cognito, local=settings),
    )


def deployed_target(stack_name: str, cloudformation: Any | None = None) -> Target:
    """The target of a deployed stack, from its outputs and parameters (AWS credentials from the
    environment, as the AWS CLI finds them)."""
    try:
        if cloudformation is None:
            import boto3

            cloudformation = boto3.client("cloudformation")
        stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    except Exception as exc:  # no credentials, no such stack, no network: the stack cannot be reached
        raise StackUnreachable(f"cannot read the outputs of stack {stack_name!r} ({exc})") from None
    description = stacks[0]
    outputs = {o["OutputKey"]: o["OutputValue"] for o in description.get("Outputs") or []}
    parameters = {p["ParameterKey"]: p.get("ParameterValue") for p in description.get("Parameters") or []}
    missing = [key for key in REQUIRED_OUTPUTS if not outputs.get(key)]
    if missing:
        raise StackUnreachable(f"stack {stack_name!r} has no output {missing[0]} (is it a Newsdesk stack?)")
    api_url = outputs["ApiUrl"].rstrip("/")
    site_url = (outputs.get("SiteUrl") or api_url.removesuffix("/api")).rstrip("/")
    pool_id = outputs["UserPoolId"]
    region = pool_id.split("_", 1)[0]

    def cognito() -> Any:
        import boto3

        return boto3.client("cognito-idp", region_name=region)

    return Target(
        name=f"stack {stack_name}",
        cache_key="stack-" + re.sub(r"[^A-Za-z0-9-]", "-", stack_name),
        api_url=api_url,
        site_url=site_url,
        site_tz=_zone(parameters.get("SiteTimezone")),
        pool=UserPoolRef(cognito=cognito, client_id=outputs["UserPoolClientId"]),
    )


def resolve_target(settings: LocalSettings, stack_name: str | None) -> Target:
    name = stack_name or settings.stack
    return deployed_target(name) if name else local_target(settings)
