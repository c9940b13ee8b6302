"""The resolver every Newsdesk API function uses, and the one place errors become HTTP.

Domain errors map to RFC 9457 problem documents here, so routes and services never build error
responses themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError, ServiceError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from newsdesk.api.problems import (
    PROBLEM_JSON,
    FieldError,
    Problem,
    problem,
    problem_body,
    raw_problem_response,
)
from newsdesk.domain.errors import (
    ArticleNotFound,
    CommentChanged,
    CommentNotFound,
    DomainError,
    InvalidArticle,
    InvalidTransition,
    PreconditionRequired,
    SlugTaken,
    VersionConflict,
)
from newsdesk.store.cursor import InvalidCursor

logger = Logger()

EDITORS_GROUP = "editors"
_PARAM = re.compile(r"<(\w+)>")


def editor_name(claims: Mapping[str, Any]) -> str:
    """Who the signed-in caller is, for audit fields such as `moderated_by`."""
    return str(claims.get("cognito:username") or claims.get("username") or claims.get("sub") or "editor")


def _groups(claims: dict[str, Any]) -> set[str]:
    raw = claims.get("cognito:groups")
    if isinstance(raw, list):
        return {str(g) for g in raw}
    if isinstance(raw, str):
        # API Gateway REST APIs flatten the list, e.g. "editors" or "[editors, admins]" or "editors,admins".
        return {g for g in re.split(r"[\s,]+", raw.strip("[]")) if g}
    return set()


def problem_response(doc: Problem, headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=doc.status, content_type=PROBLEM_JSON, body=problem_body(doc), headers=headers
    )


def _field_name(loc: Iterable[Any]) -> tuple[str, str]:
    parts = list(loc)
    location = str(parts.pop(0)) if parts else "body"
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name = f"{name}.{part}" if name else str(part)
    return location, name or location


class NewsdeskResolver(APIGatewayRestResolver):
    """A REST resolver that refuses oversize bodies and unauthenticated calls before routing.

    `public` lists (METHOD, path) pairs that need no editor; every other route does.
    """

    def __init__(self, *, max_request_bytes: int | None = None, **kwargs: Any) -> None:
        super().__init__(enable_validation=True, **kwargs)
        self.max_request_bytes = max_request_bytes
        self._public: list[tuple[str, re.Pattern[str]]] = []
        self._templates: dict[str, set[str]] = {}
        self.not_found(self._not_found)
        self._register_error_handlers()

    # ----- route bookkeeping (for 405 and the public list) ----------------------------------------

    def route(self, rule: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        methods = [method] if isinstance(method, str) else list(method)
        for m in methods:
            self._templates.setdefault(rule, set()).add(m.upper())
        return super().route(rule, method, *args, **kwargs)

    def public(self, method: str, rule: str) -> None:
        self._public.append((method.upper(), self._template_regex(rule)))

    @staticmethod
    def _template_regex(rule: str) -> re.Pattern[str]:
        return re.compile(
            "^" + _PARAM.sub(r"[^/]+", re.escape(rule).replace(r"\<", "<").replace(r"\>", ">")) + "/?$"
        )

    def allowed_methods(self, path: str) -> set[str]:
        found: set[str] = set()
        for rule, methods in self._templates.items():
            if self._template_regex(rule).match(path):
                found |= methods
        return found

    def is_public(self, method: str, path: str) -> bool:
        return any(m == method and rx.match(path) for m, rx in self._public)

    # ----- entry ----------------------------------------------------------------------------------

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        body = event.get("body") or ""
        # A text body arrives decoded: count its UTF-8 bytes, not its characters.
        size = len(body) * 3 / 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
        if self.max_request_bytes is not None and size > self.max_request_bytes:
            return raw_problem_response(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The request body is larger than {self.max_request_bytes} bytes.",
            )
        method = str(event.get("httpMethod", "")).upper()
        path = str(event.get("path", ""))
        if not self.is_public(method, path) and self.allowed_methods(path):
            refusal = self._authorize(event)
            if refusal is not None:
                return refusal
        return super().resolve(event, context)

    def _authorize(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
        if not claims.get("sub"):
            return raw_problem_response(
                HTTPStatus.UNAUTHORIZED,
                "Sign in: this route needs an editor's bearer token.",
                headers={"WWW-Authenticate": 'Bearer realm="newsdesk"'},
            )
        if EDITORS_GROUP not in _groups(claims):
            return raw_problem_response(
                HTTPStatus.FORBIDDEN, "Only members of the editors group may do this."
            )
        return None

    # ----- errors ---------------------------------------------------------------------------------

    def _not_found(self, _exc: NotFoundError) -> Response:
        path = self.current_event.path
        allowed = self.allowed_methods(path)
        if allowed:
            return problem_response(
                problem(
                    HTTPStatus.METHOD_NOT_ALLOWED, f"{self.current_event.http_method} is not allowed here."
                ),
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        return problem_response(problem(HTTPStatus.NOT_FOUND, f"There is nothing at {path}."))

    def _register_error_handlers(self) -> None:
        app = self

        @app.exception_handler(RequestValidationError)
        def _invalid(exc: RequestValidationError) -> Response:
            errors = exc.errors()
            if any(err.get("type") == "json_invalid" for err in errors):
                return problem_response(
                    problem(
                        HTTPStatus.BAD_REQUEST,
                        "The request body is not valid JSON.",
                        type_="urn:newsdesk:problem:malformed-json",
                        title="Malformed JSON",
                    )
                )
            fields = []
            for err in errors:
                location, name = _field_name(err.get("loc", ()))
                fields.append(
                    FieldError(field=name, location=location, message=str(err.get("msg", "is invalid")))
                )
            detail = "; ".join(f"{f.field}: {f.message}" for f in fields)
            return problem_response(
                problem(
                    HTTPStatus.UNPROCESSABLE_ENTITY,
                    detail,
                    type_="urn:newsdesk:problem:validation",
                    title="The request is not valid",
                    errors=fields,
                )
            )

        @app.exception_handler(UnicodeDecodeError)
        def _not_utf8(_exc: UnicodeDecodeError) -> Response:
            return problem_response(
                problem(
                    HTTPStatus.BAD_REQUEST,
                    "The request body is not valid UTF-8.",
                    type_="urn:newsdesk:problem:malformed-json",
                    title="Malformed JSON",
                )
            )

        @app.exception_handler(DomainError)
        def _domain(exc: DomainError) -> Response:
            return problem_response(_domain_problem(exc))

        @app.exception_handler(InvalidCursor)
        def _cursor(exc: InvalidCursor) -> Response:
            return problem_response(
                problem(
                    HTTPStatus.BAD_REQUEST,
                    str(exc),
                    type_="urn:newsdesk:problem:validation",
                    title="The request is not valid",
                    errors=[FieldError(field="cursor", location="query", message=str(exc))],
                )
            )

        @app.exception_handler(ServiceError)
        def _service(exc: ServiceError) -> Response:
            return problem_response(problem(exc.status_code, str(exc.msg)))

        @app.exception_handler(Exception)
        def _unexpected(exc: Exception) -> Response:
            logger.exception("unhandled error", error_type=type(exc).__name__)
            return problem_response(
                problem(
                    HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged."
                )
            )


def _domain_problem(exc: DomainError) -> Problem:
    if isinstance(exc, ArticleNotFound | CommentNotFound):
        return problem(HTTPStatus.NOT_FOUND, exc.detail, type_="urn:newsdesk:problem:not-found")
    if isinstance(exc, CommentChanged):
        return problem(
            HTTPStatus.PRECONDITION_FAILED,
            exc.detail,
            type_="urn:newsdesk:problem:stale-version",
            title="The comment has changed",
        )
    if isinstance(exc, VersionConflict):
        return problem(
            HTTPStatus.PRECONDITION_FAILED,
            exc.detail,
            type_="urn:newsdesk:problem:stale-version",
            title="The article has changed",
        )
    if isinstance(exc, PreconditionRequired):
        return problem(
            HTTPStatus.PRECONDITION_REQUIRED, exc.detail, type_="urn:newsdesk:problem:if-match-required"
        )
    if isinstance(exc, SlugTaken):
        return problem(
            HTTPStatus.CONFLICT,
            exc.detail,
            type_="urn:newsdesk:problem:slug-taken",
            errors=[FieldError(field="slug", location="body", message=exc.detail)],
        )
    if isinstance(exc, InvalidTransition):
        return problem(HTTPStatus.CONFLICT, exc.detail, type_="urn:newsdesk:problem:invalid-state")
    if isinstance(exc, InvalidArticle):
        return problem(
            HTTPStatus.UNPROCESSABLE_ENTITY,
            exc.detail,
            type_="urn:newsdesk:problem:validation",
            title="The request is not valid",
            errors=[FieldError(field=exc.field, location="body", message=exc.detail)],
        )
    return problem(HTTPStatus.BAD_REQUEST, exc.detail)


def json_response(status: int, model: Any, headers: dict[str, str] | None = None) -> Response:
    # The body stays a model: the resolver validates it against the route's `Response[Model]` return
    # type and serializes it. A pre-serialized JSON string fails that validation (422 on every route).
    return Response(status_code=status, content_type="application/json", body=model, headers=headers)
