"""Roles over the editor API: writers and editors, ownership, the review state, and each route's groups in
the OpenAPI document (lambda_handler with the sample events, moto, frozen clock)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest

from newsdesk.adapters.dynamodb.keys import PUBLISHED
from newsdesk.adapters.dynamodb.records import read_article
from newsdesk.clock import FrozenClock
from tests.events import load_event, sample_claims
from tests.handlers.client import SAMPLE_ID, ApiResponse, EditorApi


@dataclass(frozen=True)
class Person:
    """A signed-in member of some Cognito groups, calling the editor API with the sample events."""

    api: EditorApi
    sub: str
    email: str
    groups: tuple[str, ...]

    def claims(self) -> dict[str, str]:
        return {**sample_claims(), "sub": self.sub, "cognito:username": self.sub, "email": self.email}

    def send(self, name: str, **overrides: Any) -> ApiResponse:
        event = load_event(f"editor_api/{name}", claims=self.claims(), groups=list(self.groups), **overrides)
        return self.api.call(event)

    def create(self, **fields: Any) -> dict[str, Any]:
        body = {"headline": f"Monsoon report by {self.sub[:8]}", "body": "It rained.", **fields}
        response = self.send("create_article", body=body)
        assert response.status == 201, response.body
        created: dict[str, Any] = response.json()
        return created

    def get(self, article_id: str) -> ApiResponse:
        return self.send("get_article", path=f"/api/articles/{article_id}")

    def patch(self, article_id: str, changes: Any, if_match: str | None) -> ApiResponse:
        return self.send(
            "patch_article", path=f"/api/articles/{article_id}", body=changes, headers={"If-Match": if_match}
        )

    def submit(self, article_id: str, if_match: str | None) -> ApiResponse:
        return self.send(
            "publish_article", path=f"/api/articles/{article_id}/submit", headers={"If-Match": if_match}
        )

    def publish(self, article_id: str, if_match: str | None = None) -> ApiResponse:
        return self.send(
            "publish_article", path=f"/api/articles/{article_id}/publish", headers={"If-Match": if_match}
        )

    def revisions(self, article_id: str) -> ApiResponse:
        return self.send("get_article", path=f"/api/articles/{article_id}/revisions")

    def revision(self, article_id: str, version: int) -> ApiResponse:
        return self.send("get_article", path=f"/api/articles/{article_id}/revisions/{version}")

    def review_queue(self) -> ApiResponse:
        return self.send("list_articles", query={"status": "review"})


@pytest.fixture
def editor(api: EditorApi) -> Person:
    return Person(api, "e0000000-0000-4000-8000-000000000001", "asha.rao@example.com", ("editors",))


@pytest.fixture
def writer(api: EditorApi) -> Person:
    return Person(api, "a0000000-0000-4000-8000-00000000000a", "ravi.menon@example.com", ("writers",))


@pytest.fixture
def other_writer(api: EditorApi) -> Person:
    return Person(api, "b0000000-0000-4000-8000-00000000000b", "lena.ortiz@example.com", ("writers",))


def etag(article: dict[str, Any]) -> str:
    return f'"{article["version"]}"'


def forbidden_for_role(response: ApiResponse) -> dict[str, Any]:
    """The problem document of a refusal by role (403), which must name the editors group."""
    assert response.status == 403, response.body
    problem = response.problem
    assert problem["type"] == "urn:newsdesk:problem:forbidden"
    assert "editors" in problem["detail"]
    return problem


# ----- creating: ownership -----------------------------------------------------------------------------


def test_a_writer_creates_a_draft_that_records_them_as_its_creator(writer: Person, editor: Person) -> None:
    # Given a writer
    # When they create a draft
    created = writer.create()

    # Then it is a draft recording their Cognito subject and email, as the editor reads it too
    assert created["status"] == "draft"
    assert created["created_by"] == {"sub": writer.sub, "email": writer.email}
    assert editor.get(created["id"]).json()["created_by"] == created["created_by"]


def test_an_article_stored_before_creators_were_recorded_is_changed_by_editors_only(
    writer: Person, editor: Person, editor_api: ModuleType, table_name: str
) -> None:
    # Given an article stored without a creator (as every article was before roles)
    article = editor.create()
    editor_api.articles.client.update_item(
        TableName=table_name,
        Key={"PK": {"S": f"ARTICLE#{article['id']}"}, "SK": {"S": "A"}},
        UpdateExpression="REMOVE created_by",
    )

    # When a writer changes it, then an editor
    by_writer = writer.patch(article["id"], {"summary": "Mine now?"}, etag(article))
    by_editor = editor.patch(article["id"], {"summary": "Still nobody's."}, etag(article))

    # Then it loads with no creator; the writer is refused, the editor is not
    assert editor.get(article["id"]).status == 200
    forbidden_for_role(by_writer)
    assert by_editor.status == 200, by_editor.body
    assert by_editor.json()["created_by"] is None


# ----- what only editors may do ----------------------------------------------------------------------


def test_a_writer_cannot_publish_and_an_editor_then_can(writer: Person, editor: Person) -> None:
    # Given a writer's draft
    draft = writer.create()

    # When the writer publishes it, then an editor does
    refused = writer.publish(draft["id"], etag(draft))
    published = editor.publish(draft["id"], etag(draft))

    # Then the writer gets a 403 problem naming the editors group, and the article is unchanged by it;
    # the editor's publish goes through
    problem = forbidden_for_role(refused)
    assert problem["detail"] == "Only members of the editors group may do this."
    assert published.status == 200, published.body
    assert published.json()["status"] == "published"


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "/unpublish", None),
        ("POST", "/schedule", {"publish_at": "2030-01-01T09:00:00+05:30"}),
        ("DELETE", "/schedule", None),
        ("DELETE", "", None),
        ("POST", "/corrections", {"type": "correction", "text": "x"}),
        ("POST", "/revisions/1/restore", None),
    ],
)
def test_a_writer_is_refused_every_editor_action_on_their_own_article(
    writer: Person, method: str, suffix: str, body: Any
) -> None:
    # Given a writer's own draft
    draft = writer.create()

    # When they call an editors' route on it
    response = writer.send(
        "publish_article",
        path=f"/api/articles/{draft['id']}{suffix}",
        method=method,
        body=body,
        headers={"If-Match": etag(draft)},
    )

    # Then it is a 403 naming the editors group, and the draft is untouched
    forbidden_for_role(response)
    assert writer.get(draft["id"]).json()["version"] == draft["version"]


def test_a_writer_cannot_moderate_comments(writer: Person, editor: Person) -> None:
    # When a writer, then an editor, reads the moderation queue
    refused = writer.send("list_articles", path="/api/comments", query=None)
    allowed = editor.send("list_articles", path="/api/comments", query=None)

    # Then the writer is refused with the group named, the editor is answered
    forbidden_for_role(refused)
    assert allowed.status == 200, allowed.body


@pytest.mark.parametrize("groups", [(), ("readers",), ("writers,editors",)])
def test_a_user_in_neither_group_is_refused_everything(api: EditorApi, groups: tuple[str, ...]) -> None:
    # Given a signed-in user in no group of the newsroom
    nobody = Person(api, "c0000000-0000-4000-8000-00000000000c", "guest@example.com", groups)

    # When they list, create or read
    responses = [
        nobody.send("list_articles"),
        nobody.send("create_article", body={"headline": "Hello", "body": "x"}),
        nobody.get(SAMPLE_ID),
    ]

    # Then each is a 403 problem naming the groups that may
    for response in responses:
        assert response.status == 403
        assert response.problem["type"] == "urn:newsdesk:problem:forbidden"
    assert responses[0].problem["detail"] == "Only members of the writers or editors groups may do this."


def test_a_wrong_method_tells_a_writer_what_is_allowed_and_tells_an_outsider_nothing(
    writer: Person, api: EditorApi
) -> None:
    # Given a writer and a signed-in reader
    reader = Person(api, "d0000000-0000-4000-8000-00000000000d", "reader@example.com", ("readers",))

    # When each sends a method the article path does not take
    to_writer = writer.send("get_article", path=f"/api/articles/{SAMPLE_ID}", method="PUT")
    to_reader = reader.send("get_article", path=f"/api/articles/{SAMPLE_ID}", method="PUT")

    # Then the writer (who may call routes of that path) gets the 405 with its Allow list; the reader a 403
    assert to_writer.status == 405
    assert to_writer.headers["allow"] == "DELETE, GET, PATCH"
    assert to_reader.status == 403
    assert "allow" not in to_reader.headers


# ----- ownership of changes ----------------------------------------------------------------------------


def test_a_writer_cannot_change_another_writers_draft_but_can_change_their_own(
    writer: Person, other_writer: Person
) -> None:
    # Given two writers' drafts
    theirs = other_writer.create()
    mine = writer.create()

    # When the writer changes the other's draft, then their own
    refused = writer.patch(theirs["id"], {"headline": "Taken over"}, etag(theirs))
    changed = writer.patch(mine["id"], {"headline": "Monsoon arrives early"}, etag(mine))

    # Then the first is a 403 naming the editors group and changes nothing; the second is a new version
    forbidden_for_role(refused)
    assert other_writer.get(theirs["id"]).json()["headline"] == theirs["headline"]
    assert changed.status == 200, changed.body
    assert changed.json()["headline"] == "Monsoon arrives early"
    assert changed.headers["etag"] == '"2"'


def test_an_editor_changes_any_writers_draft(writer: Person, editor: Person) -> None:
    # Given a writer's draft
    draft = writer.create()

    # When an editor changes it
    response = editor.patch(draft["id"], {"summary": "Tightened by the desk."}, etag(draft))

    # Then it is changed and still the writer's
    assert response.status == 200, response.body
    assert response.json()["created_by"]["sub"] == writer.sub


def test_only_editors_set_an_embargo_or_an_expiry(writer: Person, editor: Person) -> None:
    # Given a writer's draft
    draft = writer.create()

    # When the writer sets an embargo along with a summary, then only the summary
    refused = writer.patch(
        draft["id"], {"summary": "x", "embargo_until": "2030-01-01T00:00:00+00:00"}, etag(draft)
    )
    changed = writer.patch(draft["id"], {"summary": "x"}, etag(draft))

    # Then the first is a 403 naming the field and the editors group; the second goes through; an
    # editor may set the embargo
    assert "embargo_until" in forbidden_for_role(refused)["detail"]
    assert changed.status == 200
    embargoed = editor.patch(draft["id"], {"embargo_until": "2030-01-01T00:00:00+00:00"}, '"2"')
    assert embargoed.status == 200, embargoed.body


def test_a_writer_cannot_change_their_article_once_it_is_published(writer: Person, editor: Person) -> None:
    # Given a writer's article an editor published
    draft = writer.create()
    live = editor.publish(draft["id"], etag(draft)).json()

    # When the writer changes it, then an editor does
    refused = writer.patch(live["id"], {"headline": "Rewritten after publication"}, etag(live))
    changed = editor.patch(live["id"], {"headline": "Rewritten after publication"}, etag(live))

    # Then the writer is refused (it is past review), the editor is not
    assert "published" in forbidden_for_role(refused)["detail"]
    assert changed.status == 200, changed.body


# ----- review ---------------------------------------------------------------------------------------


def test_a_writer_submits_their_draft_and_an_editor_publishes_it_from_review(
    writer: Person, editor: Person, clock: FrozenClock
) -> None:
    # Given a writer's draft
    draft = writer.create()
    clock.advance(minutes=5)

    # When they submit it for review
    response = writer.submit(draft["id"], etag(draft))

    # Then it is in review as a new version, with its ETag
    assert response.status == 200, response.body
    submitted = response.json()
    assert submitted["status"] == "review"
    assert submitted["version"] == draft["version"] + 1
    assert response.headers["etag"] == etag(submitted)
    assert submitted["updated_at"] != draft["updated_at"]
    # and it is in the editors' review queue, from where an editor publishes it
    assert [a["id"] for a in editor.review_queue().json()["items"]] == [draft["id"]]
    published = editor.publish(draft["id"], etag(submitted))
    assert published.status == 200, published.body
    assert published.json()["status"] == "published"
    assert editor.review_queue().json()["items"] == []


def test_an_editor_schedules_an_article_from_review(writer: Person, editor: Person) -> None:
    # Given an article in review
    draft = writer.create()
    submitted = writer.submit(draft["id"], etag(draft)).json()

    # When an editor schedules it
    response = editor.send(
        "publish_article",
        path=f"/api/articles/{draft['id']}/schedule",
        body={"publish_at": "2030-01-01T09:00:00+05:30"},
        headers={"If-Match": etag(submitted)},
    )

    # Then it is scheduled
    assert response.status == 200, response.body
    assert response.json()["status"] == "scheduled"


def test_a_writer_editing_their_article_in_review_keeps_it_in_review(writer: Person) -> None:
    # Given a writer's article in review
    draft = writer.create()
    submitted = writer.submit(draft["id"], etag(draft)).json()

    # When they change it
    response = writer.patch(draft["id"], {"body": "It rained harder."}, etag(submitted))

    # Then it is changed and still in review
    assert response.status == 200, response.body
    assert response.json()["status"] == "review"
    assert response.json()["body"] == "It rained harder."


def test_only_a_draft_can_be_submitted(writer: Person, editor: Person) -> None:
    # Given an article already in review
    draft = writer.create()
    submitted = writer.submit(draft["id"], etag(draft)).json()

    # When it is submitted again
    again = writer.submit(draft["id"], etag(submitted))

    # Then it is a 409 that says why, and the article is unchanged; a published one is refused too, and
    # the editor's publish of it still works
    assert again.status == 409
    assert again.problem["type"] == "urn:newsdesk:problem:invalid-state"
    assert "review" in again.problem["detail"] and "only a draft" in again.problem["detail"]
    assert writer.get(draft["id"]).json()["version"] == submitted["version"]
    published = editor.publish(draft["id"], etag(submitted)).json()
    refused = editor.submit(draft["id"], etag(published))
    assert refused.status == 409
    assert "published" in refused.problem["detail"]
    assert editor.get(draft["id"]).json()["status"] == "published"


def test_a_submit_needs_if_match_and_the_current_version(writer: Person) -> None:
    # Given a writer's draft, changed once
    draft = writer.create()
    changed = writer.patch(draft["id"], {"summary": "Second version"}, etag(draft)).json()

    # When it is submitted without If-Match, with the old version, then with the current one
    missing = writer.submit(draft["id"], None)
    stale = writer.submit(draft["id"], etag(draft))
    current = writer.submit(draft["id"], etag(changed))

    # Then 428, 412, and the third goes through
    assert missing.status == 428
    assert missing.problem["type"] == "urn:newsdesk:problem:if-match-required"
    assert stale.status == 412
    assert current.status == 200, current.body
    assert current.json()["status"] == "review"


def test_writers_submit_their_own_drafts_and_editors_any(
    writer: Person, other_writer: Person, editor: Person
) -> None:
    # Given another writer's draft
    theirs = other_writer.create()

    # When a writer submits it, then an editor does
    refused = writer.submit(theirs["id"], etag(theirs))
    submitted = editor.submit(theirs["id"], etag(theirs))

    # Then the writer is refused naming the editors group; the editor's submit goes through
    forbidden_for_role(refused)
    assert submitted.status == 200, submitted.body
    assert submitted.json()["status"] == "review"


def test_submitting_a_missing_article_is_a_404(writer: Person) -> None:
    # When a writer submits an article that does not exist
    response = writer.submit("01JDQ80000000000000000000Z", '"1"')

    # Then it is a 404 problem
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"


def test_an_article_in_review_is_never_rendered(
    writer: Person, editor_api: ModuleType, table_name: str
) -> None:
    # Given an article in review
    draft = writer.create()
    writer.submit(draft["id"], etag(draft))

    # When its stored item is read
    item = editor_api.articles.client.get_item(
        TableName=table_name, Key={"PK": {"S": f"ARTICLE#{draft['id']}"}, "SK": {"S": "A"}}
    )["Item"]

    # Then it is not live, and not in the Published index the site is rendered from
    assert item["status"] == {"S": "review"}
    assert not read_article(item).is_live
    assert PUBLISHED.pk not in item


# ----- revisions ----------------------------------------------------------------------------------------


def test_a_writer_reads_the_revisions_of_their_own_articles_only(
    writer: Person, other_writer: Person, editor: Person
) -> None:
    # Given a writer's draft changed once, and another writer's draft
    mine = writer.create()
    writer.patch(mine["id"], {"summary": "Second"}, etag(mine))
    theirs = other_writer.create()

    # When the writer lists and shows revisions of both
    own_list = writer.revisions(mine["id"])
    own_one = writer.revision(mine["id"], 1)
    other_list = writer.revisions(theirs["id"])
    other_one = writer.revision(theirs["id"], 1)

    # Then their own are answered, the other's refused naming the editors group; an editor reads any
    assert own_list.status == 200, own_list.body
    assert [r["version"] for r in own_list.json()["items"]] == [2, 1]
    assert own_one.status == 200
    forbidden_for_role(other_list)
    forbidden_for_role(other_one)
    assert editor.revisions(theirs["id"]).status == 200


# ----- the OpenAPI document: every route's groups --------------------------------------------------------

PUBLIC = {
    ("GET", "/api/health"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
    ("GET", "/api/articles/{article_id}/comment-token"),
    ("POST", "/api/articles/{article_id}/comments"),
    ("GET", "/api/preview/{token}"),  # a share link works without an account
}
WRITER_ROUTES = {
    ("POST", "/api/articles"),
    ("GET", "/api/articles"),
    ("GET", "/api/articles/{article_id}"),
    ("PATCH", "/api/articles/{article_id}"),
    ("POST", "/api/articles/{article_id}/submit"),
    ("GET", "/api/articles/{article_id}/revisions"),
    ("GET", "/api/articles/{article_id}/revisions/{version}"),
    ("GET", "/api/articles/{article_id}/preview"),
    ("POST", "/api/articles/{article_id}/preview-links"),
    ("GET", "/api/site"),  # writers see the sections menu their articles go in
    ("POST", "/api/media"),  # and upload their stories' images
    ("GET", "/api/media/{media_id}"),
}


def openapi(api: EditorApi) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(api.send("health", path="/api/openapi.json").body or "")
    return document


def operations(api: EditorApi) -> dict[tuple[str, str], dict[str, Any]]:
    document = openapi(api)
    return {
        (method.upper(), path): operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


def test_the_openapi_document_names_the_groups_of_every_route(api: EditorApi) -> None:
    # Given the document served over HTTP
    # When each operation is read
    found = operations(api)

    # Then every signed-in operation names its groups, in the extension, in its security requirements
    # (one alternative per group) and in a sentence of its description, and answers 401 and 403 with a
    # problem document; the public ones name none
    assert {key for key, op in found.items() if "x-newsdesk-groups" not in op} == PUBLIC
    for key, operation in found.items():
        if key in PUBLIC:
            assert "security" not in operation, key
            continue
        names = operation["x-newsdesk-groups"]
        assert names == (["writers", "editors"] if key in WRITER_ROUTES else ["editors"]), key
        assert operation["security"] == [{"editorToken": [name]} for name in names], key
        assert "Needs a Cognito bearer token of a member of the `" in operation["description"], key
        for status in ("401", "403"):
            schema = operation["responses"][status]["content"]["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, key
    # and `review` is a state the document knows
    assert "review" in openapi(api)["components"]["schemas"]["ArticleStatus"]["enum"]


def test_every_route_refuses_a_group_it_does_not_list_and_lets_its_first_group_through(
    api: EditorApi,
) -> None:
    # Given every signed-in operation of the document
    for (method, path), operation in operations(api).items():
        if (method, path) in PUBLIC:
            continue
        concrete = path.replace("{article_id}", SAMPLE_ID).replace("{comment_id}", SAMPLE_ID)
        concrete = concrete.replace("{version}", "1")
        listed = operation["x-newsdesk-groups"]
        body: dict[str, Any] | None = {} if "requestBody" in operation else None
        outsiders = [g for g in ("writers", "editors", "readers") if g not in listed]

        def call(group: str, path: str = concrete, method: str = method, body: Any = body) -> ApiResponse:
            person = Person(api, f"{group}-0000-4000-8000-000000000000", f"{group}@example.com", (group,))
            return person.send("health", path=path, method=method, body=body)

        # When a member of each group it does not list calls it, then a member of its first group
        refusals = {group: call(group) for group in outsiders}
        allowed = call(listed[0])

        # Then each outsider gets a 403 problem naming the listed groups; the first group is let through
        # (the route answers: 404 for the sample article, 422 for an empty body ...)
        for group, refused in refusals.items():
            assert refused.status == 403, (method, path, group, refused.status)
            assert refused.problem["detail"].startswith(f"Only members of the {' or '.join(listed)} group")
        assert allowed.status not in (401, 403), (method, path, allowed.status, allowed.body)


def test_a_writer_previews_and_shares_their_own_draft_only(writer: Person, editor: Person) -> None:
    # Given a writer's draft and another writer's draft
    own = writer.create(headline="Harbour dredging begins")
    colleague = Person(
        writer.api, "b0000000-0000-4000-8000-00000000000b", "lata.iyer@example.com", ("writers",)
    )
    theirs = colleague.create(headline="Ferry timetable changes")

    # When the writer previews and shares each
    own_preview = writer.send("get_article", path=f"/api/articles/{own['id']}/preview")
    own_link = writer.send("publish_article", path=f"/api/articles/{own['id']}/preview-links", body={})
    their_preview = writer.send("get_article", path=f"/api/articles/{theirs['id']}/preview")
    their_link = writer.send("publish_article", path=f"/api/articles/{theirs['id']}/preview-links", body={})

    # Then their own is previewed and shared, the other's refused, naming the editors group
    assert own_preview.status == 200, own_preview.body
    assert "Harbour dredging begins" in (own_preview.body or "")
    assert own_link.status == 201, own_link.body
    for refused in (their_preview, their_link):
        assert refused.status == 403, refused.body
        assert "editors" in refused.problem["detail"]
    # and after the refusal an editor previews and shares the other's draft
    assert editor.send("get_article", path=f"/api/articles/{theirs['id']}/preview").status == 200
    shared = editor.send("publish_article", path=f"/api/articles/{theirs['id']}/preview-links", body={})
    assert shared.status == 201, shared.body
    assert "/api/preview/" in shared.json()["url"]
