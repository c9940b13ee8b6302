"""The comment intake: validate a reader's comment, check it against the rules that need no moderator,
and put it on the queue. It never writes the table. Standard library only (plus Powertools' logger), so
the public comment function keeps the smallest cold start of all: boto3 comes with the first request.

The checks, in order: the article is published and open for comments (404, 409); the fields are valid
(422, naming each); a filled honeypot is answered as accepted and dropped; a form post carries a token
this site issued for this article (422): a fresh one the page's script fetched, older than the minimum
fill time (429) and not used before (422, claimed at the gate below), or the page's own, which is
accepted but always held for a moderator (newsdesk.comments.tokens); the sender has not said
the same on this article before (409), nor commented, nor has the address, within the flood interval
(429) — the same sender history the worker checks again before storing (newsdesk.comments.worker).
Last, the comment claims its sender's and its address's flood slots and its words' slot at the gate
(newsdesk.comments.ports.SenderGate), atomically: of parallel posts by one sender or from one address,
one is queued and the others get the same 429 (or 409) as if they had come one after another.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from newsdesk.clock import epoch_seconds
from newsdesk.comments.errors import (
    CommentFlood,
    CommentsClosed,
    DuplicateComment,
    FieldError,
    InvalidSubmission,
    NoPublishedArticle,
)
from newsdesk.comments.fields import Submission, validate
from newsdesk.comments.ids import new_ulid
from newsdesk.comments.ports import Cipher, CommentQueue, Publications, SenderGate, SenderHistories
from newsdesk.comments.rules import FLOOD_SECONDS, closes_at
from newsdesk.comments.tokens import (
    MAX_AGE_SECONDS,
    MIN_FILL_SECONDS,
    CheckedToken,
    Mac,
    check_form_token,
    email_hash,
    ip_hash,
    make_fresh_token,
)
from newsdesk.comments.values import CommentMessage, PersonalData, SenderClaim

logger = Logger(child=True)


@dataclass(frozen=True)
class IntakePolicy:
    open_days: int = 14
    min_fill_seconds: int = MIN_FILL_SECONDS
    flood_seconds: int = FLOOD_SECONDS

    @property
    def token_max_age(self) -> int:
        """Long enough for a page rendered when its article was published, while comments are open."""
        return max(MAX_AGE_SECONDS, (self.open_days + 1) * 86400)


@dataclass(frozen=True)
class OpenArticle:
    id: str
    url: str
    closes_at: dt.datetime


@dataclass(frozen=True)
class Sender:
    """Who sent a comment, as the request shows it."""

    ip: str
    user_agent: str | None
    via_form: bool  # an HTML form post (which must carry a token), not an API client


@dataclass(frozen=True)
class TokenGrant:
    token: str
    issued_at: int
    min_fill_seconds: int
    closes_at: dt.datetime


class CommentIntake:
    """The two things the public may do: ask for a form token, and send a comment. `clock` gives epoch
    seconds (the product clock unless a test gives its own)."""

    def __init__(
        self,
        publications: Publications,
        history: SenderHistories,
        queue: CommentQueue,
        mac: Mac,
        policy: IntakePolicy | None = None,
        *,
        gate: SenderGate,
        sealer: Cipher,
        clock: Callable[[], float] = epoch_seconds,
    ) -> None:
        self.publications = publications
        self.gate = gate
        self.sealer = sealer
        self.history = history
        self.queue = queue
        self.mac = mac
        self.policy = policy or IntakePolicy()
        self.clock = clock

    def open_article(self, article_id: str, now: float) -> OpenArticle:
        """The article if it is published and open for comments: else NoPublishedArticle (unknown or not
        published) or CommentsClosed."""
        publication = self.publications.publication(article_id)
        if not publication.is_live or publication.published_at is None or publication.url is None:
            raise NoPublishedArticle(article_id)
        closing = closes_at(publication.published_at, self.policy.open_days)
        if self.policy.open_days == 0 or dt.datetime.fromtimestamp(now, dt.UTC) >= closing:
            raise CommentsClosed(article_id, publication.url)
        return OpenArticle(id=article_id, url=publication.url, closes_at=closing)

    def token(self, article_id: str, now: float) -> TokenGrant:
        article = self.open_article(article_id, now)
        issued = int(now)
        return TokenGrant(
            token=make_fresh_token(self.mac, article.id, issued),
            issued_at=issued,
            min_fill_seconds=self.policy.min_fill_seconds,
            closes_at=article.closes_at,
        )

    def submit(self, article: OpenArticle, data: Mapping[str, object], sender: Sender, now: float) -> str:
        """Queue a comment on an open article; returns its id (a honeypot's is made up and dropped)."""
        submission = validate(data)
        comment_id = new_ulid(now)
        if submission.honeypot_filled:
            logger.info("comment dropped: honeypot filled", article_id=article.id)
            return comment_id
        token = self._check_token(submission, sender, article.id, now)
        token_valid = token is not None and token.kind == "fresh"  # else held for a moderator
        sender_hash = email_hash(self.mac, submission.email_key)
        address_hash = ip_hash(self.mac, sender.ip)
        created = dt.datetime.fromtimestamp(now, dt.UTC)
        self._check_history(article.id, submission, sender_hash, address_hash, created, comment_id)
        personal = PersonalData(email=submission.email, ip=sender.ip, user_agent=sender.user_agent)
        sealed = self.sealer.encrypt(personal.to_json(), comment_id)
        message = CommentMessage(
            id=comment_id,
            article_id=article.id,
            name=submission.name,
            website=submission.website,
            body=submission.body,
            personal=base64.b64encode(sealed).decode("ascii"),
            email_hash=sender_hash,
            ip_hash=address_hash,
            body_hash=submission.body_hash,
            created_at=created.isoformat(timespec="microseconds"),
            token_valid=token_valid,
        )
        claim = SenderClaim(
            email_hash=sender_hash,
            ip_hash=address_hash,
            article_id=article.id,
            body_hash=submission.body_hash,
            at=created,
            window_seconds=self.policy.flood_seconds,
            token_nonce=token.nonce if token is not None else None,
            token_expires=token.expires if token is not None else 0,
        )
        self.gate.claim(claim)
        try:
            self.queue.send(message)
        except BaseException:
            self.gate.release(claim)  # not queued: the sender may try again at once
            raise
        logger.info("comment queued", comment_id=comment_id, article_id=article.id, via_form=sender.via_form)
        return comment_id

    def _check_token(
        self, submission: Submission, sender: Sender, article_id: str, now: float
    ) -> CheckedToken | None:
        """The form's token, checked; None for an API client without one (accepted, always held)."""
        if submission.token is None:
            if sender.via_form:
                raise InvalidSubmission(
                    [FieldError("token", "is missing; reload the article and send the form again")]
                )
            return None
        return check_form_token(
            self.mac,
            submission.token,
            article_id,
            now,
            min_fill=self.policy.min_fill_seconds,
            page_max_age=self.policy.token_max_age,
        )

    def _check_history(
        self,
        article_id: str,
        submission: Submission,
        sender_hash: str,
        address_hash: str,
        created: dt.datetime,
        comment_id: str,
    ) -> None:
        """DuplicateComment for the same words by the same sender on the same article; CommentFlood for a
        comment by the same sender or from the same address within the flood interval (WordPress's
        order)."""
        window = self.policy.flood_seconds
        found = self.history.sender_history(
            sender_hash, article_id=article_id, body_hash=submission.body_hash, before=(created, comment_id)
        )
        if found.duplicate:
            raise DuplicateComment()
        since = created - dt.timedelta(seconds=window)
        recent = [found.latest] if found.latest is not None and found.recent(created, window) else []
        by_address = self.history.latest_from_address(address_hash, since)
        if by_address is not None:
            recent.append(by_address)
        if recent:
            elapsed = (created - max(recent)).total_seconds()
            retry = max(1, math.ceil(round(window - elapsed, 3)))  # (stored times have microseconds)
            raise CommentFlood(retry)
