"""Previews and share links: the editor API's routes and the preview function's public route, driven with
the sample events against moto (the articles table, the share-link KMS HMAC key)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsdesk.clock import FrozenClock
from tests.conftest import EDITOR_API_APP, load_function
from tests.events import load_event
from tests.handlers.client import ApiResponse, EditorApi

PREVIEW_APP = EDITOR_API_APP.parents[1] / "preview" / "app.py"
UNKNOWN_ID = "01JDQ80000000000000000000Z"
PUBLIC_HOST = "news.example.com"  # what the distribution's ForwardedHostFunction puts in X-Forwarded-Host
BANNER = "Preview \N{EM DASH} not published"
ROBOTS_META = '<meta name="robots" content="noindex, nofollow">'


@pytest.fixture
def preview_fn(editor_api: ModuleType) -> Iterator[ModuleType]:
    """functions/preview/app.py, with the editor function's environment (table, share-link key)."""
    module = load_function(PREVIEW_APP)
    try:
        yield module
    finally:
        import sys

        sys.modules.pop(module.__name__, None)


class Reader:
    """Someone without an account, opening share links (the preview function)."""

    def __init__(self, fn: ModuleType, context: Any) -> None:
        self.fn = fn
        self.context = context

    def open(self, path: str, **overrides: Any) -> ApiResponse:
        event = load_event("editor_api/health", path=path, **overrides)
        return ApiResponse.from_proxy(self.fn.lambda_handler(event, self.context))


@pytest.fixture
def reader(preview_fn: ModuleType, lambda_context: Any) -> Reader:
    return Reader(preview_fn, lambda_context)


def preview(api: EditorApi, article_id: str) -> ApiResponse:
    return api.send(
        "get_article", path=f"/api/articles/{article_id}/preview", headers={"X-Forwarded-Host": PUBLIC_HOST}
    )


def share(api: EditorApi, article_id: str, body: Any = None) -> ApiResponse:
    return api.send(
        "create_article",
        path=f"/api/articles/{article_id}/preview-links",
        body=body,
        headers={"X-Forwarded-Host": PUBLIC_HOST},
    )


def share_ok(api: EditorApi, article_id: str, body: Any = None) -> str:
    """A new share link's path."""
    response = share(api, article_id, body)
    assert response.status == 201, response.body
    return urlsplit(response.json()["url"]).path


def assert_preview_page(response: ApiResponse, headline: str) -> str:
    assert response.status == 200, response.body
    assert response.content_type == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-store"
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    page = response.body or ""
    assert f"<h1>{headline}</h1>" in page
    assert BANNER in page
    assert ROBOTS_META in page
    assert "<form" not in page and "comments.js" not in page.replace(".css", "")
    return page


# ----- the editor's preview --------------------------------------------------------------------------


def test_an_editor_previews_a_draft_as_it_would_be_published(api: EditorApi, clock: FrozenClock) -> None:
    # Given a draft, with Markdown and a summary
    draft = api.create_ok(
        headline="Monsoon arrives early", summary="Rain in Kerala.", body="It **rained**.", authors=["A. Rao"]
    )

    # When an editor previews it
    response = preview(api, draft["id"])

    # Then it is the article page, rendered by the site's templates, with the preview banner, noindex,
    # never stored, and no comment form
    page = assert_preview_page(response, "Monsoon arrives early")
    assert "<strong>rained</strong>" in page
    assert '<p class="summary">Rain in Kerala.</p>' in page
    assert "Draft (version 1): readers cannot see it." in page
    # and its links are those a publish now would give it, on the public origin
    local = clock().astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30)))
    canonical = f"https://{PUBLIC_HOST}/{local:%Y/%m/%d}/monsoon-arrives-early/"
    assert f'<link rel="canonical" href="{canonical}">' in page
    # and nothing was saved: the draft is still version 1
    assert api.get(draft["id"]).json()["version"] == 1


def test_a_published_article_previews_as_its_page_with_a_banner_that_says_so(api: EditorApi) -> None:
    # Given a published article
    article = api.create_ok(headline="Floods cut off villages", body="Rescue teams were sent.")
    live = api.publish(article["id"]).json()

    # When an editor previews it
    response = preview(api, article["id"])

    # Then the banner says it is the published version, at its URL
    assert response.status == 200
    assert f"This is the published version 2; readers see it at {live['url']}." in (response.body or "")


def test_previewing_an_unknown_article_is_a_404_then_a_known_one_works(api: EditorApi) -> None:
    # Given no article with this id
    # When an editor previews it
    response = preview(api, UNKNOWN_ID)

    # Then it is a 404 problem
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"
    # and a preview of an article that exists still works
    article = api.create_ok(headline="After the refusal")
    assert_preview_page(preview(api, article["id"]), "After the refusal")


def test_a_preview_needs_an_editor(api: EditorApi) -> None:
    # Given an article
    article = api.create_ok()

    # When someone without a token asks for its preview
    event = load_event("editor_api/get_article", path=f"/api/articles/{article['id']}/preview", claims=None)
    response = api.call(event)

    # Then it is a 401 problem, not the page
    assert response.status == 401
    assert response.problem["title"] == "Unauthorized"


# ----- share links -----------------------------------------------------------------------------------


@pytest.mark.clock("2026-11-20T14:00:00+05:30")
def test_a_share_link_is_on_the_public_origin_and_expires_in_two_days(api: EditorApi) -> None:
    # Given a draft
    draft = api.create_ok(headline="Budget leaks")

    # When an editor asks for a share link without saying for how long
    response = share(api, draft["id"])

    # Then it is created: a URL on the public origin under /api/preview/, expiring in two days
    assert response.status == 201
    assert response.headers["cache-control"] == "no-store"
    link = response.json()
    assert link["expires_at"] == "2026-11-22T08:30:00Z"
    assert dt.datetime.fromisoformat(link["expires_at"]).utcoffset() == dt.timedelta(0)
    url = urlsplit(link["url"])
    assert (url.scheme, url.netloc) == ("https", PUBLIC_HOST)
    assert re.fullmatch(r"/api/preview/[A-Za-z0-9._-]{1,100}", url.path), url.path


@pytest.mark.parametrize(("expires_in", "status"), [(59, 422), (60, 201), (1_209_600, 201), (1_209_601, 422)])
def test_a_share_link_lasts_between_a_minute_and_fourteen_days(
    api: EditorApi, clock: FrozenClock, expires_in: int, status: int
) -> None:
    # Given a draft
    draft = api.create_ok()

    # When a link is asked for with a lifetime
    response = share(api, draft["id"], {"expires_in": expires_in})

    # Then it is made only within the limits, with its expiry then
    assert response.status == status
    if status == 201:
        expires_at = dt.datetime.fromisoformat(response.json()["expires_at"])
        assert expires_at == clock() + dt.timedelta(seconds=expires_in)
    else:
        assert response.problem_fields() == ["expires_in"]
        # and the same request within the limits works
        assert share(api, draft["id"], {"expires_in": 3600}).status == 201


@pytest.mark.parametrize(
    "body",
    [{"expires_in": "soon"}, {"expires_in": 3600, "version": 1}, [], {"expires_in": 1e300}],
    ids=["not-a-number", "unknown-field", "not-an-object", "huge"],
)
def test_a_malformed_share_link_request_is_a_422_then_a_good_one_works(api: EditorApi, body: Any) -> None:
    # Given a draft
    draft = api.create_ok()

    # When a link is asked for with a body that is not one
    response = share(api, draft["id"], body)

    # Then it is a 422 problem, and a good request still works
    assert response.status == 422
    assert response.problem["type"] == "urn:newsdesk:problem:validation"
    assert share(api, draft["id"]).status == 201


def test_a_share_link_to_an_unknown_article_is_a_404(api: EditorApi) -> None:
    # Given no article with this id
    # When a link is asked for
    response = share(api, UNKNOWN_ID)

    # Then it is a 404 problem
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"


def test_anyone_with_the_link_reads_the_preview(api: EditorApi, reader: Reader) -> None:
    # Given a draft and a share link to it
    draft = api.create_ok(headline="Cabinet reshuffle tonight", body="Three ministers are out.")
    path = share_ok(api, draft["id"])

    # When someone without an account opens it
    response = reader.open(path, claims=None, headers={"X-Forwarded-Host": PUBLIC_HOST})

    # Then they read the same page the editor previews
    page = assert_preview_page(response, "Cabinet reshuffle tonight")
    assert "Three ministers are out." in page
    assert page == preview(api, draft["id"]).body


def test_editing_the_article_revokes_its_links_and_a_new_link_works(api: EditorApi, reader: Reader) -> None:
    # Given a share link to a draft's first version
    draft = api.create_ok(headline="Strike called off")
    old = share_ok(api, draft["id"])

    # When the draft is edited, and the old link opened
    assert api.patch(draft["id"], {"headline": "Strike goes ahead"}, '"1"').status == 200
    response = reader.open(old, claims=None)

    # Then it is gone (410), and says why
    assert response.status == 410
    assert response.problem["type"] == "urn:newsdesk:problem:preview-link-revoked"
    assert "earlier version" in response.problem["detail"]
    assert response.headers["cache-control"] == "private, no-store"
    # and a new link shows the new version
    assert_preview_page(reader.open(share_ok(api, draft["id"]), claims=None), "Strike goes ahead")


def test_an_expired_link_is_gone_and_a_new_one_works(
    api: EditorApi, reader: Reader, clock: FrozenClock
) -> None:
    # Given a link that lasts a minute
    draft = api.create_ok(headline="Exam results today")
    path = share_ok(api, draft["id"], {"expires_in": 60})
    assert reader.open(path, claims=None).status == 200

    # When it is opened a minute later
    clock.advance(seconds=60)
    response = reader.open(path, claims=None)

    # Then it is gone (410)
    assert response.status == 410
    assert response.problem["type"] == "urn:newsdesk:problem:preview-link-expired"
    # and a new link works
    assert_preview_page(reader.open(share_ok(api, draft["id"]), claims=None), "Exam results today")


def tampered(path: str, part: int, value: str) -> str:
    token = path.rsplit("/", 1)[1].split(".")
    token[part] = value
    return "/api/preview/" + ".".join(token)


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda path, other: "/api/preview/" + "A" * 10_240, id="10-kB"),
        pytest.param(lambda path, other: "/api/preview/not!base64%25", id="bad-base64"),
        pytest.param(lambda path, other: path[:-1] + ("A" if path[-1] != "A" else "B"), id="bad-mac"),
        pytest.param(lambda path, other: tampered(path, 0, other), id="other-article"),
        pytest.param(lambda path, other: tampered(path, 1, "2"), id="other-version"),
        pytest.param(lambda path, other: tampered(path, 2, "99999999999"), id="later-expiry"),
        pytest.param(lambda path, other: path[:-1] + "_", id="non-canonical-base64"),
        pytest.param(lambda path, other: "/api/preview/" + path.rsplit("/", 1)[1] + ".x", id="extra-part"),
    ],
)
def test_a_token_that_is_not_ours_is_not_found(api: EditorApi, reader: Reader, make: Any) -> None:
    # Given a real link, and another article
    draft = api.create_ok(headline="Secret draft")
    other = api.create_ok(headline="Another draft")
    path = share_ok(api, draft["id"])

    # When a forged or garbled token is opened
    response = reader.open(make(path, other["id"]), claims=None)

    # Then it is a 404 problem that says nothing of any article
    assert response.status == 404
    assert response.problem["detail"] == "There is no preview at this address."
    assert response.headers["cache-control"] == "private, no-store"
    # and the real link still works
    assert reader.open(path, claims=None).status == 200


def test_a_link_to_a_deleted_article_is_not_found(api: EditorApi, reader: Reader) -> None:
    # Given a link to a draft that is then deleted
    draft = api.create_ok(headline="Withdrawn")
    path = share_ok(api, draft["id"])
    assert api.delete(draft["id"], '"1"').status == 204

    # When the link is opened
    response = reader.open(path, claims=None)

    # Then there is nothing there
    assert response.status == 404
    assert response.problem["type"] == "urn:newsdesk:problem:not-found"


def test_the_preview_function_refuses_requests_around_the_cdn(api: EditorApi, reader: Reader) -> None:
    # Given a good link
    path = share_ok(api, api.create_ok()["id"])

    # When it is opened without the distribution's origin secret
    response = reader.open(path, claims=None, headers={"X-Origin-Verify": None})

    # Then it is refused (403), and through the distribution it works
    assert response.status == 403
    assert reader.open(path, claims=None).status == 200


def test_the_preview_function_serves_only_previews(api: EditorApi, reader: Reader) -> None:
    # Given the preview function
    # When it is asked for another path or method
    other_method = reader.open(share_ok(api, api.create_ok()["id"]), claims=None, method="POST")

    # Then it is a 405 problem with what is allowed
    assert other_method.status == 405
    assert other_method.headers["allow"] == "GET, HEAD"
