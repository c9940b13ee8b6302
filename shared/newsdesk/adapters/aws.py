"""The one way an adapter gets its boto3 client: injected (tests, the local stack), or built on first use.

Never at import: moto must be active before a test's client exists, and a cold start must not pay for
boto3 until a request needs AWS (health checks, OpenAPI documents and refused requests never do).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar, Generic, TypeVar, cast

ClientT = TypeVar("ClientT")

# boto3's default session is not safe to make clients from in several threads at once (the renderer
# uploads from a thread pool), so the first client of each adapter is made under this lock.
_lock = threading.Lock()


def new_client(service: str) -> Any:
    """A boto3 client of the default session, for the region and endpoint of the environment."""
    import boto3

    return boto3.client(service)  # type: ignore[call-overload]


class AwsAdapter(Generic[ClientT]):
    """Base of every adapter: one AWS service's client, given or made lazily (`service` names it)."""

    service: ClassVar[str]

    def __init__(self, client: ClientT | None = None) -> None:
        self._client = client

    @property
    def client(self) -> ClientT:
        if self._client is None:
            with _lock:
                if self._client is None:
                    self._client = cast(ClientT, new_client(self.service))
        return self._client
