"""An uploaded image (a media item) and its renditions. No I/O here.

The original is uploaded by the editor's browser or CLI straight to the site bucket, under
`ORIGINALS_PREFIX`, which the distribution never serves (it may carry EXIF and GPS data). The renditions
function reads it and writes the renditions under `media/{id}/`, without metadata, for ever cacheable.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ACCEPTED_TYPES: dict[str, str] = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
# How long a presigned upload may be used.
UPLOAD_EXPIRY_SECONDS = 600
ORIGINALS_PREFIX = "uploads/"
RENDITIONS_PREFIX = "media/"
# Widths for `srcset` (those up to the original's width are made, and the original's own width if smaller
# than the largest), and the aspect-ratio crops search engines ask for, each at least CROP_MIN_WIDTH wide.
WIDTHS = (320, 640, 960, 1280, 1600, 2048)
CROP_RATIOS: dict[str, tuple[int, int]] = {"16x9": (16, 9), "4x3": (4, 3), "1x1": (1, 1)}
CROP_MIN_WIDTH = 1200
CROP_MAX_WIDTH = 1600
# The largest JPEG at most this wide is a page's `src` (the fallback of browsers without `srcset`).
DEFAULT_SRC_WIDTH = 1280
CACHE_FOREVER = "public, max-age=31536000, immutable"

MediaId = Annotated[str, StringConstraints(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")]
RenditionFormat = Literal["webp", "jpeg"]
MEDIA_PATH = re.compile(r"^/media/[0-9A-HJKMNP-TV-Z]{26}/[a-z0-9x]+\.(webp|jpg)$")


class MediaStatus(StrEnum):
    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Rendition(BaseModel):
    """One file made from an upload: a width for `srcset` (`ratio` None) or a crop (`ratio` "16x9" ...).
    `url` is the path on the site, /media/{id}/{name}."""

    model_config = ConfigDict(frozen=True)

    url: Annotated[str, StringConstraints(pattern=MEDIA_PATH.pattern)]
    width: Annotated[int, Field(ge=1)]
    height: Annotated[int, Field(ge=1)]
    format: RenditionFormat
    ratio: Literal["16x9", "4x3", "1x1"] | None = None


class MediaItem(BaseModel):
    """An uploaded image. `notes` says what could not be made (a crop the original is too small for);
    `reason` why a failed upload failed."""

    model_config = ConfigDict(frozen=True)

    id: MediaId
    status: MediaStatus
    content_type: str
    size: int
    alt: str
    caption: str | None = None
    credit: str | None = None
    filename: str | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    created_by: str | None = None
    width: int | None = None
    height: int | None = None
    renditions: list[Rendition] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    reason: str | None = None

    @property
    def original_key(self) -> str:
        return original_key(self.id)


def original_key(media_id: str) -> str:
    return f"{ORIGINALS_PREFIX}{media_id}"


def media_id_of_key(key: str) -> str | None:
    """The media id an uploaded original's key names, or None for any other key."""
    if not key.startswith(ORIGINALS_PREFIX):
        return None
    rest = key[len(ORIGINALS_PREFIX) :]
    return rest if re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", rest) else None


def rendition_key(media_id: str, name: str, fmt: RenditionFormat) -> str:
    return f"{RENDITIONS_PREFIX}{media_id}/{name}.{'jpg' if fmt == 'jpeg' else 'webp'}"


class PresignedUpload(BaseModel):
    """A browser form upload (S3 POST policy): POST `fields` and then the file, as multipart, to `url`."""

    model_config = ConfigDict(frozen=True)

    url: str
    fields: dict[str, str]
    expires_at: AwareDatetime
