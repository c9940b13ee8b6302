"""Plain values the intake and the worker exchange with the table and the queue. Standard library only
(the intake imports them; pydantic would be most of its cold start).

`CommentMessage` is what the intake puts on the comment queue for the worker. It carries everything the
worker needs to moderate and store the comment, but the sender's personal data (email, IP address, user
agent) only as `personal`: one KMS ciphertext (base64) of `PersonalData`, encrypted by the intake with the
comment data key and bound to the comment id (encryption context), so no queue, dead-letter queue or log
holds them in clear. The message is self-contained: resent as it is (a redrive), it decrypts and stores the
same comment. The comment id is chosen by the intake, so a message delivered twice stores one comment.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, fields

VERSION = 2


@dataclass(frozen=True)
class Publication:
    """What the intake needs to know of an article: whether it is published, since when, and where."""

    article_id: str
    status: str | None
    published_at: dt.datetime | None
    url: str | None

    @property
    def is_live(self) -> bool:
        return self.status == "published" and self.published_at is not None and bool(self.url)


@dataclass(frozen=True)
class SenderHistory:
    """What a sender's earlier comments say about a new one (found by the keyed hash of their email)."""

    latest: dt.datetime | None = None  # when their newest earlier comment was made
    duplicate: bool = False  # the same words on the same article before
    approved_before: bool = False  # an earlier comment of theirs (from the address asked about) was approved

    def recent(self, at: dt.datetime, window: float) -> bool:
        """Whether they commented less than `window` seconds before `at`."""
        return self.latest is not None and (at - self.latest).total_seconds() < window


@dataclass(frozen=True)
class SenderClaim:
    """What a comment claims at the gate before it is queued (newsdesk.comments.ports.SenderGate): its
    sender's and its address's flood slot for `window_seconds`, its words on its article (so the same
    words cannot be queued twice), and its fresh form token, if any (so a token is used once). The hashes
    are keyed (newsdesk.comments.tokens)."""

    email_hash: str
    ip_hash: str
    article_id: str
    body_hash: str
    at: dt.datetime
    window_seconds: int
    token_nonce: str | None = None  # a fresh form token's: used once
    token_expires: int = 0  # epoch seconds after which the token is refused anyway


class MalformedMessage(ValueError):
    """The body is not a comment message this code understands."""


@dataclass(frozen=True)
class PersonalData:
    """What a comment's sender gives away without publishing it: sealed before it is queued."""

    email: str
    ip: str
    user_agent: str | None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> PersonalData:
        try:
            data = json.loads(text)
            return cls(email=str(data["email"]), ip=str(data["ip"]), user_agent=data.get("user_agent"))
        except (ValueError, TypeError, KeyError) as exc:
            raise MalformedMessage("the sealed personal data is not readable") from exc


@dataclass(frozen=True)
class CommentMessage:
    id: str
    article_id: str
    name: str
    website: str | None
    body: str
    personal: str  # base64 of the KMS ciphertext of PersonalData.to_json(), context {"comment_id": id}
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
