"""The renditions function's events: an original uploaded under `uploads/` of the site bucket, as
EventBridge delivers S3's "Object Created" (one object per event), or as an S3 event notification
delivers it (`Records`, one or more objects).

Each object is processed on its own (newsdesk.media.service.process_upload): an unusable file marks only
its own item failed; an error of ours (S3 or DynamoDB unavailable) is raised after the others are done,
so the event is retried, and a repeated object whose item is finished already is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger

from newsdesk.media import service
from newsdesk.media.models import media_id_of_key
from newsdesk.media.ports import MediaFiles, MediaRepository

logger = Logger(child=True)


@dataclass
class UploadReport:
    ready: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[str]]:
        return {"ready": self.ready, "failed": self.failed, "skipped": self.skipped, "errors": self.errors}


class UploadsNotProcessed(RuntimeError):
    """Some uploads of the event met an error of ours; the event is to be delivered again."""


def uploaded_objects(event: dict[str, Any]) -> list[tuple[str, str]]:
    """(bucket, key) of each object the event says was created."""
    if "Records" in event:
        return [
            (r["s3"]["bucket"]["name"], unquote_plus(r["s3"]["object"]["key"]))
            for r in event["Records"]
            if str(r.get("eventName", "")).startswith("ObjectCreated")
        ]
    detail = event.get("detail") or {}
    if event.get("detail-type") == "Object Created" and detail.get("bucket") and detail.get("object"):
        return [(detail["bucket"]["name"], detail["object"]["key"])]
    return []


def handle_upload_event(
    event: dict[str, Any],
    repo: MediaRepository,
    files: MediaFiles,
    *,
    bucket: str,
    make: Callable[[str, bytes], Any],
) -> UploadReport:
    report = UploadReport()
    for source, key in uploaded_objects(event):
        media_id = media_id_of_key(key)
        if source != bucket or media_id is None:
            logger.warning("not an upload of ours", bucket=source, key=key)
            report.skipped.append(key)
            continue
        try:
            item = service.process_upload(repo, files, media_id, make)
        except Exception as exc:
            logger.exception("upload not processed", media_id=media_id)
            report.errors.append(f"{media_id}: {type(exc).__name__}")
            continue
        if item is None:
            logger.info("upload already processed, or unknown", media_id=media_id)
            report.skipped.append(media_id)
        elif item.status.value == "ready":
            logger.info("renditions made", media_id=media_id, count=len(item.renditions), notes=item.notes)
            report.ready.append(media_id)
        else:
            logger.warning("upload unusable", media_id=media_id, reason=item.reason)
            report.failed.append(media_id)
    if report.errors:
        raise UploadsNotProcessed("; ".join(report.errors))
    return report
