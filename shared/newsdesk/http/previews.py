"""Previews over HTTP.

Editor API (editors only, newsdesk.http.editor_api registers `previews_router`):

* `GET /api/articles/{id}/preview`: the article page as the renderer would publish it, in any state,
  with the preview banner (newsdesk.site.preview).
* `POST /api/articles/{id}/preview-links` `{"expires_in"?}` → 201 `{url, expires_at}`: a signed,
  expiring share link (newsdesk.articles.previews).

The preview function (functions/preview, `preview_api`): `GET /api/preview/{token}`, public, the same page
for whoever holds the link. It is under `/api/`, so the distribution's `/api/*` behaviour serves it:
Managed-CachingDisabled (template.yaml's SiteDistribution), nothing kept at the CDN, and its answer says
`Cache-Control: private, no-store` for every cache after it.

Every preview answer says `noindex, nofollow` (a meta tag and `X-Robots-Tag`) and is never stored.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Collection, Mapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Annotated, Any, Final

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import Router
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from newsdesk.articles import previews, roles, service
from newsdesk.articles.ports import ArticleRepository
from newsdesk.clock import Clock, utc_now
from newsdesk.http.articles import ArticleIdParam
from newsdesk.http.callers import current_caller
from newsdesk.http.problems import PROBLEM_JSON
from newsdesk.http.resolver import EditorRouter, NewsdeskResolver
from newsdesk.http.schemas import problem_responses

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from newsdesk.articles.models import Article
    from newsdesk.site.ports import ConfigurationStore

logger = Logger(child=True)

HTML = "text/html; charset=utf-8"
# Never kept by a shared cache (the CDN included) nor by the browser; never indexed.
PREVIEW_HEADERS: Final = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}

PREVIEW_ROUTE = "/api/preview/<token>"
# Only a host name or address and a port: nothing else from a header goes into a link.
_HOST = re.compile(
    r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]{1,63})*|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?$"
)
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "[::1]"})
_HTML_PAGE: OpenAPIResponse = {
    "description": "The article page, with the preview banner; `noindex, nofollow`, never stored.",
    "content": {"text/html": {"schema": {"type": "string"}}},
    "headers": {
        "Cache-Control": {"schema": {"type": "string", "const": "private, no-store"}},
        "X-Robots-Tag": {"schema": {"type": "string", "const": "noindex, nofollow"}},
    },
}


class PreviewLinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expires_in: int = Field(
        default=previews.DEFAULT_EXPIRES_IN,
        ge=previews.MIN_EXPIRES_IN,
        le=previews.MAX_EXPIRES_IN,
        description="Seconds the link works for: 60 to 1209600 (14 days); 172800 (2 days) if not sent.",
    )


class PreviewLinkOut(BaseModel):
    url: str = Field(
        description="The share link, on the site's public origin. It works without an account until it "
        "expires or the article changes (any new version revokes every link to the previous one)."
    )
    expires_at: AwareDatetime = Field(description="When the link stops working (ISO 8601, with an offset).")


# ----- the request's public origin ---------------------------------------------------------------------


def _header(event: Mapping[str, Any], name: str) -> str | None:
    """One header's value (a header sent more than once: its first value)."""
    for key, values in (event.get("multiValueHeaders") or {}).items():
        if key.lower() == name and values:
            return str(values[0])
    for key, value in (event.get("headers") or {}).items():
        if key.lower() == name and value is not None:
            return str(value)
    return None


def public_origin(event: Mapping[str, Any]) -> str:
    """The origin readers reach the site at, from the request that came through it.

    The distribution's viewer-request function on `/api/*` (template.yaml's ForwardedHostFunction)
    copies the viewer's Host into `X-Forwarded-Host`, replacing any the viewer sent: the origin request
    policy gives API Gateway its own host name instead. Without that header (a request made to the API
    directly), the request's Host. The scheme is https (the `/api/*` behaviour is https-only), but for
    the local origin on a loopback address, which serves plain HTTP.
    """
    for name in ("x-forwarded-host", "host"):
        value = (_header(event, name) or "").split(",")[0].strip()
        if value and _HOST.match(value):
            host = value
            break
    else:
        return ""
    name_only = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    scheme = "http" if name_only in _LOOPBACK else "https"
    return f"{scheme}://{host}"


# ----- answers ---------------------------------------------------------------------------------------------


def _page(body: bytes) -> Response[str]:
    return Response(
        status_code=HTTPStatus.OK,
        content_type=HTML,
        body=body.decode("utf-8"),
        headers=dict(PREVIEW_HEADERS),
    )


@dataclasses.dataclass(frozen=True)
class PreviewSite:
    """How the site looks (name, time zone, language, the "Updated" rule), for rendering previews with
    the site's templates; the public origin is the request's."""

    name: str
    tz: ZoneInfo
    language: str = "en"
    updated_after: dt.timedelta = dt.timedelta(minutes=30)
    clock: Clock = utc_now
    # The editors' site configuration (masthead, menu, footer), read for each preview; None: the name alone.
    configuration: ConfigurationStore | None = None

    def render(self, event: Mapping[str, Any], article: Article) -> bytes:
        # The site package (templates, Markdown) loads with the first preview, not at every cold start.
        from newsdesk.site.configuration_service import applied_to
        from newsdesk.site.pages import SiteConfig
        from newsdesk.site.preview import preview_page

        site = SiteConfig(
            name=self.name,
            url=public_origin(event),
            tz=self.tz,
            language=self.language,
            updated_after=self.updated_after,
        )
        if self.configuration is not None:
            site = applied_to(site, self.configuration.get())
        return preview_page(site, article, self.clock())


def previews_router(store: ArticleRepository, preview_site: PreviewSite) -> EditorRouter:
    """The editor's preview of an article."""
    router = EditorRouter()

    @router.get(
        "/api/articles/<article_id>/preview",
        summary="Preview the article's page as it would be published, in any state",
        tags=["previews"],
        groups=roles.STAFF,
        responses={200: _HTML_PAGE, **problem_responses(404, 422), **problem_responses(401, 403)},
    )
    def preview(article_id: ArticleIdParam) -> Response[str]:
        article = service.get_article(store, article_id)
        roles.ensure_may_preview(current_caller(router), article)
        return _page(preview_site.render(router.current_event.raw_event, article))

    return router


def preview_links_router(
    store: ArticleRepository, signer: previews.LinkSigner, preview_site: PreviewSite
) -> EditorRouter:
    """Share links to an article's preview (the editor API has them when it has their key)."""
    router = EditorRouter()

    @router.post(
        "/api/articles/<article_id>/preview-links",
        summary="A signed, expiring share link to a preview of the article's current version",
        tags=["previews"],
        groups=roles.STAFF,
        responses={
            201: {
                "description": "The link; it works without an account",
                "content": {"application/json": {"model": PreviewLinkOut}},
            },
            **problem_responses(400, 404, 413, 415, 422),
            **problem_responses(401, 403),
        },
    )
    def create_preview_link(
        article_id: ArticleIdParam,
        request: Annotated[PreviewLinkIn | None, Body()] = None,
    ) -> Response[PreviewLinkOut]:
        expires_in = (request or PreviewLinkIn()).expires_in
        caller = current_caller(router)
        link = previews.issue_link(
            store,
            signer,
            article_id,
            expires_in=expires_in,
            clock=preview_site.clock,
            guard=lambda article: roles.ensure_may_preview(caller, article),
        )
        origin = public_origin(router.current_event.raw_event)
        logger.info(
            "preview link issued", article_id=link.article_id, version=link.version, expires_in=expires_in
        )
        return Response(
            status_code=HTTPStatus.CREATED,
            content_type="application/json",
            body=PreviewLinkOut(url=origin + link.path, expires_at=link.expires_at),
            headers={"Cache-Control": "no-store"},
        )

    return router


# ----- the public preview function -------------------------------------------------------------------------


def preview_api(
    store: ArticleRepository,
    signer: previews.LinkSigner,
    preview_site: PreviewSite,
    *,
    origin_secrets: Collection[str] = (),
) -> NewsdeskResolver:
    """The preview function's resolver: `GET /api/preview/{token}`, public. Every answer, refusals too,
    is `Cache-Control: private, no-store` and `X-Robots-Tag: noindex, nofollow`."""
    app = NewsdeskResolver(origin_secrets=origin_secrets, headers=PREVIEW_HEADERS, max_request_bytes=0)
    public = Router()

    @public.route(PREVIEW_ROUTE, ["GET", "HEAD"], include_in_schema=False)
    def shared_preview(token: str) -> Response[str]:
        # (the token is checked by its length and shape before anything else; see open_link)
        article = previews.open_link(store, signer, token, clock=preview_site.clock)
        logger.info("preview opened", article_id=article.id, version=article.version)
        return _page(preview_site.render(app.current_event.raw_event, article))

    app.include_router(public)
    return app


def docs_paths() -> dict[str, Any]:
    """The OpenAPI path item of the public preview route (served by the preview function), for the
    editor API's document."""
    problem_schema = {"$ref": "#/components/schemas/Problem"}

    def refusal(description: str) -> dict[str, Any]:
        return {"description": description, "content": {PROBLEM_JSON: {"schema": problem_schema}}}

    operation = {
        "tags": ["public previews"],
        "summary": "Read a preview through a share link (no account needed)",
        "operationId": "shared_preview",
        "parameters": [
            {
                "name": "token",
                "in": "path",
                "required": True,
                "description": "The share link's token, as POST .../preview-links gave it.",
                "schema": {"type": "string", "maxLength": previews.MAX_TOKEN_LENGTH},
            }
        ],
        "responses": {
            "200": _HTML_PAGE,
            "404": refusal("Not a link this site issued (or its article is gone)."),
            "410": refusal("The link has expired, or the article has changed since: ask for a new one."),
        },
    }
    return {"/api/preview/{token}": {"get": operation}}
