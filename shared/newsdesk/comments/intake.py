"""The public comment intake: validate a reader's comment, check it against the rules that need no
moderator, and put it on the queue. It never writes the table.

`POST /api/articles/{id}/comments` takes JSON (→ 202 `{"id", "status": "pending"}`) or a plain HTML
form post (→ 303 to the article's page at `#comment-pending`, a notice shown by CSS alone).
`GET /api/articles/{id}/comment-token` gives the form a fresh token (the page's script asks for it).

Refusals are RFC 9457 problem documents naming the failing field (the shape of newsdesk.api.problems,
built here without pydantic); a form post that accepts HTML gets the same refusal as a small page.
This is a hand-written handler, not the Powertools resolver, and it uses the standard library only (plus
Powertools' logger), so its cold start is the smallest of all the functions: boto3 is imported when the
first request needs AWS.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from html import escape
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aws_lambda_powertools import Logger

from newsdesk.clock import epoch_seconds
from newsdesk.comments import keys
from newsdesk.comments.fields import FieldError, InvalidSubmission, Submission, validate
from newsdesk.comments.ids import new_ulid
from newsdesk.comments.messages import CommentMessage
from newsdesk.comments.tokens import (
    MAX_AGE_SECONDS,
    MIN_FILL_SECONDS,
    KmsMac,
    Mac,
    TokenRefused,
    check_token,
    email_hash,
    ip_hash,
    make_token,
)
from newsdesk.store.attributes import sort_time

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

logger = Logger(child=True)

PROBLEM_JSON = "application/problem+json"
FORM = "application/x-www-form-urlencoded"
MAX_REQUEST_BYTES = 16 * 1024
FLOOD_SECONDS = 15
PENDING_ANCHOR = "comment-pending"
_ULID = re.compile(r"^[0-7][0-9A-HJKMNP-TV-Z]{25}$")
_HISTORY_PAGES = 5


# ----- settings ------------------------------------------------------------------------------------


class IntakeSettingsError(RuntimeError):
    """The intake function's environment is missing or has a malformed setting."""


@dataclass(frozen=True)
class IntakeSettings:
    """Read from TABLE_NAME, COMMENTS_QUEUE_URL, COMMENTS_MAC_KEY_ID and COMMENTS_OPEN_DAYS.

    A dataclass, not a pydantic model like the other functions' settings: pydantic would be most of this
    function's cold start.
    """

    table_name: str
    queue_url: str
    mac_key_id: str
    open_days: int = 14
    min_fill_seconds: int = MIN_FILL_SECONDS
    flood_seconds: int = FLOOD_SECONDS

    @property
    def token_max_age(self) -> int:
        """Long enough for a page rendered when its article was published, while comments are open."""
        return max(MAX_AGE_SECONDS, (self.open_days + 1) * 86400)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> IntakeSettings:
        env = os.environ if environ is None else environ
        problems: list[str] = []

        def text(name: str, pattern: str) -> str:
            value = env.get(name, "")
            if not value:
                problems.append(f"{name}: is required")
            elif not re.match(pattern, value):
                problems.append(f"{name}: {value!r} does not match {pattern}")
            return value

        table = text("TABLE_NAME", r"^[A-Za-z0-9_.-]{3,255}$")
        queue = text("COMMENTS_QUEUE_URL", r"^https?://\S+$")
        key = text("COMMENTS_MAC_KEY_ID", r"^\S{1,2048}$")
        days_text = env.get("COMMENTS_OPEN_DAYS", "14").strip()
        days = int(days_text) if days_text.isdigit() else -1
        if not 0 <= days <= 3650:
            problems.append(f"COMMENTS_OPEN_DAYS: {days_text!r} is not a whole number from 0 to 3650")
        if problems:
            raise IntakeSettingsError(f"{cls.__name__} is not configured: {'; '.join(problems)}")
        return cls(table_name=table, queue_url=queue, mac_key_id=key, open_days=days)


@cache
def intake_settings() -> IntakeSettings:
    return IntakeSettings.from_env()


# ----- refusals ------------------------------------------------------------------------------------


@dataclass
class Refusal(Exception):
    status: int
    detail: str
    type: str = "about:blank"
    title: str | None = None
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    back: str | None = None  # the article's page, for the link on a refusal shown as HTML

    def problem(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "type": self.type,
            "title": self.title or HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
        }
        if self.errors:
            doc["errors"] = [
                {"field": e.field, "location": e.location, "message": e.message} for e in self.errors
            ]
        return doc


def _invalid(errors: list[FieldError]) -> Refusal:
    return Refusal(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        "; ".join(f"{e.field}: {e.message}" for e in errors),
        type="urn:newsdesk:problem:validation",
        title="The comment is not valid",
        errors=errors,
    )


def _token_refusal(refused: TokenRefused) -> Refusal:
    if refused.reason == "early":
        return Refusal(
            HTTPStatus.TOO_MANY_REQUESTS,
            "The form was sent within seconds of opening the page; wait a moment and send it again.",
            type="urn:newsdesk:problem:too-fast",
            title="Sent too quickly",
            errors=[FieldError("token", "was issued too recently")],
            headers={"Retry-After": str(refused.retry_after)},
        )
    message = "has expired" if refused.reason == "expired" else "is not a token this site issued"
    return Refusal(
        HTTPStatus.UNPROCESSABLE_ENTITY,
        f"token: {message}; reload the article and send the comment again.",
        type="urn:newsdesk:problem:validation",
        title="The comment form has expired",
        errors=[FieldError("token", message)],
    )


# ----- the article ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenArticle:
    id: str
    url: str
    closes_at: dt.datetime


def closes_at(published_at: dt.datetime, open_days: int) -> dt.datetime:
    return published_at + dt.timedelta(days=open_days)


# ----- the request ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    resource: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    source_ip: str
    path_parameters: dict[str, str]

    @classmethod
    def from_event(cls, event: Mapping[str, Any]) -> Request:
        headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
        for name, values in (event.get("multiValueHeaders") or {}).items():
            if values and name.lower() not in headers:
                headers[name.lower()] = str(values[-1])
        raw = event.get("body") or ""
        if event.get("isBase64Encoded"):
            try:
                body = base64.b64decode(raw)
            except (binascii.Error, ValueError):
                body = b""
        else:
            body = raw.encode("utf-8")
        identity = (event.get("requestContext") or {}).get("identity") or {}
        return cls(
            method=str(event.get("httpMethod", "")).upper(),
            path=str(event.get("path", "")),
            resource=str(event.get("resource", "")),
            headers=headers,
            body=body,
            source_ip=str(identity.get("sourceIp") or ""),
            path_parameters={str(k): str(v) for k, v in (event.get("pathParameters") or {}).items()},
        )

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def is_form(self) -> bool:
        return self.content_type == FORM

    @property
    def wants_html(self) -> bool:
        return self.is_form and "text/html" in self.headers.get("accept", "")

    @property
    def client_ip(self) -> str:
        """The reader's address.

        API Gateway gives the viewer's address as sourceIp when the request came through CloudFront
        (it is then also in X-Forwarded-For, as in events/editor_api/*.json). If sourceIp is not in
        X-Forwarded-For, it is the address of a proxy in between, and the viewer's is the last entry of
        X-Forwarded-For: the one the proxy appended, after anything the viewer may have forged.
        """
        forwarded = [p.strip() for p in self.headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if not forwarded or self.source_ip in forwarded:
            return self.source_ip or "unknown"
        return forwarded[-1]

    def article_id(self) -> str:
        article_id = self.path_parameters.get("id")
        if article_id is None:
            parts = self.path.strip("/").split("/")
            article_id = parts[2] if len(parts) >= 4 and parts[:2] == ["api", "articles"] else ""
        if not _ULID.match(article_id):
            raise Refusal(
                HTTPStatus.NOT_FOUND,
                f"No article has the id {article_id!r}.",
                type="urn:newsdesk:problem:not-found",
            )
        return article_id

    def fields(self) -> dict[str, object]:
        if len(self.body) > MAX_REQUEST_BYTES:
            raise Refusal(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"The request body is larger than {MAX_REQUEST_BYTES} bytes.",
            )
        if self.is_form:
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refusal(HTTPStatus.BAD_REQUEST, "The form is not UTF-8 encoded.") from None
            return dict(parse_qsl(text, keep_blank_values=True))
        if self.content_type in ("application/json", ""):
            try:
                data = json.loads(self.body or b"null")
            except ValueError:
                raise Refusal(
                    HTTPStatus.BAD_REQUEST,
                    "The request body is not valid JSON.",
                    type="urn:newsdesk:problem:malformed-json",
                    title="Malformed JSON",
                ) from None
            if not isinstance(data, dict):
                raise _invalid([FieldError("body", "must be a JSON object with name, email and body")])
            return data
        raise Refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            f"Send the comment as application/json or as a form ({FORM}), not {self.content_type!r}.",
            headers={"Accept-Post": f"application/json, {FORM}"},
        )


# ----- the intake --------------------------------------------------------------------------------


class CommentIntake:
    """Handles the two public comment routes. Takes its AWS clients (and clock) for tests; builds the
    default clients on first use."""

    def __init__(
        self,
        settings: IntakeSettings,
        *,
        dynamodb: DynamoDBClient | None = None,
        sqs: SQSClient | None = None,
        mac: Mac | None = None,
        clock: Callable[[], float] = epoch_seconds,
    ) -> None:
        self.settings = settings
        self._dynamodb = dynamodb
        self._sqs = sqs
        self.mac: Mac = mac or KmsMac(settings.mac_key_id)
        self.clock = clock

    @property
    def dynamodb(self) -> DynamoDBClient:
        if self._dynamodb is None:
            import boto3

            self._dynamodb = boto3.client("dynamodb")
        return self._dynamodb

    @property
    def sqs(self) -> SQSClient:
        if self._sqs is None:
            import boto3

            self._sqs = boto3.client("sqs")
        return self._sqs

    # ----- routing ------------------------------------------------------------------------------

    def __call__(self, event: Mapping[str, Any]) -> dict[str, Any]:
        request = Request.from_event(event)
        route = request.resource or request.path
        back = "/"
        try:
            if route.endswith("/comment-token"):
                if request.method not in ("GET", "HEAD"):
                    raise Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "Use GET.", headers={"Allow": "GET, HEAD"})
                return self.token(request)
            if route.endswith("/comments"):
                if request.method != "POST":
                    raise Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "Use POST.", headers={"Allow": "POST"})
                return self.post(request)
            raise Refusal(HTTPStatus.NOT_FOUND, f"There is nothing at {request.path}.")
        except Refusal as refusal:
            return refusal_response(refusal, html=request.wants_html, back=refusal.back or back)
        except Exception:
            logger.exception("comment intake failed")
            unavailable = Refusal(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "The comment could not be taken; please try again.",
                headers={"Retry-After": "5"},
            )
            return refusal_response(unavailable, html=request.wants_html, back=back)

    # ----- GET comment-token ----------------------------------------------------------------------

    def token(self, request: Request) -> dict[str, Any]:
        now = self.clock()
        article = self.open_article(request.article_id(), now)
        issued = int(now)
        body = {
            "token": make_token(self.mac, article.id, issued),
            "issued_at": issued,
            "min_fill_seconds": self.settings.min_fill_seconds,
            "closes_at": article.closes_at.isoformat(timespec="seconds"),
        }
        return _json_response(HTTPStatus.OK, body)

    # ----- POST comments --------------------------------------------------------------------------

    def post(self, request: Request) -> dict[str, Any]:
        now = self.clock()
        data = request.fields()
        article = self.open_article(request.article_id(), now)
        try:
            try:
                submission = validate(data)
            except InvalidSubmission as exc:
                raise _invalid(exc.errors) from None
            return self._take(request, submission, article, now)
        except Refusal as refusal:
            refusal.back = article.url
            raise

    def _take(
        self, request: Request, submission: Submission, article: OpenArticle, now: float
    ) -> dict[str, Any]:
        comment_id = new_ulid(now)
        if submission.honeypot_filled:
            logger.info("comment dropped: honeypot filled", article_id=article.id)
            return _accepted(request, article, comment_id)
        token_valid = self._check_token(request, submission, article.id, now)
        ip = request.client_ip
        sender = email_hash(self.mac, submission.email_key)
        address = ip_hash(self.mac, ip)
        self._check_history(article.id, submission, sender, address, now)
        created = dt.datetime.fromtimestamp(now, dt.UTC)
        message = CommentMessage(
            id=comment_id,
            article_id=article.id,
            name=submission.name,
            email=submission.email,
            website=submission.website,
            body=submission.body,
            ip=ip,
            user_agent=request.headers.get("user-agent", "")[:512] or None,
            email_hash=sender,
            ip_hash=address,
            body_hash=submission.body_hash,
            created_at=created.isoformat(timespec="microseconds"),
            token_valid=token_valid,
        )
        self.sqs.send_message(QueueUrl=self.settings.queue_url, MessageBody=message.to_json())
        logger.info("comment queued", comment_id=comment_id, article_id=article.id, via_form=request.is_form)
        return _accepted(request, article, comment_id)

    def _check_token(self, request: Request, submission: Submission, article_id: str, now: float) -> bool:
        if submission.token is None:
            if request.is_form:
                raise _invalid(
                    [FieldError("token", "is missing; reload the article and send the form again")]
                )
            return False  # an API client: accepted, but always held for a moderator
        try:
            check_token(
                self.mac,
                submission.token,
                article_id,
                now,
                min_fill=self.settings.min_fill_seconds,
                max_age=self.settings.token_max_age,
            )
        except TokenRefused as refused:
            raise _token_refusal(refused) from None
        return True

    # ----- reads ------------------------------------------------------------------------------------

    def open_article(self, article_id: str, now: float) -> OpenArticle:
        """The article if it is published and open for comments: else 404 (unknown or not published)
        or 409 (comments closed)."""
        response = self.dynamodb.get_item(
            TableName=self.settings.table_name,
            Key={"PK": {"S": f"ARTICLE#{article_id}"}, "SK": {"S": "A"}},
            ProjectionExpression="#s, published_at, #u",
            ExpressionAttributeNames={"#s": "status", "#u": "url"},
        )
        item = response.get("Item") or {}
        status = item.get("status", {}).get("S")
        published = item.get("published_at", {}).get("S")
        url = item.get("url", {}).get("S")
        if status != "published" or not published or not url:
            raise Refusal(
                HTTPStatus.NOT_FOUND,
                f"No published article has the id {article_id!r}.",
                type="urn:newsdesk:problem:not-found",
            )
        closing = closes_at(dt.datetime.fromisoformat(published), self.settings.open_days)
        if self.settings.open_days == 0 or dt.datetime.fromtimestamp(now, dt.UTC) >= closing:
            refusal = Refusal(
                HTTPStatus.CONFLICT,
                "Comments on this article are closed.",
                type="urn:newsdesk:problem:comments-closed",
                title="Comments are closed",
            )
            refusal.back = url
            raise refusal
        return OpenArticle(id=article_id, url=url, closes_at=closing)

    def _check_history(
        self, article_id: str, submission: Submission, sender: str, address: str, now: float
    ) -> None:
        """409 for the same comment by the same sender on the same article; 429 for a comment by the same
        sender or from the same address within the flood interval (WordPress's order)."""
        window = self.settings.flood_seconds
        since = dt.datetime.fromtimestamp(now - window, dt.UTC)
        duplicate = False
        newest: str | None = None
        kwargs: dict[str, Any] = {
            "TableName": self.settings.table_name,
            "IndexName": keys.BY_SENDER,
            "KeyConditionExpression": "GSI2PK = :pk",
            "FilterExpression": "created_at > :since OR (article_id = :article AND body_hash = :body)",
            "ProjectionExpression": "created_at, article_id, body_hash",
            "ExpressionAttributeValues": {
                ":pk": {"S": keys.sender_partition(sender)},
                ":since": {"S": since.isoformat(timespec="microseconds")},
                ":article": {"S": article_id},
                ":body": {"S": submission.body_hash},
            },
            "ScanIndexForward": False,
        }
        for _ in range(_HISTORY_PAGES):
            response = self.dynamodb.query(**kwargs)
            for item in response.get("Items", []):
                created = item.get("created_at", {}).get("S", "")
                same = (
                    item.get("article_id", {}).get("S") == article_id
                    and item.get("body_hash", {}).get("S") == submission.body_hash
                )
                duplicate = duplicate or same
                if created > kwargs["ExpressionAttributeValues"][":since"]["S"]:
                    newest = max(newest or created, created)
            if "LastEvaluatedKey" not in response:
                break
            kwargs["ExclusiveStartKey"] = response["LastEvaluatedKey"]
        if duplicate:
            raise Refusal(
                HTTPStatus.CONFLICT,
                "You have already said that on this article.",
                type="urn:newsdesk:problem:duplicate-comment",
                title="Duplicate comment",
                errors=[FieldError("body", "duplicates a comment you already sent")],
            )
        by_address = self.dynamodb.query(
            TableName=self.settings.table_name,
            IndexName=keys.BY_IP,
            KeyConditionExpression="IPPK = :pk AND IPSK > :since",
            ExpressionAttributeValues={
                ":pk": {"S": keys.ip_partition(address)},
                ":since": {"S": sort_time(since)},
            },
            ProjectionExpression="created_at",
            ScanIndexForward=False,
            Limit=1,
        ).get("Items", [])
        if by_address:
            created = by_address[0].get("created_at", {}).get("S", "")
            newest = max(newest or created, created)
        if newest:
            elapsed = now - dt.datetime.fromisoformat(newest).timestamp()
            retry = max(1, math.ceil(round(window - elapsed, 3)))  # (stored times have microseconds)
            raise Refusal(
                HTTPStatus.TOO_MANY_REQUESTS,
                f"You are posting comments too quickly; wait {retry} seconds.",
                type="urn:newsdesk:problem:comment-flood",
                title="Slow down",
                headers={"Retry-After": str(retry)},
            )


# ----- responses ----------------------------------------------------------------------------------

_NO_STORE = {"Cache-Control": "no-store"}


def _json_response(
    status: int, body: dict[str, Any], content_type: str = "application/json"
) -> dict[str, Any]:
    return {
        "statusCode": int(status),
        "headers": {"Content-Type": content_type, **_NO_STORE},
        "body": json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        "isBase64Encoded": False,
    }


def _accepted(request: Request, article: OpenArticle, comment_id: str) -> dict[str, Any]:
    if request.is_form:
        return {
            "statusCode": HTTPStatus.SEE_OTHER,
            "headers": {"Location": f"{article.url}#{PENDING_ANCHOR}", **_NO_STORE},
            "body": "",
            "isBase64Encoded": False,
        }
    return _json_response(HTTPStatus.ACCEPTED, {"id": comment_id, "status": "pending"})


def refusal_response(refusal: Refusal, *, html: bool = False, back: str = "/") -> dict[str, Any]:
    if not html:
        response = _json_response(refusal.status, refusal.problem(), PROBLEM_JSON)
        response["headers"].update(refusal.headers)
        return response
    doc = refusal.problem()
    items = "".join(
        f"<li><strong>{escape(e['field'])}</strong> {escape(e['message'])}</li>"
        for e in doc.get("errors", [])
    )
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(doc['title'])}</title></head><body><main>"
        f"<h1>{escape(doc['title'])}</h1><p>{escape(doc['detail'])}</p>"
        + (f"<ul>{items}</ul>" if items else "")
        + f'<p><a href="{escape(back)}#comments">Back to the article</a></p></main></body></html>\n'
    )
    return {
        "statusCode": refusal.status,
        "headers": {"Content-Type": "text/html; charset=utf-8", **_NO_STORE, **refusal.headers},
        "body": page,
        "isBase64Encoded": False,
    }


# ----- the function's entry ------------------------------------------------------------------------


@cache
def default_intake() -> CommentIntake:
    return CommentIntake(intake_settings())


def handle(event: Mapping[str, Any], _context: Any = None) -> dict[str, Any]:
    return default_intake()(event)
