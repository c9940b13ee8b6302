"""The local stack's settings: read once from NEWSDESK_* environment variables, validated, and cached.

Nothing else in newsdesk_local reads the environment; everything takes a LocalSettings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsdesk_local.template import ROOT, TEMPLATE_PATH

PREFIX = "NEWSDESK_"


class SettingsError(RuntimeError):
    """A NEWSDESK_* variable is malformed."""


class LocalSettings(BaseModel):
    """Each field is read from NEWSDESK_<FIELD NAME, upper-cased>, e.g. NEWSDESK_AWS_PORT."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = Field(default="127.0.0.1", description="Interface both servers listen on.")
    port: int = Field(default=8000, ge=1, le=65535, description="The site and API origin (CloudFront).")
    aws_port: int = Field(default=4566, ge=1, le=65535, description="The AWS emulator (moto server).")
    region: str = Field(default="us-east-1", min_length=1, description="Region of the emulated resources.")
    stack_name: str = Field(
        default="newsdesk-local",
        min_length=1,
        max_length=40,
        pattern=r"^[A-Za-z][-A-Za-z0-9]*$",
        description="Stands for AWS::StackName in resource names.",
    )
    editor_email: str = Field(
        default="editor@newsdesk.local",
        pattern=r"^[^@\s]+@[^@\s]+$",
        description="The editor `token` signs in.",
    )
    editor_password: str = Field(
        default="Local-Editor-2024", min_length=12, description="Password of local users."
    )
    samples: bool = Field(default=True, description="Create and publish the sample articles on start.")
    poll_interval: float = Field(
        default=0.15,
        gt=0,
        le=10,
        description="Seconds between event source polls (stream and upload pollers: after a failed poll "
        "only; while idle they sleep until the emulator takes a write).",
    )
    cdn_ttl_cap: float | None = Field(
        default=None,
        ge=0,
        description="Seconds the local CDN keeps an object at most (default: its s-maxage, as CloudFront; "
        "0 keeps nothing).",
    )
    noncurrent_versions: int = Field(
        default=2, ge=0, description="Noncurrent versions a versioned bucket keeps per object."
    )
    template: Path = Field(default=TEMPLATE_PATH, description="The SAM template to run.")
    stack: str | None = Field(
        default=None,
        min_length=1,
        description="Editor commands: a deployed CloudFormation stack instead of the local stack.",
    )
    token: str | None = Field(
        default=None, min_length=1, description="Editor commands: this ID token instead of `newsdesk login`."
    )
    state_dir: Path = Field(
        default=ROOT / ".newsdesk" / "state",
        description="Where the stack keeps its content between runs (`newsdesk dev --fresh` ignores it).",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LocalSettings:
        env = os.environ if environ is None else environ
        values = {
            name: env[PREFIX + name.upper()] for name in cls.model_fields if PREFIX + name.upper() in env
        }
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{PREFIX}{str(err['loc'][0]).upper()}: {err['msg']}" for err in exc.errors(include_url=False)
            )
            raise SettingsError(f"The local stack is not configured: {problems}") from None

    @property
    def aws_endpoint(self) -> str:
        return f"http://{self.host}:{self.aws_port}"

    @property
    def site_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.site_url}/api"


@cache
def local_settings() -> LocalSettings:
    return LocalSettings.from_env()
