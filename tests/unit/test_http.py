"""The API's request helpers that need no AWS: group claims, If-Match parsing, route matching."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.articles.errors import PreconditionRequired, VersionConflict
from newsdesk.comments.errors import CommentChanged
from newsdesk.http.articles import expected_version as _expected_version
from newsdesk.http.if_match import etag
from newsdesk.http.moderation import expected_version as comment_version
from newsdesk.http.problems import field_name as _field_name
from newsdesk.http.resolver import EDITOR_SECURITY, EDITORS_GROUP, NewsdeskResolver
from newsdesk.http.resolver import groups as _groups


@pytest.mark.parametrize(
    "listed",
    [["editors"], ["editors", "admins"], ["readers,editors"], ["[readers", "editors]"], ["editorsx"], []],
)
def test_groups_are_the_verified_tokens_list_exactly(listed: list[str]) -> None:
    # Given a signed-in caller whose ID token lists these groups (API Gateway joins them with commas)
    from tests.events import load_event, sample_claims

    event = load_event("editor_api/list_articles", claims=sample_claims(), groups=listed)

    # When the groups are read
    # Then they are the token's group names, exactly, whatever the flattened claim looks like
    assert _groups(event) == set(listed)


def test_a_group_named_with_a_comma_is_one_group() -> None:
    # Given a user whose only group is "readers,editors": the flattened claim reads like two groups
    from tests.events import load_event, sample_claims

    event = load_event("editor_api/list_articles", claims=sample_claims(), groups=["readers,editors"])
    assert event["requestContext"]["authorizer"]["claims"]["cognito:groups"] == "readers,editors"

    # When the groups are read
    # Then there is one group, and it is not "editors"
    assert _groups(event) == {"readers,editors"}


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-a-jwt", "Bearer a.!!!.c", "Bearer e30.e30.c2ln"],
)
def test_no_readable_token_means_no_groups(authorization: str | None) -> None:
    # Given editor claims but an Authorization header that is missing or not a token of those claims
    from tests.events import load_event, sample_claims

    event = load_event("editor_api/list_articles", claims=sample_claims())
    for name in ("headers", "multiValueHeaders"):
        event[name].pop("Authorization")
    if authorization is not None:
        event["headers"]["Authorization"] = authorization
        event["multiValueHeaders"]["Authorization"] = [authorization]

    # When the groups are read
    # Then there are none
    assert _groups(event) == set()


def test_a_token_of_another_subject_gives_no_groups() -> None:
    # Given the claims the authorizer verified, and a header carrying an editor token of someone else
    from tests.events import load_event, sample_claims

    other = load_event("editor_api/list_articles", claims={**sample_claims(), "sub": "someone-else"})
    event = load_event(
        "editor_api/list_articles",
        claims=sample_claims("editor_api/reader_list"),
        headers={"Authorization": other["headers"]["Authorization"]},
    )

    # When the groups are read
    # Then there are none: the header is not the token that was verified
    assert _groups(event) == set()


def test_two_authorization_headers_give_no_groups() -> None:
    # Given an event with two Authorization values
    from tests.events import load_event, sample_claims

    event = load_event("editor_api/list_articles", claims=sample_claims())
    event["multiValueHeaders"]["Authorization"] *= 2

    # When the groups are read
    # Then there are none
    assert _groups(event) == set()


def test_the_editor_group_is_the_one_the_template_creates() -> None:
    # The template's EditorsGroup has GroupName "editors"; the API checks the same name.
    from newsdesk_local.template import load_template

    # Given the template
    template = load_template()

    # When its editor group is read
    name = template["Resources"]["EditorsGroup"]["Properties"]["GroupName"]

    # Then the API checks that name
    assert name == EDITORS_GROUP


@pytest.mark.parametrize(
    ("header", "version"),
    [('"3"', 3), ('W/"3"', 3), (' "12" ', 12), ("*", None), (None, None), ("", None)],
)
def test_if_match_gives_the_version_the_editor_saw(header: str | None, version: int | None) -> None:
    # Given an If-Match header (or none) on a request where it is optional
    # When it is parsed
    # Then the version is the number in the ETag; "*" and absence mean "whatever is stored"
    assert _expected_version(header, required=False) == version


@pytest.mark.parametrize("header", [None, "", "  "])
def test_a_missing_if_match_is_refused_where_it_is_required(header: str | None) -> None:
    # Given no If-Match on a request that needs one
    # When it is parsed
    # Then the caller is told to send it
    with pytest.raises(PreconditionRequired):
        _expected_version(header, required=True)


@pytest.mark.parametrize("header", ["3", '"abc"', "'3'", '"3'])
def test_an_if_match_that_is_not_one_of_our_etags_never_matches(header: str) -> None:
    # Given an If-Match value this API never issued
    # When it is parsed
    # Then it is a failed precondition, not a match
    with pytest.raises(VersionConflict):
        _expected_version(header, required=True)


def test_etag_is_the_quoted_version() -> None:
    # Given a version number
    # When the ETag is made
    # Then it is a strong ETag that If-Match parsing reads back
    assert etag(7) == '"7"'
    assert _expected_version(etag(7), required=True) == 7


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("body", "headline"), ("body", "headline")),
        (("body", "image", "url"), ("body", "image.url")),
        (("body", "tags", 3), ("body", "tags[3]")),
        (("query", "limit"), ("query", "limit")),
        (("body",), ("body", "body")),
    ],
)
def test_validation_locations_become_field_names(loc: tuple[Any, ...], expected: tuple[str, str]) -> None:
    # Given a pydantic error location
    # When it is named for a problem document
    # Then it is (where it was sent, dotted field name)
    assert _field_name(loc) == expected


def test_route_templates_are_matched_for_405_and_public_checks() -> None:
    # Given a resolver with a public route and an editor-only route sharing a path
    app = NewsdeskResolver()

    @app.get("/api/things/<thing_id>")
    def read(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @app.delete("/api/things/<thing_id>", security=EDITOR_SECURITY)
    def remove(thing_id: str) -> None:
        return None

    # When paths are checked
    # Then the methods of every matching template are allowed, and only the route without security is public
    assert app.allowed_methods("/api/things/42") == {"GET", "DELETE"}
    assert app.allowed_methods("/api/things/42/parts") == set()
    assert app.allowed_methods("/api/things") == set()
    assert app.is_public("GET", "/api/things/42")
    assert not app.is_public("DELETE", "/api/things/42")


@pytest.mark.parametrize(
    ("header", "version"),
    [('"3"', 3), ('W/"3"', 3), (' "12" ', 12), ('"2", "5"', 5), ("*", None), (None, None), ("", None)],
)
def test_moderation_reads_if_match_with_the_same_parser(header: str | None, version: int | None) -> None:
    # Given an If-Match header (or none) on a moderation route, where it is optional
    # When it is parsed
    # Then it names the same version as on an article route
    assert comment_version(header, "01JDQ7ZK3M8N4P5R6S7T8V9W0X") == version
    assert _expected_version(header, required=False) == version


@pytest.mark.parametrize("header", ["3", '"abc"', "'3'", '"3', '"3", junk', '*, "3"'])
def test_an_unreadable_if_match_is_a_failed_precondition_on_comments_too(header: str) -> None:
    # Given an If-Match value this API never issued, on a comment
    # When it is parsed
    # Then the comment has "changed" (412), as an article would have
    with pytest.raises(CommentChanged):
        comment_version(header, "01JDQ7ZK3M8N4P5R6S7T8V9W0X")
