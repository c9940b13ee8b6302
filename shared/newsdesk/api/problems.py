"""RFC 9457 problem documents."""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field

PROBLEM_JSON = "application/problem+json"


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


def problem(
    status: int,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: list[FieldError] | None = None,
) -> Problem:
    return Problem(
        type=type_, title=title or HTTPStatus(status).phrase, status=status, detail=detail, errors=errors
    )


def problem_body(doc: Problem) -> str:
    return doc.model_dump_json(exclude_none=True)


def raw_problem_response(status: int, detail: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """A whole API Gateway proxy response, for refusals made before routing (e.g. body too large)."""
    return {
        "statusCode": status,
        "headers": {"Content-Type": PROBLEM_JSON, **(headers or {})},
        "multiValueHeaders": {},
        "body": json.dumps(problem(status, detail).model_dump(exclude_none=True)),
        "isBase64Encoded": False,
    }


def problem_responses(*statuses: int) -> dict[int, Any]:
    """OpenAPI `responses` entries for problem documents with the given statuses."""
    return {
        status: {
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"model": Problem}},
        }
        for status in statuses
    }
