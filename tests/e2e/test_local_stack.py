"""End to end: the local stack started like `make dev` does, driven over real HTTP with real tokens."""

from __future__ import annotations

import re
import signal
import time
import uuid
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests

from tests.e2e.conftest import RunningStack, start_stack

pytestmark = pytest.mark.e2e

TIMEOUT = 10
PROBLEM_JSON = "application/problem+json"
UNKNOWN_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"
EDITOR_ROUTES = [
    ("GET", "/articles"),
    ("POST", "/articles"),
    ("GET", f"/articles/{UNKNOWN_ID}"),
    ("PATCH", f"/articles/{UNKNOWN_ID}"),
    ("DELETE", f"/articles/{UNKNOWN_ID}"),
    ("POST", f"/articles/{UNKNOWN_ID}/publish"),
    ("POST", f"/articles/{UNKNOWN_ID}/unpublish"),
]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def draft(**fields: Any) -> dict[str, Any]:
    return {
        "headline": f"Ferry service resumes after repairs {uuid.uuid4().hex[:8]}",
        "body": "## What changed\n\n- new engines\n- a second crossing at dusk\n\n> It is good to be back.",
        "summary": "The river ferry is back in service after six weeks in dry dock.",
        "authors": ["Test Reporter"],
        "tags": ["Transport"],
        **fields,
    }


def wait_for_status(http: requests.Session, url: str, status: int, timeout: float = 10) -> requests.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = http.get(url, timeout=TIMEOUT)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


def assert_problem(response: requests.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith(PROBLEM_JSON)
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    return body


# ----- public routes ---------------------------------------------------------------------------------


def test_health_openapi_and_docs_need_no_token(stack: RunningStack, http: requests.Session) -> None:
    # Given a running stack and no token
    # When the public API routes are called
    health = http.get(f"{stack.api_url}/health", timeout=TIMEOUT)
    openapi = http.get(f"{stack.api_url}/openapi.json", timeout=TIMEOUT)
    docs = http.get(f"{stack.api_url}/docs", timeout=TIMEOUT)

    # Then each answers 200 with its document
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    assert openapi.status_code == 200
    assert "/api/articles" in openapi.json()["paths"]
    assert docs.status_code == 200
    assert "text/html" in docs.headers["Content-Type"]


# ----- the article lifecycle -------------------------------------------------------------------------


def test_an_article_is_created_revised_published_and_unpublished(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an editor's token
    http.headers.update(bearer(editor_token))

    # When a draft is created
    created = http.post(f"{stack.api_url}/articles", json=draft(), timeout=TIMEOUT)

    # Then it is stored as version 1 with an ETag
    assert created.status_code == 201, created.text
    assert created.headers["ETag"] == '"1"'
    article = created.json()
    url = f"{stack.api_url}/articles/{article['id']}"
    assert created.headers["Location"] == f"/api/articles/{article['id']}"

    # When it is patched without If-Match, then with a stale one, then with the current one
    no_precondition = http.patch(url, json={"summary": "Changed."}, timeout=TIMEOUT)
    stale = http.patch(url, json={"summary": "Changed."}, headers={"If-Match": '"7"'}, timeout=TIMEOUT)
    current = http.patch(
        url, json={"summary": "Changed."}, headers={"If-Match": created.headers["ETag"]}, timeout=TIMEOUT
    )

    # Then only the last one changes it, and it gets a new ETag
    assert_problem(no_precondition, 428)
    assert_problem(stale, 412)
    assert current.status_code == 200, current.text
    assert current.headers["ETag"] == '"2"'
    assert current.json()["summary"] == "Changed."

    # When it is published
    published = http.post(f"{url}/publish", headers={"If-Match": current.headers["ETag"]}, timeout=TIMEOUT)

    # Then it is live at its dated URL, and the page appears on the site
    assert published.status_code == 200, published.text
    body = published.json()
    assert body["status"] == "published"
    assert re.fullmatch(rf"/\d{{4}}/\d{{2}}/\d{{2}}/{re.escape(article['slug'])}/", body["url"])
    page = wait_for_status(http, stack.site_url + body["url"], 200)
    assert page.status_code == 200
    assert article["headline"] in page.text
    assert page.headers["Content-Type"].startswith("text/html")

    # When it is unpublished
    unpublished = http.post(f"{url}/unpublish", timeout=TIMEOUT)

    # Then it is no longer live and its page goes away
    assert unpublished.status_code == 200, unpublished.text
    assert unpublished.json()["status"] == "unpublished"
    assert wait_for_status(http, stack.site_url + body["url"], 404).status_code == 404


# ----- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), EDITOR_ROUTES)
def test_editor_routes_refuse_requests_without_a_token(
    stack: RunningStack, http: requests.Session, method: str, path: str
) -> None:
    # Given no Authorization header
    # When an editor route is called
    response = http.request(method, stack.api_url + path, json={}, timeout=TIMEOUT)

    # Then the authorizer refuses it with a problem document
    problem = assert_problem(response, 401)
    assert problem["title"] == "Unauthorized"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), EDITOR_ROUTES)
def test_editor_routes_refuse_users_who_are_not_editors(
    stack: RunningStack,
    http: requests.Session,
    reader_token: str,
    groupless_token: str,
    method: str,
    path: str,
) -> None:
    # Given signed-in users outside the editors group
    for token in (reader_token, groupless_token):
        # When they call an editor route
        response = http.request(method, stack.api_url + path, json={}, headers=bearer(token), timeout=TIMEOUT)

        # Then they are forbidden
        assert_problem(response, 403)


def test_tampered_and_expired_tokens_are_refused(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an editor's token with a changed signature, and one re-signed with the pool's key but expired
    header, payload, signature = editor_token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    expired = _expired_copy(editor_token)

    # When they are used
    responses = [
        http.get(f"{stack.api_url}/articles", headers=bearer(token), timeout=TIMEOUT)
        for token in (tampered, expired, "not-a-jwt")
    ]

    # Then each is refused as unauthenticated
    for response in responses:
        assert_problem(response, 401)


def _expired_copy(token: str) -> str:
    """The token's claims, expired, signed with the emulator's user pool key (moto's own test key)."""
    from moto.utilities.utils import load_resource

    private = load_resource("cognitoidp/resources/jwks-private.json")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600)
    key = jwt.PyJWK(private).key
    return jwt.encode(
        claims, key, algorithm="RS256", headers={"kid": jwt.get_unverified_header(token)["kid"]}
    )


def test_unknown_api_route_is_not_found(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an editor's token
    # When a route that does not exist is called
    response = http.get(f"{stack.api_url}/no-such-thing", headers=bearer(editor_token), timeout=TIMEOUT)

    # Then it is not found
    assert_problem(response, 404)


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/articles"), ("PUT", f"/articles/{UNKNOWN_ID}")])
def test_wrong_method_is_not_allowed(
    stack: RunningStack, http: requests.Session, editor_token: str, method: str, path: str
) -> None:
    # Given an editor's token
    # When a route is called with a method it does not have
    response = http.request(method, stack.api_url + path, headers=bearer(editor_token), timeout=TIMEOUT)

    # Then it is refused, naming the methods it has
    assert_problem(response, 405)
    assert response.headers["Allow"]


def test_malformed_json_is_a_bad_request(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an editor's token and a body that is not JSON
    headers = {**bearer(editor_token), "Content-Type": "application/json"}

    # When it is posted
    response = http.post(
        f"{stack.api_url}/articles", data=b'{"headline": "Half', headers=headers, timeout=TIMEOUT
    )

    # Then it is a bad request
    assert_problem(response, 400)


# ----- the site ---------------------------------------------------------------------------------------


def test_a_site_path_that_does_not_exist_is_not_found(stack: RunningStack, http: requests.Session) -> None:
    # Given a running stack
    # When a page that does not exist is requested, with and without an extension
    pages = [http.get(f"{stack.site_url}{path}", timeout=TIMEOUT) for path in ("/no/such/page/", "/nope.css")]

    # Then both are 404
    assert [p.status_code for p in pages] == [404, 404]


def test_sample_articles_are_published_on_start(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given a stack started on an empty table
    # When the published articles are listed
    listed = http.get(
        f"{stack.api_url}/articles",
        params={"status": "published"},
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    )

    # Then the samples are there, and their pages and the home page are served from the site bucket
    assert listed.status_code == 200, listed.text
    samples = [a for a in listed.json()["items"] if a["source"] and a["authors"] != ["Test Reporter"]]
    assert len(samples) >= 3
    page = wait_for_status(http, stack.site_url + samples[0]["url"], 200)
    assert page.status_code == 200
    assert page.headers["Cache-Control"]
    home = wait_for_status(http, stack.site_url + "/", 200)
    assert home.status_code == 200
    assert home.headers["Content-Type"].startswith("text/html")


# ----- starting and stopping ----------------------------------------------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_the_stack_says_where_it_is_and_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    # Given a stack started without samples
    running = start_stack(tmp_path / "dev.log", NEWSDESK_SAMPLES="0")
    try:
        output = running.output()

        # When it is sent Ctrl-C (or SIGTERM)
        code = running.stop(sig)
    finally:
        running.stop(signal.SIGKILL)

    # Then it had printed the site, API and docs URLs and how to get a token, and it exits with 0
    assert f"{running.site_url}/" in output
    assert f"{running.api_url}/docs" in output
    assert "newsdesk token" in output
    assert code == 0, running.output()
    assert "Stopped." in running.output()
