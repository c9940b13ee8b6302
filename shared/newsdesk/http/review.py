"""The editor API's review route: a writer submits a draft for review, an editor publishes it from there
(newsdesk.articles.roles)."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response

from newsdesk.articles import roles
from newsdesk.articles.ports import ArticleRepository
from newsdesk.http.articles import ArticleIdParam, IfMatch, article_response, required_version
from newsdesk.http.callers import current_caller
from newsdesk.http.models import ArticleOut, article_out
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)


def review_router(store: ArticleRepository) -> EditorRouter:
    router = EditorRouter()

    @router.post(
        "/api/articles/<article_id>/submit",
        groups=roles.STAFF,
        summary="Submit a draft for review (If-Match required)",
        description="The draft moves to `review`, where an editor publishes or schedules it; a writer "
        "may go on changing it there. Writers submit their own drafts, editors any draft. 409 from any "
        "state but `draft`.",
        tags=["articles"],
        responses={
            200: {"description": "In review", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 401, 403, 404, 409, 412, 422, 428),
        },
    )
    def submit_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
        expected = required_version(store, article_id, if_match)
        article = roles.submit_for_review(
            store, current_caller(router), article_id, expected_version=expected
        )
        logger.info("article submitted for review", article_id=article.id, version=article.version)
        return article_response(HTTPStatus.OK, article_out(article))

    return router
