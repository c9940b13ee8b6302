"""Reusable constrained types shared by the API, domain and record models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

from newsdesk.articles.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN

MAX_BODY_BYTES = 100 * 1024
MAX_TAGS = 20
MAX_AUTHORS = 20
MAX_CORRECTIONS = 50


def _body_size(value: str) -> str:
    if len(value.encode("utf-8")) > MAX_BODY_BYTES:
        raise ValueError(f"must be at most {MAX_BODY_BYTES} bytes of UTF-8")
    return value


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("must not contain control characters")
    return value


ArticleId = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_SLUG_LENGTH)]
Headline = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
    AfterValidator(_no_control_chars),
]
Summary = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=600), AfterValidator(_no_control_chars)
]
Body = Annotated[
    str, StringConstraints(min_length=1), AfterValidator(_no_control_chars), AfterValidator(_body_size)
]
AltText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_no_control_chars),
]
Caption = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=600), AfterValidator(_no_control_chars)
]
PersonName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_control_chars),
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=100), AfterValidator(_no_control_chars)
]
CorrectionText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    AfterValidator(_no_control_chars),
]
Bio = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2000), AfterValidator(_no_control_chars)
]
TagName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_no_control_chars),
]
HttpUrlText = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=2048, pattern=r"^https?://[^\s/$.?#][^\s]*$")
]
# An image's address: absolute, or the path of an uploaded image's rendition on the site itself.
ImageUrl = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        max_length=2048,
        pattern=r"^(https?://[^\s/$.?#][^\s]*|/media/[0-9A-HJKMNP-TV-Z]{26}/[a-z0-9x]+\.(webp|jpg))$",
    ),
]
# A Cognito user's subject (a UUID in Cognito; any short printable identifier is accepted).
AccountId = Annotated[str, StringConstraints(pattern=r"^[\x21-\x7e]{1,128}$")]
AccountEmail = Annotated[str, StringConstraints(pattern=r"^[^\s@]+@[^\s@]+$", max_length=254)]
Timestamp = AwareDatetime
Version = Annotated[int, Field(ge=1)]
