"""Slugs: lowercase ASCII words joined by hyphens, derived from headlines and tag names."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_LENGTH = 96
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# Characters that NFKD decomposition does not reduce to ASCII but that have a conventional spelling.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "\u0131": "i",  # dotless i
        "&": " and ",
        "@": " at ",
        "%": " percent ",
        # Apostrophes and curly quotes join the word they sit in: "Don't" -> "dont".
        "'": "",
        "\u2018": "",
        "\u2019": "",
        "\u02bc": "",
        "`": "",
        "\u00b4": "",
    }
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SLUG_RE = re.compile(SLUG_PATTERN)


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH) -> str:
    """Turn free text into a URL slug, transliterating accents and dropping quotes.

    Returns an empty string when nothing of the text survives (e.g. a headline in a non-Latin
    script); callers decide what to do then.
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_SPECIAL)).encode("ascii", "ignore").decode("ascii")
    )
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Prefer to cut at a word boundary; a cut that already ends a word keeps that word.
        if slug[max_length] != "-" and "-" in cut:
            cut = cut.rsplit("-", 1)[0]
        slug = cut
    return slug.strip("-")


def numbered(slug: str, number: int, max_length: int = MAX_SLUG_LENGTH) -> str:
    """The slug with a numeric suffix (`-2`, `-3` ...), the base cut short so that the whole still fits.
    Number 1 is the slug itself."""
    if number <= 1:
        return slug
    suffix = f"-{number}"
    return f"{slug[: max_length - len(suffix)].rstrip('-')}{suffix}"


def is_valid_slug(value: str) -> bool:
    return len(value) <= MAX_SLUG_LENGTH and bool(_SLUG_RE.match(value))
