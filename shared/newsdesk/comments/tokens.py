"""Keyed hashes and the comment form's token, both made with a MAC key (a KMS HMAC key:
newsdesk.adapters.kms). Standard library only.

* A keyed hash of an email or IP address lets the intake and the worker find a sender's earlier comments
  (flood, duplicates, returning commenters) without storing the address in a form anyone could reverse
  by hashing guesses: computing it needs the key, which never leaves KMS.
* The form token is `{issued}.{mac}`: `issued` in epoch seconds, `mac` the base64url HMAC of
  `{article_id}|{issued}`. A post with a token younger than the minimum fill time (3 s) came from
  a bot; one older than the maximum age came from a page nobody should still be filling in.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
from typing import Protocol

from newsdesk.comments.errors import TokenRefused

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 30 * 86400
_TOKEN = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{16,128})$")


class Mac(Protocol):
    """HMAC-SHA-256 with a key that never leaves its keeper."""

    def generate(self, message: bytes) -> bytes: ...
    def verify(self, message: bytes, mac: bytes) -> bool: ...


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# ----- keyed hashes -------------------------------------------------------------------------------


def email_hash(mac: Mac, email: str) -> str:
    return b64url(mac.generate(email.strip().lower().encode("utf-8")))


def normalize_ip(ip: str) -> str:
    try:
        return ipaddress.ip_address(ip.strip()).compressed
    except ValueError:
        return ip.strip()


def ip_hash(mac: Mac, ip: str) -> str:
    return b64url(mac.generate(normalize_ip(ip).encode("utf-8")))


# ----- the form token -----------------------------------------------------------------------------


def _token_message(article_id: str, issued: int) -> bytes:
    return f"{article_id}|{issued}".encode()


def make_token(mac: Mac, article_id: str, issued: int) -> str:
    return f"{issued}.{b64url(mac.generate(_token_message(article_id, issued)))}"


def check_token(
    mac: Mac,
    token: str,
    article_id: str,
    now: float,
    *,
    min_fill: int = MIN_FILL_SECONDS,
    max_age: int = MAX_AGE_SECONDS,
) -> int:
    """The token's issue time if it is ours, for this article, and between min_fill and max_age old."""
    match = _TOKEN.match(token)
    if match is None:
        raise TokenRefused("malformed")
    issued = int(match.group(1))
    try:
        signature = _unb64url(match.group(2))
    except (binascii.Error, ValueError):
        raise TokenRefused("malformed") from None
    age = now - issued
    if age > max_age:
        raise TokenRefused("expired")
    if age < -60:  # from the future (beyond clock skew): not one we issued
        raise TokenRefused("forged")
    if not mac.verify(_token_message(article_id, issued), signature):
        raise TokenRefused("forged")
    if age < min_fill:
        raise TokenRefused("early", retry_after=max(1, math.ceil(min_fill - age)))
    return issued
