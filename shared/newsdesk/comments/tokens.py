"""Keyed hashes and the comment form's tokens, both made with a MAC key (a KMS HMAC key:
newsdesk.adapters.kms). Standard library only.

* A keyed hash of an email or IP address lets the intake and the worker find a sender's earlier comments
  (flood, duplicates, returning commenters) without storing the address in a form anyone could reverse
  by hashing guesses: computing it needs the key, which never leaves KMS.
* A fresh token, `{issued}.{nonce}.{mac}`, is what the page's script fetches from the intake when the
  reader starts on the form: `mac` is the base64url HMAC of `fresh|{article_id}|{issued}|{nonce}`. It is
  single-use (the intake claims its nonce atomically with the comment's other slots, so a second post
  with it is refused), the minimum fill time (3 s) counts from its issue, and it lasts a day.
* A page token, `{issued}.{mac}` (`mac` of `{article_id}|{issued}`), is baked into the static page when it
  is rendered, for readers without JavaScript. It is as old as the page and anyone can copy it, so it
  proves only that the post names an article of this site: a comment sent with it is accepted but always
  held for a moderator, never auto-approved.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import math
import re
import secrets
from dataclasses import dataclass
from typing import Literal, Protocol

from newsdesk.comments.errors import TokenRefused

MIN_FILL_SECONDS = 3
MAX_AGE_SECONDS = 30 * 86400
FRESH_MAX_AGE_SECONDS = 86400
_TOKEN = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{16,128})$")
_FRESH = re.compile(r"^(\d{1,12})\.([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{16,128})$")


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


def _fresh_message(article_id: str, issued: int, nonce: str) -> bytes:
    return f"fresh|{article_id}|{issued}|{nonce}".encode()


def new_nonce() -> str:
    return b64url(secrets.token_bytes(16))


def make_fresh_token(mac: Mac, article_id: str, issued: int, nonce: str | None = None) -> str:
    nonce = nonce or new_nonce()
    return f"{issued}.{nonce}.{b64url(mac.generate(_fresh_message(article_id, issued, nonce)))}"


@dataclass(frozen=True)
class CheckedToken:
    kind: Literal["fresh", "page"]
    issued: int
    nonce: str | None = None  # a fresh token's, which the intake claims once

    @property
    def expires(self) -> int:
        return self.issued + FRESH_MAX_AGE_SECONDS


def check_form_token(
    mac: Mac,
    token: str,
    article_id: str,
    now: float,
    *,
    min_fill: int = MIN_FILL_SECONDS,
    page_max_age: int = MAX_AGE_SECONDS,
) -> CheckedToken:
    """A fresh token (ours, for this article, between min_fill and a day old) or a page token (ours, for
    this article, at most page_max_age old): else TokenRefused."""
    fresh = _FRESH.match(token)
    if fresh is None:
        issued = check_token(mac, token, article_id, now, min_fill=0, max_age=page_max_age)
        return CheckedToken("page", issued)
    issued, nonce = int(fresh.group(1)), fresh.group(2)
    try:
        signature = _unb64url(fresh.group(3))
    except (binascii.Error, ValueError):
        raise TokenRefused("malformed") from None
    age = now - issued
    if age > FRESH_MAX_AGE_SECONDS:
        raise TokenRefused("expired")
    if age < -60:
        raise TokenRefused("forged")
    if not mac.verify(_fresh_message(article_id, issued, nonce), signature):
        raise TokenRefused("forged")
    if age < min_fill:
        raise TokenRefused("early", retry_after=max(1, math.ceil(min_fill - age)))
    return CheckedToken("fresh", issued, nonce)


def check_token(
    mac: Mac,
    token: str,
    article_id: str,
    now: float,
    *,
    min_fill: int = MIN_FILL_SECONDS,
    max_age: int = MAX_AGE_SECONDS,
) -> int:
    """A page token's issue time if it is ours, for this article, and between min_fill and max_age old."""
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
