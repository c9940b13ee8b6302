from __future__ import annotations

import base64
import json

import pytest

from newsdesk.adapters.dynamodb.cursor import InvalidCursor, decode_cursor, encode_cursor

KEYS = frozenset({"PK", "SK", "GSI2PK", "GSI2SK"})
LAST_KEY = {
    "PK": {"S": "ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X"},
    "SK": {"S": "A"},
    "GSI2PK": {"S": "ARTICLES"},
    "GSI2SK": {"S": "2024-11-25T10:30:00.000000Z#01JDQ7ZK3M8N4P5R6S7T8V9W0X"},
}


def raw_cursor(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def test_a_cursor_round_trips_to_the_same_key() -> None:
    # Given a DynamoDB LastEvaluatedKey
    # When it is encoded and decoded for the same listing
    cursor = encode_cursor(LAST_KEY)
    assert cursor is not None
    decoded = decode_cursor(cursor, KEYS)

    # Then the key comes back unchanged, and the cursor is URL-safe without padding
    assert decoded == LAST_KEY
    assert all(ch.isalnum() or ch in "-_" for ch in cursor)


@pytest.mark.parametrize("last_key", [None, {}])
def test_no_last_key_means_no_cursor(last_key: dict[str, object] | None) -> None:
    # Given the last page of a query
    # When its (absent) key is encoded
    # Then there is no next cursor
    assert encode_cursor(last_key) is None


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_means_the_first_page(cursor: str | None) -> None:
    # Given no cursor
    # When it is decoded
    # Then the query starts at the beginning
    assert decode_cursor(cursor, KEYS) is None


def test_a_cursor_for_another_listing_is_refused() -> None:
    # Given a cursor issued for the ByUpdated listing
    cursor = encode_cursor(LAST_KEY)

    # When it is used for the Published listing (different key attributes)
    # Then it is refused
    with pytest.raises(InvalidCursor, match="this listing"):
        decode_cursor(cursor, frozenset({"PK", "SK", "PUBPK", "PUBSK"}))


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        "%%%",
        "eyJQSyI6",  # a truncated cursor: valid base64, broken JSON
        raw_cursor(["PK", "SK"]),
        raw_cursor({"PK": "ARTICLE#x", "SK": "A"}),  # keys missing
        raw_cursor({**{k: v["S"] for k, v in LAST_KEY.items()}, "extra": "x"}),  # a key too many
        raw_cursor({**{k: v["S"] for k, v in LAST_KEY.items()}, "SK": 7}),  # not a string
        raw_cursor({**{k: v["S"] for k, v in LAST_KEY.items()}, "SK": ""}),  # empty
        raw_cursor({**{k: v["S"] for k, v in LAST_KEY.items()}, "SK": "x" * 1025}),  # too long
        base64.urlsafe_b64encode(b"\xff\xfe\xfd").decode(),  # not UTF-8
    ],
)
def test_a_tampered_or_foreign_cursor_is_refused(cursor: str) -> None:
    # Given a cursor this API did not issue
    # When it is decoded
    # Then it is refused with InvalidCursor (a ValueError the API maps to 400)
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, KEYS)
