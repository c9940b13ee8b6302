"""The comment intake function's settings, read from the environment once by its app.py.

A dataclass, not a pydantic model like the other functions' settings (newsdesk.wiring.settings): pydantic
would be most of this function's cold start.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from newsdesk.comments.intake import IntakePolicy
from newsdesk.comments.rules import FLOOD_SECONDS
from newsdesk.comments.tokens import MIN_FILL_SECONDS
from newsdesk.http.origin import parse_secrets


class IntakeSettingsError(RuntimeError):
    """The intake function's environment is missing or has a malformed setting."""


@dataclass(frozen=True)
class IntakeSettings:
    """Read from TABLE_NAME, COMMENTS_QUEUE_URL, COMMENTS_MAC_KEY_ID, COMMENTS_DATA_KEY_ID (seals the
    sender's personal data before it is queued), ORIGIN_SECRETS (comma-separated) and COMMENTS_OPEN_DAYS."""

    table_name: str
    queue_url: str
    mac_key_id: str
    data_key_id: str
    origin_secrets: tuple[str, ...]
    open_days: int = 14
    min_fill_seconds: int = MIN_FILL_SECONDS
    flood_seconds: int = FLOOD_SECONDS

    @property
    def policy(self) -> IntakePolicy:
        return IntakePolicy(
            open_days=self.open_days, min_fill_seconds=self.min_fill_seconds, flood_seconds=self.flood_seconds
        )

    @property
    def token_max_age(self) -> int:
        """Long enough for a page rendered when its article was published, while comments are open."""
        return self.policy.token_max_age

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IntakeSettings:
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def text(name: str, pattern: str) -> str:
            value = env.get(name, "")
            if not value:
                problems.append(f"{name}: is required")
            elif not re.match(pattern, value):
                problems.append(f"{name}: {value!r} does not match {pattern}")
            return value

        table = text("TABLE_NAME", r"^[A-Za-z0-9_.-]{3,255}$")
        queue = text("COMMENTS_QUEUE_URL", r"^https?://\S+$")
        key = text("COMMENTS_MAC_KEY_ID", r"^\S{1,2048}$")
        data_key = text("COMMENTS_DATA_KEY_ID", r"^\S{1,2048}$")
        accepted: tuple[str, ...] = ()
        try:
            accepted = parse_secrets(env.get("ORIGIN_SECRETS", ""))
        except ValueError as exc:
            problems.append(f"ORIGIN_SECRETS: {exc}")
        days_text = env.get("COMMENTS_OPEN_DAYS", "14").strip()
        days = int(days_text) if days_text.isdigit() else -1
        if not 0 <= days <= 3650:
            problems.append(f"COMMENTS_OPEN_DAYS: {days_text!r} is not a whole number from 0 to 3650")
        if problems:
            raise IntakeSettingsError(f"{cls.__name__} is not configured: {'; '.join(problems)}")
        return cls(
            table_name=table,
            queue_url=queue,
            mac_key_id=key,
            data_key_id=data_key,
            origin_secrets=accepted,
            open_days=days,
        )
