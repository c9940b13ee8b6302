"""The resolver every Newsdesk API function uses: Powertools' REST resolver, with errors mapped to problem
documents in one place (newsdesk.http.problems) and editor-only access declared per router.

Bodies are read in one place too: before routing, a route that takes a validated body refuses any media
type but JSON (415) and a body whose base64 encoding is broken (400); its JSON is decoded by
newsdesk.http.bodies.decode_json (depth and number limits: 400), the decoder Powertools is given. A
client's mistake is logged as a warning, without a trace; only a fault of ours is logged as an error.

A router made with `security=EDITOR_SECURITY` (EditorRouter) declares every route of it editor-only; the
resolver refuses anonymous callers (401) and callers outside the editors group (403) before routing, for
exactly the routes whose OpenAPI entry carries that security requirement, so the document says what is
enforced. Standard library and Powertools only: the comment intake uses it without request validation,
so pydantic stays out of its cold start.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import re
from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Route, Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from newsdesk.http.bodies import JSON, decode_json, media_type
from newsdesk.http.problems import (
    BodyTooLarge,
    MalformedBody,
    Problem,
    RequestRefused,
    UnsupportedMediaType,
    problem,
    problem_for,
    problem_page,
    problem_response,
    raw_problem_response,
    request_problem,
)

logger = Logger()

EDITORS_GROUP = "editors"
# The OpenAPI security requirement of editor-only routes (the scheme is declared in the OpenAPI document).
EDITOR_SECURITY: list[dict[str, list[str]]] = [{"editorToken": []}]


def editor_name(claims: Mapping[str, Any]) -> str:
    """Who the signed-in caller is, for audit fields such as `moderated_by`."""
    return str(claims.get("cognito:username") or claims.get("username") or claims.get("sub") or "editor")


def caller_claims(event: APIGatewayProxyEvent) -> dict[str, Any]:
    return event.request_context.authorizer.claims or {}


def groups(claims: Mapping[str, Any]) -> set[str]:
    raw = claims.get("cognito:groups")
    if isinstance(raw, list):
        return {str(g) for g in raw}
    if isinstance(raw, str):
        # API Gateway REST APIs flatten the list, e.g. "editors" or "[editors, admins]" or "editors,admins".
        return {g for g in re.split(r"[\s,]+", raw.strip("[]")) if g}
    return set()


# Router.route's parameters without `self`: the decorators (get, post ...) pass them all by position.
_ROUTE_SIGNATURE = inspect.Signature(list(inspect.signature(Router.route).parameters.values())[1:])


def _with_security(
    route: Callable[..., Any],
    security: list[dict[str, list[str]]] | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Call Powertools' `route(...)` with `security` filled in where the route gives none."""
    bound = _ROUTE_SIGNATURE.bind(*args, **kwargs)
    if bound.arguments.get("security") is None:
        bound.arguments["security"] = security
    return route(*bound.args, **bound.kwargs)


class EditorRouter(Router):
    """A router whose every route is editor-only (declared once, here, for all of them)."""

    def __init__(self, security: list[dict[str, list[str]]] = EDITOR_SECURITY) -> None:
        super().__init__()
        self.security = security

    def route(self, *args: Any, **kwargs: Any) -> Any:
        return _with_security(super().route, self.security, args, kwargs)


class NewsdeskResolver(APIGatewayRestResolver):
    """A REST resolver that refuses oversize bodies and unauthenticated calls before routing, and answers
    every error with a problem document.

    `unexpected` is the problem of a fault of ours (logged with its trace). `html_problems(event)` says
    whether a request wants problems as a small HTML page (a browser's form post) rather than JSON; the
    page links back to `context["back"]` (a route sets it) or `/`. `headers` go on every response.
    """

    def __init__(
        self,
        *,
        enable_validation: bool = True,
        max_request_bytes: int | None = None,
        unexpected: Problem | None = None,
        html_problems: Callable[[APIGatewayProxyEvent], bool] | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("json_body_deserializer", decode_json)
        super().__init__(enable_validation=enable_validation, **kwargs)
        self.max_request_bytes = max_request_bytes
        self.unexpected = unexpected or problem(
            HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side; it has been logged."
        )
        self.html_problems = html_problems
        self.headers = dict(headers or {})
        self.not_found(self._not_found)
        self.exception_handler(Exception)(self._error)

    # ----- routes (for 405, and for who may call what) ---------------------------------------------

    def _routes(self) -> list[Route]:
        return [*self._static_routes, *self._dynamic_routes]

    def allowed_methods(self, path: str) -> set[str]:
        return {route.method for route in self._routes() if route.rule.match(path)}

    def matching_route(self, method: str, path: str) -> Route | None:
        return next((r for r in self._routes() if r.method == method and r.rule.match(path)), None)

    def is_public(self, method: str, path: str) -> bool:
        route = self.matching_route(method, path)
        return route is not None and not route.security

    def needs_editor(self, method: str, path: str) -> bool:
        """Whether a request must come from an editor: to an editor-only route, or with another method
        to a path of an API that has editor-only routes (anonymous callers learn no Allow list there).
        Unknown paths are a 404 for anyone."""
        route = self.matching_route(method, path)
        if route is not None:
            return bool(route.security)
        return bool(self.allowed_methods(path)) and any(r.security for r in self._routes())

    # ----- entry ----------------------------------------------------------------------------------

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        response = self._refusal(event)
        if response is None:
            try:
                event = self._readable_body(event)
            except RequestRefused as refused:
                response = self._refuse(request_problem(refused))
            else:
                response = super().resolve(event, context)
        if self.headers:
            present = {name.lower() for name in (response.get("multiValueHeaders") or {})}
            present |= {name.lower() for name in (response.get("headers") or {})}
            extra = {name: [value] for name, value in self.headers.items() if name.lower() not in present}
            response["multiValueHeaders"] = {**(response.get("multiValueHeaders") or {}), **extra}
        return response

    @staticmethod
    def _refuse(doc: Problem) -> dict[str, Any]:
        """A refusal made before routing, logged as the client's mistake it is."""
        logger.warning("request refused", status=doc.status, type=doc.type, detail=doc.detail)
        return raw_problem_response(doc)

    def _readable_body(self, event: Mapping[str, Any]) -> Mapping[str, Any]:
        """The event, its body checked for the route that takes it: a media type the route takes (JSON),
        base64 that decodes. The Content-Type of a JSON body is passed on as plain `application/json`
        (media types are case-insensitive and may carry parameters; Powertools reads only that form)."""
        body = event.get("body")
        if not body or not self._enable_validation:
            return event
        method = str(event.get("httpMethod", "")).upper()
        route = self.matching_route(method, str(event.get("path", "")))
        if route is None or not route.dependant.body_params:
            return event
        headers = {str(k): str(v) for k, v in (event.get("headers") or {}).items()}
        names = [name for name in headers if name.lower() == "content-type"]
        sent = media_type(headers[names[-1]]) if names else ""
        if sent not in ("", JSON):
            raise UnsupportedMediaType(
                f"Send the request body as {JSON}, not {sent!r}.", accepted=(JSON,), method=method
            )
        if event.get("isBase64Encoded"):
            try:
                base64.b64decode(str(body), validate=True)
            except (binascii.Error, ValueError):
                raise MalformedBody("The request body is not valid base64.") from None
        for name in names:
            del headers[name]
        return {**event, "headers": {**headers, "Content-Type": JSON}}

    def _refusal(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        body = event.get("body") or ""
        # A text body arrives decoded: count its UTF-8 bytes, not its characters.
        size = len(body) * 3 / 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
        if self.max_request_bytes is not None and size > self.max_request_bytes:
            return self._refuse(request_problem(BodyTooLarge(self.max_request_bytes)))
        method = str(event.get("httpMethod", "")).upper()
        path = str(event.get("path", ""))
        if self.needs_editor(method, path):
            return self._authorize(event)
        return None

    def _authorize(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
        if not claims.get("sub"):
            return self._refuse(
                problem(
                    HTTPStatus.UNAUTHORIZED,
                    "Sign in: this route needs an editor's bearer token.",
                    headers={"WWW-Authenticate": 'Bearer realm="newsdesk"'},
                )
            )
        if EDITORS_GROUP not in groups(claims):
            return self._refuse(
                problem(HTTPStatus.FORBIDDEN, "Only members of the editors group may do this.")
            )
        return None

    # ----- errors ---------------------------------------------------------------------------------

    def problem_response(self, doc: Problem) -> Response:
        """The problem as the request wants it: problem+json, or a small HTML page for a browser's form."""
        if self.html_problems is not None and self.html_problems(self.current_event):
            back = str(self.context.get("back") or "/")
            return Response(
                status_code=doc.status,
                content_type="text/html; charset=utf-8",
                body=problem_page(doc, back),
                headers=doc.headers or None,
            )
        return problem_response(doc)

    def _not_found(self, _exc: NotFoundError) -> Response:
        path = self.current_event.path
        allowed = self.allowed_methods(path)
        if allowed:
            doc = problem(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"{self.current_event.http_method} is not allowed here.",
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        else:
            doc = problem(HTTPStatus.NOT_FOUND, f"There is nothing at {path}.")
        logger.warning("request refused", status=doc.status, type=doc.type, detail=doc.detail)
        return self.problem_response(doc)

    def _error(self, exc: Exception) -> Response:
        doc = problem_for(exc)
        if doc is None:
            logger.exception("unhandled error", error_type=type(exc).__name__)
            doc = self.unexpected
        elif doc.status < HTTPStatus.INTERNAL_SERVER_ERROR:
            logger.warning("request refused", status=doc.status, type=doc.type, detail=doc.detail)
        return self.problem_response(doc)
