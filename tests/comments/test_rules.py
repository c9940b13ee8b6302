"""The moderation rules, in the order they apply."""

from __future__ import annotations

import pytest

from newsdesk.comments.rules import (
    Candidate,
    Decision,
    History,
    RuleSettings,
    blocked_term,
    count_links,
    moderate,
    parse_blocklist,
)


def candidate(**overrides: object) -> Candidate:
    values: dict[str, object] = {
        "name": "Meera Pillai",
        "email": "meera@example.com",
        "website": None,
        "body": "Well reported.",
        "ip": "203.0.113.24",
        "user_agent": "Mozilla/5.0",
        "via_form": True,
        **overrides,
    }
    return Candidate(**values)  # type: ignore[arg-type]


def test_blocklist_is_comma_or_line_separated_and_case_insensitive() -> None:
    assert parse_blocklist("Casino, cheap  PILLS\n,, viagra ") == ("casino", "cheap pills", "viagra")
    assert parse_blocklist("") == ()


@pytest.mark.parametrize(
    ("field", "text", "blocked"),
    [
        ("body", "Visit my CASINO today", True),
        ("body", "occasionally", False),  # not a whole word
        ("body", "cheap\n pills here", True),  # a phrase across whitespace
        ("body", "cheap things, pills", False),
        ("name", "Casino King", True),
        ("email", "spam@casino.example", True),
        ("website", "https://casino.example", True),
        ("ip", "198.51.100.7", True),
    ],
)
def test_blocklist_matches_whole_words_anywhere(field: str, text: str, blocked: bool) -> None:
    blocklist = parse_blocklist("casino, cheap pills, 198.51.100.7")
    assert (blocked_term(candidate(**{field: text}), blocklist) is not None) is blocked


def test_links_are_counted_in_plain_text() -> None:
    assert count_links("see https://a.example, http://b.example/x and www.c.example") == 3
    assert count_links("no links, just a.example") == 0


@pytest.mark.parametrize(
    ("comment", "history", "settings", "decision"),
    [
        (candidate(), History(), RuleSettings(), Decision("pending")),
        (
            candidate(body="casino"),
            History(),
            RuleSettings(blocklist=("casino",)),
            Decision("spam", "blocklist"),
        ),
        (candidate(), History(recent=True), RuleSettings(), Decision("spam", "flood")),
        (candidate(), History(duplicate=True), RuleSettings(), Decision("spam", "duplicate")),
        (
            candidate(body="https://a.example https://b.example https://c.example"),
            History(approved_before=True),
            RuleSettings(auto_approve_returning=True),
            Decision("pending", "links"),
        ),
        (
            candidate(body="https://a.example https://b.example"),
            History(),
            RuleSettings(),
            Decision("pending"),
        ),
        (
            candidate(),
            History(approved_before=True),
            RuleSettings(auto_approve_returning=True),
            Decision("approved", "returning"),
        ),
        (candidate(), History(approved_before=True), RuleSettings(), Decision("pending")),
        (
            candidate(via_form=False),
            History(approved_before=True),
            RuleSettings(auto_approve_returning=True),
            Decision("pending"),
        ),
        (
            candidate(body="casino"),
            History(recent=True, approved_before=True),
            RuleSettings(blocklist=("casino",), auto_approve_returning=True),
            Decision("spam", "blocklist"),
        ),
    ],
    ids=[
        "plain",
        "blocklist",
        "flood",
        "duplicate",
        "three links hold even a returning commenter",
        "two links are fine",
        "returning commenter",
        "returning but the site does not auto-approve",
        "returning but without the form's token (an API client)",
        "blocklist comes first",
    ],
)
def test_moderation_rules(
    comment: Candidate, history: History, settings: RuleSettings, decision: Decision
) -> None:
    assert moderate(comment, history, settings) == decision
