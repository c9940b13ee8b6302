"""What the media use cases need: the media items' storage, the presigned upload, and the bucket the
originals and renditions live in. Adapters in newsdesk.adapters implement them."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from newsdesk.media.models import MediaItem, PresignedUpload


class MediaRepository(Protocol):
    """Media items by id. `create` fails if the id exists; `finish` writes a processed item only while the
    stored one is still processing, and returns False (writing nothing) otherwise."""

    def get(self, media_id: str) -> MediaItem | None: ...
    def create(self, item: MediaItem) -> None: ...
    def finish(self, item: MediaItem) -> bool: ...


class UploadSigner(Protocol):
    def presign(
        self, key: str, *, content_type: str, max_bytes: int, expires: dt.timedelta, now: dt.datetime
    ) -> PresignedUpload: ...


class MediaFiles(Protocol):
    """The site bucket's uploaded originals (read) and renditions (written, for ever cacheable)."""

    def read_original(self, key: str, max_bytes: int) -> bytes: ...
    def put_rendition(self, key: str, body: bytes, content_type: str) -> None: ...
