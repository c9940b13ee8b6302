"""Opaque pagination cursors: a DynamoDB LastEvaluatedKey, base64url-encoded and checked on the way in."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from newsdesk.errors import InvalidCursor


def encode_cursor(last_key: dict[str, Any] | None) -> str | None:
    if not last_key:
        return None
    plain = {name: value["S"] for name, value in sorted(last_key.items())}
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, allowed_keys: frozenset[str]) -> dict[str, Any] | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("The cursor is not one this API issued.") from exc
    if (
        not isinstance(plain, dict)
        or set(plain) != allowed_keys
        or not all(isinstance(v, str) and 0 < len(v) <= 1024 for v in plain.values())
    ):
        raise InvalidCursor("The cursor is not one this API issued for this listing.")
    return {name: {"S": value} for name, value in plain.items()}
