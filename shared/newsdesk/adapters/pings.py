"""The services that hear of a site's changes over plain HTTPS: an IndexNow endpoint and a WebSub hub.

urllib3 (which the Lambda runtime ships with boto3) with short timeouts and no retries of its own: a
ping that fails raises `PingFailed`, and the announcement queue delivers the message again later. A
refusal that no retry can change (IndexNow's 400 and 422: a malformed request, URLs not of the key's host)
is logged and dropped rather than retried.
"""

from __future__ import annotations

import json
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    import urllib3

logger = Logger(child=True)

CONNECT_TIMEOUT = 3.0  # seconds
READ_TIMEOUT = 10.0
USER_AGENT = "Newsdesk announcer"


class PingFailed(RuntimeError):
    """A service did not take the ping; worth trying again later."""


class _Http:
    """One connection pool, made on first use."""

    def __init__(self, pool: urllib3.PoolManager | None = None) -> None:
        self._pool = pool
        self._lock = threading.Lock()

    @property
    def pool(self) -> urllib3.PoolManager:
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    import urllib3

                    self._pool = urllib3.PoolManager(
                        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
                        retries=False,
                        headers={"User-Agent": USER_AGENT},
                    )
        return self._pool

    def post(self, url: str, body: bytes, content_type: str) -> Any:
        import urllib3

        try:
            return self.pool.request("POST", url, body=body, headers={"Content-Type": content_type})
        except urllib3.exceptions.HTTPError as exc:
            raise PingFailed(f"{urlsplit(url).netloc} cannot be reached: {type(exc).__name__}") from exc


class IndexNowClient(_Http):
    """newsdesk.site.ports.IndexNow: POST {host, key, keyLocation, urlList} as JSON to `endpoint`."""

    def __init__(self, endpoint: str, key: str, pool: urllib3.PoolManager | None = None) -> None:
        super().__init__(pool)
        self.endpoint = endpoint
        self.key = key

    def submit(self, origin: str, urls: list[str]) -> None:
        body = {
            "host": urlsplit(origin).netloc,
            "key": self.key,
            "keyLocation": f"{origin}/{self.key}.txt",
            "urlList": urls,
        }
        response = self.post(self.endpoint, json.dumps(body).encode(), "application/json; charset=utf-8")
        if 200 <= response.status < 300:
            logger.info("IndexNow took the URLs", status=response.status, urls=len(urls))
        elif response.status in {400, 422}:
            logger.error("IndexNow refused the URLs for good", status=response.status, urls=len(urls))
        else:
            raise PingFailed(f"IndexNow answered {response.status}")


class WebSubHubClient(_Http):
    """newsdesk.site.ports.Hub: a publish notification (hub.mode=publish, hub.url per topic), form-encoded."""

    def __init__(self, hub: str, pool: urllib3.PoolManager | None = None) -> None:
        super().__init__(pool)
        self.hub = hub

    def publish(self, topics: list[str]) -> None:
        body = urlencode([("hub.mode", "publish"), *(("hub.url", t) for t in topics)]).encode()
        response = self.post(self.hub, body, "application/x-www-form-urlencoded")
        if not 200 <= response.status < 300:
            raise PingFailed(f"the WebSub hub answered {response.status}")
        logger.info("the WebSub hub took the feeds", status=response.status, feeds=len(topics))
