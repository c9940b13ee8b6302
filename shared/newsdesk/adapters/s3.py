"""S3 adapter for the site bucket: writes an object only when its bytes (or headers) changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from newsdesk.adapters.aws import AwsAdapter
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
