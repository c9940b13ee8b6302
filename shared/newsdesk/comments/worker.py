"""The moderation worker: a queued comment → the rules → the table, each comment stored once.

The sender's personal data arrives sealed (newsdesk.comments.values); the worker opens it for the rules
(the blocklist reads email, IP and user agent), and stores the email and IP encrypted again, each bound to
the comment; the user agent is not stored.

The intake chose the comment's id, and the write is conditional on no item having it, so a message
delivered twice (SQS is at-least-once) or retried after a partial failure stores one comment. The SQS
batches are handled by newsdesk.batch.comments.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from aws_lambda_powertools import Logger

from newsdesk.clock import utc_now
from newsdesk.comments.models import Comment, CommentStatus
from newsdesk.comments.ports import Cipher, CommentStore, SenderHistories
from newsdesk.comments.retention import DEFAULT_PERSONAL_DATA_DAYS, personal_data_due
from newsdesk.comments.rules import Candidate, Decision, History, RuleSettings, moderate
from newsdesk.comments.values import CommentMessage, MalformedMessage, PersonalData

logger = Logger(child=True)


@dataclass
class Worker:
    store: CommentStore
    history: SenderHistories
    cipher: Cipher
    rules: RuleSettings
    personal_data_days: int = DEFAULT_PERSONAL_DATA_DAYS  # how long a spam comment keeps email and IP

    def personal(self, message: CommentMessage) -> PersonalData:
        """The sender's sealed personal data (MalformedMessage if it is not base64)."""
        try:
            sealed = base64.b64decode(message.personal, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedMessage("the sealed personal data is not base64") from exc
        return PersonalData.from_json(self.cipher.decrypt(sealed, message.id))

    def decide(self, message: CommentMessage, personal: PersonalData) -> Decision:
        created = message.created
        found = self.history.sender_history(
            message.email_hash,
            article_id=message.article_id,
            body_hash=message.body_hash,
            before=(created, message.id),
            # Returning means an approved comment by this email from this address: knowing a regular
            # commenter's email is not enough to be approved as them.
            ip_hash=message.ip_hash,
        )
        candidate = Candidate(
            name=message.name,
            email=personal.email,
            website=message.website,
            body=message.body,
            ip=personal.ip,
            user_agent=personal.user_agent,
            via_form=message.token_valid,
        )
        history = History(
            recent=found.recent(created, self.rules.flood_seconds),
            duplicate=found.duplicate,
            approved_before=found.approved_before,
        )
        return moderate(candidate, history, self.rules)

    def process(self, message: CommentMessage) -> bool:
        """Moderate and store one comment. False if it was stored before (a repeated message)."""
        personal = self.personal(message)
        decision = self.decide(message, personal)
        status = CommentStatus(decision.status)
        comment = Comment(
            id=message.id,
            article_id=message.article_id,
            name=message.name,
            website=message.website,
            body=message.body,
            status=status,
            reason=decision.reason,
            created_at=message.created,
            version=1,
            email_ciphertext=self.cipher.encrypt(personal.email, message.id),
            ip_ciphertext=self.cipher.encrypt(personal.ip, message.id),
            email_hash=message.email_hash,
            ip_hash=message.ip_hash,
            body_hash=message.body_hash,
            user_agent=None,  # used by the rules, never stored
            via_form=message.token_valid,
            personal_data_expires_at=personal_data_due(
                status, None, now=utc_now(), days=self.personal_data_days
            ),
        )
        stored = self.store.put_new(comment)
        logger.info(
            "comment stored" if stored else "comment already stored",
            comment_id=message.id,
            article_id=message.article_id,
            status=decision.status,
            reason=decision.reason,
        )
        return stored
