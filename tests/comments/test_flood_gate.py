"""The flood and duplicate limits hold under concurrency: parallel posts from one sender are gated
atomically (newsdesk.adapters.dynamodb.gates), in moto with the local stack's serializable writes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from newsdesk.clock import epoch_seconds
from newsdesk_local import emulator
from tests.comments.conftest import CommentWorld, comment_fields
from tests.handlers.client import ApiResponse

BURST = 10
SAID = "The same words, sent again."


@pytest.fixture
def serializable() -> Iterator[None]:
    """moto with the local stack's corrections: of parallel conditional writes on one key, one succeeds
    (as in DynamoDB)."""
    applied = emulator.install()
    try:
        yield
    finally:
        if applied:
            emulator.uninstall()


def burst(world: CommentWorld, post: Callable[[int], ApiResponse]) -> list[ApiResponse]:
    """BURST posts released at the same moment, one per thread (each its own intake, as parallel requests
    are parallel Lambda instances)."""
    start = threading.Barrier(BURST)

    def one(i: int) -> ApiResponse:
        start.wait(timeout=30)
        return post(i)

    with ThreadPoolExecutor(max_workers=BURST) as pool:
        return list(pool.map(one, range(BURST)))


def test_ten_simultaneous_posts_from_one_address_with_ten_emails_queue_one(
    world: CommentWorld, serializable: None
) -> None:
    # Given a published article, and intakes whose clocks show one moment
    article = world.article()
    now = epoch_seconds()

    # When ten posts from one address, each with its own email, arrive at once
    responses = burst(
        world,
        lambda i: world.post(
            article.id, comment_fields(email=f"reader{i}@example.com"), intake=world.intake(clock=lambda: now)
        ),
    )

    # Then one is accepted and queued, and the other nine are 429 with a Retry-After
    statuses = sorted(r.status for r in responses)
    assert statuses == [202] + [429] * (BURST - 1)
    assert all(r.headers["retry-after"] == "15" for r in responses if r.status == 429)
    assert len(world.queued()) == 1

    # And once the flood interval has passed, the address may comment again
    later = world.intake(clock=lambda: now + 15)
    assert world.post(article.id, comment_fields(email="late@example.com"), intake=later).status == 202


def test_ten_simultaneous_posts_by_one_sender_from_ten_addresses_queue_one(
    world: CommentWorld, serializable: None
) -> None:
    # Given a published article
    article = world.article()
    now = epoch_seconds()

    # When one email sends ten different comments from ten addresses at once
    responses = burst(
        world,
        lambda i: world.post(
            article.id,
            comment_fields(body=f"Point number {i}."),
            intake=world.intake(clock=lambda: now),
            ip=f"198.51.100.{i + 1}",
        ),
    )

    # Then one is accepted, the rest refused as flood
    assert sorted(r.status for r in responses) == [202] + [429] * (BURST - 1)
    assert len(world.queued()) == 1


def test_the_same_words_sent_ten_times_at_once_are_queued_once(
    world: CommentWorld, serializable: None
) -> None:
    # Given a published article
    article = world.article()
    now = epoch_seconds()

    # When one sender sends the same comment ten times at once, from ten addresses
    responses = burst(
        world,
        lambda i: world.post(
            article.id,
            comment_fields(body=SAID),
            intake=world.intake(clock=lambda: now),
            ip=f"192.0.2.{i + 1}",
        ),
    )

    # Then one is queued; none of the others is
    assert sorted(r.status for r in responses)[0] == 202
    assert [r.status for r in responses].count(202) == 1
    assert {r.status for r in responses} <= {202, 409, 429}
    assert len(world.queued()) == 1


def test_a_duplicate_is_refused_at_the_gate_before_it_is_stored(world: CommentWorld) -> None:
    # Given a comment queued (not yet stored by the worker)
    article = world.article()
    now = epoch_seconds()
    first = world.post(article.id, comment_fields(body=SAID), intake=world.intake(clock=lambda: now))
    assert first.status == 202

    # When the sender sends the same words again after the flood interval, before the worker ran
    again = world.post(
        article.id,
        comment_fields(body=SAID),
        intake=world.intake(clock=lambda: now + 60),
        ip="198.51.100.200",
    )

    # Then it is a duplicate (409), and nothing more is queued
    assert again.status == 409
    assert len(world.queued()) == 1

    # And different words are accepted
    other = world.post(
        article.id,
        comment_fields(body="Something else entirely."),
        intake=world.intake(clock=lambda: now + 60),
        ip="198.51.100.200",
    )
    assert other.status == 202


def test_a_comment_that_could_not_be_queued_gives_its_slots_back(world: CommentWorld) -> None:
    # Given an intake whose queue refuses the message
    article = world.article()
    now = epoch_seconds()

    class BrokenQueue:
        def send(self, message: Any) -> None:
            raise RuntimeError("queue unavailable")

    broken = world.intake(clock=lambda: now)
    broken.service.queue = BrokenQueue()

    # When a comment is posted
    failed = world.post(article.id, intake=broken)

    # Then it is a 503 to try again, and trying again at once is accepted
    assert failed.status == 503
    assert world.items_with_prefix("GATE#") == []
    assert world.post(article.id, intake=world.intake(clock=lambda: now)).status == 202
