"""The editor API: public meta routes (health, OpenAPI document, Swagger UI), the article routes and the
moderation routes (editors only, newsdesk.http.articles and newsdesk.http.moderation) on one resolver.

Its OpenAPI document describes the whole public API: these routes as the resolver generates them, and the
comment intake's routes (another function, newsdesk.http.intake_docs) beside them.
"""

from __future__ import annotations

import json
from functools import cache
from http import HTTPStatus
from typing import Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler import Response

from newsdesk.articles.ports import RevisionRepository
from newsdesk.comments.ports import Cipher, CommentStore
from newsdesk.http.articles import articles_router
from newsdesk.http.corrections import corrections_router
from newsdesk.http.models import Health
from newsdesk.http.moderation import moderation_router
from newsdesk.http.resolver import NewsdeskResolver
from newsdesk.http.revisions import revisions_router

MAX_REQUEST_BYTES = 262_144


def editor_api(
    articles: RevisionRepository, comments: CommentStore, *, cipher: Cipher | None, site_tz: ZoneInfo
) -> NewsdeskResolver:
    app = NewsdeskResolver(max_request_bytes=MAX_REQUEST_BYTES)

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

    app.include_router(articles_router(articles, site_tz=site_tz))
    app.include_router(revisions_router(articles))
    app.include_router(corrections_router(articles))
    app.include_router(moderation_router(comments, cipher))

    # Powertools' OpenAPI models (pydantic, ~90 ms to import) load when a document is first asked for, not
    # at every cold start: hence the import inside, and /api/docs served by swagger_html() rather than
    # app.enable_swagger(), which imports them as soon as it is called.
    @cache
    def openapi_json() -> str:
        from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer, Server

        generated = app.get_openapi_json_schema(
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
        return json.dumps(whole_document(json.loads(generated)), ensure_ascii=False)

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
        return Response(status_code=HTTPStatus.OK, content_type="text/html", body=swagger_html())

    return app


def whole_document(document: dict[str, Any]) -> dict[str, Any]:
    """The resolver's document made whole: the comment intake's operations added; on every operation a
    413 (bodies over MAX_REQUEST_BYTES are refused before routing); a 422 only where there is input to
    refuse, as the problem document every refusal is; no body on a 204."""
    from newsdesk.http import intake_docs
    from newsdesk.http.problems import PROBLEM_JSON
    from newsdesk.http.schemas import problem_responses

    components = document.setdefault("components", {}).setdefault("schemas", {})
    problem = {"$ref": "#/components/schemas/Problem"}
    too_large = problem_responses(413)[413]
    for item in document["paths"].values():
        for operation in item.values():
            responses = operation["responses"]
            responses.setdefault("413", {**too_large, "content": {PROBLEM_JSON: {"schema": problem}}})
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
    used = json.dumps(document["paths"])
    for name in ("HTTPValidationError", "ValidationError"):
        if f"#/components/schemas/{name}" not in used:
            components.pop(name, None)
    return document
