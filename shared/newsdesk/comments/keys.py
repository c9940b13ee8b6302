"""The DynamoDB layout of reader comments, in the one Newsdesk table. Standard library only.

| item    | PK            | SK | index keys                                                                |
|---------|---------------|----|---------------------------------------------------------------------------|
| comment | COMMENT#{id}  | C  | ByStatus  GSI1PK=COMMENTS#{status}       GSI1SK={created}#{id}  (queue)    |
|         |               |    | ByTag     TAGPK=COMMENTS_ON#{article_id}  TAGSK={created}#{id}   (article)  |
|         |               |    | ByUpdated GSI2PK=COMMENTER#{email hash}  GSI2SK={created}#{id}  (sender)   |
|         |               |    | ByIp      IPPK=IP#{ip hash}              IPSK={created}#{id}    (address)  |

The indexes are the articles' own, overloaded with other partition values (ByIp exists for comments).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.store.attributes import sort_time

COMMENT_PREFIX = "COMMENT#"
COMMENT_SK = "C"
ENTITY_COMMENT = "comment"
STATUSES = ("pending", "approved", "spam", "rejected")

BY_STATUS = "ByStatus"
BY_ARTICLE = "ByTag"
BY_SENDER = "ByUpdated"
BY_IP = "ByIp"
# Index -> (partition attribute, sort attribute); mirrors template.yaml.
INDEX_KEYS = {
    BY_STATUS: ("GSI1PK", "GSI1SK"),
    BY_ARTICLE: ("TAGPK", "TAGSK"),
    BY_SENDER: ("GSI2PK", "GSI2SK"),
    BY_IP: ("IPPK", "IPSK"),
}


def comment_pk(comment_id: str) -> str:
    return f"{COMMENT_PREFIX}{comment_id}"


def comment_key(comment_id: str) -> dict[str, Any]:
    return {"PK": {"S": comment_pk(comment_id)}, "SK": {"S": COMMENT_SK}}


def comment_id_of(pk: str) -> str | None:
    return pk.removeprefix(COMMENT_PREFIX) if pk.startswith(COMMENT_PREFIX) else None


def status_partition(status: str) -> str:
    return f"COMMENTS#{status}"


def article_partition(article_id: str) -> str:
    return f"COMMENTS_ON#{article_id}"


def sender_partition(email_hash: str) -> str:
    return f"COMMENTER#{email_hash}"


def ip_partition(ip_hash: str) -> str:
    return f"IP#{ip_hash}"


def time_key(created_at: dt.datetime, comment_id: str = "") -> str:
    """The sort key of a comment in every index: its creation time, then its id."""
    return f"{sort_time(created_at)}#{comment_id}"
