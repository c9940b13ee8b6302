"""The OpenAPI schema of a problem document (newsdesk.http.problems builds the documents themselves),
for the editor API's `responses`. pydantic: the comment intake never imports this module."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

from newsdesk.http.problems import PROBLEM_JSON


class FieldError(BaseModel):
    field: str = Field(description="The failing field, by name (dotted for nested fields).")
    location: str = Field(description="Where the field was sent: body, query, path or header.")
    message: str


class Problem(BaseModel):
    type: str = Field(description="A URI naming the kind of problem; `about:blank` for plain HTTP errors.")
    title: str
    status: int
    detail: str | None = None
    errors: list[FieldError] | None = Field(default=None, description="For validation problems.")


def problem_responses(*statuses: int) -> dict[int, Any]:
    """OpenAPI `responses` entries for problem documents with the given statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"model": Problem}},
        }
        for status in statuses
    }
