"""The public comment routes, on the same resolver and problem documents as the editor API.

`POST /api/articles/{id}/comments` takes JSON (→ 202 `{"id", "status": "pending"}`) or a plain HTML
form post (→ 303 to the article's page at `#comment-pending`, a notice shown by CSS alone).
`GET /api/articles/{id}/comment-token` gives the form a fresh token (the page's script asks for it).

Refusals are problem documents naming the failing field; a form post that accepts HTML gets the same
refusal as a small page linking back to the article. No request validation through pydantic here: the
resolver without it, and everything this module imports, keeps pydantic out of the intake's cold start.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent

from newsdesk.articles.errors import ArticleNotFound
from newsdesk.comments.errors import CommentsClosed, FieldError, InvalidSubmission
from newsdesk.comments.fields import PENDING_ANCHOR
from newsdesk.comments.intake import CommentIntake, Sender
from newsdesk.http.bodies import decode_json, media_type
from newsdesk.http.problems import BodyTooLarge, FormNotUtf8, MalformedBody, UnsupportedMediaType, problem
from newsdesk.http.resolver import NewsdeskResolver

FORM = "application/x-www-form-urlencoded"
MAX_REQUEST_BYTES = 16 * 1024
_ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
_NO_STORE = {"Cache-Control": "no-store"}


# ----- the request -----------------------------------------------------------------------------------


def _headers(event: Mapping[str, Any]) -> dict[str, str]:
    """The request's headers, names lower-cased (a multi-valued header: its last value)."""
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        if values and name.lower() not in headers:
            headers[name.lower()] = str(values[-1])
    return headers


def _content_type(headers: Mapping[str, str]) -> str:
    return media_type(headers.get("content-type"))


def is_form(event: APIGatewayProxyEvent) -> bool:
    return _content_type(_headers(event.raw_event)) == FORM


def wants_html(event: APIGatewayProxyEvent) -> bool:
    """A browser's form post: refusals go back to it as a page, not as JSON."""
    headers = _headers(event.raw_event)
    return _content_type(headers) == FORM and "text/html" in headers.get("accept", "")


def client_ip(event: Mapping[str, Any]) -> str:
    """The reader's address.

    API Gateway gives the viewer's address as sourceIp when the request came through CloudFront (it is
    then also in X-Forwarded-For, as in events/editor_api/*.json). If sourceIp is not in X-Forwarded-For,
    it is the address of a proxy in between, and the viewer's is the last entry of X-Forwarded-For: the
    one the proxy appended, after anything the viewer may have forged.
    """
    identity = (event.get("requestContext") or {}).get("identity") or {}
    source_ip = str(identity.get("sourceIp") or "")
    header = _headers(event).get("x-forwarded-for", "")
    forwarded = [p.strip() for p in header.split(",") if p.strip()]
    if not forwarded or source_ip in forwarded:
        return source_ip or "unknown"
    return forwarded[-1]


def _body(event: Mapping[str, Any]) -> bytes:
    raw = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return str(raw).encode("utf-8")
    try:
        return base64.b64decode(str(raw), validate=True)
    except (binascii.Error, ValueError):
        raise MalformedBody("The request body is not valid base64.") from None


def comment_fields(event: Mapping[str, Any]) -> dict[str, object]:
    """The fields of a comment, from a form post or a JSON object."""
    body = _body(event)
    if len(body) > MAX_REQUEST_BYTES:
        raise BodyTooLarge(MAX_REQUEST_BYTES)
    content_type = _content_type(_headers(event))
    if content_type == FORM:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise FormNotUtf8 from None
        return dict(parse_qsl(text, keep_blank_values=True))
    if content_type in ("application/json", ""):
        data = decode_json(body) if body else None
        if not isinstance(data, dict):
            raise InvalidSubmission([FieldError("body", "must be a JSON object with name, email and body")])
        return data
    raise UnsupportedMediaType(
        f"Send the comment as application/json or as a form ({FORM}), not {content_type!r}.",
        accepted=("application/json", FORM),
    )


def _article_id(article_id: str) -> str:
    if not _ULID.match(article_id):
        raise ArticleNotFound(article_id)
    return article_id


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(
        status_code=status,
        content_type="application/json",
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
    )


# ----- the routes ------------------------------------------------------------------------------------


def intake_api(intake: CommentIntake) -> NewsdeskResolver:
    """The comment intake's resolver: two public routes, every answer `Cache-Control: no-store`."""
    app = NewsdeskResolver(
        enable_validation=False,
        unexpected=problem(
            HTTPStatus.SERVICE_UNAVAILABLE,
            "The comment could not be taken; please try again.",
            headers={"Retry-After": "5"},
        ),
        html_problems=wants_html,
        headers=_NO_STORE,
    )

    @app.route("/api/articles/<article_id>/comment-token", ["GET", "HEAD"])
    def comment_token(article_id: str) -> Response:
        grant = intake.token(_article_id(article_id), intake.clock())
        return _json(
            HTTPStatus.OK,
            {
                "token": grant.token,
                "issued_at": grant.issued_at,
                "min_fill_seconds": grant.min_fill_seconds,
                "closes_at": grant.closes_at.isoformat(timespec="seconds"),
            },
        )

    @app.post("/api/articles/<article_id>/comments")
    def post_comment(article_id: str) -> Response:
        now = intake.clock()
        event = app.current_event
        data = comment_fields(event.raw_event)
        try:
            article = intake.open_article(_article_id(article_id), now)
        except CommentsClosed as closed:
            app.append_context(back=closed.url)
            raise
        app.append_context(back=article.url)
        sender = Sender(
            ip=client_ip(event.raw_event),
            user_agent=_headers(event.raw_event).get("user-agent", "")[:512] or None,
            via_form=is_form(event),
        )
        comment_id = intake.submit(article, data, sender, now)
        if sender.via_form:
            return Response(
                status_code=HTTPStatus.SEE_OTHER,
                headers={"Location": f"{article.url}#{PENDING_ANCHOR}"},
                body="",
            )
        return _json(HTTPStatus.ACCEPTED, {"id": comment_id, "status": "pending"})

    return app
