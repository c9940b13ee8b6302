"""End to end over the local stack: a writer's story goes through review, and only an editor publishes it
(real Cognito tokens from the emulated user pool, real HTTP, the page rendered to the site)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, assert_problem, bearer, draft, wait_for_status

pytestmark = pytest.mark.e2e


def claims(token: str) -> dict[str, Any]:
    """The payload of an ID token (its signature was checked by the stack's authorizer)."""
    payload = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.fixture(scope="session")
def writer_token(stack: RunningStack) -> str:
    return stack.token("--group", "writers")


def test_a_writer_submits_a_story_and_only_an_editor_publishes_it(
    stack: RunningStack, writer_token: str, editor_token: str
) -> None:
    # Given a writer and an editor of the stack's user pool
    writer, editor = requests.Session(), requests.Session()
    writer.headers.update(bearer(writer_token))
    editor.headers.update(bearer(editor_token))

    # When the writer creates a draft and submits it for review
    created = writer.post(f"{stack.api_url}/articles", json=draft(), timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    article = created.json()
    url = f"{stack.api_url}/articles/{article['id']}"
    submitted = writer.post(f"{url}/submit", headers={"If-Match": created.headers["ETag"]}, timeout=TIMEOUT)

    # Then it is in review, recorded as theirs, and in the editors' review queue
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "review"
    assert submitted.json()["created_by"] == {
        "sub": claims(writer_token)["sub"],
        "email": claims(writer_token)["email"],
    }
    queue = editor.get(f"{stack.api_url}/articles", params={"status": "review"}, timeout=TIMEOUT).json()
    assert article["id"] in [a["id"] for a in queue["items"]]

    # When the writer tries to publish it
    refused = writer.post(f"{url}/publish", headers={"If-Match": submitted.headers["ETag"]}, timeout=TIMEOUT)

    # Then it is a 403 problem document naming the editors group, and the article is still in review
    assert "editors" in assert_problem(refused, 403)["detail"]
    assert editor.get(url, timeout=TIMEOUT).json()["status"] == "review"

    # When an editor publishes it
    published = editor.post(
        f"{url}/publish", headers={"If-Match": submitted.headers["ETag"]}, timeout=TIMEOUT
    )

    # Then it is published and its page goes live on the site
    assert published.status_code == 200, published.text
    page = wait_for_status(requests.Session(), stack.site_url + published.json()["url"], 200)
    assert page.status_code == 200
    assert article["headline"] in page.text
    # and the writer can no longer change it
    late = writer.patch(
        url, json={"summary": "Too late"}, headers={"If-Match": published.headers["ETag"]}, timeout=TIMEOUT
    )
    assert "editors" in assert_problem(late, 403)["detail"]
