"""ULIDs for comments, without a dependency: 48 bits of milliseconds, 80 random bits, Crockford base32."""

from __future__ import annotations

import os

from newsdesk.clock import epoch_seconds

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_ulid(now: float | None = None) -> str:
    """A new ULID for the moment `now` (epoch seconds; default the product clock's now)."""
    millis = int((epoch_seconds() if now is None else now) * 1000)
    value = (millis & (2**48 - 1)) << 80 | int.from_bytes(os.urandom(10), "big")
    return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -5, -5))
