from __future__ import annotations

import pytest

from newsdesk.articles.slugs import MAX_SLUG_LENGTH, is_valid_slug, numbered, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Café Société", "cafe-societe"),
        ("\u2018Don\u2019t\u2019 panic\u201d", "dont-panic"),
        ("Don't panic", "dont-panic"),
        ("Straße in München", "strasse-in-munchen"),
        ("Łódź mayor Wałęsa", "lodz-mayor-walesa"),
        ("Ærø and Øresund œuvre", "aero-and-oresund-oeuvre"),
        ("AT&T buys T-Mobile", "at-and-t-buys-t-mobile"),
        ("Rates up 2% @ RBI", "rates-up-2-percent-at-rbi"),
        ("C++ — or Rust?!", "c-or-rust"),
        ("  Budget 2025:   what   changes  ", "budget-2025-what-changes"),
        ("1984", "1984"),
    ],
)
def test_slugify_transliterates_and_joins_words_with_hyphens(text: str, expected: str) -> None:
    # Given a headline in Latin script with accents, quotes, symbols or odd spacing
    # When it is slugified
    slug = slugify(text)

    # Then it is lowercase ASCII words joined by single hyphens
    assert slug == expected
    assert is_valid_slug(slug)


@pytest.mark.parametrize("text", ["नमस्ते दुनिया", "Привет мир", "東京", "  -- !! --  ", ""])
def test_slugify_is_empty_when_nothing_latin_survives(text: str) -> None:
    # Given text with no Latin letters or digits
    # When it is slugified
    # Then the result is empty (the caller decides what to do)
    assert slugify(text) == ""


def test_slugify_keeps_latin_words_of_mixed_script_text() -> None:
    # Given a headline mixing Devanagari and Latin words
    # When it is slugified
    # Then the Latin words remain
    assert slugify("मुंबई Mumbai Metro लाइन 3") == "mumbai-metro-3"


@pytest.mark.parametrize(
    ("max_length", "expected"),
    [
        (7, "one-two"),  # the cap falls exactly at the end of a word
        (8, "one-two"),  # the cap falls on a hyphen
        (6, "one"),  # the cap falls inside "two": cut back to the previous whole word
        (3, "one"),
        (2, "on"),  # a single word longer than the cap is truncated
    ],
)
def test_slugify_caps_length_at_a_word_boundary(max_length: int, expected: str) -> None:
    # Given a headline longer than the cap
    # When it is slugified with that cap
    slug = slugify("one two three", max_length=max_length)

    # Then it keeps as many whole words as fit, and never ends with a hyphen
    assert slug == expected
    assert len(slug) <= max_length


def test_slugify_caps_long_headlines_at_the_default_length() -> None:
    # Given a very long headline
    headline = " ".join(["monsoon"] * 40)

    # When it is slugified
    slug = slugify(headline)

    # Then it is cut to whole words within the default cap
    assert 0 < len(slug) <= MAX_SLUG_LENGTH
    assert set(slug.split("-")) == {"monsoon"}
    assert is_valid_slug(slug)


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("monsoon-2025", True),
        ("a", True),
        ("Monsoon", False),
        ("monsoon--2025", False),
        ("-monsoon", False),
        ("monsoon-", False),
        ("café", False),
        ("", False),
        ("a" * MAX_SLUG_LENGTH, True),
        ("a" * (MAX_SLUG_LENGTH + 1), False),
    ],
)
def test_is_valid_slug(value: str, valid: bool) -> None:
    # Given a candidate slug
    # When it is checked
    # Then only lowercase ASCII words joined by single hyphens, within the cap, pass
    assert is_valid_slug(value) is valid


@pytest.mark.parametrize(
    ("slug", "number", "expected"),
    [
        ("monsoon", 1, "monsoon"),
        ("monsoon", 2, "monsoon-2"),
        ("monsoon", 12, "monsoon-12"),
        ("a" * MAX_SLUG_LENGTH, 3, "a" * (MAX_SLUG_LENGTH - 2) + "-3"),
        ("ab-" + "c" * (MAX_SLUG_LENGTH - 3), 10, "ab-" + "c" * (MAX_SLUG_LENGTH - 6) + "-10"),
        ("x" * (MAX_SLUG_LENGTH - 3) + "-yy", 2, "x" * (MAX_SLUG_LENGTH - 3) + "-2"),
    ],
)
def test_a_numbered_slug_keeps_within_the_limit(slug: str, number: int, expected: str) -> None:
    # Given a slug and a number
    # When it is numbered
    result = numbered(slug, number)

    # Then it is the slug with the suffix, cut to fit, and still a valid slug
    assert result == expected
    assert is_valid_slug(result)
