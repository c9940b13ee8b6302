"""The editor API's request helpers that need no AWS: group claims and If-Match parsing."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.api.editor import _expected_version, etag
from newsdesk.api.http import EDITORS_GROUP, NewsdeskResolver, _field_name, _groups
from newsdesk.domain.errors import PreconditionRequired, VersionConflict


@pytest.mark.parametrize(
    ("raw", "groups"),
    [
        ("editors", {"editors"}),
        ("[editors, admins]", {"editors", "admins"}),
        ("editors,admins", {"editors", "admins"}),
        (["editors", "admins"], {"editors", "admins"}),
        ("", set()),
        (None, set()),
        ("editorsx", {"editorsx"}),
    ],
)
def test_group_claims_are_read_in_every_shape_api_gateway_sends(raw: Any, groups: set[str]) -> None:
    # Given a cognito:groups claim as API Gateway flattens it (or a list, as a JWT has it)
    claims = {"sub": "u", "cognito:groups": raw}

    # When the groups are read
    # Then they are the group names, exactly
    assert _groups(claims) == groups


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
    # Given a resolver with a public route and a private route sharing a path
    app = NewsdeskResolver()

    @app.get("/api/things/<thing_id>")
    def read(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    @app.delete("/api/things/<thing_id>")
    def remove(thing_id: str) -> None:
        return None

    app.public("GET", "/api/things/<thing_id>")

    # When paths are checked
    # Then the methods of every matching template are allowed, and only the listed pair is public
    assert app.allowed_methods("/api/things/42") == {"GET", "DELETE"}
    assert app.allowed_methods("/api/things/42/parts") == set()
    assert app.allowed_methods("/api/things") == set()
    assert app.is_public("GET", "/api/things/42")
    assert not app.is_public("DELETE", "/api/things/42")
