"""What a reader may send: each rule, and a refusal that names every failing field."""

from __future__ import annotations

import pytest
from ulid import ULID

from newsdesk.comments.fields import (
    BODY_MAX,
    HONEYPOT,
    InvalidSubmission,
    body_hash,
    is_web_url,
    validate,
)
from newsdesk.comments.ids import new_ulid


def good(**overrides: object) -> dict[str, object]:
    return {"name": "Meera Pillai", "email": "meera@example.com", "body": "Well reported.", **overrides}


def refused_fields(data: dict[str, object]) -> dict[str, str]:
    with pytest.raises(InvalidSubmission) as caught:
        validate(data)
    return {e.field: e.message for e in caught.value.errors}


def test_a_valid_comment_is_normalized() -> None:
    # Given a comment with stray whitespace and Windows line endings
    data = good(name="  Meera   Pillai ", email=" Meera@Example.com ", website="", body="One\r\nTwo\r\n\r\n")

    # When it is validated
    submission = validate(data)

    # Then names collapse their spaces, the email is trimmed, an empty website is none, lines are kept
    assert submission.name == "Meera Pillai"
    assert submission.email == "Meera@Example.com"
    assert submission.email_key == "meera@example.com"
    assert submission.website is None
    assert submission.body == "One\nTwo"
    assert submission.token is None
    assert submission.honeypot_filled is False


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "x", "body": "y"}, "email", "is required"),
        (good(email=""), "email", "is required"),
        (good(email="not-an-address"), "email", "is not a valid email address"),
        (good(email="a@b"), "email", "is not a valid email address"),
        (good(email="a b@example.com"), "email", "is not a valid email address"),
        (good(email="x" * 250 + "@example.com"), "email", "must be at most 254 characters"),
        (good(email="x" * 65 + "@example.com"), "email", "is not a valid email address"),
        (good(name=""), "name", "is required"),
        (good(name="   "), "name", "is required"),
        (good(name="n" * 101), "name", "must be at most 100 characters"),
        (good(name="Bell\x07"), "name", "must not contain control characters"),
        (good(body=""), "body", "is required"),
        (good(body=" \n\t "), "body", "is required"),
        (good(body="b" * (BODY_MAX + 1)), "body", "must be at most 5,000 characters"),
        (good(body="nul\x00byte"), "body", "must not contain control characters"),
        (
            good(website="javascript:alert(1)"),
            "website",
            "must be an http or https URL, like https://example.com",
        ),
        (
            good(website="ftp://example.com"),
            "website",
            "must be an http or https URL, like https://example.com",
        ),
        (good(website="https://"), "website", "must be an http or https URL, like https://example.com"),
        (
            good(website="https://user:pw@evil.example"),
            "website",
            "must be an http or https URL, like https://example.com",
        ),
        (
            good(website='https://a.example/"><script>'),
            "website",
            "must be an http or https URL, like https://example.com",
        ),
        (good(website="https://" + "w" * 200 + ".com"), "website", "must be at most 200 characters"),
        (good(name=5), "name", "must be a string"),
        (good(body=["list"]), "body", "must be a string"),
    ],
)
def test_each_rule_names_its_field(data: dict[str, object], field: str, message: str) -> None:
    # Given a comment that breaks one rule
    # When it is validated
    problems = refused_fields(data)

    # Then the refusal names that field with the rule it broke
    assert problems == {field: message}


def test_every_failing_field_is_named_at_once() -> None:
    assert set(refused_fields({"website": "nope"})) == {"name", "email", "body", "website"}


def test_body_of_exactly_the_limit_is_accepted() -> None:
    assert len(validate(good(body="b" * BODY_MAX)).body) == BODY_MAX


@pytest.mark.parametrize(
    "url",
    ["https://example.com", "http://example.com/path?q=1#x", "https://bücher.example/", "https://a.b:8443/"],
)
def test_web_urls(url: str) -> None:
    assert is_web_url(url)


def test_the_honeypot_is_noticed() -> None:
    assert validate(good(**{HONEYPOT: "https://spam.example"})).honeypot_filled is True
    assert validate(good(**{HONEYPOT: ""})).honeypot_filled is False


def test_unknown_fields_are_ignored() -> None:
    assert validate(good(submit="Post comment", extra={"x": 1})).name == "Meera Pillai"


def test_duplicates_are_the_same_words_whatever_the_case_and_spacing() -> None:
    assert body_hash("Well  reported.\nThanks") == body_hash("well reported. thanks")
    assert body_hash("Well reported.") != body_hash("Badly reported.")


def test_comment_ids_are_ulids_in_time_order() -> None:
    # Given ids made a millisecond apart
    first, second = new_ulid(1_764_000_000.000), new_ulid(1_764_000_000.001)

    # Then each is a ULID carrying its time, and they sort in time order
    assert ULID.from_str(first).milliseconds == 1_764_000_000_000
    assert first[:10] < second[:10]
    assert len({new_ulid() for _ in range(1000)}) == 1000
