"""Intake → queue → worker → table, the worker called with the SQS events Lambda would build from what
moto's queue returned: stored once, encrypted, moderated by the rules, partial failures reported."""

from __future__ import annotations

import contextlib
import itertools
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.batch.comments import handle_comment_batch
from newsdesk.clock import epoch_seconds
from newsdesk.comments.models import CommentStatus
from newsdesk.comments.worker import Worker
from tests.comments.conftest import READER_IP, CommentWorld, comment_fields
from tests.conftest import FakeLambdaContext

_ADDRESSES = itertools.count(1)


def post_json(world: CommentWorld, article_id: str, ip: str | None = None, **fields: Any) -> str:
    """A comment accepted by the intake, from an address of its own unless told (one address may post
    once in 15 s)."""
    response = world.post(article_id, comment_fields(**fields), ip=ip or f"198.51.100.{next(_ADDRESSES)}")
    assert response.status == 202, response.body
    comment_id: str = response.json()["id"]
    return comment_id


def test_a_comment_goes_from_the_intake_through_the_queue_to_the_table_as_pending(
    world: CommentWorld,
) -> None:
    # Given a comment accepted by the intake
    article = world.article()
    comment_id = post_json(world, article.id, ip=READER_IP, body="Line one.\nLine two.")

    # When the worker gets the queue's messages as Lambda delivers them
    response = world.deliver()

    # Then it is stored once, pending, with the email and IP only as KMS ciphertexts and keyed hashes
    assert response == {"batchItemFailures": []}
    comment = world.stored(comment_id)
    assert comment is not None
    assert comment.status is CommentStatus.PENDING
    assert comment.body == "Line one.\nLine two."
    assert comment.article_id == article.id
    assert comment.version == 1
    assert comment.via_form is False
    assert comment.email_ciphertext and comment.ip_ciphertext
    assert world.cipher.decrypt(comment.email_ciphertext, comment_id) == "meera@example.com"
    assert world.cipher.decrypt(comment.ip_ciphertext, comment_id) == READER_IP
    (item,) = world.comment_items()
    stored_text = json.dumps(item, default=str)
    assert "meera@example.com" not in stored_text
    assert READER_IP not in stored_text
    assert world.receive() == []


def test_a_ciphertext_only_decrypts_for_its_own_comment(world: CommentWorld) -> None:
    article = world.article()
    first, second = post_json(world, article.id), post_json(world, article.id, email="other@example.com")
    world.drain()
    stolen = world.stored(first)
    assert stolen is not None and stolen.email_ciphertext
    with pytest.raises(world.kms.exceptions.InvalidCiphertextException):
        world.cipher.decrypt(stolen.email_ciphertext, second)


def test_a_message_delivered_twice_stores_one_comment(world: CommentWorld) -> None:
    # Given one queued comment, received once
    article = world.article()
    comment_id = post_json(world, article.id)
    messages = world.receive()
    event = world.sqs_event(messages)

    # When the worker gets the same event twice (SQS delivers at least once), and then a third time
    # after a moderator approved the comment
    worker = world.worker()
    first = handle_comment_batch(event, FakeLambdaContext(), worker)
    second = handle_comment_batch(event, FakeLambdaContext(), worker)
    stored = world.stored(comment_id)
    assert stored is not None
    world.store.save(stored.model_copy(update={"status": CommentStatus.APPROVED, "version": 2}), 1)
    third = handle_comment_batch(event, FakeLambdaContext(), worker)

    # Then each succeeds, there is one comment, and the redelivery did not undo the moderator's decision
    assert first == second == third == {"batchItemFailures": []}
    assert len(world.comment_items()) == 1
    final = world.stored(comment_id)
    assert final is not None and final.status is CommentStatus.APPROVED and final.version == 2


def test_a_batch_where_some_records_fail_reports_only_those(world: CommentWorld) -> None:
    # Given a batch of three good comments, one malformed message and one whose write fails
    article = world.article()
    good = [post_json(world, article.id, email=f"reader{i}@example.com") for i in range(3)]
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody='{"not": "a comment"}')
    doomed = post_json(world, article.id, email="doomed@example.com")
    messages = world.receive()
    assert len(messages) == 5
    doomed_message = next(m for m in messages if doomed in m["Body"])
    malformed = next(m for m in messages if "not" in json.loads(m["Body"]))

    class FailingStore(CommentStore):
        def put_new(self, comment: Any) -> bool:
            if comment.id == doomed:
                raise RuntimeError("the table is unavailable")
            return super().put_new(comment)

    # When the worker handles it
    response = handle_comment_batch(
        world.sqs_event(messages),
        FakeLambdaContext(),
        world.worker(store=FailingStore(world.table, world.ddb)),
    )

    # Then the two failures are reported by message id, and the others are stored
    failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    assert failed == {doomed_message["MessageId"], malformed["MessageId"]}
    assert all(world.stored(i) is not None for i in good)
    assert world.stored(doomed) is None


def test_a_batch_where_every_record_fails_raises_so_all_are_retried(world: CommentWorld) -> None:
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody="garbage")
    with pytest.raises(BatchProcessingError):
        handle_comment_batch(world.sqs_event(world.receive()), FakeLambdaContext(), world.worker())


def test_a_message_that_always_fails_ends_in_the_dead_letter_queue(world: CommentWorld) -> None:
    # Given a queue whose failed messages come back at once, and one poison message
    world.sqs.set_queue_attributes(QueueUrl=world.queue_url, Attributes={"VisibilityTimeout": "0"})
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody='{"v": 1}')

    # When the event source mapping keeps delivering it
    for _ in range(6):
        with contextlib.suppress(BatchProcessingError):  # all failed: Lambda retries the whole batch
            world.deliver()

    # Then after five receives it has moved to the dead-letter queue
    assert world.receive() == []
    assert len(world.receive(url=world.dlq_url)) == 1


def test_blocklisted_comments_are_spam(world: CommentWorld) -> None:
    article = world.article()
    comment_id = post_json(world, article.id, body="Best CASINO bonus here")
    world.drain(world.worker(blocklist=("casino",)))
    comment = world.stored(comment_id)
    assert comment is not None
    assert (comment.status, comment.reason) == (CommentStatus.SPAM, "blocklist")


def test_comments_with_three_links_are_held_with_the_reason(world: CommentWorld) -> None:
    article = world.article()
    comment_id = post_json(world, article.id, body="https://a.example https://b.example https://c.example")
    world.drain()
    comment = world.stored(comment_id)
    assert comment is not None
    assert (comment.status, comment.reason) == (CommentStatus.PENDING, "links")


def test_two_comments_queued_within_15_seconds_make_the_second_spam(world: CommentWorld) -> None:
    # Given two comments by one sender that both passed the intake (neither was stored yet), the intake's
    # gate having lost the first one's slots in between
    article = world.article()
    now = epoch_seconds()
    first = world.post(article.id, comment_fields(), intake=world.intake(clock=lambda: now)).json()["id"]
    world.forget_gates()
    second = world.post(
        article.id, comment_fields(), intake=world.intake(clock=lambda: now + 2), ip="198.51.100.9"
    ).json()["id"]

    # When the worker stores them one batch at a time, oldest first
    world.drain(world.worker())

    # Then the second is flood
    stored_first, stored_second = world.stored(first), world.stored(second)
    assert stored_first is not None and stored_first.status is CommentStatus.PENDING
    assert stored_second is not None
    assert (stored_second.status, stored_second.reason) == (CommentStatus.SPAM, "flood")


def test_a_returning_commenter_through_the_form_is_approved_when_the_site_allows(world: CommentWorld) -> None:
    # Given a sender with an approved comment a minute ago
    article = world.article()
    now = epoch_seconds()
    earlier = world.post(article.id, comment_fields(), intake=world.intake(clock=lambda: now - 60)).json()[
        "id"
    ]
    world.drain()
    stored = world.stored(earlier)
    assert stored is not None
    world.store.save(stored.model_copy(update={"status": CommentStatus.APPROVED, "version": 2}), 1)
    worker = world.worker(auto_approve_returning=True)

    # When they comment again through the form, and once more through the API without a token
    assert world.form_post(article).status == 303
    world.drain(worker)
    later = now + 20
    api_id = world.post(article.id, comment_fields(), intake=world.intake(clock=lambda: later)).json()["id"]
    world.drain(worker)

    # Then the form's comment is approved at once, and the tokenless one waits for a moderator
    statuses = {(c.status, c.reason, c.via_form) for c in world.store.list_for_article(article.id, 10).items}
    assert (CommentStatus.APPROVED, "returning", True) in statuses
    api = world.stored(api_id)
    assert api is not None and api.status is CommentStatus.PENDING


def test_the_worker_settings_come_from_the_template_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given the worker function's environment, as template.yaml sets it
    from tests.conftest import ROOT, load_function

    for name, value in {
        "TABLE_NAME": "newsdesk-articles",
        "COMMENTS_DATA_KEY_ID": "arn:aws:kms:ap-south-1:123456789012:key/abc",
        "COMMENTS_AUTO_APPROVE_RETURNING": "true",
        "COMMENTS_BLOCKLIST": "casino, cheap pills",
        "POWERTOOLS_TRACE_DISABLED": "1",
    }.items():
        monkeypatch.setenv(name, value)

    # When its app.py assembles the worker
    app = load_function(ROOT / "functions" / "comment_worker" / "app.py")
    worker: Worker = app.worker

    # Then the rules are the ones the environment sets
    assert worker.rules.auto_approve_returning is True
    assert worker.rules.blocklist == ("casino", "cheap pills")
