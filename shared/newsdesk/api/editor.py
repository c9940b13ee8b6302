"""The editor API: routes only. Each route parses typed input, calls one service, returns a typed model."""

from __future__ import annotations

import re
from functools import cache
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from pydantic import Field

from newsdesk.api.comments import router as comments_router
from newsdesk.api.http import NewsdeskResolver, json_response
from newsdesk.api.models import (
    ArticleCreate,
    ArticleList,
    ArticleOut,
    ArticlePatch,
    Health,
    article_out,
    render_out,
)
from newsdesk.api.problems import problem_responses
from newsdesk.config import editor_api_settings
from newsdesk.domain.errors import PreconditionRequired, VersionConflict
from newsdesk.domain.models import ArticleStatus
from newsdesk.domain.slugs import slugify
from newsdesk.domain.types import ArticleId
from newsdesk.services import articles as service
from newsdesk.store.articles import ArticleStore

logger = Logger()

app = NewsdeskResolver(max_request_bytes=262_144)
app.public("GET", "/api/health")
app.public("GET", "/api/openapi.json")
app.public("GET", "/api/docs")
app.include_router(comments_router)  # the moderation API: newsdesk.api.comments

_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)"\s*$')
_AUTH = problem_responses(401, 403)
EDITOR_SECURITY: list[dict[str, list[str]]] = [{"editorToken": []}]
ArticleIdParam = Annotated[ArticleId, Path(description="The article's id (a ULID).")]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description='The ETag of the version being changed, e.g. "3" (or *, whatever version is stored).',
        pattern=r'^\s*(\*|(W/)?"\d+"(\s*,\s*(W/)?"\d+")*)\s*$',
        max_length=200,
    ),
]


@cache
def get_store() -> ArticleStore:
    return ArticleStore(editor_api_settings().table_name)


def etag(version: int) -> str:
    return f'"{version}"'


def _expected_version(if_match: str | None, *, required: bool) -> int | None:
    if if_match is None or not if_match.strip():
        if required:
            raise PreconditionRequired("Send If-Match with the ETag of the version you edited.")
        return None
    if if_match.strip() == "*":
        return None
    versions = [m.group(1) for part in if_match.split(",") if (m := _ETAG.match(part))]
    if not versions:
        raise VersionConflict("(unknown)")
    return int(versions[-1]) if len(versions) == 1 else max(int(v) for v in versions)


def _article_response(status: int, out: ArticleOut) -> Response[ArticleOut]:
    return json_response(status, out, headers={"ETag": etag(out.version)})


@app.get(
    "/api/health",
    summary="Health check",
    tags=["meta"],
    responses={200: {"description": "The API is up.", "content": {"application/json": {"model": Health}}}},
)
def health() -> Health:
    return Health(status="ok")


@app.post(
    "/api/articles",
    summary="Create a draft",
    tags=["articles"],
    responses={
        201: {"description": "Created", "content": {"application/json": {"model": ArticleOut}}},
        **problem_responses(400, 409, 413, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def create_article(draft: Annotated[ArticleCreate, Body()]) -> Response[ArticleOut]:
    article = service.create_article(get_store(), draft.model_dump())
    logger.info("article created", article_id=article.id, slug=article.slug)
    response = _article_response(HTTPStatus.CREATED, article_out(article))
    response.headers["Location"] = f"/api/articles/{article.id}"
    return response


@app.get(
    "/api/articles",
    summary="List articles for editors",
    tags=["articles"],
    responses={
        200: {"description": "A page of articles", "content": {"application/json": {"model": ArticleList}}},
        **problem_responses(400, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def list_articles(
    status: Annotated[ArticleStatus | None, Query(description="Only articles in this state.")] = None,
    tag: Annotated[str | None, Query(max_length=60, description="Only articles with this tag.")] = None,
    cursor: Annotated[str | None, Query(max_length=2048, description="From the previous page.")] = None,
    limit: Annotated[int, Query(), Field(ge=1, le=100)] = 20,
) -> ArticleList:
    page = service.list_articles(
        get_store(), status=status, tag=slugify(tag) if tag else None, limit=limit, cursor=cursor
    )
    return ArticleList(items=[article_out(a) for a in page.items], next_cursor=page.next_cursor)


@app.get(
    "/api/articles/<article_id>",
    summary="Get one article",
    tags=["articles"],
    responses={
        200: {"description": "The article", "content": {"application/json": {"model": ArticleOut}}},
        **problem_responses(404, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def get_article(article_id: ArticleIdParam) -> Response[ArticleOut]:
    article, receipt = service.get_article_with_receipt(get_store(), article_id)
    return _article_response(HTTPStatus.OK, article_out(article, render_out(article, receipt)))


@app.patch(
    "/api/articles/<article_id>",
    summary="Change an article (If-Match required)",
    tags=["articles"],
    responses={
        200: {"description": "The new version", "content": {"application/json": {"model": ArticleOut}}},
        **problem_responses(400, 404, 409, 412, 413, 422, 428),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def patch_article(
    article_id: ArticleIdParam, changes: Annotated[ArticlePatch, Body()], if_match: IfMatch = None
) -> Response[ArticleOut]:
    expected = _expected_version(if_match, required=True)
    if expected is None:  # "*": whatever is stored now
        expected = service.get_article(get_store(), article_id).version
    article = service.revise_article(
        get_store(), article_id, changes.model_dump(exclude_unset=True), expected_version=expected
    )
    logger.info("article revised", article_id=article.id, version=article.version)
    return _article_response(HTTPStatus.OK, article_out(article))


@app.delete(
    "/api/articles/<article_id>",
    summary="Delete an article that is not published",
    tags=["articles"],
    responses={
        204: {"description": "Deleted"},
        **problem_responses(404, 409, 412, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def delete_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[None]:
    service.delete_article(
        get_store(), article_id, expected_version=_expected_version(if_match, required=False)
    )
    logger.info("article deleted", article_id=article_id)
    return Response(status_code=HTTPStatus.NO_CONTENT, body=None)


@app.post(
    "/api/articles/<article_id>/publish",
    summary="Publish now",
    tags=["articles"],
    responses={
        200: {"description": "Published", "content": {"application/json": {"model": ArticleOut}}},
        **problem_responses(404, 409, 412, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def publish_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
    article = service.publish_article(
        get_store(),
        article_id,
        site_tz=editor_api_settings().tz,
        expected_version=_expected_version(if_match, required=False),
    )
    logger.info("article published", article_id=article.id, url=article.url, version=article.version)
    return _article_response(HTTPStatus.OK, article_out(article))


@app.post(
    "/api/articles/<article_id>/unpublish",
    summary="Take a published article down",
    tags=["articles"],
    responses={
        200: {"description": "Unpublished", "content": {"application/json": {"model": ArticleOut}}},
        **problem_responses(404, 409, 412, 422),
        **_AUTH,
    },
    security=EDITOR_SECURITY,
)
def unpublish_article(article_id: ArticleIdParam, if_match: IfMatch = None) -> Response[ArticleOut]:
    article = service.unpublish_article(
        get_store(), article_id, expected_version=_expected_version(if_match, required=False)
    )
    logger.info("article unpublished", article_id=article.id, version=article.version)
    return _article_response(HTTPStatus.OK, article_out(article))


@app.get("/api/openapi.json", summary="This API's OpenAPI document", tags=["meta"], include_in_schema=False)
def openapi_document() -> Response[str]:
    return Response(status_code=HTTPStatus.OK, content_type="application/json", body=openapi_json())


# Powertools' OpenAPI models (pydantic, ~90 ms to import) load when a document is first asked for, not at
# every cold start: hence the import below, and /api/docs served by swagger_ui() rather than
# app.enable_swagger(), which imports them as soon as it is called (at import time).
@cache
def openapi_json() -> str:
    from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

    return app.get_openapi_json_schema(
        title="Newsdesk editor API",
        version="1.0.0",
        description="Write, publish and moderate a news site. Editor routes need a Cognito bearer token "
        "of a member of the `editors` group.",
        servers=[Server(url="/")],
        security_schemes={
            "editorToken": HTTPBearer(
                bearerFormat="JWT", description="A Cognito ID token of a member of the `editors` group."
            )
        },
    )


@app.get("/api/docs", summary="This API's documentation (Swagger UI)", tags=["meta"], include_in_schema=False)
def swagger_ui() -> Response[str]:
    return Response(status_code=HTTPStatus.OK, content_type="text/html", body=swagger_html())


@cache
def swagger_html() -> str:
    """Powertools' Swagger UI page (assets inlined) for the document /api/openapi.json serves."""
    from pathlib import Path as FilePath

    from aws_lambda_powertools.event_handler.openapi import swagger_ui as ui

    assets = FilePath(ui.__file__).parent
    return ui.generate_swagger_html(
        openapi_json().replace("</", "<\\/"),  # the document goes in a <script>: no "</script>" in it
        (assets / "swagger-ui-bundle.min.js").read_text(encoding="utf-8"),
        (assets / "swagger-ui.min.css").read_text(encoding="utf-8"),
        "",  # no swagger_base_url: the assets are inlined
        None,  # no OAuth2 config
    )
