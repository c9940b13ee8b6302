"""A small client for driving the editor function's lambda_handler with the sample events."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.events import load_event

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
SAMPLE_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"  # the article id in the sample events


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]  # lower-cased names; multiValueHeaders merged in
    body: str | None

    @classmethod
    def from_proxy(cls, raw: dict[str, Any]) -> ApiResponse:
        headers = {name.lower(): value for name, value in (raw.get("headers") or {}).items()}
        for name, values in (raw.get("multiValueHeaders") or {}).items():
            headers[name.lower()] = ", ".join(values)
        return cls(status=raw["statusCode"], headers=headers, body=raw.get("body"))

    def json(self) -> Any:
        assert self.body is not None, f"HTTP {self.status} has no body"
        return json.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def problem(self) -> dict[str, Any]:
        """The RFC 9457 problem document of an error response (checks the media type)."""
        assert self.content_type == "application/problem+json", (self.status, self.content_type, self.body)
        doc: dict[str, Any] = self.json()
        assert doc["status"] == self.status
        return doc

    def problem_fields(self) -> list[str]:
        return [err["field"] for err in self.problem.get("errors") or []]


class EditorApi:
    """Calls lambda_handler with events from events/editor_api, adapted per request."""

    def __init__(self, handler: Handler, context: Any) -> None:
        self.handler = handler
        self.context = context

    def call(self, event: dict[str, Any]) -> ApiResponse:
        return ApiResponse.from_proxy(self.handler(event, self.context))

    def send(self, name: str, **overrides: Any) -> ApiResponse:
        return self.call(load_event(f"editor_api/{name}", **overrides))

    # ----- one method per route ------------------------------------------------------------------

    def create(self, **fields: Any) -> ApiResponse:
        body = {"headline": "Monsoon arrives early in Kerala", "body": "It rained.", **fields}
        return self.send("create_article", body=body)

    def create_ok(self, **fields: Any) -> dict[str, Any]:
        response = self.create(**fields)
        assert response.status == 201, response.body
        created: dict[str, Any] = response.json()
        return created

    def get(self, article_id: str) -> ApiResponse:
        return self.send("get_article", path=f"/api/articles/{article_id}")

    def patch(self, article_id: str, changes: Any, if_match: str | None = None) -> ApiResponse:
        return self.send(
            "patch_article", path=f"/api/articles/{article_id}", body=changes, headers={"If-Match": if_match}
        )

    def publish(self, article_id: str, if_match: str | None = None) -> ApiResponse:
        return self.send(
            "publish_article", path=f"/api/articles/{article_id}/publish", headers={"If-Match": if_match}
        )

    def unpublish(self, article_id: str, if_match: str | None = None) -> ApiResponse:
        return self.send(
            "unpublish_article", path=f"/api/articles/{article_id}/unpublish", headers={"If-Match": if_match}
        )

    def delete(self, article_id: str, if_match: str | None = None) -> ApiResponse:
        return self.send("delete_article", path=f"/api/articles/{article_id}", headers={"If-Match": if_match})

    def list(self, **query: str) -> ApiResponse:
        return self.send("list_articles", query=query or None)

    # ----- the site's configuration ----------------------------------------------------------------

    def site(self, **overrides: Any) -> ApiResponse:
        return self.send("get_article", path="/api/site", **overrides)

    def put_site(self, body: Any, if_match: str | None = None, **overrides: Any) -> ApiResponse:
        return self.send(
            "patch_article",
            path="/api/site",
            method="PUT",
            body=body,
            headers={"If-Match": if_match},
            **overrides,
        )

    def pin_lead(self, article_id: str, if_match: str | None = None) -> ApiResponse:
        return self.send(
            "patch_article",
            path="/api/site/lead",
            method="PUT",
            body={"article_id": article_id},
            headers={"If-Match": if_match},
        )

    def unpin_lead(self, if_match: str | None = None) -> ApiResponse:
        return self.send("delete_article", path="/api/site/lead", headers={"If-Match": if_match})
