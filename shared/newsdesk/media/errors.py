"""What can go wrong with an uploaded image, as errors a caller can act on (mapped to problem documents in
newsdesk.http.problems), and the reason a stored upload cannot be made into renditions."""

from __future__ import annotations

from newsdesk.errors import DomainError


class MediaNotFound(DomainError):
    def __init__(self, media_id: str) -> None:
        super().__init__(f"No media item has the id {media_id!r}.")
        self.media_id = media_id


class MediaNotReady(DomainError):
    """An article names an upload whose renditions are not made (yet, or ever)."""

    def __init__(self, media_id: str, status: str, reason: str | None = None) -> None:
        detail = (
            f"Media {media_id!r} is still processing; attach it once GET /api/media/{media_id} says ready."
            if status == "processing"
            else f"Media {media_id!r} failed ({reason or 'no reason given'}); upload the image again."
        )
        super().__init__(detail)
        self.media_id = media_id
        self.status = status


class InvalidMedia(DomainError):
    """An upload request that breaks a rule (its type, its size), naming the field."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class UnusableImage(Exception):
    """An uploaded file that cannot be made into renditions: not an image, broken, too large."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
