"""CloudFront adapter: one invalidation per batch of changed paths, retried with backoff when throttled."""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from newsdesk.adapters.aws import AwsAdapter

if TYPE_CHECKING:
    from mypy_boto3_cloudfront import CloudFrontClient

logger = Logger(child=True)

_RETRYABLE = {"Throttling", "TooManyInvalidationsInProgress", "ServiceUnavailable", "RequestLimitExceeded"}
# Past this many paths one wildcard is cheaper (it is billed as one path) and stays under the
# 3,000-paths-in-flight limit.
WILDCARD_THRESHOLD = 500


class InvalidationFailed(RuntimeError):
    pass


class Cdn(AwsAdapter["CloudFrontClient"]):
    service = "cloudfront"

    def __init__(
        self,
        distribution_id: str,
        client: CloudFrontClient | None = None,
        *,
        attempts: int = 6,
        base_delay: float = 0.5,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(client)
        self.distribution_id = distribution_id
        self.attempts = attempts
        self.base_delay = base_delay
        self.sleep = sleep

    def invalidate(self, paths: Iterable[str]) -> str | None:
        """Invalidate the given URL paths in one request. Returns the invalidation id (None if no paths)."""
        from botocore.exceptions import ClientError

        unique = sorted(set(paths))
        if not unique:
            return None
        if len(unique) > WILDCARD_THRESHOLD:
            unique = ["/*"]
        reference = uuid.uuid4().hex
        for attempt in range(1, self.attempts + 1):
            try:
                response = self.client.create_invalidation(
                    DistributionId=self.distribution_id,
                    InvalidationBatch={
                        "Paths": {"Quantity": len(unique), "Items": unique},
                        "CallerReference": reference,
                    },
                )
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code not in _RETRYABLE or attempt == self.attempts:
                    raise InvalidationFailed(f"CloudFront refused the invalidation ({code})") from exc
                delay = self.base_delay * 2 ** (attempt - 1) * (0.5 + random.random())
                logger.warning("invalidation throttled", attempt=attempt, delay=round(delay, 2), code=code)
                self.sleep(delay)
                continue
            invalidation_id = response["Invalidation"]["Id"]
            logger.info("invalidation created", invalidation_id=invalidation_id, paths=len(unique))
            return invalidation_id
        raise AssertionError("unreachable")  # pragma: no cover
