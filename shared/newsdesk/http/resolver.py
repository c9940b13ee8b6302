"""The resolver every Newsdesk API function uses: Powertools' REST resolver, with errors mapped to problem
documents in one place (newsdesk.http.problems) and editor-only access declared per router.

Bodies are read in one place too: before routing, a route that takes a validated body refuses any media
type but JSON (415) and a body whose base64 encoding is broken (400); its JSON is decoded by
newsdesk.http.bodies.decode_json (depth and number limits: 400), the decoder Powertools is given. A
client's mistake is logged as a warning, without a trace; only a fault of ours is logged as an error.

Who may call a route is declared once, on the route: an EditorRouter route is for the `editors` group
unless it says `groups=(...)` (the Cognito groups allowed, any one of them will do). The declaration is
the route's OpenAPI security requirement, one alternative per group with the group as its role name
(OpenAPI 3.1), and from it EditorRouter also writes the operation's `x-newsdesk-groups` extension, a
sentence of its description and its 403 response. The resolver reads the same declaration: it refuses
anonymous callers (401) and callers in none of the route's groups (403, a problem document naming the
groups) before routing, so the document says exactly what is enforced. Standard library and Powertools
only: the comment intake uses it without request validation, so pydantic stays out of its cold start.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
from collections.abc import Callable, Collection, Mapping
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.api_gateway import Route, Router
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from newsdesk.http.bodies import JSON, decode_json, media_type
from newsdesk.http.origin import through_distribution
from newsdesk.http.problems import (
    BodyTooLarge,
    GroupRequired,
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
# The security scheme of signed-in routes (declared in the OpenAPI document), and the operation extension
# that lists a route's groups.
TOKEN_SCHEME = "editorToken"
GROUPS_EXTENSION = "x-newsdesk-groups"

Security = list[dict[str, list[str]]]


def allow(*group_names: str) -> Security:
    """The OpenAPI security requirement of a route open to members of any one of these groups: one
    alternative per group (OpenAPI: any one alternative satisfies it), the group as its role name."""
    if not group_names:
        raise ValueError("a signed-in route names at least one group")
    return [{TOKEN_SCHEME: [name]} for name in group_names]


def allowed_groups(security: Security | None) -> tuple[str, ...]:
    """The groups a security requirement allows, in the order declared; () for a public route. A
    requirement that names no group (a bare bearer token) is for editors."""
    if not security:
        return ()
    names = [name for requirement in security for scopes in requirement.values() for name in scopes]
    return tuple(dict.fromkeys(names)) or (EDITORS_GROUP,)


def groups_sentence(group_names: Collection[str]) -> str:
    """The sentence of an OpenAPI operation's description that names the groups its route needs."""
    names = [f"`{name}`" for name in group_names]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    plural = "group" if len(names) == 1 else "groups"
    return f"Needs a Cognito bearer token of a member of the {listed} {plural}."


# The OpenAPI security requirement of editor-only routes.
EDITOR_SECURITY: Security = allow(EDITORS_GROUP)


def editor_name(claims: Mapping[str, Any]) -> str:
    """Who the signed-in caller is, for audit fields such as `moderated_by`."""
    return str(claims.get("cognito:username") or claims.get("username") or claims.get("sub") or "editor")


def caller_claims(event: APIGatewayProxyEvent) -> dict[str, Any]:
    return event.request_context.authorizer.claims or {}


def groups(event: Mapping[str, Any]) -> set[str]:
    """The caller's Cognito groups, exactly as the verified ID token lists them.

    API Gateway REST APIs flatten `cognito:groups` in `requestContext.authorizer.claims` into one string
    ("editors,admins" or "[editors, admins]"), and a group name may itself contain a comma or a space, so
    that string cannot be split truthfully: a user whose only group is "readers,editors" would read as an
    editor. The list is read instead from the token the Cognito authorizer verified before the function
    ran: the `Authorization` header (the authorizer's identity source), whose payload is decoded here. Its
    signature was checked by API Gateway; the payload must also name the same subject and token as the
    authorizer's claims, so a request whose header is not the token that was verified has no groups.
    Anything unexpected (no token, two Authorization headers, a payload that is not JSON, groups that are
    not a list of strings) means no groups.
    """
    context = event.get("requestContext") or {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    token = _authorization_token(event)
    if not claims.get("sub") or token is None:
        return set()
    payload = _jwt_payload(token)
    if payload is None:
        return set()
    for name in ("sub", "jti", "origin_jti", "event_id", "aud", "token_use"):
        if name in claims and str(payload.get(name)) != str(claims[name]):
            return set()
    listed = payload.get("cognito:groups", [])
    if not isinstance(listed, list) or not all(isinstance(g, str) for g in listed):
        return set()
    return set(listed)


def _authorization_token(event: Mapping[str, Any]) -> str | None:
    values = [
        value
        for name, many in (event.get("multiValueHeaders") or {}).items()
        if name.lower() == "authorization"
        for value in many or []
    ]
    if not values:
        values = [v for k, v in (event.get("headers") or {}).items() if k.lower() == "authorization"]
    if len(values) != 1 or not isinstance(values[0], str):
        return None
    value = values[0].strip()
    return value[7:].strip() if value[:7].lower() == "bearer " else value


def _jwt_payload(token: str) -> dict[str, Any] | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


# Router.route's parameters without `self`: the decorators (get, post ...) pass them all by position.
_ROUTE_SIGNATURE = inspect.Signature(list(inspect.signature(Router.route).parameters.values())[1:])


def _with_security(
    route: Callable[..., Any],
    security: Security | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """Call Powertools' `route(...)` with `security` filled in where the route gives none, and what the
    security requirement says written into the route's OpenAPI operation: its groups as the
    GROUPS_EXTENSION, a sentence of its description, and a 403 among its responses."""
    bound = _ROUTE_SIGNATURE.bind(*args, **kwargs)
    if bound.arguments.get("security") is None:
        bound.arguments["security"] = security
    names = allowed_groups(bound.arguments["security"])
    if names:
        bound.arguments["openapi_extensions"] = {
            **(bound.arguments.get("openapi_extensions") or {}),
            GROUPS_EXTENSION: list(names),
        }
        description = bound.arguments.get("description")
        bound.arguments["description"] = " ".join(filter(None, [description, groups_sentence(names)]))
        responses = dict(bound.arguments.get("responses") or {})
        responses.setdefault(HTTPStatus.FORBIDDEN.value, {"description": "Not a member of these groups"})
        bound.arguments["responses"] = responses
    return route(*bound.args, **bound.kwargs)


class EditorRouter(Router):
    """A router whose every route needs a signed-in caller: by default a member of the editors group; a
    route may name other groups with `groups=(...)` (any one of them will do). Declared once, on the
    route; the resolver enforces it and the OpenAPI document shows it."""

    def __init__(self, security: Security = EDITOR_SECURITY) -> None:
        super().__init__()
        self.security = security

    def route(self, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        if groups is not None:
            kwargs["security"] = allow(*groups)
        return _with_security(super().route, self.security, args, kwargs)

    # The method decorators take `groups` too (Powertools' pass their arguments on by position).
    def get(self, rule: str, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        return super().get(rule, *args, **_secured(groups, kwargs))

    def post(self, rule: str, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        return super().post(rule, *args, **_secured(groups, kwargs))

    def put(self, rule: str, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        return super().put(rule, *args, **_secured(groups, kwargs))

    def patch(self, rule: str, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        return super().patch(rule, *args, **_secured(groups, kwargs))

    def delete(self, rule: str, *args: Any, groups: Collection[str] | None = None, **kwargs: Any) -> Any:
        return super().delete(rule, *args, **_secured(groups, kwargs))


def _secured(groups: Collection[str] | None, kwargs: dict[str, Any]) -> dict[str, Any]:
    if groups is None:
        return kwargs
    if kwargs.get("security") is not None:
        raise TypeError("a route declares `groups` or `security`, not both")
    return {**kwargs, "security": allow(*groups)}


class NewsdeskResolver(APIGatewayRestResolver):
    """A REST resolver that refuses oversize bodies and unauthenticated calls before routing, and answers
    every error with a problem document.

    `unexpected` is the problem of a fault of ours (logged with its trace). `html_problems(event)` says
    whether a request wants problems as a small HTML page (a browser's form post) rather than JSON; the
    page links back to `context["back"]` (a route sets it) or `/`. `headers` go on every response.
    With `origin_secrets`, a request without one of them in X-Origin-Verify (one that did not come
    through the distribution) is refused with a 403 before anything else (newsdesk.http.origin).
    """

    def __init__(
        self,
        *,
        enable_validation: bool = True,
        max_request_bytes: int | None = None,
        unexpected: Problem | None = None,
        html_problems: Callable[[APIGatewayProxyEvent], bool] | None = None,
        headers: Mapping[str, str] | None = None,
        origin_secrets: Collection[str] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("json_body_deserializer", decode_json)
        super().__init__(enable_validation=enable_validation, **kwargs)
        self.origin_secrets = tuple(origin_secrets)
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

    def groups_needed(self, method: str, path: str) -> tuple[str, ...]:
        """The groups a request must come from a member of (any one of them); () when it may come from
        anyone. A route's own groups; with another method, on a path of an API that has signed-in routes,
        those of the path's routes (callers outside them learn no Allow list there). Unknown paths are a
        404 for anyone."""
        route = self.matching_route(method, path)
        if route is not None:
            return allowed_groups(route.security)
        if not self.allowed_methods(path):
            return ()
        secured = [r for r in self._routes() if r.security]
        if not secured:
            return ()
        here = [r for r in secured if r.rule.match(path)] or secured
        return tuple(dict.fromkeys(name for r in here for name in allowed_groups(r.security)))

    def needs_editor(self, method: str, path: str) -> bool:
        """Whether a request must come from a signed-in member of some group (see groups_needed)."""
        return bool(self.groups_needed(method, path))

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
        if self.origin_secrets and not through_distribution(event, self.origin_secrets):
            return self._refuse(
                problem(
                    HTTPStatus.FORBIDDEN,
                    "Send requests to the site's address, not to the API's own endpoint.",
                )
            )
        body = event.get("body") or ""
        # A text body arrives decoded: count its UTF-8 bytes, not its characters.
        size = len(body) * 3 / 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
        if self.max_request_bytes is not None and size > self.max_request_bytes:
            return self._refuse(request_problem(BodyTooLarge(self.max_request_bytes)))
        method = str(event.get("httpMethod", "")).upper()
        path = str(event.get("path", ""))
        needed = self.groups_needed(method, path)
        if needed:
            return self._authorize(event, needed)
        return None

    def _authorize(self, event: Mapping[str, Any], needed: tuple[str, ...]) -> dict[str, Any] | None:
        claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
        if not claims.get("sub"):
            return self._refuse(
                problem(
                    HTTPStatus.UNAUTHORIZED,
                    "Sign in: this route needs an editor's bearer token.",
                    headers={"WWW-Authenticate": 'Bearer realm="newsdesk"'},
                )
            )
        if not groups(event) & set(needed):
            return self._refuse(request_problem(GroupRequired(needed)))
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
