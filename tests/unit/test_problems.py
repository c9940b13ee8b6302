from __future__ import annotations

import json
from http import HTTPStatus

import pytest

from newsdesk.articles.errors import (
    ArticleNotFound,
    InvalidArticle,
    InvalidTransition,
    PreconditionRequired,
    SlugTaken,
    VersionConflict,
)
from newsdesk.comments import errors as comment_errors
from newsdesk.errors import DomainError, InvalidCursor
from newsdesk.http.problems import (
    PROBLEM_JSON,
    FieldError,
    Problem,
    problem,
    problem_body,
    problem_for,
    problem_response,
    raw_problem_response,
)
from newsdesk.http.schemas import Problem as ProblemSchema
from newsdesk.http.schemas import problem_responses


def _domain_problem(error: DomainError) -> Problem:
    doc = problem_for(error)
    assert doc is not None
    return doc


ARTICLE_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


def test_a_plain_problem_takes_its_title_from_the_status() -> None:
    # Given only a status and a detail
    # When a problem document is built
    doc = problem(HTTPStatus.NOT_FOUND, "There is nothing at /api/nope.")

    # Then it is an about:blank problem titled by the HTTP reason phrase
    assert json.loads(problem_body(doc)) == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "There is nothing at /api/nope.",
    }


def test_a_validation_problem_lists_its_field_errors() -> None:
    # Given a validation problem naming a field
    doc = problem(
        422,
        "headline: too long",
        type_="urn:newsdesk:problem:validation",
        title="The request is not valid",
        errors=[FieldError(field="headline", location="body", message="too long")],
    )

    # When it is serialized
    body = json.loads(problem_body(doc))

    # Then the errors are in the document
    assert body["type"] == "urn:newsdesk:problem:validation"
    assert body["errors"] == [{"field": "headline", "location": "body", "message": "too long"}]


def test_a_raw_problem_response_is_a_whole_api_gateway_response() -> None:
    # Given a refusal made before routing
    # When it is built
    response = raw_problem_response(problem(413, "Too big.", headers={"Retry-After": "0"}))

    # Then it is a complete proxy response with a problem+json body
    assert response["statusCode"] == 413
    assert response["headers"] == {"Content-Type": PROBLEM_JSON, "Retry-After": "0"}
    assert response["isBase64Encoded"] is False
    assert json.loads(response["body"]) == {
        "type": "about:blank",
        "title": "Request Entity Too Large",
        "status": 413,
        "detail": "Too big.",
    }


def test_problem_response_uses_the_problem_media_type_and_status() -> None:
    # Given a problem document
    doc = problem(409, "Conflict!")

    # When it becomes a resolver response
    response = problem_response(doc, headers={"X-Test": "1"})

    # Then its status, media type and body match the document
    assert response.status_code == 409
    assert response.content_type == PROBLEM_JSON
    assert isinstance(response.body, str)
    assert json.loads(response.body)["status"] == 409


def test_problem_responses_document_each_status_as_problem_json() -> None:
    # Given some error statuses of a route
    # When their OpenAPI entries are built
    entries = problem_responses(404, 412)

    # Then each status is described with the problem media type
    assert set(entries) == {404, 412}
    assert entries[412]["description"] == "Precondition Failed"
    assert PROBLEM_JSON in entries[404]["content"]


@pytest.mark.parametrize(
    ("error", "status", "type_", "field"),
    [
        (ArticleNotFound(ARTICLE_ID), 404, "urn:newsdesk:problem:not-found", None),
        (VersionConflict(ARTICLE_ID, 3), 412, "urn:newsdesk:problem:stale-version", None),
        (PreconditionRequired("Send If-Match."), 428, "urn:newsdesk:problem:if-match-required", None),
        (SlugTaken("monsoon"), 409, "urn:newsdesk:problem:slug-taken", "slug"),
        (InvalidTransition("already published"), 409, "urn:newsdesk:problem:invalid-state", None),
        (InvalidArticle("headline", "required"), 422, "urn:newsdesk:problem:validation", "headline"),
        (DomainError("something else"), 400, "about:blank", None),
    ],
)
def test_each_domain_error_maps_to_one_problem(
    error: DomainError, status: int, type_: str, field: str | None
) -> None:
    # Given a domain error raised by a service
    # When the HTTP layer maps it
    doc = _domain_problem(error)

    # Then it becomes the documented status and problem type, naming the field where there is one
    assert doc.status == status
    assert doc.type == type_
    assert doc.detail == error.detail
    if field is None:
        assert doc.errors is None
    else:
        assert doc.errors is not None
        assert [e.field for e in doc.errors] == [field]


def test_version_conflict_detail_names_the_version_it_was_based_on() -> None:
    # Given conflicts with and without a known version
    # When their details are read
    # Then the one with a version names it, the other tells the editor to fetch again
    assert "since version 3" in VersionConflict(ARTICLE_ID, 3).detail
    assert "fetch it and try again" in VersionConflict(ARTICLE_ID).detail


COMMENT_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0Y"


@pytest.mark.parametrize(
    ("error", "status", "type_", "fields", "headers"),
    [
        (comment_errors.CommentNotFound(COMMENT_ID), 404, "urn:newsdesk:problem:not-found", None, {}),
        (comment_errors.CommentChanged(COMMENT_ID, 2), 412, "urn:newsdesk:problem:stale-version", None, {}),
        (comment_errors.NoPublishedArticle(ARTICLE_ID), 404, "urn:newsdesk:problem:not-found", None, {}),
        (
            comment_errors.CommentsClosed(ARTICLE_ID, "/2026/11/20/x/"),
            409,
            "urn:newsdesk:problem:comments-closed",
            None,
            {},
        ),
        (comment_errors.DuplicateComment(), 409, "urn:newsdesk:problem:duplicate-comment", ["body"], {}),
        (
            comment_errors.CommentFlood(7),
            429,
            "urn:newsdesk:problem:comment-flood",
            None,
            {"Retry-After": "7"},
        ),
        (
            comment_errors.InvalidSubmission([comment_errors.FieldError("email", "is required")]),
            422,
            "urn:newsdesk:problem:validation",
            ["email"],
            {},
        ),
        (
            comment_errors.TokenRefused("early", retry_after=2),
            429,
            "urn:newsdesk:problem:too-fast",
            ["token"],
            {"Retry-After": "2"},
        ),
        (comment_errors.TokenRefused("forged"), 422, "urn:newsdesk:problem:validation", ["token"], {}),
        (InvalidCursor("Not ours."), 400, "urn:newsdesk:problem:validation", ["cursor"], {}),
    ],
)
def test_comment_and_listing_errors_map_in_the_same_place(
    error: DomainError, status: int, type_: str, fields: list[str] | None, headers: dict[str, str]
) -> None:
    # Given an error of the intake, of moderation or of a listing
    # When the HTTP layer maps it
    doc = _domain_problem(error)

    # Then it is the documented status, type and fields, with its headers, in the documented schema
    assert (doc.status, doc.type, doc.headers) == (status, type_, headers)
    assert (None if doc.errors is None else [e.field for e in doc.errors]) == fields
    ProblemSchema.model_validate(json.loads(problem_body(doc)))


def test_a_fault_of_ours_is_no_problem_document() -> None:
    # Given an error no caller can act on
    # When the HTTP layer maps it
    # Then there is no problem for it (the resolver answers with its `unexpected` problem and logs it)
    assert problem_for(RuntimeError("boom")) is None
