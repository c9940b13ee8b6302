"""Abuse and access holes, end to end on the local stack: a parallel burst from one address, and a group
whose name only looks like the editors group."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter

from tests.e2e.conftest import RunningStack
from tests.e2e.test_comments import publish
from tests.e2e.test_local_stack import EDITOR_ROUTES, TIMEOUT, assert_problem, bearer

pytestmark = pytest.mark.e2e

BURST = 10


class SourceAddress(HTTPAdapter):
    """Connects from a given loopback address (any 127.x.y.z reaches 127.0.0.1 on Linux), so this test's
    sender is not the 127.0.0.1 the other tests post from."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def test_ten_simultaneous_posts_from_one_address_with_ten_emails_accept_one(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given a published article and one reader address
    article = publish(stack, http, editor_token)
    url = f"{stack.api_url}/articles/{article['id']}/comments"
    address = f"127.0.{90 + uuid.uuid4().int % 100}.{1 + uuid.uuid4().int % 250}"
    start = threading.Barrier(BURST)

    def post(i: int) -> requests.Response:
        with requests.Session() as session:
            session.mount("http://", SourceAddress(address))
            start.wait(timeout=30)
            return session.post(
                url,
                json={
                    "name": f"Reader {i}",
                    "email": f"burst-{i}-{uuid.uuid4().hex[:6]}@example.com",
                    "body": "Hi",
                },
                timeout=30,
            )

    # When ten posts with ten emails leave that address at the same moment
    with ThreadPoolExecutor(max_workers=BURST) as pool:
        responses = list(pool.map(post, range(BURST)))

    # Then one is accepted and nine are 429 problems with a Retry-After
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [202] + [429] * (BURST - 1), [r.text for r in responses]
    for refused in (r for r in responses if r.status_code == 429):
        assert_problem(refused, 429)
        assert int(refused.headers["Retry-After"]) >= 1


@pytest.fixture(scope="module")
def lookalike_token(stack: RunningStack) -> str:
    """A user whose only group is named "readers,editors" (flattened, it reads like two groups)."""
    return stack.token("--group", "readers,editors", "--email", "lookalike@example.com")


@pytest.mark.parametrize(("method", "path"), EDITOR_ROUTES)
def test_a_group_named_readers_comma_editors_is_forbidden_on_every_editor_route(
    stack: RunningStack, http: requests.Session, lookalike_token: str, method: str, path: str
) -> None:
    # Given a signed-in user whose only group is "readers,editors"
    # When they call an editor route
    response = http.request(
        method, stack.api_url + path, json={}, headers=bearer(lookalike_token), timeout=TIMEOUT
    )

    # Then they are forbidden
    assert_problem(response, 403)
