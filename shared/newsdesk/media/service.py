"""Media use cases: ask for an upload, read an item, make its renditions, and the image an article keeps
of a ready item."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ulid import ULID

from newsdesk.clock import Clock, utc_now
from newsdesk.media.errors import InvalidMedia, MediaNotFound, MediaNotReady, UnusableImage
from newsdesk.media.models import (
    ACCEPTED_TYPES,
    DEFAULT_SRC_WIDTH,
    MAX_UPLOAD_BYTES,
    UPLOAD_EXPIRY_SECONDS,
    MediaItem,
    MediaStatus,
    PresignedUpload,
    Rendition,
    original_key,
)
from newsdesk.media.ports import MediaFiles, MediaRepository, UploadSigner

Renderer = Callable[[str, bytes], Any]  # newsdesk.media.renditions.make_renditions


def request_upload(
    repo: MediaRepository,
    signer: UploadSigner,
    fields: dict[str, Any],
    *,
    created_by: str | None = None,
    clock: Clock = utc_now,
) -> tuple[MediaItem, PresignedUpload]:
    """A new media item, processing, and the presigned upload of its original (type and size fixed)."""
    content_type = fields["content_type"]
    if content_type not in ACCEPTED_TYPES:
        raise InvalidMedia("content_type", f"Upload {', '.join(ACCEPTED_TYPES)}; not {content_type}.")
    size = fields["size"]
    if not 1 <= size <= MAX_UPLOAD_BYTES:
        raise InvalidMedia("size", f"An upload is 1 to {MAX_UPLOAD_BYTES} bytes; this one says {size}.")
    now = clock()
    item = MediaItem(
        id=str(ULID.from_datetime(now)),
        status=MediaStatus.PROCESSING,
        content_type=content_type,
        size=size,
        alt=fields["alt"],
        caption=fields.get("caption"),
        credit=fields.get("credit"),
        filename=fields.get("filename"),
        created_at=now,
        updated_at=now,
        created_by=created_by,
    )
    repo.create(item)
    upload = signer.presign(
        item.original_key,
        content_type=content_type,
        max_bytes=size,
        expires=dt.timedelta(seconds=UPLOAD_EXPIRY_SECONDS),
        now=now,
    )
    return item, upload


def get_media(repo: MediaRepository, media_id: str) -> MediaItem:
    item = repo.get(media_id)
    if item is None:
        raise MediaNotFound(media_id)
    return item


def process_upload(
    repo: MediaRepository, files: MediaFiles, media_id: str, make: Renderer, *, clock: Clock = utc_now
) -> MediaItem | None:
    """Make the renditions of an uploaded original and mark its item ready, or failed with the reason
    (an unusable file hurts only its own item). None when there is no such item, or it is finished
    already (a repeated delivery of the upload's event)."""
    item = repo.get(media_id)
    if item is None or item.status is not MediaStatus.PROCESSING:
        return None
    try:
        made = make(media_id, files.read_original(original_key(media_id), max_bytes=item.size))
    except UnusableImage as exc:
        failed = item.model_copy(
            update={"status": MediaStatus.FAILED, "reason": exc.reason, "updated_at": clock()}
        )
        repo.finish(failed)
        return failed
    for file in made.files:
        files.put_rendition(file.key, file.body, file.content_type)
    ready = item.model_copy(
        update={
            "status": MediaStatus.READY,
            "width": made.width,
            "height": made.height,
            "renditions": [f.rendition for f in made.files],
            "notes": made.notes,
            "updated_at": clock(),
        }
    )
    repo.finish(ready)
    return ready


def attached_image(
    repo: MediaRepository, media_id: str, *, alt: str | None, caption: str | None
) -> dict[str, Any]:
    """The image an article keeps of a ready media item: its renditions with it, so a page needs no other
    read. The item's alt text and caption unless the article gives its own. MediaNotReady otherwise."""
    item = get_media(repo, media_id)
    if item.status is not MediaStatus.READY:
        raise MediaNotReady(media_id, item.status.value, item.reason)
    return {
        "url": default_src(item.renditions),
        "alt": alt or item.alt,
        "caption": caption if caption is not None else item.caption,
        "credit": item.credit,
        "media_id": item.id,
        "width": item.width,
        "height": item.height,
        "renditions": [r.model_dump() for r in item.renditions],
    }


def default_src(renditions: list[Rendition]) -> str:
    """The largest JPEG width rendition at most DEFAULT_SRC_WIDTH wide (else the narrowest JPEG)."""
    jpegs = sorted((r for r in renditions if r.format == "jpeg" and r.ratio is None), key=lambda r: r.width)
    fitting = [r for r in jpegs if r.width <= DEFAULT_SRC_WIDTH]
    return (fitting[-1] if fitting else jpegs[0]).url
