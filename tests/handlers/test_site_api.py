"""The site configuration's routes of the editor function, against the table in in-process moto: read by
writers and editors, replaced by editors with If-Match, the lead story pinned and unpinned."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from newsdesk.adapters.dynamodb.site_config import SiteConfigStore
from newsdesk.site.configuration import SiteConfiguration
from tests.events import sample_claims
from tests.handlers.client import ApiResponse, EditorApi

UNKNOWN_ID = "01JDQ80000000000000000000Z"  # well formed, never created

CONFIGURED = {
    "name": "The Coastal Courier",
    "description": "News from the Malabar coast, every hour.",
    "logo": "/assets/logo.svg",
    "sections": [{"name": "World"}, {"name": "Science & Tech"}, {"name": "Sport", "slug": "sports"}],
    "footer_links": [
        {"label": "About us", "url": "/about/"},
        {"label": "Ethics", "url": "https://example.org/ethics"},
    ],
    "social_profiles": ["https://social.example/@courier"],
    "default_image": "https://cdn.example.org/default.jpg",
}


def writer_site(api: EditorApi) -> ApiResponse:
    claims = {**sample_claims(), "sub": "a0000000-0000-4000-8000-00000000000a"}
    return api.site(claims=claims, groups=["writers"])


def published(api: EditorApi) -> str:
    article = api.create_ok()
    response = api.publish(article["id"])
    assert response.status == 200, response.body
    return str(article["id"])


def test_before_an_editor_saves_one_the_configuration_is_the_deployments_at_version_0(api: EditorApi) -> None:
    # Given a site no editor has configured

    # When an editor and a writer read its configuration
    response, by_writer = api.site(), writer_site(api)

    # Then both see the deployment's name and nothing else, at ETag "0"
    assert response.status == 200, response.body
    assert response.headers["etag"] == '"0"'
    body = response.json()
    assert body["name"] == "Newsdesk"
    assert (body["sections"], body["footer_links"], body["lead_article_id"], body["version"]) == (
        [],
        [],
        None,
        0,
    )
    assert by_writer.status == 200 and by_writer.json() == body


def test_an_editor_replaces_the_configuration_and_reads_it_back(api: EditorApi) -> None:
    # Given the configuration as deployed

    # When an editor saves a new one with its ETag
    saved = api.put_site(CONFIGURED, '"0"')

    # Then it is version 1, with the sections' slugs made from their names, and reads back the same
    assert saved.status == 200, saved.body
    assert saved.headers["etag"] == '"1"'
    body = saved.json()
    assert [(s["name"], s["slug"]) for s in body["sections"]] == [
        ("World", "world"),
        ("Science & Tech", "science-and-tech"),
        ("Sport", "sports"),
    ]
    assert body["updated_by"] == sample_claims()["sub"]
    assert api.site().json() == body


def test_a_writer_cannot_change_the_configuration(api: EditorApi) -> None:
    # Given a writer
    claims = {**sample_claims(), "sub": "a0000000-0000-4000-8000-00000000000a"}

    # When they try to replace it
    refused = api.put_site(CONFIGURED, '"0"', claims=claims, groups=["writers"])

    # Then it is a 403 naming the editors, and an editor's change still works
    assert refused.status == 403
    assert "editors" in refused.problem["detail"]
    assert api.put_site(CONFIGURED, '"0"').status == 200


def test_without_if_match_a_change_is_428_and_with_it_works(api: EditorApi) -> None:
    # When an editor saves without If-Match
    refused = api.put_site(CONFIGURED)

    # Then 428, and the same change with the ETag works
    assert refused.status == 428
    assert refused.problem["type"] == "urn:newsdesk:problem:if-match-required"
    assert api.put_site(CONFIGURED, api.site().headers["etag"]).status == 200


def test_a_stale_etag_is_412_and_the_fresh_one_works(api: EditorApi) -> None:
    # Given a configuration saved once
    assert api.put_site(CONFIGURED, '"0"').status == 200

    # When another change is sent with the ETag from before
    stale = api.put_site({**CONFIGURED, "name": "The Courier"}, '"0"')

    # Then 412, and the change with the current ETag works
    assert stale.status == 412
    assert stale.problem["type"] == "urn:newsdesk:problem:stale-version"
    fresh = api.put_site({**CONFIGURED, "name": "The Courier"}, api.site().headers["etag"])
    assert fresh.status == 200 and fresh.json()["name"] == "The Courier"


def test_a_malformed_if_match_is_400_and_a_star_works(api: EditorApi) -> None:
    # When the If-Match is not a list of entity tags
    refused = api.put_site(CONFIGURED, "version one")

    # Then 400 naming the header, and `*` (whatever is stored) works
    assert refused.status == 400
    assert refused.problem_fields() == ["If-Match"]
    assert api.put_site(CONFIGURED, "*").status == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"description": "x" * 301}, "description"),
        ({"logo": "javascript:alert(1)"}, "logo"),
        ({"logo": "//evil.example/logo.png"}, "logo"),
        ({"default_image": "http://example.org/a.jpg"}, "default_image"),
        ({"sections": [{"name": "World"}, {"name": "world"}]}, "sections"),
        ({"sections": [{"name": "???"}]}, "sections[0]"),
        ({"sections": [{"name": "World", "slug": "Not A Slug"}]}, "sections[0].slug"),
        ({"sections": [{"name": f"Section {n}"} for n in range(13)]}, "sections"),
        ({"footer_links": [{"label": "About", "url": "about"}]}, "footer_links[0].url"),
        ({"social_profiles": ["https://a.example/x", "https://a.example/x"]}, "social_profiles"),
        ({"social_profiles": ["ftp://a.example/x"]}, "social_profiles[0]"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_a_value_out_of_limits_is_422_naming_the_field(
    api: EditorApi, change: dict[str, Any], field: str
) -> None:
    # When an editor saves a configuration with one value out of its limits
    refused = api.put_site({**CONFIGURED, **change}, '"0"')

    # Then 422 names that field, and the configuration within limits saves
    assert refused.status == 422, refused.body
    assert field in refused.problem_fields(), refused.problem
    assert api.put_site(CONFIGURED, '"0"').status == 200


def test_two_changes_with_the_same_etag_at_once_exactly_one_wins(
    api: EditorApi, editor_api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given two editors who read version 0, whose saves reach the table at the same moment
    store: SiteConfigStore = editor_api.site_config
    start, turn = threading.Barrier(2), threading.Lock()
    save = store.save

    def racing_save(configuration: SiteConfiguration, *, expected_version: int) -> None:
        start.wait(timeout=10)
        with turn:  # DynamoDB applies conditional writes one at a time; moto's in-process backend does not
            save(configuration, expected_version=expected_version)

    monkeypatch.setattr(store, "save", racing_save)

    # When both save their own configuration with If-Match "0"
    with ThreadPoolExecutor(2) as pool:
        answers = list(
            pool.map(
                lambda name: api.put_site({**CONFIGURED, "name": name}, '"0"'), ["The Courier", "The Herald"]
            )
        )

    # Then one is saved (version 1) and the other is a 412; the loser's retry with the new ETag works
    assert sorted(a.status for a in answers) == [200, 412]
    winner = next(a for a in answers if a.status == 200).json()
    assert api.site().json()["name"] == winner["name"]
    monkeypatch.undo()
    retry = api.put_site({**CONFIGURED, "name": "The Herald"}, '"1"')
    assert retry.status == 200 and retry.json()["version"] == 2


def test_an_editor_pins_a_published_article_as_the_lead_and_unpins_it(api: EditorApi) -> None:
    # Given a configured site and a published article
    assert api.put_site(CONFIGURED, '"0"').status == 200
    article_id = published(api)

    # When an editor pins it, then unpins it
    pinned = api.pin_lead(article_id, '"1"')
    unpinned = api.unpin_lead(pinned.headers.get("etag"))

    # Then it leads while pinned, the rest of the configuration is kept, and unpinning clears it
    assert pinned.status == 200, pinned.body
    assert pinned.json()["lead_article_id"] == article_id
    assert pinned.json()["name"] == CONFIGURED["name"]
    assert unpinned.status == 200 and unpinned.json()["lead_article_id"] is None
    assert unpinned.json()["version"] == 3


def test_a_save_of_the_configuration_keeps_the_pinned_lead(api: EditorApi) -> None:
    # Given a pinned lead
    article_id = published(api)
    assert api.pin_lead(article_id, '"0"').status == 200

    # When an editor replaces the configuration
    saved = api.put_site(CONFIGURED, '"1"')

    # Then the lead is still pinned
    assert saved.json()["lead_article_id"] == article_id


def test_pinning_an_unknown_article_is_422_and_an_unpublished_one_409(api: EditorApi) -> None:
    # Given a draft
    draft = api.create_ok()

    # When an editor pins an article that does not exist, then the draft
    unknown = api.pin_lead(UNKNOWN_ID, '"0"')
    unpublished = api.pin_lead(draft["id"], '"0"')

    # Then 422 naming the article, then 409; once published, the same pin works
    assert unknown.status == 422 and unknown.problem_fields() == ["article_id"]
    assert unpublished.status == 409
    assert unpublished.problem["type"] == "urn:newsdesk:problem:not-published"
    assert api.publish(draft["id"]).status == 200
    assert api.pin_lead(draft["id"], '"0"').status == 200


def test_the_lead_routes_need_if_match(api: EditorApi) -> None:
    # Given a published article
    article_id = published(api)

    # When an editor pins and unpins without If-Match
    pin, unpin = api.pin_lead(article_id), api.unpin_lead()

    # Then both are 428, and with it both work
    assert (pin.status, unpin.status) == (428, 428)
    assert api.pin_lead(article_id, '"0"').status == 200
    assert api.unpin_lead('"1"').status == 200


def test_a_preview_shows_the_configured_masthead_and_menu(api: EditorApi) -> None:
    # Given a configured site and a draft
    assert api.put_site(CONFIGURED, '"0"').status == 200
    draft = api.create_ok()

    # When an editor previews the draft
    preview = api.send("get_article", path=f"/api/articles/{draft['id']}/preview")

    # Then the page has the configured name and the sections menu
    assert preview.status == 200, preview.body
    assert preview.body is not None
    assert "<span>The Coastal Courier</span>" in preview.body
    assert 'href="/section/science-and-tech/">Science &amp; Tech</a>' in preview.body


def test_a_stored_configuration_breaking_a_rule_reads_as_the_defaults_and_a_save_repairs_it(
    api: EditorApi, editor_api: Any
) -> None:
    # Given a stored configuration at version 2 whose name was edited past its limit by hand
    assert api.put_site(CONFIGURED, '"0"').status == 200
    assert api.put_site(CONFIGURED, '"1"').status == 200
    store: SiteConfigStore = editor_api.site_config
    store.client.update_item(
        TableName=store.table_name,
        Key={"PK": {"S": "SITE"}, "SK": {"S": "CONFIG"}},
        UpdateExpression="SET #name = :name",
        ExpressionAttributeNames={"#name": "name"},
        ExpressionAttributeValues={":name": {"S": "x" * 500}},
    )

    # When an editor reads it, then saves a configuration with its ETag
    read = api.site()
    saved = api.put_site(CONFIGURED, read.headers["etag"])

    # Then it reads as the deployment's defaults at version 2, and the save repairs it as version 3
    assert read.status == 200 and read.json()["name"] == "Newsdesk"
    assert read.headers["etag"] == '"2"'
    assert saved.status == 200 and saved.json()["version"] == 3
    assert api.site().json()["name"] == CONFIGURED["name"]
