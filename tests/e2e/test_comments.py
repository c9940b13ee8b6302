"""Reader comments end to end on the local stack (`make dev`): post through the API and the page's form,
see it pending in the moderation queue, approve it, see it on the page, escaped, with no email anywhere."""

from __future__ import annotations

import re
import time
import uuid
from html.parser import HTMLParser
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, assert_problem, bearer, draft, wait_for_status

pytestmark = pytest.mark.e2e


class FormReader(HTMLParser):
    """The comment form's action and hidden inputs, and the page's script."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.inputs: dict[str, str] = {}
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form" and "comment-form" in values.get("class", ""):
            self.action = values["action"]
        elif tag == "input" and "name" in values:
            self.inputs[values["name"]] = values.get("value", "")
        elif tag == "script" and values.get("src"):
            self.scripts.append(values["src"])


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def publish(stack: RunningStack, http: requests.Session, token: str) -> dict[str, Any]:
    created = http.post(f"{stack.api_url}/articles", json=draft(), headers=bearer(token), timeout=TIMEOUT)
    assert created.status_code == 201, created.text
    published = http.post(
        f"{stack.api_url}/articles/{created.json()['id']}/publish",
        headers={**bearer(token), "If-Match": created.headers["ETag"]},
        timeout=TIMEOUT,
    )
    assert published.status_code == 200, published.text
    article: dict[str, Any] = published.json()
    assert wait_for_status(http, stack.site_url + article["url"], 200).status_code == 200
    return article


def wait_for(check: Any, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


def test_a_comment_is_moderated_and_appears_on_the_page(
    stack: RunningStack, http: requests.Session, editor_token: str, reader_token: str
) -> None:
    # Given a freshly published article, and a reader's comment with markup and two lines
    article = publish(stack, http, editor_token)
    marker = uuid.uuid4().hex[:10]
    email = f"reader-{marker}@example.com"
    comment = {
        "name": f"Asha <i>{marker}</i>",
        "email": email,
        "website": "https://asha.example.net",
        "body": f"First line {marker}\n<script>window.__pwned=1</script>",
    }

    # When it is posted through the API
    posted = http.post(f"{stack.api_url}/articles/{article['id']}/comments", json=comment, timeout=TIMEOUT)

    # Then it is accepted at once, and the worker stores it pending in the moderation queue
    assert posted.status_code == 202, posted.text
    assert posted.json()["status"] == "pending"
    comment_id = posted.json()["id"]
    queue_url = f"{stack.api_url}/comments?status=pending&article_id={article['id']}"

    def pending() -> dict[str, Any] | None:
        items = http.get(queue_url, headers=bearer(editor_token), timeout=TIMEOUT).json()["items"]
        return next((c for c in items if c["id"] == comment_id), None)

    queued = wait_for(pending)
    assert queued is not None, "the comment never reached the moderation queue"
    assert (queued["email"], queued["body"]) == (email, comment["body"])
    assert http.get(queue_url, headers=bearer(reader_token), timeout=TIMEOUT).status_code == 403
    assert http.get(queue_url, timeout=TIMEOUT).status_code == 401

    # When an editor approves it
    approved = http.patch(
        f"{stack.api_url}/comments/{comment_id}",
        json={"status": "approved"},
        headers={**bearer(editor_token), "If-Match": f'"{queued["version"]}"'},
        timeout=TIMEOUT,
    )
    assert approved.status_code == 200, approved.text

    # Then the article's page shows it within seconds: escaped, linked, counted, with no email
    page_url = stack.site_url + article["url"]

    def page_with_comment() -> str | None:
        text = http.get(page_url, timeout=TIMEOUT).text
        return text if f"First line {marker}" in text else None

    page = wait_for(page_with_comment)
    assert page is not None, "the approved comment never appeared on the page"
    assert "1 comment" in page
    assert f"Asha &lt;i&gt;{marker}&lt;/i&gt;" in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    assert "<script>window.__pwned" not in page
    assert re.search(r'<a href="https://asha.example.net" rel="ugc nofollow noopener">', page)
    assert email not in page and marker + "@" not in page


def test_the_page_form_posts_without_javascript_and_lands_on_the_pending_notice(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    # Given an article page and its form (with the script's fresh token, then 3 s of "typing")
    article = publish(stack, http, editor_token)
    page = http.get(stack.site_url + article["url"], timeout=TIMEOUT)
    form = read_form(page.text)
    action = form.action
    assert action == f"/api/articles/{article['id']}/comments"
    assert set(form.inputs) >= {"name", "email", "website", "url_confirm", "token"}
    (script,) = form.scripts
    asset = http.get(stack.site_url + script, timeout=TIMEOUT)
    assert asset.status_code == 200 and "immutable" in asset.headers["Cache-Control"]
    fresh = http.get(f"{stack.api_url}/articles/{article['id']}/comment-token", timeout=TIMEOUT).json()
    time.sleep(fresh["min_fill_seconds"] + 0.5)

    # When the browser posts the form as a plain HTML form (every test posts from 127.0.0.1: a 429 from
    # the per-address flood limit says how long to wait)
    def send() -> requests.Response:
        return http.post(
            stack.site_url + action,
            data={
                "name": "Ravi",
                "email": f"ravi-{uuid.uuid4().hex[:6]}@example.com",
                "website": "",
                "body": "Posted without JavaScript",
                "url_confirm": "",
                "token": fresh["token"],
            },
            headers={"Accept": "text/html"},
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    response = send()
    if response.status_code == 429:
        time.sleep(int(response.headers["Retry-After"]) + 0.5)
        response = send()

    # Then it is redirected back to the article, at the notice that the comment awaits moderation
    assert response.status_code == 303, response.text
    assert response.headers["Location"] == f"{article['url']}#comment-pending"
    assert 'id="comment-pending"' in page.text


def test_a_comment_without_an_email_is_refused_naming_the_field(
    stack: RunningStack, http: requests.Session, editor_token: str
) -> None:
    article = publish(stack, http, editor_token)
    response = http.post(
        f"{stack.api_url}/articles/{article['id']}/comments",
        json={"name": "No Email", "body": "Hello"},
        timeout=TIMEOUT,
    )
    body = assert_problem(response, 422)
    assert [e["field"] for e in body["errors"]] == ["email"]
    unknown = http.post(
        f"{stack.api_url}/articles/01JDQ7ZK3M8N4P5R6S7T8V9W0X/comments",
        json={"name": "x", "email": "x@example.com", "body": "y"},
        timeout=TIMEOUT,
    )
    assert_problem(unknown, 404)
