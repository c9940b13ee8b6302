"""ULIDs for comments, without a dependency: 48 bits of milliseconds, 80 random bits, Crockford base32."""

from __future__ import annotations

import os
import time

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now: float | None = None) -> str:
    """A new ULID for the moment `now` (epoch seconds; default the current time)."""
    millis = int((time.time() if now is None else now) * 1000)
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -5, -5))
