"""The content hash of every object the renderer keeps in the site bucket, by object key: one small item
each (``PAGE#{key}`` / ``D``), so a publish reads the hashes of all the objects it renders in one
BatchGetItem instead of one HEAD per object, and writes the new ones in one BatchWriteItem."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from newsdesk.adapters.dynamodb.keys import PAGE_PREFIX, page_digest_key
from newsdesk.adapters.dynamodb.table import TableAdapter

BATCH_GET_MAX = 100
BATCH_WRITE_MAX = 25


class PageDigests(TableAdapter):
    """newsdesk.site.ports.DigestLedger over the Newsdesk table."""

    def get_many(self, keys: list[str]) -> dict[str, str]:
        """The recorded hash of each object key that has one (strongly consistent)."""
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), BATCH_GET_MAX):
            request: dict[str, Any] = {
                self.table_name: {
                    "Keys": [page_digest_key(k) for k in unique[start : start + BATCH_GET_MAX]],
                    "ConsistentRead": True,
                }
            }
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self.table_name, []):
                    found[item["PK"]["S"].removeprefix(PAGE_PREFIX)] = item["digest"]["S"]
                request = response.get("UnprocessedKeys") or {}
        return found

    def record(self, digests: Mapping[str, str | None]) -> None:
        """Record each key's hash; None forgets the key's hash (the object is about to change or is gone)."""
        requests: list[dict[str, Any]] = []
        for key, digest in digests.items():
            if digest is None:
                requests.append({"DeleteRequest": {"Key": page_digest_key(key)}})
            else:
                item = {**page_digest_key(key), "digest": {"S": digest}}
                requests.append({"PutRequest": {"Item": item}})
        for start in range(0, len(requests), BATCH_WRITE_MAX):
            request: dict[str, Any] = {self.table_name: requests[start : start + BATCH_WRITE_MAX]}
            while request:
                request = self.client.batch_write_item(RequestItems=request).get("UnprocessedItems") or {}
