"""ETags and the one If-Match parser (RFC 9110, sections 8.8.3 and 13.1.1), for articles and comments
alike. Standard library only.

The ETag of a version is its number as a strong entity tag (`"3"`). If-Match is `*` or a list of entity
tags:

    If-Match    = "*" / #entity-tag
    entity-tag  = [ weak ] opaque-tag          weak = %s"W/"
    opaque-tag  = DQUOTE *etagc DQUOTE         etagc = %x21 / %x23-7E / obs-text

Anything else is a malformed header (InvalidIfMatch: 400). If-Match compares strongly: a weak tag never
matches, nor does a well-formed tag this API never issued (`"stale-version"`, `"03"`); the condition holds
when any listed tag is the current ETag, or for `*` when the resource exists. A field with an empty value
counts as not sent (proxies drop empty fields; a client cannot rely on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from newsdesk.http.problems import InvalidIfMatch

# One list element and the comma after it (RFC 9110 5.6.1: empty elements are allowed and ignored).
_ELEMENT = re.compile(r'[ \t]*(?:(W/)?"([\x21\x23-\x7e\x80-\U0010ffff]*)")?[ \t]*(?:,|\Z)')
# The opaque part of an ETag this API issues: a version number as etag() writes it.
_VERSION = re.compile(r"0|[1-9][0-9]{0,17}")
MAX_TAGS = 100
FORMAT = 'an If-Match field is `*` or a comma-separated list of entity tags such as "3" or W/"3"'


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True)
class EntityTag:
    opaque: str  # between the quotes
    weak: bool = False

    def __str__(self) -> str:
        return f'{"W/" if self.weak else ""}"{self.opaque}"'


@dataclass(frozen=True)
class IfMatch:
    """What an If-Match header says: nothing (absent or empty), `*`, or a list of entity tags."""

    sent: bool
    any: bool = False
    tags: tuple[EntityTag, ...] = ()

    @property
    def versions(self) -> frozenset[int]:
        """The versions the list could match: strong tags in the form of this API's ETags."""
        return frozenset(
            int(tag.opaque) for tag in self.tags if not tag.weak and _VERSION.fullmatch(tag.opaque)
        )

    def matches(self, current: int | None) -> bool:
        """Whether the condition holds for the stored version (`current`; None: nothing is stored)."""
        if current is None:
            return False
        return self.any or current in self.versions


def parse_if_match(header: str | None) -> IfMatch:
    """The If-Match header's meaning; InvalidIfMatch if it is not the RFC's grammar."""
    if header is None or not header.strip(" \t"):
        return IfMatch(sent=False)
    value = header.strip(" \t")
    if value == "*":
        return IfMatch(sent=True, any=True)
    tags: list[EntityTag] = []
    position = 0
    while position < len(value):
        found = _ELEMENT.match(value, position)
        if found is None or found.end() == position:
            raise InvalidIfMatch(f"If-Match is not valid at character {position + 1}: {FORMAT}.")
        if found.group(2) is not None:
            tags.append(EntityTag(found.group(2), weak=found.group(1) is not None))
            if len(tags) > MAX_TAGS:
                raise InvalidIfMatch(f"If-Match lists more than {MAX_TAGS} entity tags.")
        position = found.end()
    return IfMatch(sent=True, tags=tuple(tags))


class ConditionFailed(Exception):
    """If-Match names no version that is stored; `missing`: nothing is stored at all."""

    def __init__(self, missing: bool) -> None:
        super().__init__("missing" if missing else "changed")
        self.missing = missing


def expected_version(condition: IfMatch, current: Callable[[], int | None]) -> int | None:
    """The version a conditional write must find stored, or None when no condition was sent.

    A list naming a single version of ours gives that version, at no extra read: the write itself checks
    it. Otherwise (`*`, several versions, or only tags that cannot match) `current()` reads the stored
    version (None when nothing is stored), and the write is conditioned on it if the condition holds.
    Raises ConditionFailed when it does not.
    """
    if not condition.sent:
        return None
    versions = condition.versions
    if not condition.any and len(versions) == 1:
        (only,) = versions
        return only
    stored = current()
    if stored is None:
        raise ConditionFailed(missing=True)
    if not condition.matches(stored):
        raise ConditionFailed(missing=False)
    return stored
