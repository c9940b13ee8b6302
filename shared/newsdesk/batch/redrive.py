"""Replaying the dead-letter queues, once what made them fail is repaired (`newsdesk redrive`, the
RedriveFunction).

- **Render failures.** What the renderer's event source gives up on reaches the render dead-letter
  queue as Lambda's failure record: metadata naming the shard and the first and last sequence numbers of
  the records (`DDBStreamBatchInfo`), never the records. Each one is read back from the stream (kept 24
  hours), and what they changed is rendered from the current state of the table (articles read again,
  strongly consistent), as the renderer does. A failure record whose records can no longer be read, or
  that is not one, stays in the queue and is reported (a full rebuild covers what it named).
- **Comment failures.** The comment dead-letter queue holds the messages themselves: each is sent again
  to the comment queue, whose worker stores a comment once per id, however often it is delivered.

A message is deleted only once it has been replayed; what could not be replayed is visible again at
once and named in the report. Replaying is idempotent: rendering is, and a second run finds the queues
empty.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from aws_lambda_powertools import Logger

from newsdesk.batch.stream import ChangeReader
from newsdesk.site import changes
from newsdesk.site.errors import ChangesGone
from newsdesk.site.models import ArticleChange, CommentChange, StreamRange
from newsdesk.site.publisher import SitePublisher

if TYPE_CHECKING:
    from newsdesk.adapters.sqs import DeadLetter

logger = Logger(child=True)

# At most this many messages of one queue per run (the report says when more are left: run it again).
MAX_MESSAGES = 1000


class DeadLetterQueue(Protocol):
    """A dead-letter queue (newsdesk.adapters.sqs.DeadLetters)."""

    def receive(self) -> list[DeadLetter]: ...  # the next few messages, hidden while they are replayed
    def delete(self, letters: list[DeadLetter]) -> None: ...
    def release(self, letters: list[DeadLetter]) -> None: ...  # visible again at once


class StreamHistory(Protocol):
    """The table's stream, read back (newsdesk.adapters.dynamodb.stream.StreamHistory); raises ChangesGone."""

    def records(self, span: StreamRange) -> list[dict[str, Any]]: ...


class MessageSender(Protocol):
    """The queue a dead-letter queue belongs to (newsdesk.adapters.sqs.SqsQueue)."""

    def send_body(self, body: str) -> None: ...


@dataclass
class QueueReport:
    """What a redrive did with one queue: messages replayed (and the articles or comments they named),
    and messages left in the queue, each with the reason."""

    queue: str
    replayed: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    left: dict[str, str] = field(default_factory=dict)
    more: bool = False  # the run stopped at MAX_MESSAGES

    def to_dict(self) -> dict[str, Any]:
        return {
            "queue": self.queue,
            "replayed": len(self.replayed),
            "messages": self.replayed,
            "items": self.items,
            "left": len(self.left),
            "not_replayed": self.left,
            "more": self.more,
        }


@dataclass
class RedriveReport:
    render: QueueReport
    comments: QueueReport

    @property
    def nothing_done(self) -> bool:
        return not (self.render.replayed or self.comments.replayed or self.render.left or self.comments.left)

    def to_dict(self) -> dict[str, Any]:
        return {"render": self.render.to_dict(), "comments": self.comments.to_dict()}


def drain(queue: DeadLetterQueue, limit: int = MAX_MESSAGES) -> tuple[list[DeadLetter], bool]:
    """Every message of the queue (up to `limit`), each once; and whether more may be left."""
    found: dict[str, DeadLetter] = {}
    while len(found) < limit:
        received = [letter for letter in queue.receive() if letter.message_id not in found]
        if not received:
            return list(found.values()), False
        found.update((letter.message_id, letter) for letter in received)
    return list(found.values()), True


# ----- render failures -------------------------------------------------------------------------------


def failure_range(body: str) -> StreamRange | None:
    """The records a failure record of a DynamoDB stream's event source names (None if it is not one)."""
    try:
        info = json.loads(body)["DDBStreamBatchInfo"]
        return StreamRange(
            stream_arn=str(info["streamArn"]),
            shard_id=str(info["shardId"]),
            first=str(info["startSequenceNumber"]),
            last=str(info["endSequenceNumber"]),
        )
    except (ValueError, KeyError, TypeError):
        return None


@dataclass
class _Replay:
    letter: DeadLetter
    articles: list[ArticleChange]
    comments: list[CommentChange]


def redrive_renders(
    queue: DeadLetterQueue,
    history: StreamHistory,
    publisher: Callable[[], SitePublisher],
    reader: ChangeReader,
    *,
    name: str = "render",
) -> QueueReport:
    """Render again what the failure records in `queue` name; delete those rendered."""
    report = QueueReport(name)
    letters, report.more = drain(queue)
    replays: list[_Replay] = []
    for letter in letters:
        span = failure_range(letter.body)
        if span is None:
            report.left[letter.message_id] = "not a failure record of the table's stream"
            continue
        try:
            records = history.records(span)
        except ChangesGone as exc:
            report.left[letter.message_id] = f"{exc.detail} Run `newsdesk rebuild`, then delete the message."
            continue
        replays.append(_Replay(letter, *_changes(records, reader)))
    done = _render(replays, publisher, report) if replays else []
    queue.delete(done)
    queue.release([letter for letter in letters if letter.message_id in report.left])
    report.replayed = [letter.message_id for letter in done]
    logger.info("render dead letters replayed", **report.to_dict())
    return report


def _changes(
    records: Iterable[dict[str, Any]], reader: ChangeReader
) -> tuple[list[ArticleChange], list[CommentChange]]:
    articles: list[ArticleChange] = []
    comments: list[CommentChange] = []
    for record in records:
        article = reader.article_change(record)
        if article is not None:
            articles.append(article)
            continue
        comment = reader.comment_change(record)
        if comment is not None:
            comments.append(comment)
    return articles, comments


def _render(
    replays: list[_Replay], make_publisher: Callable[[], SitePublisher], report: QueueReport
) -> list[DeadLetter]:
    """Apply each failure's changes with one publisher; the letters whose changes all went live."""
    publisher = make_publisher()
    changes.preload_articles(publisher, [c.article_id for r in replays for c in r.articles])
    changes.preload_comments(publisher, [c for r in replays for c in r.comments])
    applied: list[_Replay] = []
    for replay in replays:
        try:
            for article in replay.articles:
                try:
                    changes.apply_article_change(publisher, article)
                except Exception as exc:
                    publisher.record_failure(article.article_id, exc)
                    raise
            for comment in replay.comments:
                changes.apply_comment_change(publisher, comment)
        except Exception as exc:
            logger.warning("dead letter not replayed", message_id=replay.letter.message_id, exc_info=True)
            report.left[replay.letter.message_id] = _reason(exc)
            continue
        applied.append(replay)
    try:
        publisher.finish()
    except Exception as exc:  # nothing is known to be live: every letter stays
        logger.exception("the replayed pages could not be invalidated")
        for replay in applied:
            report.left[replay.letter.message_id] = f"{type(exc).__name__}: {exc}"
        return []
    for replay in applied:
        for item in [c.article_id for c in replay.articles] + [c.comment_id for c in replay.comments]:
            if item not in report.items:
                report.items.append(item)
    return [replay.letter for replay in applied]


def _reason(exc: Exception) -> str:
    return getattr(exc, "detail", None) or f"{type(exc).__name__}: {exc}"


# ----- comment failures ------------------------------------------------------------------------------


def redrive_comments(queue: DeadLetterQueue, target: MessageSender, *, name: str = "comments") -> QueueReport:
    """Send every message of the comment dead-letter queue to the comment queue again; delete those sent."""
    report = QueueReport(name)
    letters, report.more = drain(queue)
    sent: list[DeadLetter] = []
    for letter in letters:
        try:
            target.send_body(letter.body)
        except Exception as exc:
            logger.warning("dead letter not resent", message_id=letter.message_id, exc_info=True)
            report.left[letter.message_id] = f"{type(exc).__name__}: {exc}"
            continue
        sent.append(letter)
        comment_id = _comment_id(letter.body)
        if comment_id:
            report.items.append(comment_id)
    queue.delete(sent)
    queue.release([letter for letter in letters if letter.message_id in report.left])
    report.replayed = [letter.message_id for letter in sent]
    logger.info("comment dead letters resent", **report.to_dict())
    return report


def _comment_id(body: str) -> str | None:
    """The comment id a comment message carries (nothing else of it: it holds the commenter's address)."""
    try:
        value = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def redrive(
    *,
    render_queue: DeadLetterQueue,
    history: StreamHistory,
    publisher: Callable[[], SitePublisher],
    reader: ChangeReader,
    comment_queue: DeadLetterQueue,
    comments_target: MessageSender,
) -> RedriveReport:
    """Replay both dead-letter queues."""
    return RedriveReport(
        render=redrive_renders(render_queue, history, publisher, reader),
        comments=redrive_comments(comment_queue, comments_target),
    )
