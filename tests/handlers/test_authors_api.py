"""Author profiles over the editor API: create, read, list, replace with If-Match; every refusal is a
problem document followed by a request that works."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.articles.errors import AuthorExists
from newsdesk.articles.models import AuthorKind, AuthorProfile
from tests.events import load_event, sample_claims
from tests.handlers.client import ApiResponse, EditorApi

PTI = {
    "name": "PTI",
    "kind": "organization",
    "bio": "Press Trust of India, the country's largest news agency.",
    "profile_url": "https://www.ptinews.com/",
    "same_as": ["https://en.wikipedia.org/wiki/Press_Trust_of_India"],
}


def put(api: EditorApi, slug: str, body: Any, if_match: str | None = None, **overrides: Any) -> ApiResponse:
    event = load_event(
        "editor_api/patch_article",
        path=f"/api/authors/{slug}",
        method="PUT",
        body=body,
        headers={"If-Match": if_match},
        **overrides,
    )
    return api.call(event)


def get(api: EditorApi, slug: str) -> ApiResponse:
    return api.send("get_article", path=f"/api/authors/{slug}")


def test_editor_creates_reads_and_lists_a_profile(api: EditorApi) -> None:
    # Given no profile of PTI
    assert get(api, "pti").problem["status"] == 404

    # When an editor creates one
    created = put(api, "pti", PTI)

    # Then it is stored as version 1, read back with its ETag, and listed
    assert created.status == 201, created.body
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == "/api/authors/pti"
    read = get(api, "pti")
    assert read.status == 200 and read.headers["etag"] == '"1"'
    assert read.json() == {**PTI, "slug": "pti", "photo_url": None, "version": 1, "path": "/authors/pti/"}
    listed = api.send("list_articles", path="/api/authors", query=None).json()
    assert [p["slug"] for p in listed["items"]] == ["pti"] and listed["next_cursor"] is None


def test_replacing_needs_the_current_etag(api: EditorApi) -> None:
    # Given a profile at version 1
    assert put(api, "asha-menon", {"name": "Asha Menon"}).status == 201

    # When it is replaced without If-Match, then with it
    missing = put(api, "asha-menon", {"name": "Asha Menon", "bio": "Science correspondent."})
    replaced = put(api, "asha-menon", {"name": "Asha Menon", "bio": "Science correspondent."}, '"1"')

    # Then the first is refused (428) and the second stored as version 2
    assert missing.status == 428 and missing.problem["type"] == "urn:newsdesk:problem:if-match-required"
    assert replaced.status == 200, replaced.body
    assert replaced.headers["etag"] == '"2"' and replaced.json()["bio"] == "Science correspondent."

    # And a stale ETag is a 412, after which the current one works
    stale = put(api, "asha-menon", {"name": "Asha Menon", "bio": "Stale."}, '"1"')
    assert stale.status == 412 and stale.problem["title"] == "The profile has changed"
    fresh = put(api, "asha-menon", {"name": "Asha Menon", "bio": "Fresh."}, '"2"')
    assert fresh.status == 200 and fresh.json()["version"] == 3


def test_if_match_on_a_profile_that_does_not_exist_is_a_412(api: EditorApi) -> None:
    # When an editor sends an ETag for a profile nobody created
    refused = put(api, "ravi-kumar", {"name": "Ravi Kumar"}, '"4"')

    # Then it is a 412, and creating it without one works
    assert refused.status == 412
    assert put(api, "ravi-kumar", {"name": "Ravi Kumar"}).status == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "PTI", "kind": "agency"}, "kind"),
        ({"name": ""}, "name"),
        ({"name": "PTI", "photo_url": "javascript:alert(1)"}, "photo_url"),
        ({"name": "PTI", "same_as": ["not a url"]}, "same_as"),
        ({"name": "PTI", "email": "desk@example.com"}, "email"),
    ],
)
def test_invalid_profile_is_a_422_naming_the_field(api: EditorApi, body: dict[str, Any], field: str) -> None:
    # When an editor sends a profile that breaks a rule
    refused = put(api, "pti", body)

    # Then it is a 422 naming the field, and a valid profile is then accepted
    assert refused.status == 422, refused.body
    assert any(name.split(".")[0].split("[")[0] == field for name in refused.problem_fields()), (
        refused.problem_fields()
    )
    assert put(api, "pti", {"name": "PTI", "kind": "organization"}).status == 201


def test_writers_may_not_keep_profiles(api: EditorApi) -> None:
    # When a writer tries to create a profile
    refused = put(api, "pti", PTI, claims=sample_claims(), groups=["writers"])

    # Then it is a 403, and an editor's request works
    assert refused.status == 403 and refused.problem["status"] == 403
    assert put(api, "pti", PTI).status == 201


def test_a_profile_created_meanwhile_is_a_conflict(articles_table: str) -> None:
    # Given a profile stored by one editor
    store = AuthorStore(articles_table)
    store.put(AuthorProfile(slug="pti", name="PTI", kind=AuthorKind.ORGANIZATION), None)

    # When another, who read no profile, creates it too
    # Then the store refuses (the API answers 409), and a replace of the stored version works
    with pytest.raises(AuthorExists):
        store.put(AuthorProfile(slug="pti", name="Press Trust of India"), None)
    store.put(AuthorProfile(slug="pti", name="Press Trust of India", version=2), 1)
    stored = store.get("pti")
    assert stored is not None and (stored.name, stored.version) == ("Press Trust of India", 2)


def test_a_profile_with_a_very_long_photo_url_is_refused_naming_it_and_a_fair_one_is_kept(
    api: EditorApi,
) -> None:
    # Given a profile whose photo URL is far longer than any URL a page should carry
    long_url = "https://" + "0" * 3000
    body = {"name": "Zero", "kind": "person", "bio": "", "photo_url": long_url, "same_as": []}

    # When it is saved, then saved again with a fair URL
    refused = put(api, "zero", body)
    kept = put(api, "zero", {**body, "photo_url": "https://img.example/zero.jpg"})

    # Then the first is a 422 naming photo_url, and the second is created
    assert refused.status == 422, refused.body
    assert "photo_url" in refused.problem_fields()
    assert kept.status == 201, kept.body
