"""The editor API's revision routes: an article's saved versions, one of them with what
differs from the current version, and restoring one as a new version (newsdesk.articles.revisions).

Writers read the revisions of their own articles; editors read any and restore. Every answer carries the
ETag of the article's current version: it is what a restore's If-Match names.
"""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, Field

from newsdesk.articles import revisions, roles
from newsdesk.articles.models import ArticleStatus, Revision
from newsdesk.articles.ports import RevisionRepository
from newsdesk.http.articles import ArticleIdParam, IfMatch, required_version
from newsdesk.http.callers import current_caller
from newsdesk.http.if_match import etag
from newsdesk.http.models import ArticleOut, article_out
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)

_AUTH = problem_responses(401, 403)
VersionParam = Annotated[int, Path(description="A version number of the article.", ge=1, le=99_999_999)]


class RevisionSummary(BaseModel):
    version: int
    saved_at: dt.datetime
    headline: str
    status: ArticleStatus
    current: bool = Field(description="Whether this is the article's current version.")


class RevisionList(BaseModel):
    article_id: str
    current_version: int
    items: list[RevisionSummary] = Field(description="Saved versions, newest first.")
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class FieldDiffOut(BaseModel):
    field: str
    diff: str = Field(description="Unified diff from this version (`field@vN`) to the current one.")


class RevisionOut(BaseModel):
    version: int
    saved_at: dt.datetime
    current_version: int
    article: ArticleOut = Field(description="The article as it was saved at this version.")
    changes: list[FieldDiffOut] = Field(
        description="The fields that differ in the current version; empty when they are the same."
    )


def _summary(revision: Revision, current_version: int) -> RevisionSummary:
    return RevisionSummary(
        version=revision.version,
        saved_at=revision.saved_at,
        headline=revision.article.headline,
        status=revision.article.status,
        current=revision.version == current_version,
    )


def revisions_router(store: RevisionRepository) -> EditorRouter:
    router = EditorRouter()

    @router.get(
        "/api/articles/<article_id>/revisions",
        groups=roles.STAFF,
        summary="List an article's saved versions",
        description="Writers list the revisions of their own articles only.",
        tags=["revisions"],
        responses={
            200: {
                "description": "A page of revisions",
                "content": {"application/json": {"model": RevisionList}},
            },
            **problem_responses(400, 404, 422),
            **_AUTH,
        },
    )
    def list_revisions(
        article_id: ArticleIdParam,
        cursor: Annotated[str | None, Query(max_length=2048, description="From the previous page.")] = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> Response[RevisionList]:
        current, page = revisions.list_revisions(store, article_id, limit=limit, cursor=cursor)
        roles.ensure_may_read_history(current_caller(router), current)
        body = RevisionList(
            article_id=current.id,
            current_version=current.version,
            items=[_summary(r, current.version) for r in page.items],
            next_cursor=page.next_cursor,
        )
        return Response(
            status_code=HTTPStatus.OK,
            content_type="application/json",
            body=body,
            headers={"ETag": etag(current.version)},
        )

    @router.get(
        "/api/articles/<article_id>/revisions/<version>",
        groups=roles.STAFF,
        summary="Show a saved version, with a diff against the current one",
        description="Writers see the revisions of their own articles only.",
        tags=["revisions"],
        responses={
            200: {"description": "The revision", "content": {"application/json": {"model": RevisionOut}}},
            **problem_responses(404, 422),
            **_AUTH,
        },
    )
    def show_revision(article_id: ArticleIdParam, version: VersionParam) -> Response[RevisionOut]:
        view = revisions.show_revision(store, article_id, version)
        roles.ensure_may_read_history(current_caller(router), view.current)
        body = RevisionOut(
            version=view.revision.version,
            saved_at=view.revision.saved_at,
            current_version=view.current.version,
            article=article_out(view.revision.article),
            changes=[FieldDiffOut(field=c.field, diff=c.diff) for c in view.changes],
        )
        return Response(
            status_code=HTTPStatus.OK,
            content_type="application/json",
            body=body,
            headers={"ETag": etag(view.current.version)},
        )

    @router.post(
        "/api/articles/<article_id>/revisions/<version>/restore",
        summary="Restore a saved version as a new version (If-Match required)",
        tags=["revisions"],
        responses={
            200: {"description": "The new version", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 412, 422, 428),
            **_AUTH,
        },
    )
    def restore_revision(
        article_id: ArticleIdParam, version: VersionParam, if_match: IfMatch = None
    ) -> Response[ArticleOut]:
        expected = required_version(store, article_id, if_match)
        article = revisions.restore_revision(store, article_id, version, expected_version=expected)
        logger.info("revision restored", article_id=article.id, restored=version, version=article.version)
        return Response(
            status_code=HTTPStatus.OK,
            content_type="application/json",
            body=article_out(article),
            headers={"ETag": etag(article.version)},
        )

    return router
