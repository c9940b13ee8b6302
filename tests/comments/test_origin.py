"""Requests that bypass CloudFront are refused, and the sender's address is the one CloudFront saw."""

from __future__ import annotations

import json

import pytest

from tests.comments.conftest import CommentWorld, comment_fields
from tests.events import SAMPLE_ORIGIN_SECRET


@pytest.mark.parametrize(
    "secret", [None, "", "not-the-origin-secret-0123456789abcdef", SAMPLE_ORIGIN_SECRET[:-1]]
)
def test_a_comment_without_the_origin_secret_is_refused_and_not_queued(
    world: CommentWorld, secret: str | None
) -> None:
    # Given a published article, and a request straight to execute-api (no or a wrong X-Origin-Verify)
    article = world.article()

    # When a comment is posted that way
    response = world.post(article.id, headers={"X-Origin-Verify": secret})

    # Then it is a 403 problem, and nothing is queued
    assert response.status == 403
    assert response.problem["title"] == "Forbidden"
    assert world.queued() == []

    # And the same comment through the distribution is accepted
    assert world.post(article.id).status == 202


def test_a_token_request_without_the_origin_secret_is_refused(world: CommentWorld) -> None:
    # Given a published article
    article = world.article()

    # When the token route is called around the distribution
    event = world.event(article.id, route="comment-token", headers={"X-Origin-Verify": None})
    response = world.intake()(event)

    # Then it is refused
    assert response["statusCode"] == 403


def test_two_origin_secret_headers_are_refused(world: CommentWorld) -> None:
    # Given a request that carries the secret twice (a forged one and the distribution's)
    article = world.article()
    event = world.event(article.id, comment_fields())
    event["multiValueHeaders"]["X-Origin-Verify"] = [
        "forged-0123456789abcdef0123456789ab",
        SAMPLE_ORIGIN_SECRET,
    ]

    # When it is handled
    response = world.intake()(event)

    # Then it is refused
    assert response["statusCode"] == 403


def test_the_secret_being_rotated_out_is_accepted_while_both_are_configured(world: CommentWorld) -> None:
    # Given an intake that accepts a new secret and the one it replaces
    article = world.article()
    new = "new-origin-secret-0123456789abcdefghij"
    intake = world.intake(origin_secrets=(new, SAMPLE_ORIGIN_SECRET))

    # When edges still send the old one, and others already the new one
    old_response = world.post(article.id, intake=intake)
    new_response = world.post(
        article.id,
        comment_fields(email="other@example.org"),
        intake=intake,
        ip="198.51.100.77",
        headers={"X-Origin-Verify": new},
    )

    # Then both are accepted
    assert (old_response.status, new_response.status) == (202, 202)


@pytest.mark.parametrize(
    ("viewer_address", "expected"),
    [("198.51.100.7:46532", "198.51.100.7"), ("2001:db8::7:46532", "2001:db8::7")],
)
def test_the_sender_address_is_cloudfronts_viewer_address(
    world: CommentWorld, viewer_address: str, expected: str
) -> None:
    # Given a request whose X-Forwarded-For the viewer forged, through CloudFront (which adds the address
    # it saw in CloudFront-Viewer-Address)
    article = world.article()
    headers = {"X-Forwarded-For": "10.9.8.7, 192.0.2.1", "CloudFront-Viewer-Address": viewer_address}

    # When a comment is posted
    response = world.post(article.id, headers=headers)

    # Then the flood checks key on the viewer address CloudFront saw (its keyed hash is the one queued)
    assert response.status == 202
    (queued,) = world.queued()
    from newsdesk.comments.tokens import ip_hash

    assert queued["ip_hash"] == ip_hash(world.mac, expected)
    assert json.dumps(queued).count("10.9.8.7") == 0
