"""The rules a comment meets before any moderator sees it. Pure functions, no I/O, standard library only.

Comments on an article are open for `open_days` after its first publication (`closes_at`).

The moderation rules:

In order, the first that applies decides (WordPress's model, applied in the worker instead of the request):

1. a blocklisted word or phrase anywhere (name, email, website, comment, IP, user agent) → spam, "blocklist"
2. another comment by the same sender less than the flood interval earlier → spam, "flood"
3. the same words by the same sender on the same article before → spam, "duplicate"
4. `LINK_HOLD` links or more in the comment → pending, "links" (never approved automatically)
5. a sender with an approved comment already from the same address, sending through the site's form
   with a fresh single-use token, when the site allows it → approved, "returning" (an email alone, or a
   copied page token, never gets a comment approved)
6. anything else → pending (a moderator decides)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

LINK_HOLD = 3
FLOOD_SECONDS = 15  # a sender (or, at the intake, an address) may comment once in this many seconds
_LINK = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>\"']+")


@dataclass(frozen=True)
class RuleSettings:
    blocklist: tuple[str, ...] = ()
    auto_approve_returning: bool = False
    link_hold: int = LINK_HOLD
    flood_seconds: int = FLOOD_SECONDS


@dataclass(frozen=True)
class Candidate:
    """The comment as the rules see it."""

    name: str
    email: str
    website: str | None
    body: str
    ip: str
    user_agent: str | None
    via_form: bool


@dataclass(frozen=True)
class History:
    recent: bool = False
    duplicate: bool = False
    approved_before: bool = False


def closes_at(published_at: dt.datetime, open_days: int) -> dt.datetime:
    """When comments on an article published at `published_at` close."""
    return published_at + dt.timedelta(days=open_days)


@dataclass(frozen=True)
class Decision:
    status: str  # pending | approved | spam
    reason: str | None = None


def parse_blocklist(text: str) -> tuple[str, ...]:
    """Comma- or newline-separated words and phrases; case and extra spaces do not matter."""
    terms = (" ".join(part.split()).casefold() for part in re.split(r"[,\n]", text or ""))
    return tuple(dict.fromkeys(t for t in terms if t))


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    # Whole words only: "ass" does not match "class". Spaces inside a phrase match any whitespace.
    body = r"\s+".join(re.escape(word) for word in term.split())
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def blocked_term(candidate: Candidate, blocklist: Iterable[str]) -> str | None:
    """The first blocklisted term the comment contains, if any."""
    texts = [candidate.name, candidate.email, candidate.website or "", candidate.body, candidate.ip]
    texts.append(candidate.user_agent or "")
    for term in blocklist:
        pattern = _term_pattern(term)
        if any(pattern.search(text) for text in texts):
            return term
    return None


def count_links(text: str) -> int:
    return len(_LINK.findall(text))


def moderate(candidate: Candidate, history: History, settings: RuleSettings) -> Decision:
    if blocked_term(candidate, settings.blocklist) is not None:
        return Decision("spam", "blocklist")
    if history.recent:
        return Decision("spam", "flood")
    if history.duplicate:
        return Decision("spam", "duplicate")
    if count_links(candidate.body) >= settings.link_hold:
        return Decision("pending", "links")
    if settings.auto_approve_returning and history.approved_before and candidate.via_form:
        return Decision("approved", "returning")
    return Decision("pending")
