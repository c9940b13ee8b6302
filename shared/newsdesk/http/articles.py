"""The editor API's article routes. Writers create, read, list and change their own drafts; editors do
everything (newsdesk.articles.roles; each route declares its groups). Each route parses typed input,
calls one use case of newsdesk.articles.service, and returns a typed model; errors become problems in
newsdesk.http.problems."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import Field

from newsdesk.articles import roles, scheduling, service
from newsdesk.articles.errors import ArticleNotFound, InvalidArticle, PreconditionRequired, VersionConflict
from newsdesk.articles.models import Article, ArticleStatus
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.slugs import slugify
from newsdesk.articles.types import ArticleId
from newsdesk.http import if_match as conditions
from newsdesk.http.callers import current_caller
from newsdesk.http.if_match import etag, parse_if_match
from newsdesk.http.models import (
    ArticleCreate,
    ArticleList,
    ArticleOut,
    ArticlePatch,
    article_out,
    render_out,
)
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses
from newsdesk.media import service as media_service
from newsdesk.media.errors import MediaNotFound
from newsdesk.media.ports import MediaRepository

logger = Logger(child=True)

_AUTH = problem_responses(401, 403)
ArticleIdParam = Annotated[ArticleId, Path(description="The article's id (a ULID).")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag of the version being changed, e.g. "3", or a list of them, or * (whatever '
        "version is stored). Compared strongly (RFC 9110): a weak or unknown entity tag is a 412, a value "
        "that is not a list of entity tags a 400.",
    ),
]


def expected_version(store: ArticleRepository, article_id: str, if_match: str | None) -> int | None:
    """The version a write of the article must find stored, from its If-Match (RFC 9110); None when the
    header is absent. 400 for a malformed header, 412 for a condition that does not hold (`*` on a missing
    article included), 404 for entity tags on a missing article."""
    condition = parse_if_match(if_match)

    def stored() -> int | None:
        try:
            return service.get_article(store, article_id).version
        except ArticleNotFound:
            return None

    try:
        return conditions.expected_version(condition, stored)
    except conditions.ConditionFailed as failed:
        if failed.missing and not condition.any:
            raise ArticleNotFound(article_id) from None
        raise VersionConflict(article_id) from None


def required_version(store: ArticleRepository, article_id: str, if_match: str | None) -> int:
    """expected_version where If-Match is required: 428 when it is absent."""
    expected = expected_version(store, article_id, if_match)
    if expected is None:
        raise PreconditionRequired("Send If-Match with the ETag of the version you edited.")
    return expected


def article_response(status: int, out: ArticleOut) -> Response[ArticleOut]:
    # The body stays a model: the resolver validates it against the route's `Response[Model]` return
    # type and serializes it. A pre-serialized JSON string fails that validation (422 on every route).
    return Response(
        status_code=status, content_type="application/json", body=out, headers={"ETag": etag(out.version)}
    )


def with_media_image(fields: dict[str, Any], media: MediaRepository | None) -> dict[str, Any]:
    """`fields` with an image that names an uploaded media item (`{"media": id}`) replaced by what the
    article keeps of it (its renditions included). MediaNotReady (409) while it is processing or when it
    failed; an unknown id is an invalid `image.media` (422)."""
    image = fields.get("image")
    if not isinstance(image, dict):
        return fields
    media_id = image.get("media")
    if media_id is None:
        return {**fields, "image": {k: v for k, v in image.items() if k != "media"}}
    if media is None:
        raise InvalidArticle("image.media", "This API takes no uploaded images; give the image's url.")
    try:
        attached = media_service.attached_image(
            media, media_id, alt=image.get("alt"), caption=image.get("caption")
        )
    except MediaNotFound:
        raise InvalidArticle("image.media", f"No media item has the id {media_id!r}.") from None
    return {**fields, "image": attached}


def articles_router(
    store: ArticleRepository,
    *,
    site_tz: ZoneInfo,
    scheduler: scheduling.Scheduler | None = None,
    media: MediaRepository | None = None,
) -> EditorRouter:
    """The article routes over `store`; published URLs are dated in the site's zone. Each change ends by
    making `scheduler` hold the schedules the article now wants (an expiry, a scheduled publish). An
    article's image may name an uploaded image of `media` once it is ready."""
    router = EditorRouter()

    def rescheduled(article_id: str, article: Article | None) -> None:
        if scheduler is not None:
            scheduling.reconcile_all(scheduler, article_id, article)

    @router.post(
        "/api/articles",
        groups=roles.STAFF,
        summary="Create a draft",
        description="The signed-in caller is recorded as its creator (`created_by`).",
        tags=["articles"],
        responses={
            201: {"description": "Created", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 409, 413, 415, 422),
            **_AUTH,
        },
    )
    def create_article(draft: Annotated[ArticleCreate, Body()]) -> Response[ArticleOut]:
        article = service.create_article(
            store, with_media_image(draft.model_dump(), media), created_by=current_caller(router).as_owner()
        )
        logger.info("article created", article_id=article.id, slug=article.slug)
        response = article_response(HTTPStatus.CREATED, article_out(article))
        response.headers["Location"] = f"/api/articles/{article.id}"
        return response

    @router.get(
        "/api/articles",
        groups=roles.STAFF,
        summary="List articles for editors",
        description="`status=review` is the editors' review queue.",
        tags=["articles"],
        responses={
            200: {
                "description": "A page of articles",
                "content": {"application/json": {"model": ArticleList}},
            },
            **problem_responses(400, 422),
            **_AUTH,
        },
    )
    def list_articles(
        status: Annotated[ArticleStatus | None, Query(description="Only articles in this state.")] = None,
        tag: Annotated[str | None, Query(max_length=60, description="Only articles with this tag.")] = None,
        cursor: Annotated[str | None, Query(max_length=2048, description="From the previous page.")] = None,
        limit: Annotated[int, Query(), Field(ge=1, le=100)] = 20,
    ) -> ArticleList:
        page = service.list_articles(
            store, status=status, tag=slugify(tag) if tag else None, limit=limit, cursor=cursor
        )
        return ArticleList(items=[article_out(a) for a in page.items], next_cursor=page.next_cursor)

    @router.get(
        "/api/articles/<article_id>",
        groups=roles.STAFF,
        summary="Get one article",
        tags=["articles"],
        responses={
            200: {"description": "The article", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(404, 422),
            **_AUTH,
        },
    )
    def get_article(article_id: ArticleIdParam) -> Response[ArticleOut]:
        article, receipt = service.get_article_with_receipt(store, article_id)
        return article_response(HTTPStatus.OK, article_out(article, render_out(article, receipt)))

    @router.patch(
        "/api/articles/<article_id>",
        groups=roles.STAFF,
        summary="Change an article (If-Match required)",
        description="Writers change their own articles while they are drafts or in review (an article "
        "in review stays there), and not `embargo_until` or `expire_at`; editors change any article.",
        tags=["articles"],
        responses={
            200: {"description": "The new version", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 409, 412, 413, 415, 422, 428),
            **_AUTH,
        },
    )
    def patch_article(
        article_id: ArticleIdParam, changes: Annotated[ArticlePatch, Body()], if_match: IfMatch = None
    ) -> Response[ArticleOut]:
        expected = required_version(store, article_id, if_match)
        fields = with_media_image(changes.model_dump(exclude_unset=True), media)
        article = service.revise_article(
            store,
            article_id,
            fields,
            expected_version=expected,
            guard=roles.change_guard(current_caller(router), fields.keys()),
        )
        if {"embargo_until", "expire_at"} & changes.model_fields_set:
            rescheduled(article.id, article)
        logger.info("article revised", article_id=article.id, version=article.version)
        return article_response(HTTPStatus.OK, article_out(article))

    @router.delete(
        "/api/articles/<article_id>",
        summary="Delete an article that is not published",
        tags=["articles"],
        responses={204: {"description": "Deleted"}, **problem_responses(400, 404, 409, 412, 422), **_AUTH},
    )
    def delete_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[None]:
        service.delete_article(
            store, article_id, expected_version=expected_version(store, article_id, if_match)
        )
        rescheduled(article_id, None)
        logger.info("article deleted", article_id=article_id)
        return Response(status_code=HTTPStatus.NO_CONTENT, body=None)

    @router.post(
        "/api/articles/<article_id>/publish",
        summary="Publish now",
        tags=["articles"],
        responses={
            200: {"description": "Published", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 409, 412, 422),
            **_AUTH,
        },
    )
    def publish_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
        article = service.publish_article(
            store,
            article_id,
            site_tz=site_tz,
            expected_version=expected_version(store, article_id, if_match),
        )
        rescheduled(article.id, article)
        logger.info("article published", article_id=article.id, url=article.url, version=article.version)
        return article_response(HTTPStatus.OK, article_out(article))

    @router.post(
        "/api/articles/<article_id>/unpublish",
        summary="Take a published article down",
        tags=["articles"],
        responses={
            200: {"description": "Unpublished", "content": {"application/json": {"model": ArticleOut}}},
            **problem_responses(400, 404, 409, 412, 422),
            **_AUTH,
        },
    )
    def unpublish_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
        article = service.unpublish_article(
            store, article_id, expected_version=expected_version(store, article_id, if_match)
        )
        rescheduled(article.id, article)
        logger.info("article unpublished", article_id=article.id, version=article.version)
        return article_response(HTTPStatus.OK, article_out(article))

    return router
