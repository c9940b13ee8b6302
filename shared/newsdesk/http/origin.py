"""Requests that did not come through the distribution are refused.

The distribution adds a secret header (`X-Origin-Verify`, template.yaml's `OriginSecret`) to every request
it sends the API; execute-api answers anyone on the internet, so a request without the secret went around
CloudFront (its WAF, its security headers, and the viewer address it records) and gets a 403 before
anything else is looked at. Two values are accepted while the secret is rotated (the new one and the one
it replaces). Standard library only: the comment intake checks it too.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from typing import Any

ORIGIN_HEADER = "X-Origin-Verify"
MIN_SECRET_LENGTH = 32


def parse_secrets(text: str) -> tuple[str, ...]:
    """The accepted secrets from a comma-separated setting (empty entries ignored); ValueError unless
    there is at least one and each has at least MIN_SECRET_LENGTH characters."""
    found = tuple(part.strip() for part in text.split(",") if part.strip())
    if not found:
        raise ValueError("at least one origin secret is required")
    if any(len(secret) < MIN_SECRET_LENGTH for secret in found):
        raise ValueError(f"each origin secret must have at least {MIN_SECRET_LENGTH} characters")
    return found


def through_distribution(event: Mapping[str, Any], accepted: Iterable[str]) -> bool:
    """Whether the request carries exactly one origin secret header, with an accepted value."""
    values = [
        str(value)
        for name, many in (event.get("multiValueHeaders") or {}).items()
        if name.lower() == ORIGIN_HEADER.lower()
        for value in many or []
    ]
    if not values:
        values = [
            str(v) for k, v in (event.get("headers") or {}).items() if k.lower() == ORIGIN_HEADER.lower()
        ]
    if len(values) != 1:
        return False
    given = values[0].encode("utf-8")
    # Compare with every accepted value (no early exit), in constant time each.
    matches = [hmac.compare_digest(given, secret.encode("utf-8")) for secret in accepted]
    return any(matches)
