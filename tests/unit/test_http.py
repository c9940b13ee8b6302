"""The API's request helpers that need no AWS: group claims, If-Match parsing, route matching."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.http.bodies import MAX_DEPTH, MAX_NUMBER_CHARS, decode_json, media_type, nesting_depth
from newsdesk.http.if_match import ConditionFailed, EntityTag, IfMatch, etag, expected_version, parse_if_match
from newsdesk.http.problems import InvalidIfMatch, JsonTooComplex, MalformedJson
from newsdesk.http.problems import field_name as _field_name
from newsdesk.http.resolver import EDITOR_SECURITY, EDITORS_GROUP, NewsdeskResolver
from newsdesk.http.resolver import groups as _groups


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
    ("header", "tags"),
    [
        ('"3"', [EntityTag("3")]),
        ('W/"3"', [EntityTag("3", weak=True)]),
        (' \t"12" ', [EntityTag("12")]),
        ('"2", W/"5",\t"x"', [EntityTag("2"), EntityTag("5", weak=True), EntityTag("x")]),
        ('"a,b"', [EntityTag("a,b")]),  # a comma is an etagc
        ('""', [EntityTag("")]),
        ('"1", , "2",', [EntityTag("1"), EntityTag("2")]),  # empty list elements are ignored
        (",", []),
        ('"\u00e9t\u00e9"', [EntityTag("\u00e9t\u00e9")]),  # obs-text
    ],
)
def test_if_match_lists_are_read_by_the_rfc_grammar(header: str, tags: list[EntityTag]) -> None:
    # Given a well-formed If-Match list
    # When it is parsed
    condition = parse_if_match(header)

    # Then its entity tags are read in order, weak ones marked
    assert condition.sent and not condition.any
    assert list(condition.tags) == tags


@pytest.mark.parametrize(
    "header",
    [
        "3",
        "abc",
        "'3'",
        '"3',
        '3"',
        'w/"3"',
        'W/ "3"',
        '"3" "4"',
        '"3", junk',
        '*, "3"',
        '"a b"',
        "**",
        '"\x7f"',
    ],
)
def test_an_if_match_that_is_not_a_list_of_entity_tags_is_refused(header: str) -> None:
    # Given an If-Match value outside the grammar
    # When it is parsed
    # Then it is refused as malformed (a 400), not read as a failed condition
    with pytest.raises(InvalidIfMatch):
        parse_if_match(header)


@pytest.mark.parametrize("header", [None, "", "  ", "\t"])
def test_an_absent_or_empty_if_match_is_not_sent(header: str | None) -> None:
    assert parse_if_match(header) == IfMatch(sent=False)


@pytest.mark.parametrize(
    ("header", "versions"),
    [
        ('"3"', {3}),
        ('W/"3"', set()),  # weak: never matches a strong comparison
        ('"03"', set()),  # not an ETag this API issues: "03" is not "3"
        ('"stale-version"', set()),
        ('"2", W/"5", "5"', {2, 5}),
        ('"' + "9" * 30 + '"', set()),  # no version is that large
    ],
)
def test_only_strong_etags_in_the_form_of_ours_can_match(header: str, versions: set[int]) -> None:
    assert parse_if_match(header).versions == versions


class Stored:
    """The stored version, counting the reads."""

    def __init__(self, version: int | None) -> None:
        self.version = version
        self.reads = 0

    def __call__(self) -> int | None:
        self.reads += 1
        return self.version


def test_a_single_etag_is_checked_by_the_write_itself() -> None:
    # Given an If-Match naming one version, and a store at another
    stored = Stored(4)

    # When the version to write against is worked out
    # Then it is the named one, with no read (the conditional write refuses it)
    assert expected_version(parse_if_match('"3", W/"4"'), stored) == 3
    assert stored.reads == 0


@pytest.mark.parametrize(
    ("header", "version", "expected"),
    [
        ("*", 4, 4),
        ('"3", "4"', 4, 4),
        ('"4", "3"', 4, 4),
        (None, 4, None),
    ],
)
def test_a_condition_that_holds_gives_the_stored_version(
    header: str | None, version: int, expected: int | None
) -> None:
    assert expected_version(parse_if_match(header), Stored(version)) == expected


@pytest.mark.parametrize(
    ("header", "version", "missing"),
    [
        ('W/"4"', 4, False),
        ('"stale-version"', 4, False),
        ('"2", "3"', 4, False),
        (",", 4, False),
        ("*", None, True),
        ('W/"4"', None, True),
    ],
)
def test_a_condition_that_does_not_hold_fails(header: str, version: int | None, missing: bool) -> None:
    with pytest.raises(ConditionFailed) as failed:
        expected_version(parse_if_match(header), Stored(version))
    assert failed.value.missing is missing


def test_etag_is_the_quoted_version() -> None:
    # Given a version number
    # When the ETag is made
    # Then it is a strong ETag that If-Match parsing reads back as that version
    assert etag(7) == '"7"'
    assert parse_if_match(etag(7)).versions == {7}


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


# ----- JSON bodies ---------------------------------------------------------------------------------


def test_json_nested_up_to_the_limit_is_read_and_deeper_is_refused() -> None:
    # Given JSON nested exactly MAX_DEPTH deep, and one level more
    at_limit = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    over = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)

    # When they are decoded
    # Then the first is read, the second refused as too complex
    assert nesting_depth(at_limit) == MAX_DEPTH
    assert decode_json(at_limit) is not None
    with pytest.raises(JsonTooComplex):
        decode_json(over)


def test_brackets_inside_strings_are_not_nesting() -> None:
    text = '{"body": "' + "[{" * 500 + '\\" [[[", "tags": [["a"]]}'
    assert nesting_depth(text) == 3
    assert decode_json(text)["tags"] == [["a"]]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1" * (MAX_NUMBER_CHARS + 1), JsonTooComplex),
        ("1." + "5" * MAX_NUMBER_CHARS, JsonTooComplex),
        ("NaN", MalformedJson),
        ("[Infinity]", MalformedJson),
        ('"\\ud800"', MalformedJson),  # a lone surrogate
        (b"\xff", MalformedJson),
        ("{", MalformedJson),
    ],
)
def test_json_the_apis_never_take_is_refused(text: str | bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        decode_json(text)


def test_numbers_within_the_limit_and_surrogate_pairs_are_read() -> None:
    assert decode_json("9" * MAX_NUMBER_CHARS) == int("9" * MAX_NUMBER_CHARS)
    assert decode_json('"\\ud83d\\udcf0"') == "\U0001f4f0"


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Application/JSON; charset=utf-8", "application/json"), (None, ""), (" text/plain ", "text/plain")],
)
def test_media_type_is_lower_case_without_parameters(header: str | None, expected: str) -> None:
    assert media_type(header) == expected
