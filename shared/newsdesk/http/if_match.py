"""ETags and the one If-Match parser, for articles and comments alike. Standard library only.

An ETag is the quoted version number (`"3"`; a weak `W/"3"` is read the same). If-Match may name `*`
(whatever version is stored) or one or more ETags; several name the highest of their versions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')
# What an If-Match header may look like, for request validation (OpenAPI `pattern`).
IF_MATCH_PATTERN = r'^\s*(\*|(W/)?"\d+"(\s*,\s*(W/)?"\d+")*)\s*$'


def etag(version: int) -> str:
    return f'"{version}"'


@dataclass(frozen=True)
class IfMatch:
    """What an If-Match header says: nothing (absent or blank), any version (`*`), a version, or something
    this API never issued (`readable` False)."""

    sent: bool
    any: bool = False
    version: int | None = None

    @property
    def readable(self) -> bool:
        return not self.sent or self.any or self.version is not None


def parse_if_match(header: str | None) -> IfMatch:
    if header is None or not header.strip():
        return IfMatch(sent=False)
    if header.strip() == "*":
        return IfMatch(sent=True, any=True)
    matches = [_ETAG.match(part) for part in header.split(",")]
    if not all(matches):
        return IfMatch(sent=True)
    return IfMatch(sent=True, version=max(int(m.group(1)) for m in matches if m))
