"""The editor API's scheduling routes (editors only): schedule or reschedule a publish (and an expiry),
and cancel it. The rules are newsdesk.articles.scheduling; embargo and expiry are set with PATCH."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

from newsdesk.articles import scheduling
from newsdesk.articles.ports import ArticleRepository
from newsdesk.http.articles import ArticleIdParam, IfMatch, article_response, expected_version
from newsdesk.http.models import ArticleOut, ScheduleIn, article_out
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)

_AUTH = problem_responses(401, 403)


def scheduling_router(store: ArticleRepository, scheduler: scheduling.Scheduler) -> EditorRouter:
    router = EditorRouter()

    @router.post(
        "/api/articles/<article_id>/schedule",
        summary="Schedule (or reschedule) a publish, and an expiry",
        description="The article goes live at `publish_at` with no further request, and comes down at "
        "`expire_at` if given. 409 when `publish_at` is before the article's embargo, or the article is "
        "already published; 422 for a time without an offset or in the past.",
        tags=["articles"],
        responses={
            200: {"description": "Scheduled", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 409, 412, 413, 415, 422),
            **_AUTH,
        },
    )
    def schedule_article(
        article_id: ArticleIdParam, when: Annotated[ScheduleIn, Body()], if_match: IfMatch = None
    ) -> Response[ArticleOut]:
        article = scheduling.schedule_article(
            store,
            scheduler,
            article_id,
            publish_at=when.publish_at,
            expire_at=when.expire_at,
            expected_version=expected_version(store, article_id, if_match),
        )
        logger.info(
            "article scheduled",
            article_id=article.id,
            publish_at=article.publish_at.isoformat() if article.publish_at else None,
            expire_at=article.expire_at.isoformat() if article.expire_at else None,
        )
        return article_response(HTTPStatus.OK, article_out(article))

    @router.delete(
        "/api/articles/<article_id>/schedule",
        summary="Cancel a scheduled publish (the article is a draft again)",
        tags=["articles"],
        responses={
            200: {"description": "Cancelled", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 409, 412, 422),
            **_AUTH,
        },
    )
    def cancel_schedule(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
        article = scheduling.cancel_schedule(
            store, scheduler, article_id, expected_version=expected_version(store, article_id, if_match)
        )
        logger.info("schedule cancelled", article_id=article.id, version=article.version)
        return article_response(HTTPStatus.OK, article_out(article))

    return router
