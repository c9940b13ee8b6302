"""The form token and the keyed hashes, with a local HMAC standing in for the KMS key."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from newsdesk.comments.tokens import (
    TokenRefused,
    check_token,
    email_hash,
    ip_hash,
    make_token,
)

ARTICLE = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"
OTHER = "01JDQ80000000000000000000Z"
NOW = 1_764_000_000


class LocalMac:
    def __init__(self, key: bytes = b"k" * 32) -> None:
        self.key = key

    def generate(self, message: bytes) -> bytes:
        return hmac.new(self.key, message, hashlib.sha256).digest()

    def verify(self, message: bytes, mac: bytes) -> bool:
        return hmac.compare_digest(self.generate(message), mac)


MAC = LocalMac()


def test_a_token_of_the_right_age_for_its_article_is_accepted() -> None:
    token = make_token(MAC, ARTICLE, NOW - 60)
    assert check_token(MAC, token, ARTICLE, NOW) == NOW - 60


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("", "malformed"),
        ("123", "malformed"),
        ("abc.def", "malformed"),
        (f"{NOW - 60}.{'A' * 43}", "forged"),
        (make_token(MAC, OTHER, NOW - 60), "forged"),  # issued for another article
        (make_token(LocalMac(b"x" * 32), ARTICLE, NOW - 60), "forged"),  # another key
        (make_token(MAC, ARTICLE, NOW + 3600), "forged"),  # from the future
        (make_token(MAC, ARTICLE, NOW - 31 * 86400), "expired"),
    ],
)
def test_tokens_that_are_not_ours_or_too_old_are_refused(token: str, reason: str) -> None:
    with pytest.raises(TokenRefused) as refused:
        check_token(MAC, token, ARTICLE, NOW)
    assert refused.value.reason == reason


def test_a_form_sent_within_the_minimum_fill_time_is_told_how_long_to_wait() -> None:
    # Given a token issued one second ago (a bot fills a form at once)
    token = make_token(MAC, ARTICLE, NOW - 1)

    # When it is checked
    with pytest.raises(TokenRefused) as refused:
        check_token(MAC, token, ARTICLE, NOW)

    # Then it is early, and two more seconds make the three-second minimum
    assert (refused.value.reason, refused.value.retry_after) == ("early", 2)
    assert check_token(MAC, token, ARTICLE, NOW + 2) == NOW - 1


def test_keyed_hashes_ignore_case_and_spelling_of_addresses_but_need_the_key() -> None:
    assert email_hash(MAC, "Meera@Example.com ") == email_hash(MAC, "meera@example.com")
    assert email_hash(MAC, "meera@example.com") != email_hash(LocalMac(b"y" * 32), "meera@example.com")
    assert ip_hash(MAC, "2001:db8:0:0::1") == ip_hash(MAC, "2001:db8::1")
    plain = hashlib.sha256(b"meera@example.com").hexdigest()
    assert plain not in email_hash(MAC, "meera@example.com")
