"""Per-route groups, declared once on an EditorRouter route: the security requirement the resolver enforces
and the OpenAPI operation that shows it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from newsdesk.articles import roles
from newsdesk.http.resolver import (
    EDITORS_GROUP,
    EditorRouter,
    NewsdeskResolver,
    allow,
    allowed_groups,
    groups_sentence,
)


def resolver_with_two_routes() -> NewsdeskResolver:
    router = EditorRouter()

    @router.get("/api/things", groups=("writers", "editors"), description="Lists things.")
    def list_things() -> dict[str, str]:
        return {}

    @router.delete("/api/things/<thing_id>")
    def remove(thing_id: str) -> None:
        return None

    app = NewsdeskResolver()
    app.include_router(router)
    return app


def document(app: NewsdeskResolver) -> dict[str, Any]:
    generated = app.get_openapi_json_schema(
        title="x", version="1", security_schemes={"editorToken": HTTPBearer(bearerFormat="JWT")}
    )
    parsed: dict[str, Any] = json.loads(generated)
    return parsed


def test_a_route_without_groups_is_for_editors_and_one_with_groups_for_any_of_them() -> None:
    # Given a router with a route naming writers and editors, and one naming no groups
    app = resolver_with_two_routes()

    # When the resolver is asked who may call each
    # Then the first is for either group, the second for editors; an unknown path for anyone
    assert app.groups_needed("GET", "/api/things") == ("writers", "editors")
    assert app.groups_needed("DELETE", "/api/things/1") == ("editors",)
    assert app.groups_needed("GET", "/api/nothing") == ()


def test_the_openapi_operation_carries_the_groups_in_three_places() -> None:
    # Given the same routes
    paths = document(resolver_with_two_routes())["paths"]

    # When their operations are read
    listing, removal = paths["/api/things"]["get"], paths["/api/things/{thing_id}"]["delete"]

    # Then each has its groups as the extension, as one security alternative per group, in a sentence
    # after its own description, and a 403 response
    assert listing["x-newsdesk-groups"] == ["writers", "editors"]
    assert listing["security"] == [{"editorToken": ["writers"]}, {"editorToken": ["editors"]}]
    assert listing["description"] == (
        "Lists things. Needs a Cognito bearer token of a member of the `writers` or `editors` groups."
    )
    assert "403" in listing["responses"]
    assert removal["x-newsdesk-groups"] == ["editors"]
    assert removal["description"] == "Needs a Cognito bearer token of a member of the `editors` group."


def test_a_route_declares_groups_or_security_not_both() -> None:
    # Given a router
    router = EditorRouter()

    # When a route declares both
    # Then it is refused at once
    with pytest.raises(TypeError, match="not both"):
        router.get("/api/things", groups=("writers",), security=allow("editors"))


def test_a_security_requirement_without_groups_means_editors() -> None:
    # Given security requirements with and without role names
    # Then their groups are read in order, without repeats; a bare one is for editors; none is public
    assert allowed_groups(allow("writers", "editors", "writers")) == ("writers", "editors")
    assert allowed_groups([{"editorToken": []}]) == (EDITORS_GROUP,)
    assert allowed_groups(None) == ()
    with pytest.raises(ValueError, match="at least one group"):
        allow()


def test_the_resolver_and_the_article_rules_name_the_same_groups() -> None:
    # Given the resolver's default group and the article rules' groups
    # Then they agree, and a writer's routes are open to editors too
    assert roles.EDITORS == EDITORS_GROUP
    assert roles.STAFF == (roles.WRITERS, roles.EDITORS)
    assert groups_sentence(["editors"]).endswith("`editors` group.")
