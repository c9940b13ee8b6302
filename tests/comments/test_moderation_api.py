"""The moderation API through the editor function's lambda_handler, with comments the worker stored."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from newsdesk.comments.models import CommentStatus
from tests.comments.conftest import READER_IP, CommentWorld, comment_fields
from tests.conftest import frozen_clock
from tests.events import sample_claims
from tests.handlers.client import ApiResponse, EditorApi
from tests.handlers.conftest import CallRecorder

UNKNOWN = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


@pytest.fixture
def editor_function(
    editor_env: str, world: CommentWorld, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    """The editor function (functions/editor_api/app.py) on the world's table, with the email key."""
    from tests.conftest import EDITOR_API_APP, load_function

    monkeypatch.setenv("COMMENTS_DATA_KEY_ID", world.data_key)
    module: ModuleType = load_function(EDITOR_API_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)


@pytest.fixture
def api(editor_function: ModuleType, lambda_context: Any) -> EditorApi:
    return EditorApi(editor_function.lambda_handler, lambda_context)


def queue(
    world: CommentWorld, article_id: str, count: int = 1, sender: str = "reader", **fields: Any
) -> list[str]:
    """`count` comments by different senders, a second apart, queued by the intake and stored (pending)
    by the worker."""
    ids = []
    for i in range(count):
        if i:
            frozen_clock().advance(seconds=1)
        response = world.post(
            article_id,
            comment_fields(email=f"{sender}{i}@example.com", **fields),
            ip=f"198.51.{len(sender)}.{i + 1}",
        )
        assert response.status == 202, response.body
        ids.append(response.json()["id"])
    world.drain()
    return ids


def get(api: EditorApi, path: str, **query: str) -> ApiResponse:
    return api.send("get_article", path=path, query=query or None)


def patch(api: EditorApi, comment_id: str, body: Any, if_match: str | None = None) -> ApiResponse:
    return api.send(
        "patch_article", path=f"/api/comments/{comment_id}", body=body, headers={"If-Match": if_match}
    )


def test_the_queue_lists_pending_comments_newest_first_with_email_and_ip(
    world: CommentWorld, api: EditorApi
) -> None:
    # Given three pending comments on an article
    article = world.article()
    ids = queue(world, article.id, 3)

    # When an editor reads the moderation queue
    response = get(api, "/api/comments")

    # Then they see the comments, newest first, with what readers never see
    assert response.status == 200
    items = response.json()["items"]
    assert [c["id"] for c in items] == ids[::-1]
    newest = items[0]
    assert (newest["email"], newest["ip"]) == ("reader2@example.com", "198.51.6.3")
    assert newest["status"] == "pending"
    assert newest["article_id"] == article.id
    assert newest["version"] == 1


def test_the_queue_pages_with_a_cursor_and_filters_by_article(world: CommentWorld, api: EditorApi) -> None:
    first, second = world.article(), world.article()
    ids = queue(world, first.id, 3)
    other = queue(world, second.id, 1, sender="other", body="On the other one")

    page1 = get(api, "/api/comments", limit="2").json()
    page2 = get(api, "/api/comments", limit="2", cursor=page1["next_cursor"]).json()
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    assert {c["id"] for c in page1["items"] + page2["items"]} == {*ids, *other}

    by_article = get(api, "/api/comments", article_id=second.id).json()
    assert [c["id"] for c in by_article["items"]] == other
    assert get(api, "/api/comments", status="approved").json()["items"] == []
    wrong = get(api, "/api/comments", status="approved", cursor=page1["next_cursor"])
    assert wrong.status == 400
    assert wrong.problem_fields() == ["cursor"]
    assert get(api, "/api/comments", status="maybe").problem_fields() == ["status"]


def test_an_editor_approves_with_if_match_and_a_stale_version_is_refused(
    world: CommentWorld, api: EditorApi
) -> None:
    # Given a pending comment
    (comment_id,) = queue(world, world.article().id)
    fetched = get(api, f"/api/comments/{comment_id}")
    assert fetched.headers["etag"] == '"1"'

    # When an editor approves version 1, and another editor then rejects version 1 too
    approved = patch(api, comment_id, {"status": "approved"}, if_match='"1"')
    stale = patch(api, comment_id, {"status": "rejected"}, if_match='"1"')

    # Then the approval wins, and the second is told the comment has changed
    assert approved.status == 200
    body = approved.json()
    assert (body["status"], body["version"], approved.headers["etag"]) == ("approved", 2, '"2"')
    assert body["moderated_by"] and body["moderated_at"]
    assert stale.status == 412
    assert stale.problem["type"] == "urn:newsdesk:problem:stale-version"
    stored = world.stored(comment_id)
    assert stored is not None and stored.status is CommentStatus.APPROVED


def test_patch_without_if_match_and_repeated_is_idempotent(world: CommentWorld, api: EditorApi) -> None:
    (comment_id,) = queue(world, world.article().id)
    assert patch(api, comment_id, {"status": "spam"}).json()["version"] == 2
    assert patch(api, comment_id, {"status": "spam"}).json()["version"] == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [({"status": "published"}, "status"), ({}, "status"), ({"status": "approved", "x": 1}, "x")],
)
def test_patch_refuses_anything_but_a_moderation_status(
    world: CommentWorld, api: EditorApi, body: dict[str, Any], field: str
) -> None:
    (comment_id,) = queue(world, world.article().id)
    response = patch(api, comment_id, body)
    assert response.status == 422
    assert field in response.problem_fields()[0]


def test_unknown_comments_are_404(world: CommentWorld, api: EditorApi) -> None:
    # Given a stored comment, and an id no comment has
    (comment_id,) = queue(world, world.article().id)

    # When an editor reads or moderates the unknown one, or asks for a malformed id
    unknown = get(api, f"/api/comments/{UNKNOWN}")
    moderated = patch(api, UNKNOWN, {"status": "approved"})
    tagged = patch(api, UNKNOWN, {"status": "approved"}, if_match='"1"')
    malformed = get(api, "/api/comments/not-an-id")

    # Then those are 404 (whatever If-Match says) and 422, and the stored comment is still moderated
    assert unknown.problem["type"] == "urn:newsdesk:problem:not-found"
    assert (moderated.status, tagged.status, malformed.status) == (404, 404, 422)
    assert patch(api, comment_id, {"status": "approved"}, if_match='"1"').status == 200


@pytest.mark.parametrize(
    ("if_match", "status"),
    [
        ("yesterday", 400),  # not an entity tag
        ('"1', 400),  # unterminated
        ('w/"1"', 400),  # the weak prefix is case-sensitive
        ('"stale-version"', 412),  # well formed, not this comment's
        ('W/"1"', 412),  # weak: never matches a strong comparison
        ('"01"', 412),  # the opaque tags differ
        ('"7", "8"', 412),
        ('"1"', 200),
        ('"7", W/"1", "1"', 200),
        ("*", 200),
    ],
)
def test_moderation_compares_if_match_strongly(
    world: CommentWorld, api: EditorApi, if_match: str, status: int
) -> None:
    # Given a stored comment at version 1
    (comment_id,) = queue(world, world.article().id)

    # When an editor approves it with the If-Match
    response = patch(api, comment_id, {"status": "approved"}, if_match=if_match)

    # Then the RFC 9110 rules decide; after a refusal the comment's own ETag still works
    assert response.status == status, response.body
    if status != 200:
        assert response.problem["status"] == status
        assert patch(api, comment_id, {"status": "approved"}, if_match='"1"').status == 200


def test_if_match_star_on_a_missing_comment_is_a_412(world: CommentWorld, api: EditorApi) -> None:
    # Given a comment that was deleted
    first, second = queue(world, world.article().id, 2)
    assert api.send("delete_article", path=f"/api/comments/{first}").status == 204

    # When an editor deletes it again with If-Match: *
    response = api.send("delete_article", path=f"/api/comments/{first}", headers={"If-Match": "*"})

    # Then the condition fails (there is no current version), and a comment that exists is deleted
    assert response.status == 412
    assert response.problem["type"] == "urn:newsdesk:problem:stale-version"
    assert api.send("delete_article", path=f"/api/comments/{second}", headers={"If-Match": "*"}).status == 204


def test_delete_removes_a_comment(world: CommentWorld, api: EditorApi) -> None:
    first, second = queue(world, world.article().id, 2)
    stale = api.send("delete_article", path=f"/api/comments/{first}", headers={"If-Match": '"7"'})
    assert stale.status == 412
    deleted = api.send("delete_article", path=f"/api/comments/{first}", headers={"If-Match": '"1"'})
    assert deleted.status == 204
    assert get(api, f"/api/comments/{first}").status == 404
    assert api.send("delete_article", path=f"/api/comments/{first}").status == 404
    assert api.send("delete_article", path=f"/api/comments/{second}").status == 204


def test_bulk_moderates_a_page_of_the_queue_with_one_result_per_id(
    world: CommentWorld, api: EditorApi
) -> None:
    # Given a page of the queue and an id that does not exist
    ids = queue(world, world.article().id, 3)

    # When an editor marks them all as spam
    response = api.send(
        "create_article", path="/api/comments/bulk", body={"ids": [*ids, UNKNOWN], "status": "spam"}
    )

    # Then each existing one is spam, and the unknown one is reported alone
    assert response.status == 200
    results = response.json()["results"]
    assert [(r["id"], r["status"]) for r in results] == [*((i, 200) for i in ids), (UNKNOWN, 404)]
    assert all(r["comment"]["status"] == "spam" for r in results[:3])
    assert get(api, "/api/comments").json()["items"] == []
    assert len(get(api, "/api/comments", status="spam").json()["items"]) == 3


def test_bulk_takes_at_most_100_ids(world: CommentWorld, api: EditorApi) -> None:
    body = {"ids": [UNKNOWN] * 101, "status": "approved"}
    response = api.send("create_article", path="/api/comments/bulk", body=body)
    assert response.status == 422
    assert response.problem_fields() == ["ids"]


@pytest.mark.parametrize("who", ["reader", "anonymous"])
def test_only_editors_moderate_and_others_see_no_email_or_ip(
    world: CommentWorld, api: EditorApi, who: str
) -> None:
    # Given a queued comment
    (comment_id,) = queue(world, world.article().id)
    claims = sample_claims("editor_api/reader_list") if who == "reader" else None

    # When someone who is not an editor calls each moderation route
    calls = [
        api.send("get_article", path="/api/comments", claims=claims),
        api.send("get_article", path=f"/api/comments/{comment_id}", claims=claims),
        api.send(
            "patch_article", path=f"/api/comments/{comment_id}", body={"status": "approved"}, claims=claims
        ),
        api.send("delete_article", path=f"/api/comments/{comment_id}", claims=claims),
        api.send(
            "create_article",
            path="/api/comments/bulk",
            body={"ids": [comment_id], "status": "spam"},
            claims=claims,
        ),
    ]

    # Then each is refused, and no answer carries the sender's email or IP
    assert {c.status for c in calls} == ({403} if who == "reader" else {401})
    for call in calls:
        assert "reader0@example.com" not in (call.body or "")
        assert "198.51.6.1" not in (call.body or "") and READER_IP not in (call.body or "")
    stored = world.stored(comment_id)
    assert stored is not None and stored.status is CommentStatus.PENDING


def test_the_editor_function_needs_only_what_the_template_grants(
    world: CommentWorld, api: EditorApi, editor_function: ModuleType
) -> None:
    # Given every moderation route exercised, DynamoDB and KMS calls recorded on the function's clients
    from newsdesk_local.template import load_template

    ids = queue(world, world.article().id, 3)
    get(api, "/api/comments")  # makes the store's and the cipher's clients
    store = editor_function.comments
    cipher = editor_function.cipher
    assert cipher is not None
    ddb_calls = CallRecorder().attach(store.client)
    kms_calls: list[str] = []
    cipher.client.meta.events.register(
        "provide-client-params.kms", lambda model, **_: kms_calls.append(model.name)
    )
    get(api, "/api/comments", article_id=world.article().id)
    get(api, f"/api/comments/{ids[0]}")
    patch(api, ids[0], {"status": "approved"})
    api.send("create_article", path="/api/comments/bulk", body={"ids": ids[1:], "status": "spam"})
    api.send("delete_article", path=f"/api/comments/{ids[0]}")

    # When the calls are compared with EditorApiFunction's policy
    function = load_template()["Resources"]["EditorApiFunction"]["Properties"]
    granted = set()
    for policy in function["Policies"]:
        for statement in policy["Statement"]:
            actions = statement["Action"]
            granted |= {actions} if isinstance(actions, str) else set(actions)
    needed = {f"dynamodb:{name}" for name in ddb_calls.operations} | {f"kms:{name}" for name in kms_calls}

    # Then the policy covers every call, with no Scan
    assert "dynamodb:Scan" not in needed
    assert needed <= granted, needed - granted
    assert "kms:Decrypt" in needed
