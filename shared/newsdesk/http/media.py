"""The editor API's media routes: ask for an upload of an image (a presigned POST to the site bucket),
and read an upload's state and renditions. Writers and editors alike; errors become problems in
newsdesk.http.problems."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from newsdesk.articles import roles
from newsdesk.http.callers import current_caller
from newsdesk.http.models import MediaCreated, MediaOut, MediaUploadIn, UploadOut, media_out
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses
from newsdesk.media import service
from newsdesk.media.models import MediaId
from newsdesk.media.ports import MediaRepository, UploadSigner

logger = Logger(child=True)

MediaIdParam = Annotated[MediaId, Path(description="The media item's id (a ULID).")]


def media_router(repo: MediaRepository, signer: UploadSigner) -> EditorRouter:
    router = EditorRouter()

    @router.post(
        "/api/media",
        groups=roles.STAFF,
        summary="Ask to upload an image",
        description="Answers a presigned form upload (S3 POST policy): POST `upload.fields` and then the "
        "file, as multipart/form-data, to `upload.url` before `expires_at`, with the declared type and at "
        "most the declared size. Renditions are made from it; `GET /api/media/{id}` says when it is ready "
        "to attach to an article (`image: {media: id}`).",
        tags=["media"],
        responses={
            201: {"description": "Created", "content": {"application/json": {"model": MediaCreated}}},
            **problem_responses(400, 413, 415, 422, 401, 403),
        },
    )
    def create_upload(upload: Annotated[MediaUploadIn, Body()]) -> Response[MediaCreated]:
        item, presigned = service.request_upload(
            repo, signer, upload.model_dump(), created_by=current_caller(router).sub
        )
        logger.info("upload requested", media_id=item.id, content_type=item.content_type, size=item.size)
        body = MediaCreated(
            id=item.id,
            status="processing",
            upload=UploadOut(url=presigned.url, fields=presigned.fields),
            expires_at=presigned.expires_at,
        )
        return Response(
            status_code=HTTPStatus.CREATED,
            content_type="application/json",
            body=body,
            headers={"Location": f"/api/media/{item.id}"},
        )

    @router.get(
        "/api/media/<media_id>",
        groups=roles.STAFF,
        summary="Get an uploaded image",
        description="`status` is processing until the renditions are made, then ready (with them) or "
        "failed (with the reason).",
        tags=["media"],
        responses={
            200: {"description": "The media item", "content": {"application/json": {"model": MediaOut}}},
            **problem_responses(404, 422, 401, 403),
        },
    )
    def get_media(media_id: MediaIdParam) -> MediaOut:
        return media_out(service.get_media(repo, media_id))

    return router
