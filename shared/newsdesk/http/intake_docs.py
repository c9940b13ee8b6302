"""The OpenAPI operations of the public comment routes (newsdesk.http.intake), for the editor API's document.

The intake runs without pydantic (its cold start), so its routes cannot describe themselves the way the
editor API's do: they are described here, for the one document /api/openapi.json serves. pydantic: the
intake never imports this module. Tests check that this description and the intake's routes agree.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from newsdesk.comments.fields import BODY_MAX, EMAIL_MAX, HONEYPOT, NAME_MAX, TOKEN_MAX, WEBSITE_MAX
from newsdesk.http.intake import FORM, MAX_REQUEST_BYTES
from newsdesk.http.problems import PROBLEM_JSON
from newsdesk.http.schemas import Problem

TAG = "public comments"
ARTICLE_ID = {
    "name": "article_id",
    "in": "path",
    "required": True,
    "description": "The article's id (a ULID).",
    "schema": {"type": "string"},
}


class CommentIn(BaseModel):
    """A reader's comment, as JSON or as the article page's form."""

    model_config = ConfigDict(title="CommentIn")

    name: str = Field(max_length=NAME_MAX, description="Shown with the comment.")
    email: str = Field(max_length=EMAIL_MAX, description="Never published nor stored in clear.")
    website: str | None = Field(default=None, max_length=WEBSITE_MAX, description="An http(s) URL.")
    body: str = Field(max_length=BODY_MAX, description="Plain text.")
    token: str | None = Field(
        default=None,
        max_length=TOKEN_MAX,
        description="The form's token (GET comment-token). Without one, a comment is always held.",
    )


class CommentForm(CommentIn):
    """The article page's form: the comment and its hidden honeypot field."""

    model_config = ConfigDict(title="CommentForm", populate_by_name=True)

    honeypot: str | None = Field(
        default=None,
        alias=HONEYPOT,
        description="Hidden from people: a comment with it filled in is dropped.",
    )


class CommentAccepted(BaseModel):
    id: str = Field(description="The comment's id.")
    status: str = Field(description="Always `pending`: every comment is moderated first.")


class CommentToken(BaseModel):
    token: str
    issued_at: int = Field(description="When the token was issued, in seconds since the epoch.")
    min_fill_seconds: int = Field(description="A form sent sooner after issue is refused (429).")
    closes_at: dt.datetime = Field(description="When the article stops taking comments.")


_MODELS: tuple[type[BaseModel], ...] = (CommentIn, CommentForm, CommentAccepted, CommentToken, Problem)
_REF = "#/components/schemas/{model}"


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _problems(*statuses: int, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {PROBLEM_JSON: {"schema": _ref(Problem)}}
    if html:  # a browser's form post is refused with a small page linking back to the article
        content["text/html"] = {"schema": {"type": "string"}}
    return {
        str(status): {"description": HTTPStatus(status).phrase, "content": content} for status in statuses
    }


def schemas() -> dict[str, Any]:
    """The components/schemas entries the operations refer to."""
    found: dict[str, Any] = {}
    for model in _MODELS:
        schema = model.model_json_schema(ref_template=_REF, by_alias=True)
        found.update(schema.pop("$defs", {}))
        found[model.__name__] = schema
    return found


def paths() -> dict[str, Any]:
    """The path items of the public comment routes."""
    retry = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}

    def unavailable(*, html: bool = False) -> dict[str, Any]:
        described = _problems(503, html=html)["503"]
        described.update(description="The comment could not be taken (a fault of ours); send it again.")
        return {"503": {**described, "headers": retry}}

    token = {
        "tags": [TAG],
        "summary": "A fresh token for the article's comment form",
        "operationId": "comment_token",
        "parameters": [ARTICLE_ID],
        "responses": {
            "200": {
                "description": "A token for the form",
                "content": {"application/json": {"schema": _ref(CommentToken)}},
            },
            **_problems(404, 409),
            **unavailable(),
        },
    }
    post = {
        "tags": [TAG],
        "summary": "Post a comment (JSON, or the page's form); it is held for moderation",
        "operationId": "post_comment",
        "parameters": [ARTICLE_ID],
        "requestBody": {
            "required": True,
            "description": f"At most {MAX_REQUEST_BYTES} bytes.",
            "content": {
                "application/json": {"schema": _ref(CommentIn)},
                FORM: {"schema": _ref(CommentForm)},
            },
        },
        "responses": {
            "202": {
                "description": "Queued for moderation (JSON)",
                "content": {"application/json": {"schema": _ref(CommentAccepted)}},
            },
            "303": {
                "description": "Queued for moderation (a form post): back to the article's page",
                "headers": {"Location": {"description": "The article's page.", "schema": {"type": "string"}}},
            },
            **_problems(400, 404, 409, 413, 415, 422, html=True),
            "429": {
                **_problems(429, html=True)["429"],
                "description": "Sent too soon after the form's token, or after the sender's last comment",
                "headers": retry,
            },
            **unavailable(html=True),
        },
    }
    return {
        # (GET only: API Gateway routes only GET to the token route, whatever the function answers)
        "/api/articles/{article_id}/comment-token": {"get": token},
        "/api/articles/{article_id}/comments": {"post": post},
    }
