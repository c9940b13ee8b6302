"""What a reader may send with a comment, and the rules each field must meet. Standard library only.

WordPress's limits, as plain text: name (required, at most 100 characters), email (required, valid, at most
254 characters, never published), website (optional http or https URL), comment (required, at most 5,000
characters). Every refusal names its field, so a form or an API client can point at it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from newsdesk.comments.errors import FieldError, InvalidSubmission

NAME_MAX = 100
EMAIL_MAX = 254
EMAIL_LOCAL_MAX = 64
WEBSITE_MAX = 200
BODY_MAX = 5000
TOKEN_MAX = 200
# The form's honeypot: hidden from people, filled in by bots that fill in everything.
HONEYPOT = "url_confirm"
# Where a form post is sent back to on the article's page: a notice shown by CSS :target alone.
PENDING_ANCHOR = "comment-pending"
FIELDS = ("name", "email", "website", "body")

# A practical address check (the WHATWG form rule, with a dot required in the domain).
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)
_NOT_IN_HOST = set("<>\"'`{}|\\^%")
_NOT_IN_URL = set('<>"`{}|\\^')  # never valid unencoded in a URL (RFC 3986)


@dataclass(frozen=True)
class Submission:
    """A valid comment as the reader sent it (normalized), before moderation."""

    name: str
    email: str
    website: str | None
    body: str
    token: str | None
    honeypot_filled: bool

    @property
    def body_hash(self) -> str:
        return body_hash(self.body)

    @property
    def email_key(self) -> str:
        """The form of the address its keyed hash is computed from."""
        return self.email.lower()


def _bad_characters(value: str, *, newlines: bool) -> bool:
    allowed = "\n\t" if newlines else ""
    for ch in value:
        if ch in allowed:
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs", "Co") or ch in "\u2028\u2029\ufeff":
            return True
    return False


def _text(data: Mapping[str, object], field: str, errors: list[FieldError]) -> str | None:
    raw = data.get(field)
    if raw is None:
        return None
    if not isinstance(raw, str):
        errors.append(FieldError(field, "must be a string"))
        return None
    return raw


def _name(value: str | None, errors: list[FieldError]) -> str:
    name = " ".join((value or "").split())
    if not name:
        errors.append(FieldError("name", "is required"))
    elif len(name) > NAME_MAX:
        errors.append(FieldError("name", f"must be at most {NAME_MAX} characters"))
    elif _bad_characters(name, newlines=False):
        errors.append(FieldError("name", "must not contain control characters"))
    return name


def _email(value: str | None, errors: list[FieldError]) -> str:
    email = (value or "").strip()
    if not email:
        errors.append(FieldError("email", "is required"))
    elif len(email) > EMAIL_MAX:
        errors.append(FieldError("email", f"must be at most {EMAIL_MAX} characters"))
    elif not _EMAIL.match(email) or len(email.rsplit("@", 1)[0]) > EMAIL_LOCAL_MAX:
        errors.append(FieldError("email", "is not a valid email address"))
    return email


def _website(value: str | None, errors: list[FieldError]) -> str | None:
    website = (value or "").strip()
    if not website:
        return None
    if len(website) > WEBSITE_MAX:
        errors.append(FieldError("website", f"must be at most {WEBSITE_MAX} characters"))
        return None
    if not is_web_url(website):
        errors.append(FieldError("website", "must be an http or https URL, like https://example.com"))
        return None
    return website


def is_web_url(value: str) -> bool:
    """An absolute http(s) URL with a host, no credentials and no spaces or control characters."""
    if (
        any(ch.isspace() for ch in value)
        or _bad_characters(value, newlines=False)
        or _NOT_IN_URL & set(value)
    ):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
        _ = parts.port  # a malformed port raises
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(host)
        and "@" not in parts.netloc
        and not _NOT_IN_HOST & set(parts.netloc)
    )


def _body(value: str | None, errors: list[FieldError]) -> str:
    body = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        errors.append(FieldError("body", "is required"))
    elif len(body) > BODY_MAX:
        errors.append(FieldError("body", f"must be at most {BODY_MAX:,} characters"))
    elif _bad_characters(body, newlines=True):
        errors.append(FieldError("body", "must not contain control characters"))
    return body


def _token(value: str | None, errors: list[FieldError]) -> str | None:
    token = (value or "").strip()
    if not token:
        return None
    if len(token) > TOKEN_MAX:
        errors.append(FieldError("token", "is not a token this site issued"))
        return None
    return token


def validate(data: Mapping[str, object]) -> Submission:
    """The submission, normalized, or InvalidSubmission naming every failing field. Unknown fields are
    ignored (forms carry buttons and the like)."""
    errors: list[FieldError] = []
    raw = {field: _text(data, field, errors) for field in (*FIELDS, "token", HONEYPOT)}
    submission = Submission(
        name=_name(raw["name"], errors),
        email=_email(raw["email"], errors),
        website=_website(raw["website"], errors),
        body=_body(raw["body"], errors),
        token=_token(raw["token"], errors),
        honeypot_filled=bool((raw[HONEYPOT] or "").strip()),
    )
    if errors:
        first: dict[str, FieldError] = {}  # one message per field: the first rule it broke
        for error in errors:
            first.setdefault(error.field, error)
        raise InvalidSubmission(list(first.values()))
    return submission


def body_hash(body: str) -> str:
    """What makes two comments duplicates: the same words, whatever the case and spacing."""
    canonical = " ".join(body.casefold().split())
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
