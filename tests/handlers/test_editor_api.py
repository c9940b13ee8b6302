"""The editor API's lambda_handler, driven with the sample events against moto."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from collections.abc import Callable
from types import ModuleType
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.clock import FrozenClock
from tests.events import load_event
from tests.handlers.client import SAMPLE_ID, ApiResponse, EditorApi
from tests.handlers.conftest import CallRecorder

KOLKATA = ZoneInfo("Asia/Kolkata")
UNKNOWN_ID = "01JDQ80000000000000000000Z"  # well formed, never created
EDITOR_EVENTS = [
    "create_article",
    "get_article",
    "list_articles",
    "patch_article",
    "publish_article",
    "unpublish_article",
    "delete_article",
]


def without_render(article: dict[str, Any]) -> dict[str, Any]:
    """The article fields, without the render receipt that only single-article reads carry."""
    return {k: v for k, v in article.items() if k != "render"}


def expected_url(article: dict[str, Any]) -> str:
    published = dt.datetime.fromisoformat(article["published_at"]).astimezone(KOLKATA)
    return f"/{published:%Y}/{published:%m}/{published:%d}/{article['slug']}/"


# ----- create ------------------------------------------------------------------------------------


def test_the_sample_create_event_creates_a_draft(api: EditorApi) -> None:
    # Given the sample create event, as API Gateway sends it
    event = load_event("editor_api/create_article")

    # When the handler runs
    response = api.call(event)

    # Then a draft is created with version 1, at a Location the API serves
    assert response.status == 201
    assert response.content_type == "application/json"
    assert response.headers["etag"] == '"1"'
    article = response.json()
    assert response.headers["location"] == f"/api/articles/{article['id']}"
    assert article["status"] == "draft"
    assert article["version"] == 1
    assert article["slug"] == "monsoon-arrives-early-in-kerala"
    assert article["url"] is None
    assert article["published_at"] is None
    assert [t["slug"] for t in article["tags"]] == ["monsoon", "kerala", "weather"]
    assert article["image"]["url"] == "https://images.example.com/monsoon.jpg"
    assert without_render(api.get(article["id"]).json()) == without_render(article)


def test_create_uses_an_explicit_slug_and_deduplicates_tags(api: EditorApi) -> None:
    # Given a draft with its own slug and tags that repeat under different spellings
    # When it is created
    article = api.create_ok(slug="early-monsoon", tags=["Kerala", "kerala", "KÉRALA", "Rain"])

    # Then the slug is the one given and each tag appears once, first spelling kept
    assert article["slug"] == "early-monsoon"
    assert article["tags"] == [{"name": "Kerala", "slug": "kerala"}, {"name": "Rain", "slug": "rain"}]


def test_create_refuses_a_headline_without_latin_letters_unless_a_slug_is_given(api: EditorApi) -> None:
    # Given a headline in Devanagari
    headline = "मानसून केरल पहुंचा"

    # When it is created without and then with a slug
    refused = api.create(headline=headline)
    accepted = api.create(headline=headline, slug="monsoon-reaches-kerala")

    # Then the first is refused naming the slug, the second is created
    assert refused.status == 422
    assert refused.problem_fields() == ["slug"]
    assert accepted.status == 201
    assert accepted.json()["headline"] == headline


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headline": "x" * 201}, "headline"),
        ({"headline": None}, "headline"),
        ({"body": "é" * 51_201}, "body"),  # 102,402 bytes of UTF-8
        ({"tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"image": {"url": "javascript:alert(1)", "alt": "x"}}, "image.url"),
        ({"status": "published"}, "status"),
        ({"slug": "Not a slug"}, "slug"),
    ],
)
def test_create_refuses_invalid_input_naming_the_field(
    api: EditorApi, fields: dict[str, Any], field: str
) -> None:
    # Given a draft with one invalid field
    # When it is created
    response = api.create(**fields)

    # Then it is refused with a validation problem naming that field in the body
    assert response.status == 422
    problem = response.problem
    assert problem["type"] == "urn:newsdesk:problem:validation"
    assert field in response.problem_fields()
    assert {e["location"] for e in problem["errors"]} == {"body"}
    assert api.list().json()["items"] == []


def test_create_without_a_body_field_names_it(api: EditorApi) -> None:
    # Given a draft with a headline only
    event = load_event("editor_api/create_article", body={"headline": "Only a headline"})

    # When it is created
    response = api.call(event)

    # Then the missing body is named
    assert response.status == 422
    assert response.problem_fields() == ["body"]


def test_a_second_article_with_the_same_headline_gets_the_next_free_slug(
    api: EditorApi, dynamodb_calls: CallRecorder
) -> None:
    # Given an article
    first = api.create_ok(headline="Sensex closes at record high")
    dynamodb_calls.clear()

    # When two more are created with the same headline and no slug
    second = api.create(headline="Sensex closes at record high")
    third = api.create(headline="Sensex closes at record high")

    # Then they get the next free numbered slugs, each found by the create transaction (no read beforehand)
    assert second.status == 201
    assert second.json()["slug"] == "sensex-closes-at-record-high-2"
    assert third.json()["slug"] == "sensex-closes-at-record-high-3"
    assert set(dynamodb_calls.operations) == {"TransactWriteItems"}
    assert {a["id"] for a in api.list().json()["items"]} == {
        first["id"],
        second.json()["id"],
        third.json()["id"],
    }


def test_an_explicit_slug_that_is_taken_is_refused_saying_so(api: EditorApi) -> None:
    # Given an article
    first = api.create_ok(headline="Sensex closes at record high")

    # When another is created with that slug given explicitly, then with a free one
    refused = api.create(headline="Markets rally", slug=first["slug"])
    accepted = api.create(headline="Markets rally", slug="markets-rally-again")

    # Then the first is refused naming the slug it sent, and the second is created
    assert refused.status == 409
    assert refused.problem["type"] == "urn:newsdesk:problem:slug-taken"
    assert refused.problem_fields() == ["slug"]
    assert "'sensex-closes-at-record-high' is already used" in refused.problem["detail"]
    assert accepted.status == 201
    assert accepted.json()["slug"] == "markets-rally-again"


# ----- read --------------------------------------------------------------------------------------


def test_get_returns_the_article_with_its_etag(api: EditorApi) -> None:
    # Given an article
    created = api.create_ok()

    # When it is fetched
    response = api.get(created["id"])

    # Then it is returned as created, with its version as ETag, never rendered (it is a draft)
    assert response.status == 200
    assert response.headers["etag"] == '"1"'
    assert without_render(response.json()) == without_render(created)
    assert response.json()["render"]["state"] == "not_public"


def test_get_of_an_unknown_id_is_a_404_problem(api: EditorApi) -> None:
    # Given an id no article has
    # When it is fetched
    response = api.get(UNKNOWN_ID)

    # Then the answer is a not-found problem naming the id
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"
    assert UNKNOWN_ID in response.problem["detail"]


@pytest.mark.parametrize("bad_id", ["not-a-ulid", "01jdq7zk3m8n4p5r6s7t8v9w0x", "01JDQ7ZK3M8N4P5R6S7T8V9W0I"])
def test_get_with_a_malformed_id_is_a_422_naming_the_path_field(api: EditorApi, bad_id: str) -> None:
    # Given an id that is not a ULID
    # When it is fetched
    response = api.get(bad_id)

    # Then the path parameter is named
    assert response.status == 422
    assert response.problem["errors"][0]["field"] == "article_id"
    assert response.problem["errors"][0]["location"] == "path"


# ----- patch -------------------------------------------------------------------------------------


def test_patch_without_if_match_is_refused_with_428(api: EditorApi) -> None:
    # Given an article
    article = api.create_ok()

    # When it is patched without saying which version was edited
    response = api.patch(article["id"], {"headline": "New headline"}, if_match=None)

    # Then the precondition is required, and nothing changed
    assert response.status == 428
    assert response.problem["type"] == "urn:newsdesk:problem:if-match-required"
    assert api.get(article["id"]).json()["headline"] == article["headline"]


def test_patch_with_a_stale_if_match_is_refused_with_412(api: EditorApi) -> None:
    # Given an article edited once (now version 2)
    article = api.create_ok()
    assert api.patch(article["id"], {"summary": "First edit."}, if_match='"1"').status == 200

    # When it is patched again based on version 1
    response = api.patch(article["id"], {"summary": "Second edit."}, if_match='"1"')

    # Then the stale edit is refused and the first edit stands
    assert response.status == 412
    assert response.problem["type"] == "urn:newsdesk:problem:stale-version"
    assert api.get(article["id"]).json()["summary"] == "First edit."


def test_patch_with_the_current_etag_changes_only_the_fields_sent(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article written a minute ago
    article = api.create_ok(dateline="Kochi", section="India", tags=["Monsoon"])
    clock.advance(minutes=1)

    # When it is patched with its current ETag, changing the headline and clearing the dateline
    response = api.patch(
        article["id"], {"headline": "Monsoon arrives a week early", "dateline": None}, if_match='"1"'
    )

    # Then the new version is returned with the next ETag; fields not sent are unchanged
    assert response.status == 200
    assert response.headers["etag"] == '"2"'
    revised = response.json()
    assert revised["version"] == 2
    assert revised["headline"] == "Monsoon arrives a week early"
    assert revised["dateline"] is None
    assert revised["section"] == "India"
    assert revised["tags"] == article["tags"]
    assert revised["slug"] == article["slug"]  # the slug does not follow the headline
    assert revised["updated_at"] > article["updated_at"]
    assert without_render(api.get(article["id"]).json()) == without_render(revised)


def test_the_sample_patch_event_applies_to_version_1(api: EditorApi) -> None:
    # Given an article and the sample PATCH event (If-Match "1") aimed at it
    article = api.create_ok()
    event = load_event("editor_api/patch_article", path=f"/api/articles/{article['id']}")

    # When the handler runs
    response = api.call(event)

    # Then the sample's changes are applied
    assert response.status == 200
    assert response.json()["headline"] == "Monsoon arrives early in Kerala, IMD says"
    assert [t["name"] for t in response.json()["tags"]] == ["Monsoon", "Kerala", "IMD"]


def test_patch_with_if_match_star_applies_to_the_current_version(api: EditorApi) -> None:
    # Given an article edited once
    article = api.create_ok()
    api.patch(article["id"], {"summary": "v2"}, if_match='"1"')

    # When it is patched with If-Match: *
    response = api.patch(article["id"], {"summary": "v3"}, if_match="*")

    # Then the change applies to whatever is stored
    assert response.status == 200
    assert response.headers["etag"] == '"3"'


@pytest.mark.parametrize("required", ["headline", "body"])
def test_patch_cannot_remove_a_required_field(api: EditorApi, required: str) -> None:
    # Given an article
    article = api.create_ok()

    # When a required field is set to null
    response = api.patch(article["id"], {required: None}, if_match='"1"')

    # Then it is refused naming that field, and the article is unchanged
    assert response.status == 422
    assert response.problem_fields() == [required]
    assert api.get(article["id"]).json()["version"] == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"headline": "x" * 201}, "headline"),
        ({"version": 9}, "version"),
        ({"tags": ["ok", "x" * 61]}, "tags[1]"),
        ({"image": {"url": "ftp://example.com/a.jpg", "alt": "A"}}, "image.url"),
    ],
)
def test_patch_refuses_invalid_changes_naming_the_field(
    api: EditorApi, changes: dict[str, Any], field: str
) -> None:
    # Given an article
    article = api.create_ok()

    # When it is patched with an invalid change
    response = api.patch(article["id"], changes, if_match='"1"')

    # Then the field is named
    assert response.status == 422
    assert field in response.problem_fields()


def test_patch_of_an_unknown_article_is_404(api: EditorApi) -> None:
    # Given no article with this id
    # When it is patched
    response = api.patch(UNKNOWN_ID, {"summary": "x"}, if_match='"1"')

    # Then it is not found
    assert response.status == 404


def test_patch_that_changes_nothing_keeps_the_version(api: EditorApi) -> None:
    # Given an article
    article = api.create_ok()

    # When it is patched with an empty object
    response = api.patch(article["id"], {}, if_match='"1"')

    # Then nothing is written: same version, same ETag
    assert response.status == 200
    assert response.headers["etag"] == '"1"'


def test_tags_can_be_replaced_and_cleared(api: EditorApi) -> None:
    # Given an article tagged Monsoon and Kerala
    article = api.create_ok(tags=["Monsoon", "Kerala"])

    # When its tags are replaced, then cleared
    replaced = api.patch(article["id"], {"tags": ["Kerala", "Floods"]}, if_match='"1"')
    cleared = api.patch(article["id"], {"tags": None}, if_match='"2"')

    # Then the tag listing follows each change
    assert [t["slug"] for t in replaced.json()["tags"]] == ["kerala", "floods"]
    assert cleared.json()["tags"] == []
    for tag in ("monsoon", "kerala", "floods"):
        assert api.list(tag=tag).json()["items"] == []


# ----- slugs -------------------------------------------------------------------------------------


def test_a_draft_can_change_its_slug_and_its_old_slug_is_freed(api: EditorApi) -> None:
    # Given a draft
    article = api.create_ok(headline="Rupee falls")
    old_slug = article["slug"]

    # When its slug is changed
    response = api.patch(article["id"], {"slug": "rupee-hits-record-low"}, if_match='"1"')

    # Then the new slug is its own, and another article may take the old one
    assert response.status == 200
    assert response.json()["slug"] == "rupee-hits-record-low"
    other = api.create(headline="Rupee falls")
    assert other.status == 201
    assert other.json()["slug"] == old_slug
    # while the new slug is claimed
    assert api.create(headline="Rupee", slug="rupee-hits-record-low").status == 409


def test_a_slug_used_by_another_article_is_refused_with_409(api: EditorApi) -> None:
    # Given two drafts
    taken = api.create_ok(headline="Election results")
    article = api.create_ok(headline="Counting begins")

    # When the second is given the first one's slug
    response = api.patch(article["id"], {"slug": taken["slug"]}, if_match='"1"')

    # Then it is refused naming the slug, and the second keeps its own
    assert response.status == 409
    assert response.problem["type"] == "urn:newsdesk:problem:slug-taken"
    assert response.problem_fields() == ["slug"]
    assert api.get(article["id"]).json()["slug"] == "counting-begins"
    assert api.get(article["id"]).json()["version"] == 1


def test_the_slug_is_frozen_once_published_even_after_unpublishing(api: EditorApi) -> None:
    # Given an article that was published
    article = api.create_ok()
    api.publish(article["id"])

    # When its slug is changed while published, and again after unpublishing
    while_live = api.patch(article["id"], {"slug": "new-slug"}, if_match='"2"')
    api.unpublish(article["id"])
    after = api.patch(article["id"], {"slug": "new-slug"}, if_match='"3"')

    # Then both are refused naming the slug
    for response in (while_live, after):
        assert response.status == 422
        assert response.problem_fields() == ["slug"]
    assert api.get(article["id"]).json()["slug"] == article["slug"]


def test_resending_the_same_slug_after_publish_is_not_a_change(api: EditorApi) -> None:
    # Given a published article
    article = api.create_ok()
    api.publish(article["id"])

    # When a patch resends its slug unchanged along with a real change
    response = api.patch(article["id"], {"slug": article["slug"], "summary": "Updated."}, if_match='"2"')

    # Then the patch is accepted
    assert response.status == 200
    assert response.json()["summary"] == "Updated."


# ----- publish and unpublish ---------------------------------------------------------------------


def test_publish_makes_an_article_live_at_a_dated_url(api: EditorApi) -> None:
    # Given a draft
    article = api.create_ok()

    # When it is published
    response = api.publish(article["id"])

    # Then it is live at /yyyy/mm/dd/slug/, dated in the site's time zone
    assert response.status == 200
    assert response.headers["etag"] == '"2"'
    live = response.json()
    assert live["status"] == "published"
    assert live["published_at"] is not None
    assert live["url"] == expected_url(live)
    assert live["url"].endswith(f"/{article['slug']}/")


def test_the_sample_publish_event_publishes(api: EditorApi) -> None:
    # Given a draft and the sample publish event aimed at it
    article = api.create_ok()
    event = load_event("editor_api/publish_article", path=f"/api/articles/{article['id']}/publish")

    # When the handler runs
    response = api.call(event)

    # Then the article is published
    assert response.status == 200
    assert response.json()["status"] == "published"


def test_publishing_twice_is_a_409(api: EditorApi) -> None:
    # Given a published article
    article = api.create_ok()
    api.publish(article["id"])

    # When it is published again
    response = api.publish(article["id"])

    # Then the second publish is refused, and the version did not move
    assert response.status == 409
    assert response.problem["type"] == "urn:newsdesk:problem:invalid-state"
    assert api.get(article["id"]).headers["etag"] == '"2"'


def test_publish_with_a_stale_if_match_is_412_and_with_the_current_one_succeeds(api: EditorApi) -> None:
    # Given an article edited once (version 2)
    article = api.create_ok()
    api.patch(article["id"], {"summary": "Edited."}, if_match='"1"')

    # When it is published based on version 1, then on version 2
    stale = api.publish(article["id"], if_match='"1"')
    current = api.publish(article["id"], if_match='"2"')

    # Then only the current one publishes
    assert stale.status == 412
    assert current.status == 200
    assert current.json()["status"] == "published"


def test_unpublish_takes_an_article_down_and_keeps_its_url(api: EditorApi) -> None:
    # Given a published article
    article = api.create_ok()
    live = api.publish(article["id"]).json()

    # When it is unpublished
    response = api.unpublish(article["id"])

    # Then it is no longer published but its URL is kept for a later re-publish
    assert response.status == 200
    assert response.headers["etag"] == '"3"'
    down = response.json()
    assert down["status"] == "unpublished"
    assert down["url"] == live["url"]
    assert down["published_at"] == live["published_at"]


def test_republishing_keeps_the_first_url(api: EditorApi) -> None:
    # Given an article published, unpublished and edited
    article = api.create_ok()
    live = api.publish(article["id"]).json()
    api.unpublish(article["id"])
    api.patch(article["id"], {"headline": "Corrected headline"}, if_match='"3"')

    # When it is published again
    again = api.publish(article["id"]).json()

    # Then its URL and first publish time are the original ones
    assert again["status"] == "published"
    assert again["url"] == live["url"]
    assert again["published_at"] == live["published_at"]
    assert again["version"] == 5


def test_unpublishing_a_draft_is_a_409(api: EditorApi) -> None:
    # Given a draft
    article = api.create_ok()

    # When it is unpublished
    response = api.unpublish(article["id"])

    # Then it is refused as an invalid state change
    assert response.status == 409
    assert response.problem["type"] == "urn:newsdesk:problem:invalid-state"
    assert "draft" in response.problem["detail"]


@pytest.mark.parametrize("action", ["publish", "unpublish", "delete"])
def test_actions_on_an_unknown_article_are_404(api: EditorApi, action: str) -> None:
    # Given an id no article has
    # When an action is taken on it
    response = getattr(api, action)(UNKNOWN_ID)

    # Then it is not found
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"


# ----- delete ------------------------------------------------------------------------------------


def test_a_published_article_cannot_be_deleted(api: EditorApi) -> None:
    # Given a published article
    article = api.create_ok()
    api.publish(article["id"])

    # When it is deleted
    response = api.delete(article["id"])

    # Then it is refused and the article is still there
    assert response.status == 409
    assert "unpublish" in response.problem["detail"]
    assert api.get(article["id"]).status == 200


def test_deleting_a_draft_removes_it_and_frees_its_slug(api: EditorApi) -> None:
    # Given a draft
    article = api.create_ok(headline="Stocks rally", tags=["Markets"])

    # When it is deleted
    response = api.delete(article["id"])

    # Then it is gone: 204 without a body, 404 afterwards, out of every listing
    assert response.status == 204
    assert not response.body
    assert api.get(article["id"]).status == 404
    assert api.list().json()["items"] == []
    assert api.list(tag="markets").json()["items"] == []
    # and its slug can be used again
    again = api.create(headline="Stocks rally")
    assert again.status == 201
    assert again.json()["slug"] == article["slug"]


def test_an_unpublished_article_can_be_deleted(api: EditorApi) -> None:
    # Given an article published and then unpublished
    article = api.create_ok()
    api.publish(article["id"])
    api.unpublish(article["id"])

    # When it is deleted
    response = api.delete(article["id"])

    # Then it is gone
    assert response.status == 204
    assert api.get(article["id"]).status == 404


def test_delete_with_a_stale_if_match_is_412(api: EditorApi) -> None:
    # Given an article edited once
    article = api.create_ok()
    api.patch(article["id"], {"summary": "Edited."}, if_match='"1"')

    # When it is deleted based on version 1
    response = api.delete(article["id"], if_match='"1"')

    # Then it is refused and still there; with the current version it goes
    assert response.status == 412
    assert api.get(article["id"]).status == 200
    assert api.delete(article["id"], if_match='"2"').status == 204


# ----- list --------------------------------------------------------------------------------------


def test_list_is_newest_first_and_filters_by_status(api: EditorApi, clock: FrozenClock) -> None:
    # Given three articles written a minute apart, the middle one published a minute after the third
    first = api.create_ok(headline="First story")
    clock.advance(minutes=1)
    second = api.create_ok(headline="Second story")
    clock.advance(minutes=1)
    third = api.create_ok(headline="Third story")
    clock.advance(minutes=1)
    api.publish(second["id"])

    # When they are listed with and without a status filter
    everything = api.list().json()
    drafts = api.list(status="draft").json()
    published = api.list(status="published").json()

    # Then the listing is newest (most recently changed) first, and the filters select by state
    assert [a["id"] for a in everything["items"]] == [second["id"], third["id"], first["id"]]
    assert [a["id"] for a in drafts["items"]] == [third["id"], first["id"]]
    assert [a["id"] for a in published["items"]] == [second["id"]]
    assert everything["next_cursor"] is None


def test_list_filters_by_tag_by_display_name_or_slug(api: EditorApi) -> None:
    # Given articles with overlapping tags
    kerala = api.create_ok(headline="Kerala rains", tags=["Kerala", "Monsoon"])
    mumbai = api.create_ok(headline="Mumbai rains", tags=["Mumbai", "Monsoon"])
    api.create_ok(headline="Budget", tags=["Economy"])

    # When they are listed by tag, by display name or by slug
    by_name = api.list(tag="Monsoon").json()
    by_slug = api.list(tag="monsoon").json()
    by_accented = api.list(tag="Kérala").json()

    # Then only articles with that tag are listed, newest first
    assert [a["id"] for a in by_name["items"]] == [mumbai["id"], kerala["id"]]
    assert by_slug == by_name
    assert [a["id"] for a in by_accented["items"]] == [kerala["id"]]


def test_list_filters_by_tag_and_status_together(api: EditorApi) -> None:
    # Given two articles with the same tag, one published
    draft = api.create_ok(headline="Draft on floods", tags=["Floods"])
    live = api.create_ok(headline="Live on floods", tags=["Floods"])
    api.publish(live["id"])

    # When they are listed by tag and status
    published = api.list(tag="floods", status="published").json()
    drafts = api.list(tag="floods", status="draft").json()

    # Then each filter selects its own
    assert [a["id"] for a in published["items"]] == [live["id"]]
    assert [a["id"] for a in drafts["items"]] == [draft["id"]]


@pytest.mark.parametrize("query", [{}, {"status": "draft"}, {"tag": "series"}])
def test_pagination_walks_every_article_exactly_once(api: EditorApi, query: dict[str, str]) -> None:
    # Given seven articles
    created = [api.create_ok(headline=f"Part {n} of the series", tags=["Series"])["id"] for n in range(7)]

    # When they are listed three at a time, following next_cursor
    seen: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        params = {**query, "limit": "3", **({"cursor": cursor} if cursor else {})}
        page = api.list(**params)
        assert page.status == 200, page.body
        body = page.json()
        assert len(body["items"]) <= 3
        seen.extend(a["id"] for a in body["items"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert pages < 10, "pagination does not end"

    # Then every article is seen once, newest first
    assert seen == list(reversed(created))
    assert pages >= 3


@pytest.mark.parametrize("cursor", ["garbage", "eyJQSyI6IkEifQ", "a" * 40])
def test_a_garbage_cursor_is_a_400_naming_the_cursor(api: EditorApi, cursor: str) -> None:
    # Given a cursor this API did not issue
    # When it is used
    response = api.list(cursor=cursor)

    # Then it is refused naming the query parameter
    assert response.status == 400
    assert response.problem["errors"] == [
        {"field": "cursor", "location": "query", "message": response.problem["detail"]}
    ]


def test_a_cursor_from_another_listing_is_a_400(api: EditorApi) -> None:
    # Given a cursor issued by the unfiltered listing
    for n in range(3):
        api.create_ok(headline=f"Story {n}")
    cursor = api.list(limit="1").json()["next_cursor"]
    assert cursor

    # When it is used for a status listing
    response = api.list(status="draft", cursor=cursor)

    # Then it is refused
    assert response.status == 400
    assert response.problem_fields() == ["cursor"]


@pytest.mark.parametrize(
    ("issued_for", "used_for"),
    [
        ({"status": "published"}, {"status": "draft"}),
        ({"tag": "alpha"}, {"tag": "beta"}),
    ],
)
def test_a_cursor_from_another_partition_of_the_same_index_is_a_400(
    api: EditorApi, issued_for: dict[str, str], used_for: dict[str, str]
) -> None:
    # Given a cursor issued for one status (or tag) listing, whose keys have the same names as another's
    for n in range(3):
        article = api.create_ok(headline=f"Listed {n}", tags=["Alpha", "Beta"])
        if n < 2:
            api.publish(article["id"])
    cursor = api.list(**issued_for, limit="1").json()["next_cursor"]
    assert cursor

    # When it is used for a different status (or tag)
    response = api.list(**used_for, cursor=cursor)

    # Then it is refused, rather than continuing some other listing (DynamoDB refuses such a start key)
    assert response.status == 400
    assert response.problem_fields() == ["cursor"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"status": "archived"}, "status"),
    ],
)
def test_invalid_list_parameters_are_422_naming_the_parameter(
    api: EditorApi, query: dict[str, str], field: str
) -> None:
    # Given an out-of-range or unknown query parameter value
    # When the list is requested
    response = api.list(**query)

    # Then it is refused naming the parameter
    assert response.status == 422
    assert response.problem["errors"][0]["field"] == field
    assert response.problem["errors"][0]["location"] == "query"


def test_the_sample_list_event_lists_drafts(api: EditorApi) -> None:
    # Given one draft and one published article
    draft = api.create_ok(headline="A draft")
    api.publish(api.create_ok(headline="A live one")["id"])

    # When the sample list event (status=draft) is handled
    response = api.send("list_articles")

    # Then only the draft is listed
    assert response.status == 200
    assert [a["id"] for a in response.json()["items"]] == [draft["id"]]


# ----- malformed and oversize requests, routing --------------------------------------------------


def test_the_sample_malformed_json_event_is_a_400(api: EditorApi) -> None:
    # Given the sample event with a truncated JSON body
    # When it is handled
    response = api.send("malformed_json")

    # Then it is a malformed-JSON problem, and nothing is created
    assert response.status == 400
    assert response.problem["type"] == "urn:newsdesk:problem:malformed-json"
    assert api.list().json()["items"] == []


@pytest.mark.parametrize("body", ["[]", '"just a string"', "42"])
def test_a_json_body_that_is_not_an_object_is_refused(api: EditorApi, body: str) -> None:
    # Given a syntactically valid JSON body of the wrong shape
    # When it is sent to create
    response = api.send("create_article", body=body)

    # Then it is refused as invalid input
    assert response.status == 422
    assert response.problem["type"] == "urn:newsdesk:problem:validation"


BAD_BODIES = {
    # name: (body, headers, status, problem type)
    "text/plain": ('{"headline": "x", "body": "y"}', {"Content-Type": "text/plain"}, 415, "about:blank"),
    "xml": ("<article/>", {"Content-Type": "application/xml"}, 415, "about:blank"),
    "octet-stream": ("\x00\x01", {"Content-Type": "application/octet-stream"}, 415, "about:blank"),
    "a form": (
        "headline=x&body=y",
        {"Content-Type": "application/x-www-form-urlencoded"},
        415,
        "about:blank",
    ),
    "multipart": ("--b--", {"Content-Type": "multipart/form-data; boundary=b"}, 415, "about:blank"),
    "5,000 digits": ("1" * 5000, None, 400, "urn:newsdesk:problem:json-too-complex"),
    "a long number in a field": (
        '{"headline": "x", "body": "y", "tags": [' + "9" * 400 + "]}",
        None,
        400,
        "urn:newsdesk:problem:json-too-complex",
    ),
    "100,000 [": ("[" * 100_000, None, 400, "urn:newsdesk:problem:json-too-complex"),
    "33 levels": (
        '{"headline": "x", "body": "y", "image": ' + "[" * 33 + "]" * 33 + "}",
        None,
        400,
        "urn:newsdesk:problem:json-too-complex",
    ),
    "NaN": (
        '{"headline": "x", "body": "y", "summary": NaN}',
        None,
        400,
        "urn:newsdesk:problem:malformed-json",
    ),
    "a lone surrogate": (
        '{"headline": "\\ud800", "body": "y"}',
        None,
        400,
        "urn:newsdesk:problem:malformed-json",
    ),
}


@pytest.mark.parametrize("name", list(BAD_BODIES))
def test_a_body_that_cannot_be_read_is_a_4xx_logged_as_a_warning(
    api: EditorApi, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # Given a create request whose body is not JSON, or JSON past the decoder's limits
    body, headers, status, kind = BAD_BODIES[name]

    # When it is handled
    with caplog.at_level(logging.INFO):
        response = api.send("create_article", body=body, headers=headers)

    # Then it is refused as a client's mistake: a problem document, a warning, no error nor trace
    assert response.status == status, response.body
    assert response.problem["type"] == kind
    if status == 415:
        assert response.headers["accept-post"] == "application/json"
    refusals = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in refusals] == ["request refused"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    # and the same request as JSON within the limits is served
    assert api.create(headline=f"After {name}").status == 201


def test_a_patch_that_is_not_json_is_a_415_naming_what_patch_accepts(api: EditorApi) -> None:
    # Given an article
    article = api.create_ok()

    # When a change is sent as a form
    response = api.send(
        "patch_article",
        path=f"/api/articles/{article['id']}",
        body="summary=x",
        headers={"Content-Type": "application/x-www-form-urlencoded", "If-Match": '"1"'},
    )

    # Then it is a 415 with Accept-Patch, and the same change as JSON is applied
    assert response.status == 415
    assert response.headers["accept-patch"] == "application/json"
    assert api.patch(article["id"], {"summary": "x"}, if_match='"1"').status == 200


@pytest.mark.parametrize("content_type", ["Application/JSON", "application/json; charset=utf-8", None])
def test_json_is_read_whatever_the_case_and_parameters_of_its_media_type(
    api: EditorApi, content_type: str | None
) -> None:
    # Given a create request whose Content-Type is JSON spelled another way, or absent
    body = json.dumps({"headline": f"Spelled {content_type}", "body": "Text."})

    # When it is handled
    response = api.send("create_article", body=body, headers={"Content-Type": content_type})

    # Then the draft is created
    assert response.status == 201, response.body


def test_a_body_whose_base64_is_broken_is_a_400(api: EditorApi) -> None:
    # Given a create request marked base64-encoded whose body is not base64
    event = load_event("editor_api/create_article", body="not base64!")
    event["isBase64Encoded"] = True

    # When it is handled
    response = api.call(event)

    # Then it is a 400, and a well-encoded one is created
    assert response.status == 400
    event = load_event(
        "editor_api/create_article",
        body=base64.b64encode(json.dumps({"headline": "Encoded", "body": "x"}).encode()).decode(),
    )
    event["isBase64Encoded"] = True
    assert api.call(event).status == 201


def test_a_body_over_256_kb_is_a_413(api: EditorApi, dynamodb_calls: CallRecorder) -> None:
    # Given a create request whose body is just over 256 KB
    body = json.dumps({"headline": "Too long", "body": "x" * 262_144})

    # When it is handled
    response = api.send("create_article", body=body)

    # Then it is refused before anything else, without touching the table
    assert response.status == 413
    assert response.problem["status"] == 413
    assert dynamodb_calls.operations == []


def test_the_size_limit_counts_utf8_bytes(api: EditorApi) -> None:
    # Given a body of 140,000 characters that is 280,000 bytes of UTF-8 (Devanagari is 3 bytes a letter)
    text = "क" * 140_000
    body = json.dumps({"headline": "Too long", "body": text}, ensure_ascii=False)
    assert len(body) < 262_144 < len(body.encode("utf-8"))

    # When it is handled
    response = api.send("create_article", body=body)

    # Then it is refused as too large
    assert response.status == 413


def test_a_body_at_256_kb_is_not_refused_for_size(api: EditorApi) -> None:
    # Given a body of exactly 256 KB (its "body" field is far over the article limit)
    prefix, suffix = '{"headline": "At the limit", "body": "', '"}'
    body = prefix + "x" * (262_144 - len(prefix) - len(suffix)) + suffix
    assert len(body) == 262_144

    # When it is handled
    response = api.send("create_article", body=body)

    # Then it gets past the size check and fails validation of the article body instead
    assert response.status == 422
    assert response.problem_fields() == ["body"]


@pytest.mark.parametrize("path", ["/api/nothing-here", "/api/articles/01JDQ7ZK3M8N4P5R6S7T8V9W0X/archive"])
def test_an_unknown_route_is_a_404_problem(api: EditorApi, path: str) -> None:
    # Given a path the API does not serve
    # When it is requested by an editor
    response = api.send("get_article", path=path)

    # Then it is a 404 problem naming the path
    assert response.status == 404
    assert path in response.problem["detail"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", f"/api/articles/{SAMPLE_ID}", "DELETE, GET, PATCH"),
        ("DELETE", "/api/articles", "GET, POST"),
        ("GET", f"/api/articles/{SAMPLE_ID}/publish", "POST"),
        ("POST", "/api/health", "GET"),
    ],
)
def test_a_wrong_method_is_a_405_with_allow(api: EditorApi, method: str, path: str, allow: str) -> None:
    # Given a path the API serves, with a method it does not
    # When it is requested by an editor
    response = api.send("get_article", path=path, method=method)

    # Then it is a 405 listing the methods that are allowed
    assert response.status == 405
    assert response.headers["allow"] == allow
    assert response.problem["status"] == 405


# ----- authentication and authorization ----------------------------------------------------------


@pytest.mark.parametrize("name", EDITOR_EVENTS)
def test_every_editor_route_refuses_anonymous_callers(
    api: EditorApi, dynamodb_calls: CallRecorder, name: str
) -> None:
    # Given an editor route's sample event without an authorizer (as sam local sends it)
    event = load_event(f"editor_api/{name}", claims=None)

    # When it is handled
    response = api.call(event)

    # Then it is a 401 with a bearer challenge, and the table is never touched
    assert response.status == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="newsdesk"'
    assert response.problem["title"] == "Unauthorized"
    assert dynamodb_calls.operations == []


def test_the_sample_anonymous_event_is_refused(api: EditorApi) -> None:
    # Given the sample anonymous list event
    # When it is handled
    response = api.send("anonymous_list")

    # Then it is a 401
    assert response.status == 401


@pytest.mark.parametrize("name", EDITOR_EVENTS)
def test_every_editor_route_refuses_signed_in_non_editors(
    api: EditorApi, dynamodb_calls: CallRecorder, name: str
) -> None:
    # Given an editor route's sample event with the claims of a reader (no groups)
    from tests.events import sample_claims

    event = load_event(f"editor_api/{name}", claims=sample_claims("editor_api/reader_list"))

    # When it is handled
    response = api.call(event)

    # Then it is a 403 and the table is never touched
    assert response.status == 403
    assert response.problem["title"] == "Forbidden"
    assert dynamodb_calls.operations == []


@pytest.mark.parametrize(
    ("groups", "status"),
    [
        (["subscribers"], 403),
        (["editorsx"], 403),
        (["readers,editors"], 403),
        (["[readers", "editors]"], 403),
        (["subscribers", "editors"], 200),
        (["editors", "admins"], 200),
    ],
)
def test_only_members_of_the_editors_group_are_let_in(api: EditorApi, groups: list[str], status: int) -> None:
    # Given a signed-in user whose ID token lists these groups (API Gateway flattens them with commas)
    from tests.events import sample_claims

    # When they list articles
    response = api.send("list_articles", claims=sample_claims(), groups=groups)

    # Then only members of the group named exactly "editors" get through
    assert response.status == status


@pytest.mark.parametrize("name", EDITOR_EVENTS)
def test_a_group_named_readers_comma_editors_is_refused_on_every_editor_route(
    api: EditorApi, dynamodb_calls: CallRecorder, name: str
) -> None:
    # Given a user whose only group is named "readers,editors" (flattened claim: "readers,editors")
    from tests.events import sample_claims

    event = load_event(f"editor_api/{name}", claims=sample_claims(), groups=["readers,editors"])

    # When they call an editor route
    response = api.call(event)

    # Then it is a 403 and the table is never touched
    assert response.status == 403
    assert response.problem["title"] == "Forbidden"
    assert dynamodb_calls.operations == []


@pytest.mark.parametrize("name", [*EDITOR_EVENTS, "health", "anonymous_list"])
@pytest.mark.parametrize("secret", [None, "not-the-origin-secret-0123456789abcdef"])
def test_requests_around_the_distribution_are_refused_first(
    api: EditorApi, dynamodb_calls: CallRecorder, name: str, secret: str | None
) -> None:
    # Given a sample event sent straight to execute-api: no X-Origin-Verify, or a wrong one
    event = load_event(f"editor_api/{name}", headers={"X-Origin-Verify": secret})

    # When it is handled
    response = api.call(event)

    # Then it is a 403 problem, before authentication, and the table is never touched
    assert response.status == 403
    assert response.problem["title"] == "Forbidden"
    assert dynamodb_calls.operations == []

    # And the same event through the distribution is answered as before (a reader's list stays a 403)
    assert (api.send(name).status == 403) == (name == "reader_list")


def test_the_sample_reader_event_is_forbidden(api: EditorApi) -> None:
    # Given the sample event of a signed-in reader
    # When it is handled
    response = api.send("reader_list")

    # Then it is a 403
    assert response.status == 403


def test_claims_without_a_subject_are_anonymous(api: EditorApi) -> None:
    # Given an authorizer block whose claims lack "sub"
    event = load_event("editor_api/list_articles", claims={"cognito:groups": "editors"})

    # When it is handled
    response = api.call(event)

    # Then it is treated as unauthenticated
    assert response.status == 401


# ----- public routes -----------------------------------------------------------------------------


def test_the_sample_health_event_is_public(api: EditorApi) -> None:
    # Given the sample health event, which has no authorizer
    # When it is handled
    response = api.send("health")

    # Then it is 200 ok
    assert response.status == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/api/health", "application/json"),
        ("/api/openapi.json", "application/json"),
        ("/api/docs", "text/html"),
    ],
)
def test_meta_routes_need_no_sign_in(api: EditorApi, path: str, content_type: str) -> None:
    # Given an anonymous GET of a public route
    # When it is handled
    response = api.send("health", path=path)

    # Then it is served
    assert response.status == 200
    assert response.content_type.startswith(content_type)


def test_the_openapi_document_lists_every_route_with_its_status_codes(api: EditorApi) -> None:
    # Given the API's OpenAPI document
    response = api.send("health", path="/api/openapi.json")
    document = json.loads(response.body or "")

    # When its operations are read
    operations = {
        (path, method): {int(code) for code in operation["responses"]}
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }

    # Then every route is there with exactly the statuses it can answer with (413: any request over the
    # size limit, refused before routing; 400: malformed JSON or If-Match; 415: a body that is not JSON)
    editor = {401, 403, 413}
    assert document["openapi"].startswith("3.")
    assert operations == {
        ("/api/health", "get"): {200, 413},
        ("/api/openapi.json", "get"): {200, 413},
        ("/api/docs", "get"): {200, 413},
        ("/api/articles", "post"): {201, 400, 409, 415, 422} | editor,
        ("/api/articles", "get"): {200, 400, 422} | editor,
        ("/api/articles/{article_id}", "get"): {200, 404, 422} | editor,
        ("/api/articles/{article_id}", "patch"): {200, 400, 404, 409, 412, 415, 422, 428} | editor,
        ("/api/articles/{article_id}", "delete"): {204, 400, 404, 409, 412, 422} | editor,
        ("/api/articles/{article_id}/publish", "post"): {200, 400, 404, 409, 412, 422} | editor,
        ("/api/articles/{article_id}/unpublish", "post"): {200, 400, 404, 409, 412, 422} | editor,
        ("/api/articles/{article_id}/submit", "post"): {200, 400, 404, 409, 412, 422, 428} | editor,
        ("/api/articles/{article_id}/schedule", "post"): {200, 400, 404, 409, 412, 415, 422} | editor,
        ("/api/articles/{article_id}/schedule", "delete"): {200, 400, 404, 409, 412, 422} | editor,
        ("/api/articles/{article_id}/revisions", "get"): {200, 400, 404, 422} | editor,
        ("/api/articles/{article_id}/revisions/{version}", "get"): {200, 404, 422} | editor,
        ("/api/articles/{article_id}/revisions/{version}/restore", "post"): {200, 400, 404, 412, 422, 428}
        | editor,
        ("/api/articles/{article_id}/corrections", "post"): {201, 400, 404, 409, 412, 415, 422} | editor,
        ("/api/authors", "get"): {200, 400, 422} | editor,
        ("/api/authors/{slug}", "get"): {200, 404, 422} | editor,
        ("/api/authors/{slug}", "put"): {200, 201, 400, 409, 412, 415, 422, 428} | editor,
        ("/api/articles/{article_id}/preview", "get"): {200, 404, 422} | editor,
        ("/api/articles/{article_id}/preview-links", "post"): {201, 400, 404, 415, 422} | editor,
        ("/api/comments", "get"): {200, 400, 422} | editor,
        ("/api/comments/bulk", "post"): {200, 400, 415, 422} | editor,
        ("/api/comments/{comment_id}", "get"): {200, 404, 422} | editor,
        ("/api/comments/{comment_id}", "patch"): {200, 400, 404, 412, 415, 422} | editor,
        ("/api/comments/{comment_id}", "delete"): {204, 400, 404, 412, 422} | editor,
        ("/api/site", "get"): {200} | editor,
        ("/api/site", "put"): {200, 400, 412, 415, 422, 428} | editor,
        ("/api/site/lead", "put"): {200, 400, 409, 412, 415, 422, 428} | editor,
        ("/api/site/lead", "delete"): {200, 400, 412, 422, 428} | editor,
        # the comment intake (another function, on the same API)
        ("/api/articles/{article_id}/comment-token", "get"): {200, 404, 409, 503},
        ("/api/articles/{article_id}/comments", "post"): {202, 303, 400, 404, 409, 413, 415, 422, 429, 503},
        # the share-link preview (another function, on the same API)
        ("/api/preview/{token}", "get"): {200, 404, 410},
    }
    # and every error response is documented as a problem document (or, to a browser's form, a page)
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            for code, described in operation["responses"].items():
                if int(code) >= 400:
                    assert next(iter(described["content"])) == "application/problem+json", (
                        method,
                        path,
                        code,
                    )
                    assert described["content"]["application/problem+json"]["schema"] == {
                        "$ref": "#/components/schemas/Problem"
                    }
                    assert set(described["content"]) <= {"application/problem+json", "text/html"}


def test_every_route_in_the_openapi_document_is_served(api: EditorApi) -> None:
    # Given the routes of the OpenAPI document
    document = json.loads(api.send("health", path="/api/openapi.json").body or "")

    # When each of the editor function's is called by an editor (with a well-formed id that does not exist;
    # the intake's are served by the intake, tests/comments/test_intake.py, and share links by the preview
    # function, tests/handlers/test_previews.py)
    # Then none is a 404 for the route or a 405 for the method
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if {"public comments", "public previews"} & set(operation["tags"]):
                continue
            concrete = path.replace("{article_id}", UNKNOWN_ID).replace("{version}", "1")
            body = {"headline": "Probe", "body": "x"} if method in {"post", "patch"} else None
            response = api.send(
                "get_article", path=concrete, method=method.upper(), body=body, headers={"If-Match": '"1"'}
            )
            assert response.status != 405, (method, path)
            if response.status == 404:
                assert response.problem["type"] == "urn:newsdesk:problem:not-found", (method, path)


def test_the_openapi_document_is_the_resolvers_own(api: EditorApi, editor_api: ModuleType) -> None:
    # Given the document served over HTTP
    served = json.loads(api.send("health", path="/api/openapi.json").body or "")

    # When compared with what the resolver generates
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

    generated = json.loads(
        editor_api.app.get_openapi_json_schema(
            title="x", version="1", security_schemes={"editorToken": HTTPBearer(bearerFormat="JWT")}
        )
    )

    # Then they describe the same paths, and the comment intake's and the share link's beside them
    from newsdesk.http import intake_docs, previews

    assert set(served["paths"]) == set(generated["paths"]) | set(intake_docs.paths()) | set(
        previews.docs_paths()
    )


# ----- concurrency -------------------------------------------------------------------------------


def run_between_read_and_write(client: Any, rival: Callable[[], ApiResponse]) -> list[ApiResponse]:
    """Make `rival` run to completion just before the next request's first transactional write.

    Both requests then read the same version; the rival writes first. This is the race of two
    editors saving at the same moment, made deterministic.
    """
    results: list[ApiResponse] = []
    started = False

    def interleave(**_: Any) -> None:
        nonlocal started
        if not started:  # the rival's own write passes through here too: let it through
            started = True
            results.append(rival())

    client.meta.events.register("before-call.dynamodb.TransactWriteItems", interleave)
    return results


def test_two_edits_of_the_same_version_exactly_one_wins(api: EditorApi, editor_api: ModuleType) -> None:
    # Given an article, and two editors who both loaded version 1
    article = api.create_ok()
    store_client = editor_api_store_client(editor_api)

    # When both save their change based on version 1, the second landing between the first's read and write
    rival = run_between_read_and_write(
        store_client, lambda: api.patch(article["id"], {"headline": "Bob's headline"}, if_match='"1"')
    )
    alice = api.patch(article["id"], {"summary": "Alice's summary"}, if_match='"1"')
    (bob,) = rival

    # Then exactly one wins and the other gets 412; the stored article is the winner's version 2
    assert sorted([alice.status, bob.status]) == [200, 412]
    assert bob.status == 200
    assert alice.problem["type"] == "urn:newsdesk:problem:stale-version"
    stored = api.get(article["id"]).json()
    assert stored["version"] == 2
    assert stored["headline"] == "Bob's headline"
    assert stored["summary"] == article["summary"]


def test_two_publishes_at_once_publish_once(api: EditorApi, editor_api: ModuleType) -> None:
    # Given a draft, and two editors pressing publish at the same moment (no If-Match)
    article = api.create_ok()
    rival = run_between_read_and_write(
        editor_api_store_client(editor_api), lambda: api.publish(article["id"])
    )

    # When both publishes run, the second landing between the first's read and write
    first = api.publish(article["id"])
    (second,) = rival

    # Then one publishes and the other is told it is already published
    assert second.status == 200
    assert first.status == 409
    assert api.get(article["id"]).json()["version"] == 2


def editor_api_store_client(editor_api: ModuleType) -> Any:
    return editor_api.articles.client


# ----- access to the table -----------------------------------------------------------------------


def iam_actions(calls: CallRecorder) -> set[str]:
    """The IAM actions the recorded calls need (a transaction needs the action of each of its parts)."""
    parts = {
        "Put": "PutItem",
        "Delete": "DeleteItem",
        "Update": "UpdateItem",
        "ConditionCheck": "ConditionCheckItem",
    }
    actions: set[str] = set()
    for name, params in calls.calls:
        if name == "TransactWriteItems":
            actions |= {f"dynamodb:{parts[kind]}" for item in params["TransactItems"] for kind in item}
        else:
            actions.add(f"dynamodb:{name}")
    return actions


def test_the_function_needs_only_what_the_template_grants_and_never_scans(
    api: EditorApi, dynamodb_calls: CallRecorder
) -> None:
    # Given every route exercised, including listings by status, tag and page
    from newsdesk_local.template import load_template

    one = api.create_ok(headline="Policy one", tags=["Policy"])
    two = api.create_ok(headline="Policy two", tags=["Policy"])
    api.get(one["id"])
    api.patch(two["id"], {"slug": "policy-second", "tags": ["Other"]}, if_match='"1"')
    api.publish(one["id"])
    api.unpublish(one["id"])
    cursor = api.list(limit="1").json()["next_cursor"]
    api.list(limit="1", cursor=cursor)
    api.list(status="draft")
    api.list(tag="policy", status="unpublished")
    api.delete(two["id"])

    # When the calls are compared with EditorApiFunction's policy in template.yaml
    function = load_template()["Resources"]["EditorApiFunction"]["Properties"]
    granted = {a for policy in function["Policies"] for s in policy["Statement"] for a in s["Action"]}
    needed = iam_actions(dynamodb_calls)

    # Then the policy covers every call, and no call is a Scan
    assert "dynamodb:Scan" not in needed
    assert needed <= granted, needed - granted
    assert {"dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"} <= needed


def test_the_openapi_document_says_which_groups_each_route_needs(api: EditorApi) -> None:
    # Given the document served over HTTP
    document = json.loads(api.send("health", path="/api/openapi.json").body or "")
    operations = {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }

    # When each operation's security requirement is read
    security = {key: operation.get("security") for key, operation in operations.items()}

    # Then every article and moderation route needs an editor's token, those writers may call too a
    # writer's or an editor's (one alternative per group); health, docs and the public comment routes
    # nothing
    editor_only: list[dict[str, list[str]]] = [{"editorToken": ["editors"]}]
    staff: list[dict[str, list[str]]] = [{"editorToken": ["writers"]}, {"editorToken": ["editors"]}]
    assert security == {
        ("GET", "/api/health"): None,
        ("GET", "/api/openapi.json"): None,
        ("GET", "/api/docs"): None,
        ("GET", "/api/articles/{article_id}/comment-token"): None,
        ("POST", "/api/articles/{article_id}/comments"): None,
        ("GET", "/api/preview/{token}"): None,
        ("GET", "/api/articles/{article_id}/preview"): staff,
        ("POST", "/api/articles/{article_id}/preview-links"): staff,
        ("POST", "/api/articles"): staff,
        ("GET", "/api/articles"): staff,
        ("GET", "/api/articles/{article_id}"): staff,
        ("PATCH", "/api/articles/{article_id}"): staff,
        ("DELETE", "/api/articles/{article_id}"): editor_only,
        ("POST", "/api/articles/{article_id}/publish"): editor_only,
        ("POST", "/api/articles/{article_id}/unpublish"): editor_only,
        ("POST", "/api/articles/{article_id}/submit"): staff,
        ("POST", "/api/articles/{article_id}/schedule"): editor_only,
        ("DELETE", "/api/articles/{article_id}/schedule"): editor_only,
        ("GET", "/api/articles/{article_id}/revisions"): staff,
        ("POST", "/api/articles/{article_id}/corrections"): editor_only,
        ("GET", "/api/authors"): editor_only,
        ("GET", "/api/authors/{slug}"): editor_only,
        ("PUT", "/api/authors/{slug}"): editor_only,
        ("GET", "/api/articles/{article_id}/revisions/{version}"): staff,
        ("POST", "/api/articles/{article_id}/revisions/{version}/restore"): editor_only,
        ("GET", "/api/comments"): editor_only,
        ("POST", "/api/comments/bulk"): editor_only,
        ("GET", "/api/comments/{comment_id}"): editor_only,
        ("PATCH", "/api/comments/{comment_id}"): editor_only,
        ("DELETE", "/api/comments/{comment_id}"): editor_only,
        ("GET", "/api/site"): staff,
        ("PUT", "/api/site"): editor_only,
        ("PUT", "/api/site/lead"): editor_only,
        ("DELETE", "/api/site/lead"): editor_only,
    }
    assert "editorToken" in document["components"]["securitySchemes"]


def test_what_the_document_says_is_what_is_enforced(api: EditorApi) -> None:
    # Given every operation of the OpenAPI document, called without a token
    document = json.loads(api.send("health", path="/api/openapi.json").body or "")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if "public comments" in operation["tags"]:  # (the intake's: it never asks for a token)
                continue
            concrete = path.replace("{article_id}", SAMPLE_ID).replace("{comment_id}", SAMPLE_ID)
            concrete = concrete.replace("{version}", "1")
            response = api.send("health", path=concrete, method=method.upper(), claims=None)

            # Then exactly the operations with a security requirement refuse an anonymous caller
            assert (response.status == 401) == bool(operation.get("security")), (
                method,
                path,
                response.status,
            )
