"""The editor API's correction route (editors only): append a correction, clarification or editor's note
to a published article (newsdesk.articles.corrections)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.articles import corrections
from newsdesk.articles.models import CorrectionType
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.types import CorrectionText
from newsdesk.http.articles import ArticleIdParam, IfMatch, expected_version
from newsdesk.http.if_match import etag
from newsdesk.http.models import ArticleOut, article_out
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)


class CorrectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: CorrectionType = Field(description="correction, clarification or editors_note.")
    text: CorrectionText = Field(description="Plain text shown to readers as written (not Markdown).")


def corrections_router(store: ArticleRepository) -> EditorRouter:
    router = EditorRouter()

    @router.post(
        "/api/articles/<article_id>/corrections",
        summary="Append a correction, clarification or editor's note to a published article",
        tags=["articles"],
        responses={
            201: {
                "description": "The new version, with the correction last in `corrections`",
                "content": {"application/json": {"model": ArticleOut}},
            },
            **problem_responses(400, 404, 409, 412, 413, 415, 422),
            **problem_responses(401, 403),
        },
    )
    def add_correction(
        article_id: ArticleIdParam, correction: Annotated[CorrectionIn, Body()], if_match: IfMatch = None
    ) -> Response[ArticleOut]:
        article = corrections.add_correction(
            store,
            article_id,
            correction.type,
            correction.text,
            expected_version=expected_version(store, article_id, if_match),
        )
        logger.info(
            "correction issued", article_id=article.id, type=correction.type.value, version=article.version
        )
        return Response(
            status_code=HTTPStatus.CREATED,
            content_type="application/json",
            body=article_out(article),
            headers={"ETag": etag(article.version), "Location": f"/api/articles/{article.id}"},
        )

    return router
