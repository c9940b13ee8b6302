"""The moderation API (editors only): routes over newsdesk.comments.moderation, in the editor API.

Moderators see what readers never do: the sender's email and IP address, decrypted here with KMS for the
response (this function alone may decrypt them), the user agent and why the rules held a comment.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated, Literal

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.articles.types import ArticleId
from newsdesk.clock import utc_now
from newsdesk.comments import moderation as service
from newsdesk.comments.errors import CommentChanged, CommentNotFound
from newsdesk.comments.models import Comment, CommentId, CommentStatus
from newsdesk.comments.ports import Cipher, CommentStore
from newsdesk.http import if_match as conditions
from newsdesk.http.if_match import etag, parse_if_match
from newsdesk.http.problems import problem_for
from newsdesk.http.resolver import EditorRouter, caller_claims, editor_name
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)

_AUTH = problem_responses(401, 403)
ModerationStatus = Literal["approved", "pending", "rejected", "spam"]
CommentIdParam = Annotated[CommentId, Path(description="The comment's id (a ULID).")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='Optional: the ETag of the version being moderated, e.g. "1", or a list of them, or * '
        "(the comment exists). Compared strongly (RFC 9110): a weak or unknown entity tag is a 412, a "
        "value that is not a list of entity tags a 400.",
    ),
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


# ----- mapping ---------------------------------------------------------------------------------------


def moderator_view(comment: Comment, cipher: Cipher | None) -> ModeratorComment:
    def reveal(ciphertext: bytes) -> str | None:
        if cipher is None:
            return None
        try:
            return cipher.decrypt(ciphertext, comment.id)
        except Exception:  # a bad ciphertext must not hide the comment from moderators
            logger.warning("comment field not decrypted", comment_id=comment.id, exc_info=True)
            return None

    return ModeratorComment(
        id=comment.id,
        article_id=comment.article_id,
        status=comment.status,
        reason=comment.reason,
        name=comment.name,
        email=reveal(comment.email_ciphertext),
        ip=reveal(comment.ip_ciphertext),
        website=comment.website,
        body=comment.body,
        created_at=comment.created_at,
        user_agent=comment.user_agent,
        via_form=comment.via_form,
        version=comment.version,
        moderated_by=comment.moderated_by,
        moderated_at=comment.moderated_at,
    )


def expected_version(store: CommentStore, comment_id: str, if_match: str | None) -> int | None:
    """The version a write of the comment must find stored, from its If-Match (RFC 9110); None when the
    header is absent (optional for comments: moderation is idempotent). 400 for a malformed header, 412 for
    a condition that does not hold (`*` on a missing comment included), 404 for entity tags on a missing
    comment."""
    condition = parse_if_match(if_match)

    def stored() -> int | None:
        try:
            return service.get_comment(store, comment_id).version
        except CommentNotFound:
            return None

    try:
        return conditions.expected_version(condition, stored)
    except conditions.ConditionFailed as failed:
        if failed.missing and not condition.any:
            raise CommentNotFound(comment_id) from None
        raise CommentChanged(comment_id, None) from None


# ----- routes -----------------------------------------------------------------------------------------


def moderation_router(store: CommentStore, cipher: Cipher | None) -> EditorRouter:
    """The moderation routes over `store`; `cipher` reveals senders' emails and IPs (None: it does not)."""
    router = EditorRouter()

    def view(comment: Comment) -> ModeratorComment:
        return moderator_view(comment, cipher)

    def moderator() -> str:
        event = router.current_event
        assert isinstance(event, APIGatewayProxyEvent)
        return editor_name(caller_claims(event))

    def comment_response(status: int, comment: Comment) -> Response[ModeratorComment]:
        return Response(
            status_code=status,
            content_type="application/json",
            body=view(comment),
            headers={"ETag": etag(comment.version)},
        )

    @router.get(
        "/api/comments",
        summary="The moderation queue",
        tags=["comments"],
        responses={
            200: {
                "description": "A page of comments",
                "content": {"application/json": {"model": CommentList}},
            },
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
        page = service.list_comments(store, status=status, article_id=article_id, limit=limit, cursor=cursor)
        return CommentList(items=[view(c) for c in page.items], next_cursor=page.next_cursor)

    @router.post(
        "/api/comments/bulk",
        summary="Moderate a page of the queue at once",
        tags=["comments"],
        responses={
            200: {"description": "One result per id", "content": {"application/json": {"model": BulkResult}}},
            **problem_responses(400, 413, 415, 422),
            **_AUTH,
        },
    )
    def bulk_moderate(action: Annotated[BulkModeration, Body()]) -> BulkResult:
        outcomes = service.set_status_many(
            store, list(action.ids), CommentStatus(action.status), moderator=moderator(), now=utc_now()
        )
        results = []
        for outcome in outcomes:
            if outcome.comment is not None:
                results.append(BulkItem(id=outcome.id, status=HTTPStatus.OK, comment=view(outcome.comment)))
                continue
            doc = problem_for(outcome.error) if outcome.error else None
            results.append(
                BulkItem(
                    id=outcome.id,
                    status=doc.status if doc else HTTPStatus.INTERNAL_SERVER_ERROR,
                    detail=doc.detail if doc else None,
                )
            )
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
        return comment_response(HTTPStatus.OK, service.get_comment(store, comment_id))

    @router.patch(
        "/api/comments/<comment_id>",
        summary="Approve, hold, reject or mark as spam",
        tags=["comments"],
        responses={
            200: {"description": "The comment", "content": {"application/json": {"model": ModeratorComment}}},
            **problem_responses(400, 404, 412, 413, 415, 422),
            **_AUTH,
        },
    )
    def moderate_comment(
        comment_id: CommentIdParam, change: Annotated[StatusChange, Body()], if_match: IfMatch = None
    ) -> Response[ModeratorComment]:
        comment = service.set_status(
            store,
            comment_id,
            CommentStatus(change.status),
            moderator=moderator(),
            now=utc_now(),
            expected_version=expected_version(store, comment_id, if_match),
        )
        logger.info(
            "comment moderated", comment_id=comment_id, status=comment.status, version=comment.version
        )
        return comment_response(HTTPStatus.OK, comment)

    @router.delete(
        "/api/comments/<comment_id>",
        summary="Delete a comment for good",
        tags=["comments"],
        responses={204: {"description": "Deleted"}, **problem_responses(400, 404, 412, 422), **_AUTH},
    )
    def delete_comment(comment_id: CommentIdParam, if_match: IfMatch = None) -> Response[None]:
        service.delete_comment(
            store, comment_id, expected_version=expected_version(store, comment_id, if_match)
        )
        logger.info("comment deleted", comment_id=comment_id)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)

    return router
