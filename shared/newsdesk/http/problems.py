"""RFC 9457 problem documents, and the one mapping from errors to them.

Every route of every API function raises domain errors (newsdesk.articles.errors,
newsdesk.comments.errors) or request errors (below); `problem_for` is the only place they become HTTP, and
the resolver (newsdesk.http.resolver) the only place that turns a problem into a response. Standard
library only, apart from Powertools' resolver types: the comment intake imports this module and must not
load pydantic (the OpenAPI schema of a problem document is newsdesk.http.schemas).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from newsdesk.articles.errors import (
    ArticleNotFound,
    AuthorChanged,
    AuthorExists,
    AuthorNotFound,
    Embargoed,
    InvalidArticle,
    InvalidTransition,
    NoFreeSlug,
    NotPermitted,
    PreconditionRequired,
    PreviewLinkGone,
    PreviewLinkNotFound,
    RevisionNotFound,
    SlugTaken,
    VersionConflict,
)
from newsdesk.comments.errors import (
    CommentChanged,
    CommentFlood,
    CommentNotFound,
    CommentsClosed,
    DuplicateComment,
    InvalidSubmission,
    NoPublishedArticle,
    TokenRefused,
)
from newsdesk.errors import DomainError, InvalidCursor
from newsdesk.media.errors import InvalidMedia, MediaNotFound, MediaNotReady
from newsdesk.site.errors import ConfigurationChanged, InvalidConfiguration, LeadNotPublished

PROBLEM_JSON = "application/problem+json"

NOT_FOUND = "urn:newsdesk:problem:not-found"
VALIDATION = "urn:newsdesk:problem:validation"
MALFORMED_JSON = "urn:newsdesk:problem:malformed-json"
JSON_TOO_COMPLEX = "urn:newsdesk:problem:json-too-complex"
INVALID_IF_MATCH = "urn:newsdesk:problem:invalid-if-match"
STALE_VERSION = "urn:newsdesk:problem:stale-version"
FORBIDDEN = "urn:newsdesk:problem:forbidden"


@dataclass(frozen=True)
class FieldError:
    field: str
    location: str
    message: str


@dataclass(frozen=True)
class Problem:
    """A problem document, and the response headers that go with it (Retry-After, Allow ...)."""

    status: int
    title: str
    type: str = "about:blank"
    detail: str | None = None
    errors: list[FieldError] | None = None
    headers: dict[str, str] = field(default_factory=dict, compare=False)

    def document(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status}
        if self.detail is not None:
            doc["detail"] = self.detail
        if self.errors is not None:
            doc["errors"] = [
                {"field": e.field, "location": e.location, "message": e.message} for e in self.errors
            ]
        return doc


def problem(
    status: int,
    detail: str | None = None,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Problem:
    return Problem(
        status=int(status),
        title=title or HTTPStatus(status).phrase,
        type=type_,
        detail=detail,
        errors=errors,
        headers=dict(headers or {}),
    )


# ----- request errors: refusals made by the HTTP layer before any use case ---------------------------


class RequestRefused(Exception):
    """A request the HTTP layer refuses on its own (its body, its media type)."""


class BodyTooLarge(RequestRefused):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit} bytes.")
        self.limit = limit


class MalformedJson(RequestRefused):
    """The body is not JSON (its detail says why)."""

    def __init__(self, detail: str = "The request body is not valid JSON.") -> None:
        super().__init__(detail)


class JsonTooComplex(RequestRefused):
    """The body is JSON, but nests deeper or has longer numbers than any request of these APIs."""


class MalformedBody(RequestRefused):
    """The body cannot be read at all (e.g. its base64 encoding is broken)."""


class InvalidIfMatch(RequestRefused):
    """An If-Match field value that is not `*` nor a list of entity tags (RFC 9110, section 13.1.1)."""


class FormNotUtf8(RequestRefused):
    pass


class GroupRequired(RequestRefused):
    """The signed-in caller is in none of the groups the route is for (`groups`, any one will do)."""

    def __init__(self, groups: tuple[str, ...]) -> None:
        names = " or ".join(groups)
        plural = "group" if len(groups) == 1 else "groups"
        super().__init__(f"Only members of the {names} {plural} may do this.")
        self.groups = groups


class UnsupportedMediaType(RequestRefused):
    """The body is in a media type the route does not take; `accepted` lists those it does, for the
    Accept-Post (or, answering a PATCH, Accept-Patch) header of the refusal."""

    def __init__(self, detail: str, accepted: tuple[str, ...], *, method: str = "POST") -> None:
        super().__init__(detail)
        self.accepted = accepted
        self.method = method.upper()


# ----- the mapping ---------------------------------------------------------------------------------


def field_name(loc: Iterable[Any]) -> tuple[str, str]:
    """(where it was sent, dotted field name) of a pydantic error location."""
    parts = list(loc)
    location = str(parts.pop(0)) if parts else "body"
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name = f"{name}.{part}" if name else str(part)
    return location, name or location


def _invalid(errors: list[FieldError], *, title: str = "The request is not valid") -> Problem:
    detail = "; ".join(f"{e.field}: {e.message}" for e in errors)
    return problem(HTTPStatus.UNPROCESSABLE_ENTITY, detail, type_=VALIDATION, title=title, errors=errors)


def _malformed_json(detail: str) -> Problem:
    return problem(HTTPStatus.BAD_REQUEST, detail, type_=MALFORMED_JSON, title="Malformed JSON")


def problem_for(exc: Exception) -> Problem | None:
    """The problem document of an error a caller can act on; None for anything else (a fault of ours)."""
    if isinstance(exc, DomainError):
        return _domain_problem(exc)
    if isinstance(exc, RequestRefused):
        return request_problem(exc)
    if isinstance(exc, RequestUnsupportedContentType):
        # (the resolver refuses other media types before routing; this is Powertools' own refusal)
        return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "Send the request body as application/json.")
    if isinstance(exc, RequestValidationError):
        errors = exc.errors()
        if any(err.get("type") == "json_invalid" for err in errors):
            return _malformed_json("The request body is not valid JSON.")
        fields = []
        for err in errors:
            location, name = field_name(err.get("loc", ()))
            fields.append(
                FieldError(field=name, location=location, message=str(err.get("msg", "is invalid")))
            )
        return _invalid(fields)
    if isinstance(exc, UnicodeDecodeError):
        return _malformed_json("The request body is not valid UTF-8.")
    if isinstance(exc, ServiceError):
        return problem(exc.status_code, str(exc.msg))
    return None


def _domain_problem(exc: DomainError) -> Problem:
    if isinstance(
        exc,
        ArticleNotFound
        | AuthorNotFound
        | CommentNotFound
        | NoPublishedArticle
        | RevisionNotFound
        | PreviewLinkNotFound
        | MediaNotFound,
    ):
        return problem(HTTPStatus.NOT_FOUND, exc.detail, type_=NOT_FOUND)
    if isinstance(exc, PreviewLinkGone):
        return problem(
            HTTPStatus.GONE,
            exc.detail,
            type_=f"urn:newsdesk:problem:preview-link-{exc.reason}",
            title="This preview link no longer works",
        )
    if isinstance(exc, CommentChanged):
        return problem(
            HTTPStatus.PRECONDITION_FAILED, exc.detail, type_=STALE_VERSION, title="The comment has changed"
        )
    if isinstance(exc, VersionConflict):
        return problem(
            HTTPStatus.PRECONDITION_FAILED, exc.detail, type_=STALE_VERSION, title="The article has changed"
        )
    if isinstance(exc, ConfigurationChanged):
        return problem(
            HTTPStatus.PRECONDITION_FAILED,
            exc.detail,
            type_=STALE_VERSION,
            title="The site configuration has changed",
        )
    if isinstance(exc, InvalidConfiguration):
        return problem(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            exc.detail,
            type_=VALIDATION,
            title="The request is not valid",
            errors=[FieldError(field=exc.field, location="body", message=exc.message)],
        )
    if isinstance(exc, LeadNotPublished):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:not-published",
            title="The article is not published",
            errors=[FieldError(field="article_id", location="body", message=exc.detail)],
        )
    if isinstance(exc, AuthorChanged):
        return problem(
            HTTPStatus.PRECONDITION_FAILED, exc.detail, type_=STALE_VERSION, title="The profile has changed"
        )
    if isinstance(exc, AuthorExists):
        return problem(HTTPStatus.CONFLICT, exc.detail, type_="urn:newsdesk:problem:author-exists")
    if isinstance(exc, PreconditionRequired):
        return problem(
            HTTPStatus.PRECONDITION_REQUIRED, exc.detail, type_="urn:newsdesk:problem:if-match-required"
        )
    if isinstance(exc, SlugTaken | NoFreeSlug):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:slug-taken",
            errors=[FieldError(field="slug", location="body", message=exc.detail)],
        )
    if isinstance(exc, Embargoed):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:embargoed",
            title="The article is under embargo",
            errors=[FieldError(field="embargo_until", location="body", message=exc.detail)],
        )
    if isinstance(exc, InvalidTransition):
        return problem(HTTPStatus.CONFLICT, exc.detail, type_="urn:newsdesk:problem:invalid-state")
    if isinstance(exc, NotPermitted):
        return problem(HTTPStatus.FORBIDDEN, exc.detail, type_=FORBIDDEN)
    if isinstance(exc, InvalidArticle | InvalidMedia):
        return problem(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            exc.detail,
            type_=VALIDATION,
            title="The request is not valid",
            errors=[FieldError(field=exc.field, location="body", message=exc.detail)],
        )
    if isinstance(exc, MediaNotReady):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_=f"urn:newsdesk:problem:media-{exc.status}",
            title="The image is not ready" if exc.status == "processing" else "The image could not be used",
            errors=[FieldError(field="image.media", location="body", message=exc.detail)],
        )
    if isinstance(exc, InvalidCursor):
        return problem(
            HTTPStatus.BAD_REQUEST,
            exc.detail,
            type_=VALIDATION,
            title="The request is not valid",
            errors=[FieldError(field="cursor", location="query", message=exc.detail)],
        )
    if isinstance(exc, InvalidSubmission):
        fields = [FieldError(field=e.field, location=e.location, message=e.message) for e in exc.errors]
        return _invalid(fields, title="The comment is not valid")
    if isinstance(exc, TokenRefused):
        return _token_problem(exc)
    if isinstance(exc, CommentsClosed):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:comments-closed",
            title="Comments are closed",
        )
    if isinstance(exc, DuplicateComment):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:duplicate-comment",
            title="Duplicate comment",
            errors=[
                FieldError(field="body", location="body", message="duplicates a comment you already sent")
            ],
        )
    if isinstance(exc, CommentFlood):
        return problem(
            HTTPStatus.TOO_MANY_REQUESTS,
            exc.detail,
            type_="urn:newsdesk:problem:comment-flood",
            title="Slow down",
            headers={"Retry-After": str(exc.retry_after)},
        )
    return problem(HTTPStatus.BAD_REQUEST, exc.detail)


def _token_problem(refused: TokenRefused) -> Problem:
    if refused.reason == "early":
        return problem(
            HTTPStatus.TOO_MANY_REQUESTS,
            "The form was sent within seconds of opening the page; wait a moment and send it again.",
            type_="urn:newsdesk:problem:too-fast",
            title="Sent too quickly",
            errors=[FieldError(field="token", location="body", message="was issued too recently")],
            headers={"Retry-After": str(refused.retry_after)},
        )
    message = {"expired": "has expired", "used": "has been used already"}.get(
        refused.reason, "is not a token this site issued"
    )
    return problem(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        f"token: {message}; reload the article and send the comment again.",
        type_=VALIDATION,
        title="The comment form has expired",
        errors=[FieldError(field="token", location="body", message=message)],
    )


def request_problem(exc: RequestRefused) -> Problem:
    if isinstance(exc, BodyTooLarge):
        return problem(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, str(exc))
    if isinstance(exc, MalformedJson):
        return _malformed_json(str(exc))
    if isinstance(exc, JsonTooComplex):
        return problem(HTTPStatus.BAD_REQUEST, str(exc), type_=JSON_TOO_COMPLEX, title="JSON too complex")
    if isinstance(exc, InvalidIfMatch):
        return problem(
            HTTPStatus.BAD_REQUEST,
            str(exc),
            type_=INVALID_IF_MATCH,
            title="Malformed If-Match",
            errors=[FieldError(field="If-Match", location="header", message=str(exc))],
        )
    if isinstance(exc, FormNotUtf8):
        return problem(HTTPStatus.BAD_REQUEST, "The form is not UTF-8 encoded.")
    if isinstance(exc, GroupRequired):
        return problem(HTTPStatus.FORBIDDEN, str(exc), type_=FORBIDDEN)
    if isinstance(exc, UnsupportedMediaType):
        accept = "Accept-Patch" if exc.method == "PATCH" else "Accept-Post"
        return problem(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, str(exc), headers={accept: ", ".join(exc.accepted)})
    return problem(HTTPStatus.BAD_REQUEST, str(exc) or None)


# ----- representations -----------------------------------------------------------------------------


def problem_body(doc: Problem) -> str:
    return json.dumps(doc.document(), ensure_ascii=False, separators=(",", ":"))


def problem_response(doc: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=doc.status,
        content_type=PROBLEM_JSON,
        body=problem_body(doc),
        headers={**doc.headers, **(headers or {})} or None,
    )


def problem_page(doc: Problem, back: str = "/") -> str:
    """The problem as a small HTML page linking back (to the article, for a refused comment form)."""
    from html import escape  # (html.entities is a large table: only refusals shown as a page need it)

    items = "".join(
        f"<li><strong>{escape(e.field)}</strong> {escape(e.message)}</li>" for e in doc.errors or []
    )
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc.title)}</title></head><body><main>"
        f"<h1>{escape(doc.title)}</h1><p>{escape(doc.detail or '')}</p>"
        + (f"<ul>{items}</ul>" if items else "")
        + f'<p><a href="{escape(back)}#comments">Back to the article</a></p></main></body></html>\n'
    )


def raw_problem_response(doc: Problem) -> dict[str, Any]:
    """A whole API Gateway proxy response, for refusals made before routing (e.g. body too large)."""
    return {
        "statusCode": doc.status,
        "headers": {"Content-Type": PROBLEM_JSON, **doc.headers},
        "multiValueHeaders": {},
        "body": problem_body(doc),
        "isBase64Encoded": False,
    }
