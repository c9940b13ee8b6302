"""Spam and rejected comments keep their sender's email and IP for CommentPersonalDataDays, then the daily
retention function removes them and keeps the comment; approved comments keep them."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from newsdesk.adapters.dynamodb.senders import SenderHistoryTable
from newsdesk.clock import FrozenClock, utc_now
from newsdesk.comments.errors import CommentChanged
from newsdesk.comments.models import CommentStatus
from newsdesk.comments.retention import RetentionReport, remove_due_personal_data
from tests.comments.conftest import READER_IP, CommentWorld, comment_fields
from tests.comments.test_moderation_api import get, patch
from tests.conftest import ROOT, FakeLambdaContext, load_function
from tests.handlers.client import EditorApi
from tests.handlers.conftest import CallRecorder

RETENTION_APP = ROOT / "functions" / "comment_retention" / "app.py"
SPAM_WORD = "jackpot"


@pytest.fixture
def retention_function(editor_env: str, world: CommentWorld) -> Iterator[ModuleType]:
    """functions/comment_retention/app.py on the world's table."""
    module = load_function(RETENTION_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)


def run(module: ModuleType) -> dict[str, Any]:
    result: dict[str, Any] = module.lambda_handler({}, FakeLambdaContext())
    return result


def post(world: CommentWorld, article_id: str, email: str, ip: str, body: str) -> str:
    response = world.post(article_id, comment_fields(email=email, body=body), ip=ip)
    assert response.status == 202, response.body
    comment_id: str = response.json()["id"]
    return comment_id


def stored_text(world: CommentWorld, comment_id: str) -> str:
    (item,) = [i for i in world.comment_items() if i["id"]["S"] == comment_id]
    return json.dumps(item, default=str)


def test_a_spam_comment_keeps_its_senders_data_until_due_then_loses_it_and_keeps_its_text(
    world: CommentWorld, api: EditorApi, retention_function: ModuleType, clock: FrozenClock
) -> None:
    # Given a comment the rules mark as spam, and an approved one by someone else
    article = world.article()
    spam_id = post(world, article.id, "spammer@example.com", READER_IP, f"Win the {SPAM_WORD} today")
    kept_id = post(world, article.id, "regular@example.com", "198.51.100.7", "A fair point.")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    assert patch(api, kept_id, {"status": "approved"}).status == 200
    spam = world.stored(spam_id)
    assert spam is not None and spam.status is CommentStatus.SPAM
    assert spam.personal_data_expires_at == utc_now() + dt.timedelta(days=30)

    # When the retention function runs a minute before the 30 days are over
    clock.advance(days=30, minutes=-1)
    early = run(retention_function)

    # Then nothing is removed: moderators still see the sender's email and IP
    assert early == {"due": 0, "removed": 0, "skipped": 0}
    before = get(api, f"/api/comments/{spam_id}").json()
    assert before["email"] == "spammer@example.com" and before["ip"] == READER_IP
    assert before["personal_data"] == "kept"

    # When it runs again once they are over
    clock.advance(minutes=1)
    report = run(retention_function)

    # Then the email and IP (ciphertexts, hashes and the index keys of the sender's history) are gone
    assert report == {"due": 1, "removed": 1, "skipped": 0}
    item = stored_text(world, spam_id)
    for attribute in (
        "email_ciphertext",
        "ip_ciphertext",
        "email_hash",
        "ip_hash",
        "GSI2PK",
        "IPPK",
        "PIIPK",
    ):
        assert f'"{attribute}"' not in item
    # And the comment itself stays, spam, with its text, name and times, in the spam queue
    after = get(api, f"/api/comments/{spam_id}")
    assert after.status == 200
    body = after.json()
    assert body["email"] is None and body["ip"] is None
    assert body["personal_data"] == "removed"
    assert body["personal_data_removed_at"] is not None
    assert body["body"] == f"Win the {SPAM_WORD} today" and body["name"] == "Meera Pillai"
    assert body["status"] == "spam" and body["version"] == spam.version + 1
    queue = get(api, "/api/comments", status="spam")
    assert queue.status == 200 and [c["id"] for c in queue.json()["items"]] == [spam_id]
    assert queue.json()["items"][0]["personal_data"] == "removed"
    # And the approved comment keeps its sender's data
    approved = get(api, f"/api/comments/{kept_id}").json()
    assert approved["email"] == "regular@example.com" and approved["personal_data"] == "kept"
    assert get(api, "/api/comments", status="approved", article_id=article.id).status == 200


def test_a_second_run_finds_nothing_to_do(
    world: CommentWorld, retention_function: ModuleType, clock: FrozenClock
) -> None:
    # Given a spam comment whose personal data was removed
    article = world.article()
    spam_id = post(world, article.id, "spammer@example.com", READER_IP, f"{SPAM_WORD} here")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    clock.advance(days=31)
    assert run(retention_function)["removed"] == 1
    removed = world.stored(spam_id)

    # When the function runs again, the next day
    clock.advance(days=1)
    again = run(retention_function)

    # Then it finds nothing due and changes nothing
    assert again == {"due": 0, "removed": 0, "skipped": 0}
    assert world.stored(spam_id) == removed


def test_an_approved_comment_never_loses_its_senders_data(
    world: CommentWorld, retention_function: ModuleType, clock: FrozenClock
) -> None:
    # Given an approved comment and a pending one
    article = world.article()
    approved_id = post(world, article.id, "a@example.com", "198.51.100.8", "Thank you.")
    pending_id = post(world, article.id, "b@example.com", "198.51.100.9", "More please.")
    world.drain()
    pending = world.stored(approved_id)
    assert pending is not None
    world.store.save(pending.model_copy(update={"status": CommentStatus.APPROVED, "version": 2}), 1)

    # When the retention function runs years later
    clock.advance(days=3 * 365)
    report = run(retention_function)

    # Then both keep the sender's email and IP
    assert report == {"due": 0, "removed": 0, "skipped": 0}
    for comment_id in (approved_id, pending_id):
        comment = world.stored(comment_id)
        assert comment is not None and comment.email_ciphertext and comment.ip_hash
        assert comment.personal_data_expires_at is None and not comment.personal_data_removed


def test_a_comment_approved_again_before_due_keeps_its_data_and_a_rejected_one_does_not(
    world: CommentWorld,
    api: EditorApi,
    retention_function: ModuleType,
    clock: FrozenClock,
) -> None:
    # Given two comments a moderator marks as spam and rejects
    article = world.article()
    rescued_id = post(world, article.id, "rescued@example.com", "198.51.100.10", "Not spam at all.")
    rejected_id = post(world, article.id, "rude@example.com", "198.51.100.11", "Rude words.")
    world.drain()
    marked = patch(api, rescued_id, {"status": "spam"}).json()
    assert marked["personal_data_expires_at"] is not None
    assert patch(api, rejected_id, {"status": "rejected"}).status == 200

    # When, ten days later, the first is approved after all, and the retention runs after the period
    clock.advance(days=10)
    approved = patch(api, rescued_id, {"status": "approved"}).json()
    assert approved["personal_data_expires_at"] is None
    clock.advance(days=21)
    report = run(retention_function)

    # Then the approved one keeps its sender's data, and the rejected one has lost it
    assert report == {"due": 1, "removed": 1, "skipped": 0}
    rescued = get(api, f"/api/comments/{rescued_id}").json()
    assert rescued["email"] == "rescued@example.com" and rescued["personal_data"] == "kept"
    rejected = get(api, f"/api/comments/{rejected_id}").json()
    assert rejected["email"] is None and rejected["personal_data"] == "removed"
    assert rejected["status"] == "rejected" and rejected["body"] == "Rude words."


def test_moving_between_spam_and_rejected_keeps_the_first_due_date(
    world: CommentWorld, api: EditorApi, clock: FrozenClock
) -> None:
    # Given a comment marked spam
    article = world.article()
    comment_id = post(world, article.id, "x@example.com", "198.51.100.12", "Hmm.")
    world.drain()
    due = patch(api, comment_id, {"status": "spam"}).json()["personal_data_expires_at"]

    # When it is rejected instead a week later
    clock.advance(days=7)
    rejected = patch(api, comment_id, {"status": "rejected"}).json()

    # Then its personal data is still due when it first would have been
    assert rejected["personal_data_expires_at"] == due


def test_the_period_comes_from_the_functions_settings(
    world: CommentWorld, editor_env: str, monkeypatch: pytest.MonkeyPatch, clock: FrozenClock
) -> None:
    # Given an editor function configured with a 7-day period
    monkeypatch.setenv("COMMENTS_DATA_KEY_ID", world.data_key)
    monkeypatch.setenv("COMMENTS_PERSONAL_DATA_DAYS", "7")
    from tests.conftest import EDITOR_API_APP

    module = load_function(EDITOR_API_APP)
    try:
        seven = EditorApi(module.lambda_handler, FakeLambdaContext())
        article = world.article()
        comment_id = post(world, article.id, "y@example.com", "198.51.100.13", "Meh.")
        world.drain()

        # When a moderator rejects a comment
        response = patch(seven, comment_id, {"status": "rejected"})
    finally:
        sys.modules.pop(module.__name__, None)

    # Then its personal data is due in 7 days
    due = dt.datetime.fromisoformat(response.json()["personal_data_expires_at"])
    assert due == utc_now() + dt.timedelta(days=7)


def test_a_moderators_write_based_on_the_version_before_removal_fails_and_restores_nothing(
    world: CommentWorld, clock: FrozenClock
) -> None:
    # Given a spam comment read by a moderator just before its personal data is removed
    article = world.article()
    spam_id = post(world, article.id, "late@example.com", "198.51.100.14", f"{SPAM_WORD}!")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    read = world.stored(spam_id)
    assert read is not None
    clock.advance(days=31)
    assert remove_due_personal_data(world.store, now=utc_now()) == RetentionReport(1, 1, 0)

    # When the moderator's change, based on what they read, is saved
    with pytest.raises(CommentChanged):
        world.store.save(read.model_copy(update={"status": CommentStatus.APPROVED}), read.version)

    # Then the removed data does not come back, and a change based on the current version works
    current = world.stored(spam_id)
    assert current is not None and current.email_ciphertext is None and current.personal_data_removed
    world.store.save(
        current.model_copy(update={"status": CommentStatus.APPROVED, "version": current.version + 1}),
        current.version,
    )
    approved = world.stored(spam_id)
    assert approved is not None and approved.status is CommentStatus.APPROVED
    assert approved.email_ciphertext is None and approved.personal_data_expires_at is None


def test_a_removed_comment_drops_out_of_its_senders_history(world: CommentWorld, clock: FrozenClock) -> None:
    # Given a spam comment whose personal data was removed
    article = world.article()
    spam_id = post(world, article.id, "history@example.com", "198.51.100.15", f"{SPAM_WORD} again")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    spam = world.stored(spam_id)
    assert spam is not None and spam.email_hash and spam.ip_hash
    history = SenderHistoryTable(world.table, world.ddb)
    since = utc_now() - dt.timedelta(minutes=1)
    assert history.latest_from_address(spam.ip_hash, since) is not None
    clock.advance(days=31)
    remove_due_personal_data(world.store, now=utc_now())

    # When the sender's and the address's history are read
    found = history.sender_history(
        spam.email_hash, article_id=article.id, body_hash=spam.body_hash, before=(utc_now(), "~")
    )

    # Then the comment is in neither
    assert found.latest is None and not found.duplicate
    assert history.latest_from_address(spam.ip_hash, since) is None


def test_the_retention_function_needs_only_what_the_template_grants(
    world: CommentWorld, retention_function: ModuleType, clock: FrozenClock
) -> None:
    # Given a due spam comment, and the function's DynamoDB calls recorded
    from newsdesk_local.template import load_template

    article = world.article()
    post(world, article.id, "iam@example.com", "198.51.100.16", f"{SPAM_WORD} iam")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    clock.advance(days=31)
    calls = CallRecorder().attach(retention_function.store.client)

    # When it runs
    assert run(retention_function)["removed"] == 1

    # Then CommentRetentionFunction's policy grants each call, on the index and attributes it names
    function = load_template()["Resources"]["CommentRetentionFunction"]["Properties"]
    statements = [s for policy in function["Policies"] for s in policy["Statement"]]
    granted = {s["Action"] for s in statements}
    assert (
        {f"dynamodb:{name}" for name in calls.operations}
        == granted
        == {"dynamodb:Query", "dynamodb:UpdateItem"}
    )
    (update,) = [s for s in statements if s["Action"] == "dynamodb:UpdateItem"]
    allowed = set(update["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"])
    for name, params in calls.calls:
        if name == "Query":
            assert params["IndexName"] == "PersonalDataDue"
        if name == "UpdateItem":
            touched = set(params["ExpressionAttributeNames"].values()) | set(params["Key"])
            assert touched <= allowed, touched - allowed


def test_the_removal_is_refused_for_a_comment_no_longer_refused_or_not_yet_due(
    world: CommentWorld, api: EditorApi, clock: FrozenClock
) -> None:
    # Given a spam comment, and another approved after the index listed it (the index lags the table)
    article = world.article()
    early_id = post(world, article.id, "e@example.com", "198.51.100.17", f"{SPAM_WORD} early")
    approved_id = post(world, article.id, "f@example.com", "198.51.100.18", f"{SPAM_WORD} fine")
    world.drain(world.worker(blocklist=(SPAM_WORD,)))
    clock.advance(days=31)
    listed = list(world.store.due_for_removal(utc_now()))
    assert set(listed) == {early_id, approved_id}
    assert patch(api, approved_id, {"status": "approved"}).status == 200

    # When the removal is asked for the approved one, and for the spam one before it is due
    approved = world.store.remove_personal_data(approved_id, now=utc_now())
    early = world.store.remove_personal_data(early_id, now=utc_now() - dt.timedelta(days=2))

    # Then neither loses anything; the spam one does once it is due
    assert approved is False and early is False
    for comment_id in (approved_id, early_id):
        comment = world.stored(comment_id)
        assert comment is not None and comment.email_ciphertext is not None
    assert world.store.remove_personal_data(early_id, now=utc_now()) is True
