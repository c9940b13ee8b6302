"""The moderation worker: a queued comment → the rules → the table, each comment stored once.

The intake chose the comment's id, and the write is conditional on no item having it, so a message
delivered twice (SQS is at-least-once) or retried after a partial failure stores one comment. The SQS
batches are handled by newsdesk.batch.comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools import Logger

from newsdesk.comments.models import Comment, CommentStatus
from newsdesk.comments.ports import Cipher, CommentStore, SenderHistories
from newsdesk.comments.rules import Candidate, Decision, History, RuleSettings, moderate
from newsdesk.comments.values import CommentMessage

logger = Logger(child=True)


@dataclass
class Worker:
    store: CommentStore
    history: SenderHistories
    cipher: Cipher
    rules: RuleSettings

    def decide(self, message: CommentMessage) -> Decision:
        created = message.created
        found = self.history.sender_history(
            message.email_hash,
            article_id=message.article_id,
            body_hash=message.body_hash,
            before=(created, message.id),
        )
        candidate = Candidate(
            name=message.name,
            email=message.email,
            website=message.website,
            body=message.body,
            ip=message.ip,
            user_agent=message.user_agent,
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
        decision = self.decide(message)
        comment = Comment(
            id=message.id,
            article_id=message.article_id,
            name=message.name,
            website=message.website,
            body=message.body,
            status=CommentStatus(decision.status),
            reason=decision.reason,
            created_at=message.created,
            version=1,
            email_ciphertext=self.cipher.encrypt(message.email, message.id),
            ip_ciphertext=self.cipher.encrypt(message.ip, message.id),
            email_hash=message.email_hash,
            ip_hash=message.ip_hash,
            body_hash=message.body_hash,
            user_agent=message.user_agent,
            via_form=message.token_valid,
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
