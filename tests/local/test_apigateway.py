"""API Gateway as template.yaml defines it: routes and their precedence, the proxy event, refusals."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from newsdesk_local.apigateway import ApiGateway, RestApi, rest_apis
from newsdesk_local.auth import CognitoAuthorizer, Unauthorized, rest_api_claims
from newsdesk_local.http_messages import HttpRequest
from newsdesk_local.rehearsal import kept_resources, transformed_template
from newsdesk_local.runtime import Invocation
from newsdesk_local.template import Deployed

CLAIMS = {"sub": "7d1f3a62", "cognito:groups": "editors", "token_use": "id"}


class FakeAuthorizer(CognitoAuthorizer):
    """Accepts the token "good"; the real one is exercised end to end against the emulator's keys."""

    def __init__(self) -> None:
        self.header = "Authorization"

    def authorize(self, headers: dict[str, str]) -> dict[str, str]:
        if headers.get("Authorization") != "Bearer good":
            raise Unauthorized("bad token")
        return dict(CLAIMS)


@pytest.fixture
def api() -> RestApi:
    return rest_apis(Deployed(resources=kept_resources(transformed_template())))["NewsdeskApi"]


class Gateway:
    def __init__(self, api: RestApi, answer: Invocation) -> None:
        self.events: list[dict[str, Any]] = []
        self.answer = answer
        self.gateway = ApiGateway(
            api,
            api_id="k3x9q2w7ab",
            deployed=Deployed(),
            invoke=self.invoke,
            authorizers={"EditorsAuthorizer": FakeAuthorizer()},
        )

    def invoke(self, function: str, event: dict[str, Any]) -> Invocation:
        self.events.append(event)
        return self.answer

    def __call__(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        token: str | None = None,
        body: bytes = b"",
        headers: list[tuple[str, str]] | None = None,
    ) -> Any:
        all_headers = list(headers or [])
        if token:
            all_headers.append(("Authorization", f"Bearer {token}"))
        return self.gateway.handle(
            HttpRequest(method, "/live" + path, query, all_headers, body, "203.0.113.24")
        )


@pytest.mark.parametrize(
    ("method", "path", "resource", "function", "public"),
    [
        ("GET", "/api/health", "/api/health", "EditorApiFunction", True),
        ("GET", "/api/openapi.json", "/api/openapi.json", "EditorApiFunction", True),
        ("GET", "/api/docs", "/api/docs", "EditorApiFunction", True),
        ("GET", "/api/articles", "/api/articles", "EditorApiFunction", False),
        ("DELETE", "/api/articles", "/api/articles", "EditorApiFunction", False),
        ("GET", "/api/articles/01J/publish", "/api/articles/{id}/{proxy+}", "EditorApiFunction", False),
        ("PATCH", "/api/articles/01J", "/api/articles/{id}", "EditorApiFunction", False),
        ("POST", "/api/articles/01J/comments", "/api/articles/{id}/comments", "CommentIntakeFunction", True),
        (
            "GET",
            "/api/articles/01J/comment-token",
            "/api/articles/{id}/comment-token",
            "CommentIntakeFunction",
            True,
        ),
        ("GET", "/api/comments", "/api/{proxy+}", "EditorApiFunction", False),
        ("GET", "/api/health/deep", "/api/{proxy+}", "EditorApiFunction", False),
    ],
)
def test_routes_follow_api_gateway_precedence(
    api: RestApi, method: str, path: str, resource: str, function: str, public: bool
) -> None:
    # Given the API as the transformed template's OpenAPI body defines it
    # When a request is routed
    found = api.find(method, path)

    # Then static paths win over greedy ones, each reaches its function, and only Auth: NONE is public
    assert found is not None
    route, _params = found
    assert (route.resource, route.function) == (resource, function)
    assert (route.authorizer is None) is public


def test_the_api_has_the_template_stage_authorizer_and_gateway_responses(api: RestApi) -> None:
    # Given the API of the transformed template
    # Then its stage, Cognito authorizer and refusals are the template's
    assert api.stage == "live"
    assert set(api.authorizers) == {"EditorsAuthorizer"}
    assert api.authorizers["EditorsAuthorizer"].kind == "cognito_user_pools"
    assert api.authorizers["EditorsAuthorizer"].provider_arns == [{"Fn::GetAtt": ["EditorsUserPool", "Arn"]}]
    assert {"UNAUTHORIZED", "ACCESS_DENIED", "DEFAULT_4XX", "DEFAULT_5XX"} <= set(api.gateway_responses)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/api/health"), ("GET", "/api"), ("GET", "/other"), ("GET", "/api/articles/01J/comments")],
)
def test_paths_and_methods_the_api_does_not_have_are_missing(api: RestApi, method: str, path: str) -> None:
    assert api.find(method, path) is None


def test_a_request_becomes_a_rest_proxy_event(api: RestApi) -> None:
    # Given a gateway whose function answers 200
    gateway = Gateway(api, Invocation(payload={"statusCode": 200, "headers": {"ETag": '"2"'}, "body": "{}"}))

    # When an editor's request with a query string, repeated headers and a body arrives
    response = gateway(
        "POST",
        "/api/articles/01J%20X/publish",
        query="a=1&a=2&b=",
        token="good",
        body=b'{"x": 1}',
        headers=[("X-Tag", "one"), ("x-tag", "two"), ("Content-Type", "application/json")],
    )

    # Then the function gets the event API Gateway would send, and its answer is the response
    assert response.status == 200
    assert response.header("ETag") == '"2"'
    event = gateway.events[0]
    assert event["resource"] == "/api/articles/{id}/{proxy+}"
    assert event["path"] == "/api/articles/01J%20X/publish"
    assert event["httpMethod"] == "POST"
    assert event["pathParameters"] == {"id": "01J X", "proxy": "publish"}
    assert event["queryStringParameters"] == {"a": "2", "b": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert event["headers"]["X-Tag"] == "two"
    assert event["multiValueHeaders"]["X-Tag"] == ["one", "two"]
    assert (event["body"], event["isBase64Encoded"]) == ('{"x": 1}', False)
    context = event["requestContext"]
    assert (context["stage"], context["path"], context["apiId"]) == (
        "live",
        "/live/api/articles/01J%20X/publish",
        "k3x9q2w7ab",
    )
    assert context["resourcePath"] == "/api/articles/{id}/{proxy+}"
    assert context["identity"]["sourceIp"] == "203.0.113.24"
    assert context["authorizer"]["claims"] == CLAIMS
    assert context["requestId"]
    json.dumps(event)


def test_public_routes_get_no_authorizer_and_binary_bodies_stay_intact(api: RestApi) -> None:
    # Given a gateway and a body that is not UTF-8
    gateway = Gateway(
        api,
        Invocation(
            payload={"statusCode": 200, "body": base64.b64encode(b"\xff").decode(), "isBase64Encoded": True}
        ),
    )

    # When it is sent to a public route
    response = gateway("GET", "/api/health", body=b"\xff\x00")

    # Then no claims are passed, the body arrives base64-encoded, and a base64 answer is decoded
    event = gateway.events[0]
    assert "authorizer" not in event["requestContext"]
    assert event["pathParameters"] is None
    assert (event["body"], event["isBase64Encoded"]) == (base64.b64encode(b"\xff\x00").decode(), True)
    assert response.body == b"\xff"


@pytest.mark.parametrize("token", [None, "bad"])
def test_protected_routes_refuse_without_a_valid_token_and_never_call_the_function(
    api: RestApi, token: str | None
) -> None:
    # Given a gateway
    gateway = Gateway(api, Invocation(payload={"statusCode": 200}))

    # When an editor route is called without a valid token
    response = gateway("GET", "/api/articles", token=token)

    # Then the template's UNAUTHORIZED gateway response answers, and the function is not called
    assert response.status == 401
    assert response.header("Content-Type") == "application/problem+json"
    assert response.header("WWW-Authenticate") == 'Bearer realm="newsdesk"'
    assert json.loads(response.body) == {
        "type": "about:blank",
        "title": "Unauthorized",
        "status": 401,
        "detail": "Sign in: this route needs an editor's bearer token.",
    }
    assert gateway.events == []


@pytest.mark.parametrize(
    "answer",
    [Invocation(error_type="KeyError", error_message="x"), Invocation(payload={"body": "no status"})],
)
def test_function_errors_and_malformed_answers_are_bad_gateway(api: RestApi, answer: Invocation) -> None:
    gateway = Gateway(api, answer)
    response = gateway("GET", "/api/health")
    assert response.status == 502
    assert response.header("Content-Type") == "application/problem+json"


def test_claims_are_flattened_like_rest_api_cognito_authorizers() -> None:
    # Given an ID token's claims
    claims = {
        "sub": "u1",
        "cognito:groups": ["editors", "admins"],
        "email_verified": True,
        "exp": 1732533000,
        "iat": 1732529400,
        "auth_time": 1732529400,
    }

    # When they are flattened
    flat = rest_api_claims(claims)

    # Then every value is a string, dates as REST APIs render them
    assert flat == {
        "sub": "u1",
        "cognito:groups": "editors,admins",
        "email_verified": "true",
        "exp": "Mon Nov 25 11:10:00 UTC 2024",
        "iat": "Mon Nov 25 10:10:00 UTC 2024",
        "auth_time": "1732529400",
    }
