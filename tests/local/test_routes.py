"""newsdesk_local.routes: the one API Gateway route matcher, shared by the local API and the tests' events."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from newsdesk_local.apigateway import rest_apis
from newsdesk_local.rehearsal import kept_resources, transformed_template
from newsdesk_local.routes import find_route, match_resource, most_specific
from newsdesk_local.template import Deployed
from tests.events import api_resources


@dataclass(frozen=True)
class Route:
    resource: str
    method: str


ROUTES = [
    Route("/things", "GET"),
    Route("/things", "POST"),
    Route("/things/{id}", "ANY"),
    Route("/things/{id}/parts", "GET"),
    Route("/things/{id}/{proxy+}", "ANY"),
    Route("/{proxy+}", "GET"),
]


@pytest.mark.parametrize(
    ("method", "path", "resource", "params"),
    [
        ("GET", "/things", "/things", {}),
        ("post", "/things", "/things", {}),
        ("DELETE", "/things/7", "/things/{id}", {"id": "7"}),
        ("GET", "/things/7/parts", "/things/{id}/parts", {"id": "7"}),
        ("PUT", "/things/a%20b/x/y", "/things/{id}/{proxy+}", {"id": "a b", "proxy": "x/y"}),
        ("GET", "/elsewhere/deep", "/{proxy+}", {"proxy": "elsewhere/deep"}),
    ],
)
def test_the_most_specific_resource_then_the_method_or_any_wins(
    method: str, path: str, resource: str, params: dict[str, str]
) -> None:
    # Given routes with static, {param} and {proxy+} parts
    # When a request is matched
    found = find_route(ROUTES, method, path)

    # Then static parts beat parameters, which beat greedy ones; parameters come URL-decoded
    assert found is not None
    assert (found[0].resource, found[1]) == (resource, params)


@pytest.mark.parametrize(
    ("method", "path"), [("DELETE", "/things"), ("POST", "/things/7/parts"), ("GET", "/")]
)
def test_a_method_the_matched_resource_lacks_is_no_route(method: str, path: str) -> None:
    # Given a path whose most specific resource lacks the method (no ANY), or no resource at all
    # When it is matched
    # Then there is no route: API Gateway does not fall back to a less specific resource
    assert find_route(ROUTES, method, path) is None


def test_a_greedy_part_needs_at_least_one_path_part() -> None:
    assert match_resource("/things/{proxy+}", "/things") is None
    assert match_resource("/things/{proxy+}", "/things/") is None
    assert most_specific(["/things/{id}"], "/things/7/more") is None


def test_the_tests_events_use_the_resources_of_the_deployed_api() -> None:
    # Given the API as the transformed template's OpenAPI body defines it
    api = rest_apis(Deployed(resources=kept_resources(transformed_template())))["NewsdeskApi"]

    # Then the sample-event helper knows exactly its resources
    assert {route.resource for route in api.routes} == api_resources()
