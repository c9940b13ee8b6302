"""The message the intake puts on the comment queue for the worker. Standard library only.

It carries everything the worker needs to moderate and store the comment, including the sender's email
and IP address in the clear: the queue is encrypted at rest (SSE), only the intake may send to it and
only the worker may read it, and the worker stores them encrypted with KMS. The comment id is chosen by
the intake, so a message delivered twice stores one comment.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields

VERSION = 1


class MalformedMessage(ValueError):
    """The body is not a comment message this code understands."""


@dataclass(frozen=True)
class CommentMessage:
    id: str
    article_id: str
    name: str
    email: str
    website: str | None
    body: str
    ip: str
    user_agent: str | None
    email_hash: str
    ip_hash: str
    body_hash: str
    created_at: str  # ISO 8601, UTC, microseconds
    token_valid: bool  # sent through the site's form with a valid token (else: an API client, held)

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created_at)

    def to_json(self) -> str:
        return json.dumps({"v": VERSION, **asdict(self)}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, body: str) -> CommentMessage:
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise MalformedMessage("the message body is not JSON") from exc
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise MalformedMessage(f"not a version {VERSION} comment message")
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in data]
        if missing:
            raise MalformedMessage(f"the message lacks {', '.join(missing)}")
        message = cls(**{n: data[n] for n in names})
        try:
            if message.created.tzinfo is None:
                raise ValueError("naive time")
        except (TypeError, ValueError) as exc:
            raise MalformedMessage("created_at is not an ISO 8601 time with a zone") from exc
        return message
