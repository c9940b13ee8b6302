"""The moderation API (editors only): routes over newsdesk.comments.service, included by the editor API.

Moderators see what readers never do: the sender's email and IP address, decrypted here with KMS for the
response (this function alone may decrypt them), the user agent and why the rules held a comment.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from http import HTTPStatus
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.api.http import editor_name, json_response
from newsdesk.api.problems import problem_responses
from newsdesk.clock import utc_now
from newsdesk.comments import service
from newsdesk.comments.crypto import Cipher, KmsCipher
from newsdesk.comments.models import Comment, CommentId, CommentStatus
from newsdesk.config import editor_api_settings
from newsdesk.domain.errors import CommentChanged, CommentNotFound, DomainError
from newsdesk.domain.types import ArticleId
from newsdesk.store.comments import CommentStore

logger = Logger(child=True)
router = Router()

_AUTH = problem_responses(401, 403)
_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')
ModerationStatus = Literal["approved", "pending", "rejected", "spam"]
CommentIdParam = Annotated[CommentId, Path(description="The comment's id (a ULID).")]
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The ETag of the version being moderated, e.g. "1". Optional.'),
]


# ----- models ---------------------------------------------------------------------------------------


class ModeratorComment(BaseModel):
    """A comment as moderators see it, with the sender's email and IP address."""

    id: str
    article_id: str
    status: CommentStatus
    reason: str | None = Field(description="Why the rules held it or marked it spam, if they did.")
    name: str
    email: str | None = Field(description="Never published. Null if it cannot be decrypted.")
    ip: str | None = Field(description="Never published. Null if it cannot be decrypted.")
    website: str | None
    body: str
    created_at: dt.datetime
    user_agent: str | None
    via_form: bool = Field(description="Sent through the site's form with a valid token.")
    version: int
    moderated_by: str | None
    moderated_at: dt.datetime | None


class CommentList(BaseModel):
    items: list[ModeratorComment]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")


class StatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ModerationStatus


class BulkModeration(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: list[CommentId] = Field(min_length=1, max_length=service.MAX_BULK)
    status: ModerationStatus


class BulkItem(BaseModel):
    id: str
    status: int = Field(description="The HTTP status this comment alone would have had.")
    comment: ModeratorComment | None = None
    detail: str | None = None


class BulkResult(BaseModel):
    results: list[BulkItem]


# ----- wiring ----------------------------------------------------------------------------------------


@cache
def get_comment_store() -> CommentStore:
    return CommentStore(editor_api_settings().table_name)


@cache
def get_cipher() -> Cipher | None:
    key = editor_api_settings().comments_data_key_id
    return KmsCipher(key) if key else None


def _reveal(ciphertext: bytes, comment_id: str) -> str | None:
    cipher = get_cipher()
    if cipher is None:
        return None
    try:
        return cipher.decrypt(ciphertext, comment_id)
    except Exception:  # a bad ciphertext must not hide the comment from moderators
        logger.warning("comment field not decrypted", comment_id=comment_id, exc_info=True)
        return None


def moderator_view(comment: Comment) -> ModeratorComment:
    return ModeratorComment(
        id=comment.id,
        article_id=comment.article_id,
        status=comment.status,
        reason=comment.reason,
        name=comment.name,
        email=_reveal(comment.email_ciphertext, comment.id),
        ip=_reveal(comment.ip_ciphertext, comment.id),
        website=comment.website,
        body=comment.body,
        created_at=comment.created_at,
        user_agent=comment.user_agent,
        via_form=comment.via_form,
        version=comment.version,
        moderated_by=comment.moderated_by,
        moderated_at=comment.moderated_at,
    )


def _moderator() -> str:
    event = router.current_event
    assert isinstance(event, APIGatewayProxyEvent)
    return editor_name(event.request_context.authorizer.claims or {})


def _expected(if_match: str | None, comment_id: str) -> int | None:
    """The version If-Match names (optional for comments: moderation is idempotent)."""
    if if_match is None or not if_match.strip() or if_match.strip() == "*":
        return None
    match = _ETAG.match(if_match)
    if match is None:
        raise CommentChanged(comment_id, None)
    return int(match.group(1))


def _comment_response(status: int, comment: Comment) -> Response[ModeratorComment]:
    return json_response(status, moderator_view(comment), headers={"ETag": f'"{comment.version}"'})


def _problem_status(error: DomainError) -> int:
    return HTTPStatus.NOT_FOUND if isinstance(error, CommentNotFound) else HTTPStatus.PRECONDITION_FAILED


# ----- routes -----------------------------------------------------------------------------------------


@router.get(
    "/api/comments",
    summary="The moderation queue",
    tags=["comments"],
    responses={
        200: {"description": "A page of comments", "content": {"application/json": {"model": CommentList}}},
        **problem_responses(400, 422),
        **_AUTH,
    },
)
def list_comments(
    status: Annotated[CommentStatus, Query(description="Comments in this state (default pending).")] = (
        CommentStatus.PENDING
    ),
    article_id: Annotated[ArticleId | None, Query(description="Only this article's comments.")] = None,
    cursor: Annotated[str | None, Query(max_length=2048, description="From the previous page.")] = None,
    limit: Annotated[int, Query(), Field(ge=1, le=100)] = 20,
) -> CommentList:
    page = service.list_comments(
        get_comment_store(), status=status, article_id=article_id, limit=limit, cursor=cursor
    )
    return CommentList(items=[moderator_view(c) for c in page.items], next_cursor=page.next_cursor)


@router.post(
    "/api/comments/bulk",
    summary="Moderate a page of the queue at once",
    tags=["comments"],
    responses={
        200: {"description": "One result per id", "content": {"application/json": {"model": BulkResult}}},
        **problem_responses(400, 422),
        **_AUTH,
    },
)
def bulk_moderate(action: Annotated[BulkModeration, Body()]) -> BulkResult:
    outcomes = service.set_status_many(
        get_comment_store(),
        list(action.ids),
        CommentStatus(action.status),
        moderator=_moderator(),
        now=utc_now(),
    )
    results = [
        BulkItem(id=o.id, status=HTTPStatus.OK, comment=moderator_view(o.comment))
        if o.comment is not None
        else BulkItem(
            id=o.id,
            status=_problem_status(o.error) if o.error else HTTPStatus.INTERNAL_SERVER_ERROR,
            detail=o.error.detail if o.error else None,
        )
        for o in outcomes
    ]
    logger.info("comments moderated in bulk", status=action.status, count=len(results))
    return BulkResult(results=results)


@router.get(
    "/api/comments/<comment_id>",
    summary="One comment, with the sender's email and IP",
    tags=["comments"],
    responses={
        200: {"description": "The comment", "content": {"application/json": {"model": ModeratorComment}}},
        **problem_responses(404, 422),
        **_AUTH,
    },
)
def get_comment(comment_id: CommentIdParam) -> Response[ModeratorComment]:
    return _comment_response(HTTPStatus.OK, service.get_comment(get_comment_store(), comment_id))


@router.patch(
    "/api/comments/<comment_id>",
    summary="Approve, hold, reject or mark as spam",
    tags=["comments"],
    responses={
        200: {"description": "The comment", "content": {"application/json": {"model": ModeratorComment}}},
        **problem_responses(400, 404, 412, 422),
        **_AUTH,
    },
)
def moderate_comment(
    comment_id: CommentIdParam, change: Annotated[StatusChange, Body()], if_match: IfMatch = None
) -> Response[ModeratorComment]:
    comment = service.set_status(
        get_comment_store(),
        comment_id,
        CommentStatus(change.status),
        moderator=_moderator(),
        now=utc_now(),
        expected_version=_expected(if_match, comment_id),
    )
    logger.info("comment moderated", comment_id=comment_id, status=comment.status, version=comment.version)
    return _comment_response(HTTPStatus.OK, comment)


@router.delete(
    "/api/comments/<comment_id>",
    summary="Delete a comment for good",
    tags=["comments"],
    responses={204: {"description": "Deleted"}, **problem_responses(404, 412, 422), **_AUTH},
)
def delete_comment(comment_id: CommentIdParam, if_match: IfMatch = None) -> Response[None]:
    service.delete_comment(get_comment_store(), comment_id, expected_version=_expected(if_match, comment_id))
    logger.info("comment deleted", comment_id=comment_id)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)
