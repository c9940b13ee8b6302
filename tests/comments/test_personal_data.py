"""No queue holds a commenter's email, IP address or user agent in clear: the intake seals them with the
comment data key, bound to the comment id; a dead-lettered message redriven as it is still stores its
comment; the user agent is never stored."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.comments.conftest import READER_IP, CommentWorld, comment_fields

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
)


def raw_messages(world: CommentWorld, url: str) -> list[dict[str, Any]]:
    """Every message on a queue, as SQS holds it (body and attributes), made visible again."""
    found = world.receive(url=url)
    for message in found:
        world.sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return found


def assert_nothing_in_clear(messages: list[dict[str, Any]], *secrets: str) -> None:
    assert messages
    for message in messages:
        text = json.dumps(message, default=str)
        for secret in secrets:
            assert secret not in text
            assert base64.b64encode(secret.encode()).decode() not in text


def test_queued_messages_hold_no_personal_data_in_clear(world: CommentWorld) -> None:
    # Given a JSON post and a form post with distinctive emails
    article = world.article()
    world.post(article.id, comment_fields(email="json.sender@example.com"))
    world.form_post(article, {"email": "form.sender@example.com"}, ip="198.51.100.44")

    # When the comment queue is read directly
    messages = raw_messages(world, world.queue_url)

    # Then no message (body or attribute) carries an email, an IP address or the user agent
    assert len(messages) == 2
    assert_nothing_in_clear(messages, "json.sender@example.com", "form.sender@example.com", READER_IP)
    assert_nothing_in_clear(messages, "198.51.100.44", "Chrome/131.0")
    # And the sealed data opens only for its own comment
    first, second = (json.loads(m["Body"]) for m in messages)
    assert world.opened(first).email in {"json.sender@example.com", "form.sender@example.com"}
    with pytest.raises(world.kms.exceptions.InvalidCiphertextException):
        world.opened({**first, "id": second["id"]})


def test_a_dead_lettered_comment_holds_no_personal_data_and_redriven_as_is_is_stored(
    world: CommentWorld,
) -> None:
    # Given a comment whose message failed five receives and went to the dead-letter queue
    article = world.article()
    comment_id = world.post(article.id, comment_fields(email="dead.letter@example.com")).json()["id"]
    for _ in range(6):
        raw_messages(world, world.queue_url)
    (dead,) = raw_messages(world, world.dlq_url)

    # Then it holds no personal data in clear
    assert_nothing_in_clear([dead], "dead.letter@example.com", READER_IP, "Chrome/131.0")

    # When it is sent back to the comment queue exactly as it is, and the worker runs
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=dead["Body"])
    world.drain()

    # Then the comment is stored, its email and IP encrypted for moderators, its user agent not kept
    stored = world.stored(comment_id)
    assert stored is not None and stored.email_ciphertext and stored.ip_ciphertext
    assert world.cipher.decrypt(stored.email_ciphertext, comment_id) == "dead.letter@example.com"
    assert world.cipher.decrypt(stored.ip_ciphertext, comment_id) == READER_IP
    assert stored.user_agent is None
    (item,) = [i for i in world.comment_items() if i["PK"]["S"] == f"COMMENT#{comment_id}"]
    assert "Chrome/131.0" not in json.dumps(item, default=str)


def test_the_worker_still_blocks_on_the_sealed_user_agent(world: CommentWorld) -> None:
    # Given a blocklist naming a user agent's token, and a comment from it
    article = world.article()
    comment_id = world.post(article.id, headers={"User-Agent": "EvilCrawler/2.0"}).json()["id"]

    # When the worker moderates it
    world.drain(world.worker(blocklist=("EvilCrawler",)))

    # Then it is spam by the blocklist (the rules read the sealed data)
    stored = world.stored(comment_id)
    assert stored is not None and (stored.status.value, stored.reason) == ("spam", "blocklist")
