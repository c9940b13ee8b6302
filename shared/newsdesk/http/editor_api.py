"""The editor API: public meta routes (health, OpenAPI document, Swagger UI), the article, review,
scheduling, revision and correction routes, the moderation routes and the site configuration's routes,
on one resolver. Each signed-in
route declares the Cognito groups that may call it (editors, unless it names writers too).

Its OpenAPI document describes the whole public API: these routes as the resolver generates them, and the
comment intake's routes (another function, newsdesk.http.intake_docs) beside them.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from functools import cache
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError

from newsdesk.articles.ports import AuthorRepository, RevisionRepository
from newsdesk.articles.previews import LinkSigner
from newsdesk.articles.scheduling import NoScheduler, Scheduler
from newsdesk.comments.ports import Cipher, CommentStore
from newsdesk.comments.retention import DEFAULT_PERSONAL_DATA_DAYS
from newsdesk.http.articles import articles_router
from newsdesk.http.authors import authors_router
from newsdesk.http.corrections import corrections_router
from newsdesk.http.media import media_router
from newsdesk.http.models import Health
from newsdesk.http.moderation import moderation_router
from newsdesk.http.previews import PreviewSite, preview_links_router, previews_router
from newsdesk.http.resolver import GROUPS_EXTENSION, NewsdeskResolver
from newsdesk.http.review import review_router
from newsdesk.http.revisions import revisions_router
from newsdesk.http.scheduling import scheduling_router
from newsdesk.http.site import site_router
from newsdesk.media.ports import MediaRepository, UploadSigner
from newsdesk.site.ports import ConfigurationStore

MAX_REQUEST_BYTES = 262_144

# Swagger UI under a strict Content-Security-Policy (no inline script or style): the page only links its
# files, all served from /api/docs/, and its start-up script is one of them.
SWAGGER_FILES = {
    "swagger-ui.css": ("swagger-ui.min.css", "text/css; charset=utf-8"),
    "swagger-ui-bundle.js": ("swagger-ui-bundle.min.js", "text/javascript; charset=utf-8"),
}
SWAGGER_INIT = "swagger-init.js"
SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Newsdesk editor API</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui">Loading…</div>
<script src="/api/docs/swagger-ui-bundle.js" defer></script>
<script src="/api/docs/swagger-init.js" defer></script>
</body>
</html>
"""
SWAGGER_INIT_JS = """/* Swagger UI for this API's OpenAPI document. */
(function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/api/openapi.json",
    dom_id: "#swagger-ui",
    docExpansion: "list",
    deepLinking: true,
    filter: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
"""


def editor_api(
    articles: RevisionRepository,
    comments: CommentStore,
    *,
    cipher: Cipher | None,
    site_tz: ZoneInfo,
    origin_secrets: Collection[str] = (),
    personal_data_days: int = DEFAULT_PERSONAL_DATA_DAYS,
    scheduler: Scheduler | None = None,
    preview_site: PreviewSite | None = None,
    preview_signer: LinkSigner | None = None,
    media: MediaRepository | None = None,
    uploads: UploadSigner | None = None,
    site_config: ConfigurationStore | None = None,
    authors: AuthorRepository | None = None,
) -> NewsdeskResolver:
    """The editor API's resolver; with `origin_secrets`, requests that did not come through the
    distribution are refused (newsdesk.http.origin). A comment a moderator refuses keeps its sender's
    personal data `personal_data_days` days. `scheduler` holds the one-shot schedules of scheduled
    publishes and expiries; without one, the table alone holds them (and the overdue sweep of the
    scheduled-action function fires them). `preview_site` is how previews render (the site's name and
    language); with `preview_signer` (the share-link key), editors can make share links to previews.
    With `media` and `uploads` (the site bucket's presigned uploads), staff upload images and attach
    them to articles. `site_config` holds the site's configuration (the site routes; its default name is
    the preview site's). `authors` keeps the author profiles (their routes are there with it)."""
    scheduler = scheduler or NoScheduler()
    app = NewsdeskResolver(max_request_bytes=MAX_REQUEST_BYTES, origin_secrets=origin_secrets)

    @app.get(
        "/api/health",
        summary="Health check",
        tags=["meta"],
        responses={
            200: {"description": "The API is up.", "content": {"application/json": {"model": Health}}}
        },
    )
    def health() -> Health:
        return Health(status="ok")

    app.include_router(articles_router(articles, site_tz=site_tz, scheduler=scheduler, media=media))
    if media is not None and uploads is not None:
        app.include_router(media_router(media, uploads))
    app.include_router(review_router(articles))
    app.include_router(scheduling_router(articles, scheduler))
    app.include_router(revisions_router(articles))
    app.include_router(corrections_router(articles))
    preview_site = preview_site or PreviewSite(name="Newsdesk", tz=site_tz)
    app.include_router(previews_router(articles, preview_site))
    if preview_signer is not None:
        app.include_router(preview_links_router(articles, preview_signer, preview_site))
    app.include_router(moderation_router(comments, cipher, personal_data_days=personal_data_days))
    if site_config is not None:
        app.include_router(site_router(site_config, articles, default_name=preview_site.name))
    if authors is not None:
        app.include_router(authors_router(authors))

    # Powertools' OpenAPI models (pydantic, ~90 ms to import) load when a document is first asked for, not
    # at every cold start: hence the import inside, and /api/docs served by swagger_asset() rather than
    # app.enable_swagger(), which imports them as soon as it is called.
    @cache
    def openapi_json() -> str:
        from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

        generated = app.get_openapi_json_schema(
            title="Newsdesk editor API",
            version="1.0.0",
            description="Write, publish and moderate a news site. Signed-in routes need a Cognito bearer "
            "token; each operation names the groups whose members may call it (`x-newsdesk-groups`): "
            "`writers` create drafts, change their own drafts and submit them for review; `editors` "
            "do everything.",
            servers=[Server(url="/")],
            security_schemes={
                "editorToken": HTTPBearer(
                    bearerFormat="JWT",
                    description="A Cognito ID token. The role names of an operation's security "
                    "requirements are the Cognito groups allowed (any one will do).",
                )
            },
        )
        return json.dumps(whole_document(json.loads(generated)), ensure_ascii=False)

    @cache
    def swagger_asset(name: str) -> tuple[str, str] | None:
        """Powertools' Swagger UI files and the page's start-up script, as (media type, text)."""
        if name == SWAGGER_INIT:
            return "text/javascript; charset=utf-8", SWAGGER_INIT_JS
        bundled = SWAGGER_FILES.get(name)
        if bundled is None:
            return None
        from pathlib import Path as FilePath

        from aws_lambda_powertools.event_handler.openapi import swagger_ui as ui

        file_name, media_type = bundled
        return media_type, (FilePath(ui.__file__).parent / file_name).read_text(encoding="utf-8")

    @app.get(
        "/api/openapi.json",
        summary="This API's OpenAPI document",
        tags=["meta"],
        responses={
            200: {
                "description": "The OpenAPI 3.1 document",
                "content": {"application/json": {"schema": {"type": "object"}}},
            }
        },
    )
    def openapi_document() -> Response[str]:
        return Response(status_code=HTTPStatus.OK, content_type="application/json", body=openapi_json())

    @app.get(
        "/api/docs",
        summary="This API's documentation (Swagger UI)",
        tags=["meta"],
        responses={200: {"description": "A page", "content": {"text/html": {"schema": {"type": "string"}}}}},
    )
    def swagger_ui() -> Response[str]:
        return Response(status_code=HTTPStatus.OK, content_type="text/html; charset=utf-8", body=SWAGGER_PAGE)

    @app.get("/api/docs/<asset>", summary="Swagger UI's files", tags=["meta"], include_in_schema=False)
    def swagger_file(asset: str) -> Response[str]:
        found = swagger_asset(asset)
        if found is None:
            raise NotFoundError(f"There is nothing at /api/docs/{asset}.")
        media_type, text = found
        return Response(
            status_code=HTTPStatus.OK,
            content_type=media_type,
            body=text,
            headers={"Cache-Control": "public, max-age=3600"},
        )

    return app


def whole_document(document: dict[str, Any]) -> dict[str, Any]:
    """The resolver's document made whole: the comment intake's operations added; on every operation a
    413 (bodies over MAX_REQUEST_BYTES are refused before routing); on every signed-in operation (one
    with GROUPS_EXTENSION) a 401 and a 403; a 422 only where there is input to refuse, as the problem
    document every refusal is; no body on a 204."""
    from newsdesk.http import intake_docs, previews
    from newsdesk.http.problems import PROBLEM_JSON
    from newsdesk.http.schemas import problem_responses

    components = document.setdefault("components", {}).setdefault("schemas", {})
    problem = {"$ref": "#/components/schemas/Problem"}
    too_large = problem_responses(413)[413]
    for item in document["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            responses.setdefault("413", {**too_large, "content": {PROBLEM_JSON: {"schema": problem}}})
            if GROUPS_EXTENSION in operation:
                for status in ("401", "403"):
                    refusal = {**problem_responses(int(status))[int(status)], **responses.get(status, {})}
                    refusal["content"] = {PROBLEM_JSON: {"schema": problem}}
                    responses[status] = refusal
            if "422" in responses and PROBLEM_JSON not in responses["422"].get("content", {}):
                if operation.get("parameters") or operation.get("requestBody"):
                    responses["422"] = {**too_large, "description": "Unprocessable Content"}
                    responses["422"]["content"] = {PROBLEM_JSON: {"schema": problem}}
                else:
                    del responses["422"]
            if "204" in responses:
                responses["204"].pop("content", None)
    for name, schema in intake_docs.schemas().items():
        components.setdefault(name, schema)
    document["paths"].update(intake_docs.paths())
    document["paths"].update(previews.docs_paths())
    used = json.dumps(document["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in used:
            components.pop(name, None)
    return document
