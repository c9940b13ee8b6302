"""The sample events in events/ have the shape API Gateway sends, and the test helper keeps it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsdesk_local.routes import match_resource
from tests.events import EVENTS_DIR, api_resources, load_event

EDITOR_EVENTS = sorted(p.stem for p in (EVENTS_DIR / "editor_api").glob("*.json"))
PUBLIC = {"health"}
ANONYMOUS = {"health", "anonymous_list"}


def read(name: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((EVENTS_DIR / "editor_api" / f"{name}.json").read_text("utf-8"))
    return event


def assert_consistent(event: dict[str, Any]) -> None:
    context = event["requestContext"]
    assert context["stage"] == "live"
    assert context["path"] == f"/live{event['path']}"
    assert context["resourcePath"] == event["resource"]
    assert context["httpMethod"] == event["httpMethod"]
    assert event["resource"] in api_resources()
    matched = match_resource(event["resource"], event["path"])
    assert matched is not None
    assert event["pathParameters"] == (matched[1] or None)
    assert event["multiValueHeaders"] == {k: [v] for k, v in event["headers"].items()}
    query = event["queryStringParameters"]
    multi = event["multiValueQueryStringParameters"]
    assert multi == ({k: [v] for k, v in query.items()} if query else None)
    assert event["body"] is None or isinstance(event["body"], str)
    assert event["isBase64Encoded"] is False


def test_every_route_has_a_sample() -> None:
    # Given the samples on disk
    # Then the ones the docs and tests rely on are all there
    assert set(EDITOR_EVENTS) >= {
        "create_article",
        "get_article",
        "list_articles",
        "patch_article",
        "publish_article",
        "unpublish_article",
        "delete_article",
        "health",
        "anonymous_list",
        "reader_list",
        "malformed_json",
    }


@pytest.mark.parametrize("name", EDITOR_EVENTS)
def test_each_sample_is_a_consistent_rest_proxy_event(name: str) -> None:
    # Given a sample event
    event = read(name)

    # Then its parts agree with each other and with the API's resources in template.yaml
    assert_consistent(event)


@pytest.mark.parametrize("name", EDITOR_EVENTS)
def test_signed_in_samples_carry_cognito_claims_as_strings(name: str) -> None:
    # Given a sample event
    event = read(name)
    authorizer = event["requestContext"].get("authorizer")
    has_token = any(k.lower() == "authorization" for k in event["headers"])

    # Then anonymous samples carry neither token nor claims; the others carry both, as flat strings
    if name in ANONYMOUS:
        assert authorizer is None
        assert not has_token
        return
    claims = authorizer["claims"]
    assert has_token
    assert claims["sub"]
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())
    if name == "reader_list":
        assert "cognito:groups" not in claims
    else:
        assert claims["cognito:groups"] == "editors"


@pytest.mark.parametrize("name", [n for n in EDITOR_EVENTS if n != "malformed_json"])
def test_sample_bodies_are_json_objects(name: str) -> None:
    # Given a sample with a body
    body = read(name)["body"]

    # Then the body is a JSON object sent as application/json
    if body is not None:
        assert isinstance(json.loads(body), dict)
        assert read(name)["headers"]["Content-Type"] == "application/json"


def test_the_malformed_sample_is_not_json() -> None:
    # Given the malformed-JSON sample
    # Then its body really does not parse
    with pytest.raises(json.JSONDecodeError):
        json.loads(read("malformed_json")["body"])


def test_load_event_keeps_an_overridden_event_consistent() -> None:
    # Given the get sample
    # When it is aimed at another path and method, with a new body, header and query
    event = load_event(
        "editor_api/get_article",
        path="/api/articles/01JDQ80000000000000000000Z/publish",
        method="POST",
        body={"headline": "Café"},
        headers={"If-Match": '"4"', "authorization": None},
        query={"limit": "5"},
    )

    # Then the derived parts follow, and the removed header is gone from both header maps
    assert_consistent(event)
    assert event["resource"] == "/api/articles/{id}/{proxy+}"
    assert event["pathParameters"] == {"id": "01JDQ80000000000000000000Z", "proxy": "publish"}
    assert json.loads(event["body"]) == {"headline": "Café"}
    assert "Café" in event["body"]  # sent as UTF-8, as browsers do
    assert event["headers"]["If-Match"] == '"4"'
    assert event["headers"]["Content-Type"] == "application/json"
    assert not any(k.lower() == "authorization" for k in event["headers"])


@pytest.mark.parametrize(
    ("path", "resource"),
    [
        ("/api/health", "/api/health"),
        ("/api/articles", "/api/articles"),
        ("/api/articles/01J", "/api/articles/{id}"),
        ("/api/articles/01J/publish", "/api/articles/{id}/{proxy+}"),
        ("/api/articles/01J/comments", "/api/articles/{id}/comments"),
        ("/api/articles/01J/comment-token", "/api/articles/{id}/comment-token"),
        ("/api/other/x", "/api/{proxy+}"),
    ],
)
def test_load_event_picks_the_resource_api_gateway_would_match(path: str, resource: str) -> None:
    # Given a path
    # When an event is aimed at it
    event = load_event("editor_api/get_article", path=path)

    # Then its resource is the template's resource that matches
    assert event["resource"] == resource
    assert_consistent(event)


def test_load_event_returns_a_fresh_copy_each_time() -> None:
    # Given an event loaded and changed by one test
    first = load_event("editor_api/health")
    first["headers"]["X-Changed"] = "yes"

    # When it is loaded again
    second = load_event("editor_api/health")

    # Then the change has not leaked
    assert "X-Changed" not in second["headers"]


def test_events_directory_is_the_one_beside_the_template() -> None:
    # The samples live at the repository root, where `sam local invoke -e events/...` finds them.
    assert Path(__file__).resolve().parents[2] / "events" == EVENTS_DIR
    assert (EVENTS_DIR.parent / "template.yaml").is_file()
