"""The moderation worker: queued comments → the rules → the table, each comment stored once.

Each SQS record is one comment. The intake chose its id, and the write is conditional on no item having
it, so a message delivered twice (SQS is at-least-once) or retried after a partial failure stores one
comment. Records that fail are reported in `batchItemFailures`, so only they come back; after five
receives the queue moves a message to its dead-letter queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from newsdesk.comments.crypto import Cipher, KmsCipher
from newsdesk.comments.messages import CommentMessage
from newsdesk.comments.models import Comment, CommentStatus
from newsdesk.comments.rules import Candidate, Decision, History, RuleSettings, moderate, parse_blocklist
from newsdesk.config import CommentWorkerSettings, comment_worker_settings
from newsdesk.store.comments import CommentStore

logger = Logger(child=True)


@dataclass
class Worker:
    store: CommentStore
    cipher: Cipher
    rules: RuleSettings

    @classmethod
    def from_settings(cls, settings: CommentWorkerSettings | None = None, **overrides: Any) -> Worker:
        settings = settings or comment_worker_settings()
        return cls(
            store=overrides.pop("store", None) or CommentStore(settings.table_name),
            cipher=overrides.pop("cipher", None) or KmsCipher(settings.comments_data_key_id),
            rules=overrides.pop("rules", None)
            or RuleSettings(
                blocklist=parse_blocklist(settings.comments_blocklist),
                auto_approve_returning=settings.comments_auto_approve_returning,
            ),
        )

    def decide(self, message: CommentMessage) -> Decision:
        found = self.store.sender_history(
            message.email_hash,
            message.id,
            message.created,
            message.article_id,
            message.body_hash,
            self.rules.flood_seconds,
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
            recent=found.recent, duplicate=found.duplicate, approved_before=found.approved_before
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

    def handle_batch(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        def handle(record: SQSRecord) -> None:
            self.process(CommentMessage.from_json(record.body))

        processor = BatchProcessor(event_type=EventType.SQS)
        return dict(
            process_partial_response(event=event, record_handler=handle, processor=processor, context=context)
        )


@cache
def default_worker() -> Worker:
    return Worker.from_settings()


def handle_comment_batch(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The worker function's handler: a partial batch response for an SQS event of comment messages."""
    return default_worker().handle_batch(event, context)
