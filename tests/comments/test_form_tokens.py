"""Form tokens: a fresh token the page's script fetched is single-use and bound to its article, and the
minimum fill time counts from it; the page's own (stale, copyable) token is accepted but always held; and
knowing a regular commenter's email never gets a comment approved."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from newsdesk.clock import epoch_seconds
from newsdesk.comments.models import CommentStatus
from newsdesk_local import emulator
from tests.comments.conftest import READER_IP, CommentWorld, comment_fields
from tests.handlers.client import ApiResponse


def test_a_fresh_token_used_twice_is_refused_the_second_time(world: CommentWorld) -> None:
    # Given a comment sent through the form with a fresh token
    article = world.article()
    token = world.token(article.id)
    assert world.form_post(article, {"token": token}).status == 303

    # When the same token is sent again (another address and email, after the flood interval)
    later = epoch_seconds() + 60
    again = world.form_post(
        article,
        {"token": token, "email": "someone.else@example.com"},
        ip="198.51.100.61",
        intake=world.intake(clock=lambda: later),
    )

    # Then it is refused naming the token, and only the first comment is queued
    assert again.status == 422
    assert again.problem_fields() == ["token"]
    assert "used" in again.problem["detail"]
    assert len(world.queued()) == 1

    # And a new token is accepted
    fresh = world.token(article.id, now=later)
    accepted = world.form_post(
        article,
        {"token": fresh, "email": "someone.else@example.com"},
        ip="198.51.100.61",
        intake=world.intake(clock=lambda: later),
    )
    assert accepted.status == 303


def test_one_fresh_token_sent_ten_times_at_once_queues_one_comment(world: CommentWorld) -> None:
    # Given one fresh token, and moto with the local stack's serializable writes
    applied = emulator.install()
    try:
        article = world.article()
        token = world.token(article.id)
        now = epoch_seconds()
        start = threading.Barrier(10)

        def post(i: int) -> ApiResponse:
            intake = world.intake(clock=lambda: now)
            start.wait(timeout=30)
            fields = {"token": token, "email": f"copy{i}@example.com", "body": f"Copy {i}"}
            return world.form_post(article, fields, ip=f"192.0.2.{i + 1}", intake=intake)

        # When ten posts from ten addresses with ten emails all carry it at the same moment
        with ThreadPoolExecutor(max_workers=10) as pool:
            responses = list(pool.map(post, range(10)))
    finally:
        if applied:
            emulator.uninstall()

    # Then one comment is queued and the nine others are refused
    assert sorted(r.status for r in responses) == [303] + [422] * 9
    assert len(world.queued()) == 1


def test_a_fresh_token_is_bound_to_its_article(world: CommentWorld) -> None:
    # Given a fresh token for one article
    first, second = world.article(), world.article()

    # When it is sent with a comment on another
    response = world.form_post(second, {"token": world.token(first.id)})

    # Then it is refused
    assert response.status == 422 and response.problem_fields() == ["token"]
    assert world.queued() == []


def test_the_fill_time_counts_from_the_fresh_token(world: CommentWorld) -> None:
    # Given a token the page's script fetched one second ago
    article = world.article()

    # When the form is sent
    response = world.form_post(article, {"token": world.token(article.id, age=1)})

    # Then it is too early, and the same token is still good once the fill time has passed
    assert response.status == 429 and response.headers["retry-after"] == "2"
    later = epoch_seconds() + 3
    token = world.token(article.id, age=1)
    assert world.form_post(article, {"token": token}, intake=world.intake(clock=lambda: later)).status == 303


def test_the_pages_own_token_is_accepted_at_once_but_always_held(world: CommentWorld) -> None:
    # Given a returning commenter (an approved comment from this email and address), a site that approves
    # returning commenters, and the token baked into the page hours ago (no JavaScript)
    article = world.article()
    now = epoch_seconds()
    earlier_token = world.token(article.id, now=now - 120)
    earlier = world.form_post(article, {"token": earlier_token}, intake=world.intake(clock=lambda: now - 120))
    assert earlier.status == 303
    world.drain()
    (first,) = world.store.list_for_article(article.id, 10).items
    world.store.save(first.model_copy(update={"status": CommentStatus.APPROVED, "version": 2}), 1)

    # When they send the form with the page's token, the moment the page opened
    response = world.form_post(article, {"token": world.page_token(article.id)})
    world.drain(world.worker(auto_approve_returning=True))

    # Then it is accepted but held for a moderator
    assert response.status == 303
    latest = [c for c in world.store.list_for_article(article.id, 10).items if c.id != first.id]
    assert [(c.status, c.via_form) for c in latest] == [(CommentStatus.PENDING, False)]


def test_knowing_a_regular_commenters_email_does_not_get_a_comment_approved(world: CommentWorld) -> None:
    # Given a regular commenter with an approved comment, on a site that approves returning commenters
    article = world.article()
    now = epoch_seconds()
    earlier_token = world.token(article.id, now=now - 120)
    earlier = world.form_post(article, {"token": earlier_token}, intake=world.intake(clock=lambda: now - 120))
    assert earlier.status == 303
    world.drain()
    (first,) = world.store.list_for_article(article.id, 10).items
    world.store.save(first.model_copy(update={"status": CommentStatus.APPROVED, "version": 2}), 1)
    worker = world.worker(auto_approve_returning=True)

    # When someone else uses their email and name, with a fresh token, from another address
    impostor = world.form_post(article, {"body": "Posing as a regular."}, ip="198.51.100.99")
    world.drain(worker)

    # Then the comment waits for a moderator
    assert impostor.status == 303
    posed = [c for c in world.store.list_for_article(article.id, 10).items if c.id != first.id]
    assert [c.status for c in posed] == [CommentStatus.PENDING]

    # And the commenter themself, from their address, is approved
    later = epoch_seconds() + 30
    own = world.form_post(
        article,
        {"body": "Back again.", "token": world.token(article.id, now=later)},
        ip=READER_IP,
        intake=world.intake(clock=lambda: later),
    )
    world.drain(worker)
    assert own.status == 303
    statuses = {(c.body, c.status) for c in world.store.list_for_article(article.id, 10).items}
    assert ("Back again.", CommentStatus.APPROVED) in statuses


def test_the_token_route_issues_single_use_tokens(world: CommentWorld) -> None:
    # Given a published article
    article = world.article()

    # When the token route is asked twice
    first, second = (
        ApiResponse.from_proxy(world.intake()(world.event(article.id, route="comment-token"))).json()["token"]
        for _ in range(2)
    )

    # Then each answer is a different fresh token (issued time, nonce, MAC)
    assert first != second
    assert first.count(".") == 2 and second.count(".") == 2
    assert comment_fields()  # the form's other fields are unchanged
