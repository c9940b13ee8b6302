"""Revisions over the editor API (lambda_handler with the sample events, moto): every saved version is
kept, listed newest first, shown with a diff against the current one, and restored as a new version."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.articles import revisions, service
from newsdesk.articles.errors import RevisionNotFound
from newsdesk.articles.models import RevisionRetention
from newsdesk.clock import FrozenClock
from tests.handlers.client import ApiResponse, EditorApi

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

UNKNOWN_ID = "01JDQ80000000000000000000Z"


def revisions_of(api: EditorApi, article_id: str, **query: str) -> ApiResponse:
    return api.send("get_article", path=f"/api/articles/{article_id}/revisions", query=query or None)


def revision(api: EditorApi, article_id: str, version: int | str) -> ApiResponse:
    return api.send("get_article", path=f"/api/articles/{article_id}/revisions/{version}")


def restore(api: EditorApi, article_id: str, version: int, if_match: str | None) -> ApiResponse:
    return api.send(
        "publish_article",
        path=f"/api/articles/{article_id}/revisions/{version}/restore",
        headers={"If-Match": if_match},
    )


def edited_article(api: EditorApi, clock: FrozenClock) -> dict[str, Any]:
    """A published article at version 4: created, retitled, rewritten with other tags, published."""
    article = api.create_ok(
        headline="Monsoon arrives early", body="It rained.\nThen it poured.", tags=["Rain"]
    )
    clock.advance(minutes=5)
    assert api.patch(article["id"], {"headline": "Monsoon arrives a week early"}, '"1"').status == 200
    clock.advance(minutes=5)
    changes = {"body": "It rained.\nThen it flooded.", "tags": ["Floods"]}
    assert api.patch(article["id"], changes, '"2"').status == 200
    clock.advance(minutes=5)
    published = api.publish(article["id"], '"3"')
    assert published.status == 200
    clock.advance(minutes=5)
    current: dict[str, Any] = published.json()
    return current


# ----- list ----------------------------------------------------------------------------------------


def test_every_saved_version_is_listed_newest_first(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article saved four times, five minutes apart
    start = clock()
    article = edited_article(api, clock)

    # When its revisions are listed
    response = revisions_of(api, article["id"])

    # Then each version is there, newest first, with its headline, state and time, the current one marked
    assert response.status == 200
    assert response.headers["etag"] == '"4"'
    listing = response.json()
    assert listing["current_version"] == 4
    assert [r["version"] for r in listing["items"]] == [4, 3, 2, 1]
    assert [r["status"] for r in listing["items"]] == ["published", "draft", "draft", "draft"]
    assert [r["headline"] for r in listing["items"]][2:] == [
        "Monsoon arrives a week early",
        "Monsoon arrives early",
    ]
    assert [r["current"] for r in listing["items"]] == [True, False, False, False]
    saved = [dt.datetime.fromisoformat(r["saved_at"]) for r in listing["items"]]
    assert saved == [start + dt.timedelta(minutes=m) for m in (15, 10, 5, 0)]
    assert listing["next_cursor"] is None


def test_revisions_are_listed_a_page_at_a_time(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article at version 4
    article = edited_article(api, clock)

    # When its revisions are listed two at a time, then with a cursor it was never given
    first = revisions_of(api, article["id"], limit="2").json()
    second = revisions_of(api, article["id"], limit="2", cursor=first["next_cursor"]).json()
    forged = revisions_of(api, article["id"], cursor="eyJQSyI6IngiLCJTSyI6InkifQ")
    again = revisions_of(api, article["id"], limit="2")

    # Then the pages follow each other; the forged cursor is refused, and the listing still works after
    assert [r["version"] for r in first["items"]] == [4, 3]
    assert [r["version"] for r in second["items"]] == [2, 1]
    assert forged.status == 400
    assert forged.problem_fields() == ["cursor"]
    assert [r["version"] for r in again.json()["items"]] == [4, 3]


def test_revisions_stay_out_of_the_article_listings_and_reads(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article with four saved versions
    article = edited_article(api, clock)

    # When articles are listed and the article is read
    listed = api.list().json()["items"]
    read = api.get(article["id"])

    # Then it is listed once, and read as its current version
    assert [a["id"] for a in listed] == [article["id"]]
    assert read.json()["version"] == 4
    assert [a["id"] for a in api.list(tag="rain").json()["items"]] == []


# ----- show ----------------------------------------------------------------------------------------


def test_a_revision_is_shown_with_a_diff_against_the_current_version(
    api: EditorApi, clock: FrozenClock
) -> None:
    # Given an article at version 4
    article = edited_article(api, clock)

    # When its first version is shown
    response = revision(api, article["id"], 1)

    # Then it is the article as first saved, with a unified diff of each field changed since
    assert response.status == 200
    assert response.headers["etag"] == '"4"'
    shown = response.json()
    assert shown["version"] == 1
    assert shown["current_version"] == 4
    assert shown["article"]["headline"] == "Monsoon arrives early"
    assert shown["article"]["tags"] == [{"name": "Rain", "slug": "rain"}]
    changes = {c["field"]: c["diff"] for c in shown["changes"]}
    assert set(changes) == {"headline", "body", "tags", "status"}
    assert changes["body"].splitlines() == [
        "--- body@v1",
        "+++ body@v4",
        "@@ -1,2 +1,2 @@",
        " It rained.",
        "-Then it poured.",
        "+Then it flooded.",
    ]
    assert "-Monsoon arrives early\n+Monsoon arrives a week early" in changes["headline"]
    assert "-draft\n+published" in changes["status"]


def test_the_current_version_shows_no_changes(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article at version 4
    article = edited_article(api, clock)

    # When its current version is shown
    shown = revision(api, article["id"], 4).json()

    # Then nothing differs
    assert shown["changes"] == []
    assert shown["article"]["version"] == 4


@pytest.mark.parametrize(
    ("article", "version", "status"),
    [("known", "9", 404), (UNKNOWN_ID, "1", 404), ("known", "0", 422), ("known", "one", 422)],
)
def test_a_revision_that_does_not_exist_is_a_problem(
    api: EditorApi, clock: FrozenClock, article: str, version: str, status: int
) -> None:
    # Given an article at version 4
    known = edited_article(api, clock)["id"]
    article_id = known if article == "known" else article

    # When a revision it does not have is asked for, then one it has
    refused = revision(api, article_id, version)
    found = revision(api, known, 2)

    # Then the first is a problem, and the second is served
    assert refused.status == status
    assert refused.problem["status"] == status
    assert found.status == 200


# ----- restore -------------------------------------------------------------------------------------


def test_restoring_a_revision_makes_a_new_version_with_its_words(api: EditorApi, clock: FrozenClock) -> None:
    # Given a published article at version 4
    article = edited_article(api, clock)

    # When its first version is restored
    response = restore(api, article["id"], 1, '"4"')

    # Then version 5 has the first version's headline, body and tags, and keeps its address and state
    assert response.status == 200
    assert response.headers["etag"] == '"5"'
    restored = response.json()
    assert restored["version"] == 5
    assert restored["headline"] == "Monsoon arrives early"
    assert restored["body"] == "It rained.\nThen it poured."
    assert restored["tags"] == [{"name": "Rain", "slug": "rain"}]
    assert (restored["status"], restored["slug"], restored["url"]) == (
        "published",
        article["slug"],
        article["url"],
    )
    assert restored["published_at"] == article["published_at"]
    assert api.get(article["id"]).json()["headline"] == "Monsoon arrives early"
    # and the tag listings follow the restored tags
    assert [a["id"] for a in api.list(tag="rain").json()["items"]] == [article["id"]]
    assert api.list(tag="floods").json()["items"] == []
    # and the restore is itself a revision; the first version now differs from the current in state only
    assert [r["version"] for r in revisions_of(api, article["id"]).json()["items"]] == [5, 4, 3, 2, 1]
    assert [c["field"] for c in revision(api, article["id"], 1).json()["changes"]] == ["status"]


def test_a_restore_names_the_version_it_replaces(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article at version 4
    article = edited_article(api, clock)

    # When a restore is sent without If-Match, with a stale one, and then with the current one
    missing = restore(api, article["id"], 1, None)
    stale = restore(api, article["id"], 1, '"3"')
    current = restore(api, article["id"], 1, '"4"')

    # Then the first two are refused and change nothing; the third restores
    assert missing.status == 428
    assert stale.status == 412
    assert stale.problem["type"] == "urn:newsdesk:problem:stale-version"
    assert current.status == 200
    assert current.json()["version"] == 5


def test_a_restore_of_a_revision_that_does_not_exist_is_404(api: EditorApi, clock: FrozenClock) -> None:
    # Given an article at version 4
    article = edited_article(api, clock)

    # When a version it never had is restored, then one it had
    refused = restore(api, article["id"], 7, '"4"')
    accepted = restore(api, article["id"], 2, '"4"')

    # Then the first is not found and the second restores
    assert refused.status == 404
    assert refused.problem["type"] == "urn:newsdesk:problem:not-found"
    assert accepted.status == 200
    assert accepted.json()["headline"] == "Monsoon arrives a week early"


# ----- retention -----------------------------------------------------------------------------------


def test_only_the_newest_versions_the_retention_keeps_are_kept(
    articles_table: str, dynamodb_client: DynamoDBClient, clock: FrozenClock
) -> None:
    # Given a store that keeps two versions, and an article saved four times
    store = ArticleStore(articles_table, client=dynamodb_client, retention=RevisionRetention(keep=2))
    article = service.create_article(store, {"headline": "Kept", "body": "One."})
    for number, text in enumerate(["Two.", "Three.", "Four."], start=1):
        service.revise_article(store, article.id, {"body": text}, expected_version=number)

    # When its revisions are listed
    page = store.list_revisions(article.id, 10)

    # Then the two newest are there, and an older one is gone
    assert [r.version for r in page.items] == [4, 3]
    assert [r.article.body for r in page.items] == ["Four.", "Three."]
    with pytest.raises(RevisionNotFound):
        revisions.show_revision(store, article.id, 1)


def test_revisions_expire_after_the_retention_days(
    articles_table: str, dynamodb_client: DynamoDBClient, clock: FrozenClock
) -> None:
    # Given a store whose revisions expire after 30 days
    store = ArticleStore(articles_table, client=dynamodb_client, retention=RevisionRetention(keep=5, days=30))

    # When an article is saved
    article = service.create_article(store, {"headline": "Expiring", "body": "One."})

    # Then its revision carries the table's TTL attribute, 30 days after it was saved
    item = dynamodb_client.get_item(
        TableName=articles_table, Key={"PK": {"S": f"ARTICLE#{article.id}"}, "SK": {"S": "REV#00000001"}}
    )["Item"]
    assert int(item["expires_at"]["N"]) == int((clock() + dt.timedelta(days=30)).timestamp())
    assert not {"GSI1PK", "GSI2PK", "PUBPK", "TAGPK"} & item.keys()


def test_without_an_age_limit_revisions_do_not_expire(
    articles_table: str, dynamodb_client: DynamoDBClient
) -> None:
    # Given a store with the default retention
    store = ArticleStore(articles_table, client=dynamodb_client)

    # When an article is saved
    article = service.create_article(store, {"headline": "Kept for good", "body": "One."})

    # Then its revision has no TTL
    item = dynamodb_client.get_item(
        TableName=articles_table, Key={"PK": {"S": f"ARTICLE#{article.id}"}, "SK": {"S": "REV#00000001"}}
    )["Item"]
    assert "expires_at" not in item
    assert store.retention == RevisionRetention(keep=100, days=None)


def test_the_table_expires_items_by_the_ttl_attribute() -> None:
    # Given the template
    from newsdesk_local.template import load_template

    # When the table's TTL is read
    table = load_template()["Resources"]["ArticlesTable"]["Properties"]

    # Then it is the attribute revisions (and comment gates) carry
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
