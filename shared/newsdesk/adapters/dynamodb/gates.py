"""newsdesk.comments.ports.SenderGate on the table: one item per slot, taken by a conditional write.

| slot | PK | held until |
|---|---|---|
| a sender's flood slot | `GATE#SENDER#{email hash}` | its `taken_at` + the flood interval |
| an address's flood slot | `GATE#IP#{ip hash}` | its `taken_at` + the flood interval |
| a sender's words on an article | `GATE#SAID#{email hash}#{article id}#{body hash}` | `expires_at` (a day) |
| a fresh form token | `GATE#TOKEN#{nonce}` | `expires_at` (when the token expires) |

(SK is always `GATE`.) One comment takes its slots in one transaction, so either all are taken or
none, and of parallel claims on one slot exactly one wins (DynamoDB serialises conditional writes on an
item; a claim that meets another transaction in flight is cancelled, and counts as a flood). Each item has
`expires_at` (epoch seconds), the table's TTL attribute, so slots clean themselves up; the conditions do
not rely on TTL, which deletes late. Standard library only: the intake imports this module.
"""

from __future__ import annotations

import contextlib
import math
from typing import Any

from newsdesk.adapters.dynamodb.keys import TTL_ATTRIBUTE
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.comments.errors import CommentFlood, DuplicateComment, TokenRefused
from newsdesk.comments.values import SenderClaim

SORT_KEY = "GATE"
# The same words by the same sender on the same article are refused for this long at the gate; after
# it, the stored history refuses them (the comment has long been stored by then).
SAID_HOLD_SECONDS = 86_400


def sender_slot(email_hash: str) -> str:
    return f"GATE#SENDER#{email_hash}"


def address_slot(ip_hash: str) -> str:
    return f"GATE#IP#{ip_hash}"


def said_slot(email_hash: str, article_id: str, body_hash: str) -> str:
    return f"GATE#SAID#{email_hash}#{article_id}#{body_hash}"


def token_slot(nonce: str) -> str:
    return f"GATE#TOKEN#{nonce}"


class SenderGateTable(TableAdapter):
    """newsdesk.comments.ports.SenderGate."""

    def claim(self, claim: SenderClaim) -> None:
        now = claim.at.timestamp()
        window = claim.window_seconds
        flood_condition = {
            "ConditionExpression": "attribute_not_exists(PK) OR taken_at <= :cutoff",
            "ExpressionAttributeValues": {":cutoff": {"N": _number(now - window)}},
        }
        flood_item = {"taken_at": {"N": _number(now)}, TTL_ATTRIBUTE: {"N": str(math.ceil(now + window) + 1)}}
        items: list[dict[str, Any]] = [
            self._put(sender_slot(claim.email_hash), flood_item, flood_condition),
            self._put(address_slot(claim.ip_hash), flood_item, flood_condition),
            self._put(
                said_slot(claim.email_hash, claim.article_id, claim.body_hash),
                {
                    "taken_at": {"N": _number(now)},
                    TTL_ATTRIBUTE: {"N": str(math.ceil(now) + SAID_HOLD_SECONDS)},
                },
                {
                    "ConditionExpression": f"attribute_not_exists(PK) OR {TTL_ATTRIBUTE} <= :now",
                    "ExpressionAttributeValues": {":now": {"N": _number(now)}},
                },
            ),
        ]
        if claim.token_nonce is not None:
            items.append(
                self._put(
                    token_slot(claim.token_nonce),
                    {"taken_at": {"N": _number(now)}, TTL_ATTRIBUTE: {"N": str(claim.token_expires + 60)}},
                    {"ConditionExpression": "attribute_not_exists(PK)"},
                )
            )
        try:
            self.client.transact_write_items(TransactItems=items)  # type: ignore[arg-type]
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons: list[Any] = list(exc.response.get("CancellationReasons") or [])
            codes = [str(r.get("Code") or "None") for r in reasons]
            if len(codes) == 4 and codes[3] == "ConditionalCheckFailed":
                raise TokenRefused("used") from None
            if len(codes) >= 3 and codes[2] == "ConditionalCheckFailed":
                raise DuplicateComment() from None
            taken = [
                float(r["Item"]["taken_at"]["N"])
                for r in reasons[:2]
                if r.get("Code") == "ConditionalCheckFailed" and "taken_at" in (r.get("Item") or {})
            ]
            if taken:
                raise CommentFlood(max(1, math.ceil(round(max(taken) + window - now, 3)))) from None
            if any(code in ("ConditionalCheckFailed", "TransactionConflict") for code in codes):
                raise CommentFlood(1) from None  # another comment of theirs is being taken right now
            raise

    def release(self, claim: SenderClaim) -> None:
        now = _number(claim.at.timestamp())
        slots = [
            sender_slot(claim.email_hash),
            address_slot(claim.ip_hash),
            said_slot(claim.email_hash, claim.article_id, claim.body_hash),
        ]
        if claim.token_nonce is not None:
            slots.append(token_slot(claim.token_nonce))
        for slot in slots:
            with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
                self.client.delete_item(
                    TableName=self.table_name,
                    Key={"PK": {"S": slot}, "SK": {"S": SORT_KEY}},
                    ConditionExpression="taken_at = :at",  # only a slot this claim took
                    ExpressionAttributeValues={":at": {"N": now}},
                )

    def _put(self, slot: str, item: dict[str, Any], condition: dict[str, Any]) -> dict[str, Any]:
        return {
            "Put": {
                "TableName": self.table_name,
                "Item": {"PK": {"S": slot}, "SK": {"S": SORT_KEY}, **item},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                **condition,
            }
        }


def _number(value: float) -> str:
    return f"{value:.6f}"
