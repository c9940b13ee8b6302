"""The intake in moto: what it accepts, what it refuses and why, and that it only queues."""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
from typing import Any

import pytest

from newsdesk.articles.models import ArticleStatus
from newsdesk.clock import epoch_seconds, utc_now
from newsdesk.comments.values import CommentMessage
from newsdesk.http.schemas import Problem
from newsdesk.wiring.intake_settings import IntakeSettings, IntakeSettingsError
from tests.comments.conftest import EDGE_IP, READER_IP, CommentWorld, comment_fields
from tests.handlers.client import ApiResponse
from tests.handlers.conftest import CallRecorder

UNKNOWN = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


def assert_problem(response: Any, status: int, fields: list[str] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = response.problem
    assert response.status == status, response.body
    Problem.model_validate(doc)  # the same document the editor API's problems are
    if fields is not None:
        assert response.problem_fields() == fields
    return doc


# ----- accepted -------------------------------------------------------------------------------------


def test_a_json_comment_is_accepted_and_queued_with_what_the_worker_needs(world: CommentWorld) -> None:
    # Given a published article
    article = world.article()

    # When a reader's app posts a comment as JSON
    fields = comment_fields(body="Good to see the schools.\nWhen do the panels go up?")
    response = world.post(article.id, fields)

    # Then it is accepted as pending, and the queue has one message for the worker
    assert response.status == 202
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["status"] == "pending"
    (queued,) = world.queued()
    message = CommentMessage.from_json(json.dumps(queued))
    assert message.id == body["id"]
    assert message.article_id == article.id
    assert (message.name, message.email, message.website) == (
        fields["name"],
        fields["email"],
        fields["website"],
    )
    assert message.body == fields["body"]
    assert message.ip == READER_IP
    assert message.token_valid is False  # no form token: an API client, always held
    assert message.email_hash and message.ip_hash and message.body_hash
    assert fields["email"] not in message.email_hash
    assert message.created.tzinfo is not None


def test_a_form_post_is_answered_with_a_redirect_to_the_pending_notice(world: CommentWorld) -> None:
    # Given a published article and its form, filled in for more than the minimum time
    article = world.article()

    # When the browser posts the form (no JavaScript)
    response = world.form_post(article, html=True)

    # Then it is sent back to the article's page, at the notice that the comment awaits moderation
    assert response.status == 303
    assert response.headers["location"] == f"{article.url}#comment-pending"
    (queued,) = world.queued()
    assert queued["token_valid"] is True


def test_the_comment_token_route_issues_a_fresh_token_for_the_article(world: CommentWorld) -> None:
    # Given a published article
    article = world.article()
    now = epoch_seconds()

    # When the page's script asks for a token
    response = world.intake(clock=lambda: now)(world.event(article.id, route="comment-token"))

    # Then it gets one issued now, which the form may send after the minimum fill time
    assert response["statusCode"] == 200
    assert ApiResponse.from_proxy(response).headers["cache-control"] == "no-store"
    body = json.loads(response["body"])
    assert body["issued_at"] == int(now)
    assert body["min_fill_seconds"] == 3
    later = world.post(
        article.id,
        {**comment_fields(), "token": body["token"]},
        form=True,
        intake=world.intake(clock=lambda: now + 4),
    )
    assert later.status == 303


def test_the_intake_never_writes_the_table(world: CommentWorld) -> None:
    # Given every DynamoDB call of the intake recorded
    article = world.article()
    calls = CallRecorder().attach(world.ddb)

    # When comments are posted, accepted and refused
    world.post(article.id)
    world.form_post(article)
    world.post(article.id, comment_fields(email=""))
    world.post(UNKNOWN)

    # Then it only read: a GetItem for the article and Queries of the flood and duplicate indexes
    assert set(calls.operations) == {"GetItem", "Query"}
    assert {params.get("IndexName") for name, params in calls.calls if name == "Query"} == {
        "ByUpdated",
        "ByIp",
    }


@pytest.mark.parametrize(
    ("forwarded", "source_ip"),
    [
        (f"10.9.9.9, {READER_IP}, {EDGE_IP}", READER_IP),  # API Gateway resolved the viewer (the samples)
        (f"10.9.9.9, {READER_IP}", EDGE_IP),  # sourceIp is the proxy's: the entry it appended
        (f"10.9.9.9, {READER_IP}", READER_IP),  # the local stack's origin
        ("", READER_IP),  # no proxy
    ],
)
def test_the_client_address_is_the_viewer_not_a_forged_entry(
    world: CommentWorld, forwarded: str, source_ip: str
) -> None:
    # Given a request whose viewer forged an X-Forwarded-For entry (10.9.9.9)
    article = world.article()
    event = world.event(article.id, comment_fields(), headers={"X-Forwarded-For": forwarded or None})
    event["requestContext"]["identity"]["sourceIp"] = source_ip

    # When it is posted
    world.intake()(event)

    # Then the address recorded is the viewer's
    assert world.queued()[0]["ip"] == READER_IP


# ----- refused -----------------------------------------------------------------------------------------


def test_a_comment_without_an_email_is_refused_naming_the_field(world: CommentWorld) -> None:
    article = world.article()
    response = world.post(article.id, comment_fields(email=None))
    doc = assert_problem(response, 422, ["email"])
    assert doc["errors"][0] == {"field": "email", "location": "body", "message": "is required"}
    assert world.queued() == []


def test_every_invalid_field_is_named(world: CommentWorld) -> None:
    article = world.article()
    response = world.post(article.id, {"name": "", "email": "x", "website": "javascript:1", "body": ""})
    assert sorted(assert_problem(response, 422)["errors"][i]["field"] for i in range(4)) == [
        "body",
        "email",
        "name",
        "website",
    ]


def test_an_unknown_article_is_a_404(world: CommentWorld) -> None:
    assert_problem(world.post(UNKNOWN), 404)
    assert_problem(world.post("not-an-id"), 404)


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED, ArticleStatus.SCHEDULED])
def test_an_article_that_is_not_published_is_a_404(world: CommentWorld, status: ArticleStatus) -> None:
    article = world.article(status=status)
    assert_problem(world.post(article.id), 404)


def test_comments_close_after_the_configured_days(world: CommentWorld) -> None:
    # Given an article published fifteen days ago, and comments open for fourteen
    article = world.article(published_at=utc_now() - dt.timedelta(days=15))

    # When a comment is posted, and the page asks for a token
    response = world.post(article.id)
    token = world.intake()(world.event(article.id, route="comment-token"))

    # Then both are told comments are closed
    assert assert_problem(response, 409)["type"] == "urn:newsdesk:problem:comments-closed"
    assert token["statusCode"] == 409
    assert world.queued() == []


def test_comments_are_closed_everywhere_when_open_days_is_zero(world: CommentWorld) -> None:
    article = world.article()
    assert_problem(world.post(article.id, intake=world.intake(open_days=0)), 409)


def test_a_filled_honeypot_is_answered_as_accepted_and_dropped(world: CommentWorld) -> None:
    # Given a bot that fills in every field, the hidden one too
    article = world.article()

    # When it posts the form
    response = world.form_post(article, {"url_confirm": "https://spam.example"})

    # Then it is told the comment was taken, and nothing is queued
    assert response.status == 303
    assert world.queued() == []


def test_a_form_post_without_a_token_is_refused(world: CommentWorld) -> None:
    article = world.article()
    response = world.form_post(article, {"token": ""})
    assert_problem(response, 422, ["token"])


@pytest.mark.parametrize("token", ["123.abc", "1764000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
def test_a_forged_token_is_refused(world: CommentWorld, token: str) -> None:
    article = world.article()
    assert_problem(world.form_post(article, {"token": token}), 422, ["token"])
    assert_problem(world.post(article.id, {**comment_fields(), "token": token}), 422, ["token"])


def test_a_token_for_another_article_is_refused(world: CommentWorld) -> None:
    article, other = world.article(), world.article()
    assert_problem(world.form_post(article, {"token": world.token(other.id)}), 422, ["token"])


def test_a_form_sent_within_three_seconds_of_its_token_is_a_429(world: CommentWorld) -> None:
    # Given a token issued one second ago
    article = world.article()
    response = world.form_post(article, {"token": world.token(article.id, age=1)})

    # Then it is refused, told when to send again
    doc = assert_problem(response, 429, ["token"])
    assert doc["type"] == "urn:newsdesk:problem:too-fast"
    assert response.headers["retry-after"] == "2"


def test_a_refused_form_post_from_a_browser_is_a_small_page_linking_back(world: CommentWorld) -> None:
    # Given a browser's form post (Accept: text/html) without an email
    article = world.article()
    response = world.form_post(article, {"email": ""}, html=True)

    # Then it gets the refusal as HTML, naming the field, with a link back to the article
    assert response.status == 422
    assert response.content_type.startswith("text/html")
    assert "<strong>email</strong> is required" in (response.body or "")
    assert f'href="{article.url}#comments"' in (response.body or "")


def test_malformed_requests(world: CommentWorld) -> None:
    article = world.article()
    assert_problem(world.post(article.id, "{not json"), 400)
    assert_problem(world.post(article.id, "[1, 2]"), 422, ["body"])
    assert_problem(world.post(article.id, "x", headers={"Content-Type": "text/plain"}), 415)
    big = comment_fields(body="b" * 4000, name="n" * 20000)
    assert_problem(world.post(article.id, big), 413)
    assert_problem(world.post(article.id, method="PUT"), 405)


UNREADABLE = {
    # name: (body, headers, status)
    "16 KB of [": ("[" * (16 * 1024 - 1), None, 400),
    "5,000 digits": ("1" * 5000, None, 400),
    "a long number in a field": ('{"name": "Meera", "body": ' + "7" * 100 + "}", None, 400),
    "NaN": ('{"name": NaN}', None, 400),
    "a lone surrogate": ('{"name": "\\udc00", "email": "a@example.com", "body": "x"}', None, 400),
    "text/plain": ("name=x", {"Content-Type": "text/plain"}, 415),
    "xml": ("<comment/>", {"Content-Type": "application/xml"}, 415),
    "octet-stream": ("\x00", {"Content-Type": "application/octet-stream"}, 415),
}


@pytest.mark.parametrize("name", list(UNREADABLE))
def test_a_body_that_cannot_be_read_is_a_4xx_logged_as_a_warning(
    world: CommentWorld, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    # Given a published article, and a comment body the intake cannot read
    article = world.article()
    body, headers, status = UNREADABLE[name]

    # When it is posted
    with caplog.at_level(logging.INFO):
        response = world.post(article.id, body, headers=headers)

    # Then it is refused as the client's mistake (never a 503, never a trace in the log), nothing queued
    assert_problem(response, status)
    assert response.headers["cache-control"] == "no-store"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == ["request refused"]
    assert world.queued() == []
    # and a readable comment is taken
    assert world.post(article.id, comment_fields()).status == 202


def test_a_body_whose_base64_is_broken_is_a_400(world: CommentWorld) -> None:
    # Given a published article, and an event marked base64-encoded whose body is not base64
    article = world.article()
    event = world.event(article.id, comment_fields())
    event["isBase64Encoded"] = True
    event["body"] = "not base64!"

    # When it is posted
    response = ApiResponse.from_proxy(world.intake()(event))

    # Then it is a 400, and the same comment well encoded is taken
    assert_problem(response, 400)
    event["body"] = base64.b64encode(json.dumps(comment_fields()).encode()).decode()
    assert ApiResponse.from_proxy(world.intake()(event)).status == 202


def test_the_openapi_document_describes_exactly_the_intakes_routes(world: CommentWorld) -> None:
    # Given the intake's resolver and the operations the editor API's document gives it
    from newsdesk.http import intake_docs

    app = world.intake().app
    documented = {(method.upper(), path) for path, item in intake_docs.paths().items() for method in item}

    # When the intake's routes are read (API Gateway sends them only GET on the token route)
    served = {
        (method, route.rule.pattern)
        for route in [*app._static_routes, *app._dynamic_routes]
        for method in [route.method]
        if method != "HEAD"
    }

    # Then each documented operation is one of the intake's routes, and each route is documented
    assert len(documented) == len(served) == 2
    for method, path in documented:
        concrete = path.replace("{article_id}", UNKNOWN)
        assert app.matching_route(method, concrete) is not None, (method, path)
        response = world.post(UNKNOWN, comment_fields(), method=method, route=path.rsplit("/", 1)[-1])
        assert response.status == 404  # the route is there: the article is not
        assert response.problem["type"] == "urn:newsdesk:problem:not-found"


# ----- flood and duplicates --------------------------------------------------------------------------------


def store_comment(world: CommentWorld, article_id: str, fields: dict[str, Any], at: float, ip: str) -> None:
    """Post a comment at time `at` and let the worker store it."""
    response = world.post(article_id, fields, intake=world.intake(clock=lambda: at), ip=ip)
    assert response.status == 202, response.body
    world.drain()


def test_the_same_comment_twice_is_a_409(world: CommentWorld) -> None:
    # Given a comment stored a minute ago
    article = world.article()
    fields = comment_fields(body="Well reported.")
    now = epoch_seconds()
    store_comment(world, article.id, fields, now - 60, READER_IP)

    # When the same words come again from the same address, in other case and spacing
    again = comment_fields(body="well   REPORTED.", email="MEERA@example.com")
    response = world.post(article.id, again, intake=world.intake(clock=lambda: now), ip="198.51.100.9")

    # Then it is a duplicate
    assert_problem(response, 409, ["body"])
    # while the same words on another article are fine
    other = world.article()
    assert (
        world.post(other.id, again, intake=world.intake(clock=lambda: now), ip="198.51.100.9").status == 202
    )


def test_a_second_comment_by_the_same_sender_within_15_seconds_is_a_429(world: CommentWorld) -> None:
    article = world.article()
    now = epoch_seconds()
    store_comment(world, article.id, comment_fields(), now - 5, READER_IP)

    # When the same sender comments again five seconds later, from elsewhere
    response = world.post(
        article.id, comment_fields(), intake=world.intake(clock=lambda: now), ip="198.51.100.9"
    )

    # Then they are told to wait the rest of the fifteen seconds
    assert_problem(response, 429)
    assert response.headers["retry-after"] == "10"
    # and twenty seconds after the first, they may
    later = world.intake(clock=lambda: now + 15)
    assert world.post(article.id, comment_fields(), intake=later, ip="198.51.100.9").status == 202


def test_a_second_comment_from_the_same_address_within_15_seconds_is_a_429(world: CommentWorld) -> None:
    article = world.article()
    now = epoch_seconds()
    store_comment(world, article.id, comment_fields(email="first@example.com"), now - 3, READER_IP)
    response = world.post(
        article.id, comment_fields(email="second@example.com"), intake=world.intake(clock=lambda: now)
    )
    assert_problem(response, 429)
    assert response.headers["retry-after"] == "12"


# ----- settings -------------------------------------------------------------------------------------


def test_settings_name_what_is_missing() -> None:
    with pytest.raises(IntakeSettingsError) as caught:
        IntakeSettings.from_env({"TABLE_NAME": "t", "COMMENTS_OPEN_DAYS": "soon"})
    message = str(caught.value)
    for name in ("TABLE_NAME", "COMMENTS_QUEUE_URL", "COMMENTS_MAC_KEY_ID", "COMMENTS_OPEN_DAYS"):
        assert name in message


def test_settings_from_the_template_environment() -> None:
    settings = IntakeSettings.from_env(
        {
            "TABLE_NAME": "newsdesk-articles",
            "COMMENTS_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/123456789012/comments",
            "COMMENTS_MAC_KEY_ID": "arn:aws:kms:ap-south-1:123456789012:key/abc",
            "COMMENTS_OPEN_DAYS": "60",
        }
    )
    assert settings.open_days == 60
    assert settings.token_max_age == 61 * 86400


@pytest.mark.parametrize(
    ("name", "status"), [("post_comment", 202), ("post_comment_form", 422), ("comment_token", 200)]
)
def test_the_sample_events_drive_the_intake(world: CommentWorld, name: str, status: int) -> None:
    # Given the article the samples in events/comment_intake name (as `sam local invoke -e` would send them)
    from tests.events import load_event

    world.article(id=UNKNOWN)

    # When each sample is handled as it is
    response = world.intake()(load_event(f"comment_intake/{name}"))

    # Then JSON is accepted, the form (whose token is empty) is refused naming the token, a token is issued
    assert response["statusCode"] == status, response["body"]
    if name == "post_comment_form":
        assert "<strong>token</strong>" in response["body"]
