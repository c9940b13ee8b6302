"""S3 adapter for the site bucket: writes an object only when its bytes (or headers) changed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from newsdesk.adapters.aws import AwsAdapter
from newsdesk.media.errors import UnusableImage
from newsdesk.media.models import CACHE_FOREVER, PresignedUpload
from newsdesk.site.models import SiteObject

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

DIGEST_KEY = "content-sha256"


class SiteBucket(AwsAdapter["S3Client"]):
    service = "s3"

    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        super().__init__(client)
        self.bucket = bucket

    def stored_digest(self, key: str) -> str | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise
        return head.get("Metadata", {}).get(DIGEST_KEY)

    def put_if_changed(self, obj: SiteObject) -> bool:
        """Upload `obj` unless the stored object has the same content hash. True if uploaded."""
        if self.stored_digest(obj.key) == obj.digest:
            return False
        self.put(obj)
        return True

    def put(self, obj: SiteObject) -> None:
        """Upload `obj`, its content hash in its metadata."""
        self.client.put_object(
            Bucket=self.bucket,
            Key=obj.key,
            Body=obj.body,
            ContentType=obj.content_type,
            CacheControl=obj.cache_control,
            Metadata={DIGEST_KEY: obj.digest},
        )

    def delete(self, key: str) -> bool:
        """Remove an object. True if there was one."""
        if self.stored_digest(key) is None:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=key)
        return True


class MediaBucket(AwsAdapter["S3Client"]):
    """The site bucket as uploaded images use it (newsdesk.media.ports.UploadSigner and MediaFiles):
    presigned form uploads of originals, reading an original, writing renditions."""

    service = "s3"

    def __init__(self, bucket: str, client: S3Client | None = None) -> None:
        super().__init__(client)
        self.bucket = bucket

    def presign(
        self, key: str, *, content_type: str, max_bytes: int, expires: dt.timedelta, now: dt.datetime
    ) -> PresignedUpload:
        """A POST policy for exactly `key`, of `content_type`, of 1 to `max_bytes` bytes."""
        seconds = int(expires.total_seconds())
        post = self.client.generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
            ExpiresIn=seconds,
        )
        return PresignedUpload(
            url=post["url"], fields={k: str(v) for k, v in post["fields"].items()}, expires_at=now + expires
        )

    def read_original(self, key: str, max_bytes: int) -> bytes:
        """The object's bytes; UnusableImage if it is larger than `max_bytes` (the upload said less)."""
        found = self.client.get_object(Bucket=self.bucket, Key=key)
        if int(found.get("ContentLength", 0)) > max_bytes:
            found["Body"].close()
            raise UnusableImage(f"the file is larger than the {max_bytes} bytes its upload declared")
        return found["Body"].read()

    def put_rendition(self, key: str, body: bytes, content_type: str) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, CacheControl=CACHE_FOREVER
        )
