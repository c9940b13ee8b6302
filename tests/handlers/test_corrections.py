"""Corrections over the editor API (lambda_handler with the sample events, moto)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newsdesk.clock import FrozenClock
from tests.handlers.client import ApiResponse, EditorApi

UNKNOWN_ID = "01JDQ80000000000000000000Z"


def correct(api: EditorApi, article_id: str, body: Any, if_match: str | None = None) -> ApiResponse:
    return api.send(
        "create_article",
        path=f"/api/articles/{article_id}/corrections",
        body=body,
        headers={"If-Match": if_match},
    )


def published(api: EditorApi, clock: FrozenClock) -> dict[str, Any]:
    article = api.create_ok(headline="Floods cut off 40 villages", body="Rescue teams were sent.")
    response = api.publish(article["id"])
    assert response.status == 200
    clock.advance(hours=2)
    live: dict[str, Any] = response.json()
    return live


def test_a_correction_is_appended_to_a_published_article_as_a_new_version(
    api: EditorApi, clock: FrozenClock
) -> None:
    # Given an article published two hours ago
    article = published(api, clock)

    # When a correction is issued
    response = correct(api, article["id"], {"type": "correction", "text": "It was 14 villages, not 40."})

    # Then it is created: a new version that carries it, with its time, revised now
    assert response.status == 201
    assert response.headers["etag"] == '"3"'
    assert response.headers["location"] == f"/api/articles/{article['id']}"
    corrected = response.json()
    assert corrected["version"] == 3
    assert corrected["corrections"] == [
        {"type": "correction", "text": "It was 14 villages, not 40.", "issued_at": corrected["updated_at"]}
    ]
    assert dt.datetime.fromisoformat(corrected["revised_at"]) == clock()
    assert (corrected["headline"], corrected["body"]) == (article["headline"], article["body"])
    # and it is kept: read back, with a second one after it
    second = correct(api, article["id"], {"type": "editors_note", "text": "Figures from the state."}, '"3"')
    assert second.status == 201
    kept = api.get(article["id"]).json()["corrections"]
    assert [c["type"] for c in kept] == ["correction", "editors_note"]


def test_a_draft_takes_no_correction_until_it_is_published(api: EditorApi, clock: FrozenClock) -> None:
    # Given a draft
    draft = api.create_ok()

    # When a correction is issued, then again after it is published
    refused = correct(api, draft["id"], {"type": "clarification", "text": "Not yet."})
    api.publish(draft["id"])
    accepted = correct(api, draft["id"], {"type": "clarification", "text": "Now it is."})

    # Then the first is refused as a conflict with its state, the second is created
    assert refused.status == 409
    assert refused.problem["type"] == "urn:newsdesk:problem:invalid-state"
    assert "published" in refused.problem["detail"]
    assert accepted.status == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "erratum", "text": "x"}, "type"),
        ({"type": "correction", "text": "   "}, "text"),
        ({"type": "correction", "text": "x" * 2001}, "text"),
        ({"type": "correction", "text": "bell\x07"}, "text"),
        ({"type": "correction"}, "text"),
        ({"type": "correction", "text": "x", "by": "me"}, "by"),
    ],
)
def test_an_invalid_correction_is_refused_naming_the_field(
    api: EditorApi, clock: FrozenClock, body: dict[str, Any], field: str
) -> None:
    # Given a published article
    article = published(api, clock)

    # When an invalid correction is sent, then a valid one
    refused = correct(api, article["id"], body)
    accepted = correct(api, article["id"], {"type": "correction", "text": "Valid."})

    # Then the first is a validation problem naming the field, and changes nothing; the second is created
    assert refused.status == 422
    assert field in refused.problem_fields()
    assert accepted.status == 201
    assert accepted.json()["version"] == 3


def test_a_correction_against_a_stale_version_is_refused(api: EditorApi, clock: FrozenClock) -> None:
    # Given a published article (version 2)
    article = published(api, clock)

    # When a correction names version 1, then version 2
    stale = correct(api, article["id"], {"type": "correction", "text": "Late."}, '"1"')
    fresh = correct(api, article["id"], {"type": "correction", "text": "On time."}, '"2"')

    # Then the first is refused as stale, the second is created
    assert stale.status == 412
    assert fresh.status == 201
    assert [c["text"] for c in fresh.json()["corrections"]] == ["On time."]


def test_a_correction_of_an_unknown_article_is_404(api: EditorApi, clock: FrozenClock) -> None:
    # Given a published article and an id nobody has
    article = published(api, clock)

    # When each is corrected
    missing = correct(api, UNKNOWN_ID, {"type": "correction", "text": "Nobody."})
    found = correct(api, article["id"], {"type": "correction", "text": "Somebody."})

    # Then the unknown one is not found
    assert missing.status == 404
    assert found.status == 201


def test_only_headline_and_body_changes_count_as_revisions(api: EditorApi, clock: FrozenClock) -> None:
    # Given a published article
    article = published(api, clock)

    # When its tags change, then its body
    tagged = api.patch(article["id"], {"tags": ["Floods"]}, '"2"').json()
    clock.advance(minutes=5)
    rewritten = api.patch(article["id"], {"body": "Rescue teams reached them."}, '"3"').json()

    # Then only the body change marks it revised
    assert tagged["revised_at"] is None
    assert dt.datetime.fromisoformat(rewritten["revised_at"]) == clock()


def test_restoring_an_old_version_keeps_the_corrections(api: EditorApi, clock: FrozenClock) -> None:
    # Given a published, corrected article
    article = published(api, clock)
    corrected = correct(api, article["id"], {"type": "correction", "text": "Kept for the record."})
    assert corrected.status == 201

    # When its first version is restored
    restored = api.send(
        "publish_article",
        path=f"/api/articles/{article['id']}/revisions/1/restore",
        headers={"If-Match": '"3"'},
    )

    # Then the correction is still there
    assert restored.status == 200
    assert [c["text"] for c in restored.json()["corrections"]] == ["Kept for the record."]
