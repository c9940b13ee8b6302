"""Approved comments on the article page, through the same incremental pipeline as a publish.

The table's stream is read back from moto and filtered with the renderer's FilterCriteria from
template.yaml (as Lambda would), then handed to the renderer. Uploads and invalidations are counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.stream import TableStream
from newsdesk.articles.models import Article
from newsdesk.batch.stream import handle_stream_batch
from newsdesk.clock import epoch_seconds, utc_now
from newsdesk.comments import moderation as service
from newsdesk.comments.models import CommentStatus
from newsdesk.comments.tokens import check_token
from newsdesk.site import pages
from newsdesk.site.comments import PublicComments
from newsdesk.site.models import page_key
from newsdesk_local.filters import compile_filters
from newsdesk_local.template import load_template
from tests.comments.conftest import READER_IP, CommentWorld, comment_fields
from tests.conftest import FakeLambdaContext, frozen_clock
from tests.render.conftest import KOLKATA, Pipeline, lambda_stream_record
from tests.render.dom import Document, Element, parse_html

EMAIL = "meera.private@example.com"


def renderer_filter() -> Any:
    event = load_template()["Resources"]["RendererFunction"]["Properties"]["Events"]["ArticleChanges"]
    return compile_filters(event["Properties"]["FilterCriteria"])


@dataclass
class Site:
    """The renderer fed by the stream, with comments, on the world's table."""

    pipeline: Pipeline
    world: CommentWorld
    now: dt.datetime | None = None
    _iterators: dict[str, str] = field(default_factory=dict)

    def records(self) -> list[dict[str, Any]]:
        """New stream records the renderer's event source mapping would deliver (its filters applied)."""
        streams, arn = self.pipeline.streams, self.pipeline.stream_arn
        keep = renderer_filter()
        found: list[dict[str, Any]] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            shard_id = shard["ShardId"]
            iterator = (
                self._iterators.get(shard_id)
                or streams.get_shard_iterator(
                    StreamArn=arn, ShardId=shard_id, ShardIteratorType="TRIM_HORIZON"
                )["ShardIterator"]
            )
            response = streams.get_records(ShardIterator=iterator)
            found += [lambda_stream_record(r, arn) for r in response["Records"]]
            self._iterators[shard_id] = response["NextShardIterator"]
        return [r for r in json.loads(json.dumps(found, default=str)) if keep(r)]

    def comments(self) -> PublicComments:
        kwargs: dict[str, Any] = {}
        if self.now is not None:
            moment = self.now
            kwargs["clock"] = lambda: moment
        return PublicComments(
            store=CommentStore(self.pipeline.table, self.pipeline.ddb),
            tz=KOLKATA,
            open_days=14,
            signer=self.world.mac,
            **kwargs,
        )

    def render(self) -> dict[str, Any]:
        publisher = self.pipeline.publisher(comments=self.comments())
        return dict(
            handle_stream_batch({"Records": self.records()}, FakeLambdaContext(), publisher, TableStream())
        )

    def page(self, article: Article) -> Document:
        assert article.url is not None
        return parse_html(self.pipeline.body(page_key(article.url)))

    def publish(self, **fields: Any) -> Article:
        fields.setdefault("headline", f"Rooftop solar for schools {len(self._iterators)}{id(fields)}")
        article = self.pipeline.create_published(**fields)
        assert self.render() == {"batchItemFailures": []}
        self.pipeline.clear_calls()
        return article

    def comment(self, article: Article, **fields: Any) -> str:
        """A reader's comment, taken by the intake and stored by the worker (pending), a minute after
        whatever came before it."""
        frozen_clock().advance(minutes=1)
        response = self.world.post(article.id, comment_fields(**fields), ip=fields.pop("ip", READER_IP))
        assert response.status == 202, response.body
        self.world.drain()
        comment_id: str = response.json()["id"]
        return comment_id

    def moderate(self, comment_id: str, status: CommentStatus) -> None:
        service.set_status(self.world.store, comment_id, status, moderator="editor", now=utc_now())

    def approved(self, article: Article, **fields: Any) -> str:
        comment_id = self.comment(article, **fields)
        self.moderate(comment_id, CommentStatus.APPROVED)
        return comment_id


@pytest.fixture
def site(pipeline: Pipeline, world: CommentWorld) -> Iterator[Site]:
    yield Site(pipeline, world)


def comment_items(doc: Document) -> list[Element]:
    return doc.find("section", id="comments").find_all("li", class_="comment")


# ----- what the page shows --------------------------------------------------------------------------


def test_an_open_article_page_has_the_comment_form_with_a_valid_token(site: Site) -> None:
    # Given a just-published article
    article = site.publish(headline="Rooftop solar for schools")

    # When its page is read
    section = site.page(article).find("section", id="comments")

    # Then it invites comments: no comments yet, the form posting to the intake, the hidden fields
    assert section.find("h2").text == "No comments yet"
    form = section.find("form")
    assert (form["method"], form["action"]) == ("post", f"/api/articles/{article.id}/comments")
    names = {i.get("name") for i in form.find_all("input")} | {
        t.get("name") for t in form.find_all("textarea")
    }
    assert names == {"name", "email", "website", "body", "url_confirm", "token"}
    honeypot = form.find("input", name="url_confirm")
    assert (honeypot["tabindex"], honeypot["autocomplete"]) == ("-1", "off")
    assert honeypot.parent is not None and honeypot.parent.get("class") == "hp"
    assert "required" in form.find("input", name="email").attrs
    assert "Comments close on" in form.text
    token = form.find("input", name="token")["value"]
    assert article.published_at is not None
    now = epoch_seconds() + 10  # (a reader takes a while to write)
    assert check_token(site.world.mac, token, article.id, now) == int(article.published_at.timestamp())
    notice = section.find("p", id="comment-pending")
    assert notice["class"] == "notice pending"
    script = section.find("script")
    assert script["src"] == "/" + pages.comments_script_key()
    assert pages.comments_script_key() in site.pipeline.object_keys()


def test_approved_comments_show_oldest_first_escaped_with_line_breaks_and_ugc_links(site: Site) -> None:
    # Given three comments on an article, one with markup, one with a website, one still pending
    article = site.publish()
    first = site.approved(
        article,
        name="<b>Asha</b>",
        website=None,
        body="<script>alert(1)</script>\nSecond line",
        ip="198.51.100.1",
    )
    second = site.approved(
        article,
        name="Ravi",
        email="ravi@example.com",
        website="https://ravi.example/?a=1&b=2",
        ip="198.51.100.2",
    )
    site.comment(article, email="pending@example.com", body="Not yet", ip="198.51.100.3")

    # When the stream is rendered
    assert site.render() == {"batchItemFailures": []}

    # Then the page lists the approved two, oldest first, with the count
    doc = site.page(article)
    section = doc.find("section", id="comments")
    assert section.find("h2").text == "2 comments"
    items = comment_items(doc)
    assert [li["id"] for li in items] == [f"comment-{first}", f"comment-{second}"]
    # the markup is text, line breaks kept (white-space: pre-line in .comment-body)
    body = items[0].find("p", class_="comment-body")
    assert body.text == "<script>alert(1)</script>\nSecond line"
    assert items[0].find("strong", class_="comment-author").text == "<b>Asha</b>"
    assert not items[0].find_all("script") and not items[0].find_all("b")
    assert "white-space: pre-line" in pages.stylesheet().body.decode()
    # the name links to the website, marked as user content
    link = items[1].find("a")
    assert (link["href"], link["rel"], link.text) == (
        "https://ravi.example/?a=1&b=2",
        "ugc nofollow noopener",
        "Ravi",
    )
    assert not items[0].find_all("a")
    # with the time
    time_el = items[0].find("time")
    assert dt.datetime.fromisoformat(time_el["datetime"]).tzinfo is not None
    assert "Not yet" not in doc.root.text


def test_one_approval_rewrites_that_article_page_and_invalidates_nothing(site: Site) -> None:
    # Given two live articles, rendered, and a pending comment on one (rendering it changes nothing)
    article = site.publish(headline="The commented article", tags=["Kerala"])
    site.publish(headline="Another article", tags=["Kerala"])
    comment_id = site.comment(article)
    assert site.render() == {"batchItemFailures": []}
    assert site.pipeline.uploaded == [] and site.pipeline.invalidations == []

    # When a moderator approves it and the renderer gets the change
    site.moderate(comment_id, CommentStatus.APPROVED)
    assert site.render() == {"batchItemFailures": []}

    # Then exactly one object was written, the article's page, and nothing is invalidated: the page's
    # shared lifetime (newsdesk.site.freshness) bounds how long readers wait for a new comment
    assert article.url is not None
    assert site.pipeline.uploaded == [page_key(article.url)]
    assert site.pipeline.deleted == []
    assert site.pipeline.invalidations == []
    assert [li["id"] for li in comment_items(site.page(article))] == [f"comment-{comment_id}"]


def test_two_approvals_in_one_batch_render_the_page_once_with_both(site: Site) -> None:
    article = site.publish()
    first, second = site.comment(article), site.comment(article, email="b@example.com", ip="198.51.100.7")
    site.render()
    site.pipeline.clear_calls()
    site.moderate(first, CommentStatus.APPROVED)
    site.moderate(second, CommentStatus.APPROVED)
    assert site.render() == {"batchItemFailures": []}
    assert article.url is not None
    assert site.pipeline.uploaded == [page_key(article.url)]
    assert len(comment_items(site.page(article))) == 2


@pytest.mark.parametrize("change", ["reject", "spam", "delete", "pending"])
def test_taking_an_approved_comment_back_removes_it_from_the_page(site: Site, change: str) -> None:
    # Given an approved comment on the page
    article = site.publish()
    comment_id = site.approved(article)
    site.render()
    assert len(comment_items(site.page(article))) == 1
    site.pipeline.clear_calls()

    # When it is rejected, marked as spam, deleted or held again
    if change == "delete":
        service.delete_comment(site.world.store, comment_id)
    else:
        status = {
            "reject": CommentStatus.REJECTED,
            "spam": CommentStatus.SPAM,
            "pending": CommentStatus.PENDING,
        }
        site.moderate(comment_id, status[change])
    assert site.render() == {"batchItemFailures": []}

    # Then the page is rewritten without it
    assert article.url is not None
    assert site.pipeline.uploaded == [page_key(article.url)]
    assert comment_items(site.page(article)) == []
    assert site.page(article).find("h2", id="comments-heading").text == "No comments yet"


def test_a_comment_on_an_unpublished_article_changes_no_object(site: Site) -> None:
    article = site.publish()
    comment_id = site.comment(article)
    site.pipeline.unpublish(article.id)
    site.render()
    site.pipeline.clear_calls()
    site.moderate(comment_id, CommentStatus.APPROVED)
    assert site.render() == {"batchItemFailures": []}
    assert site.pipeline.uploaded == []


def test_a_page_rendered_after_comments_closed_says_so_and_has_no_form(site: Site) -> None:
    # Given an article with an approved comment, rendered again sixteen days after publication
    article = site.publish()
    comment_id = site.approved(article)
    assert article.published_at is not None
    site.now = article.published_at + dt.timedelta(days=16)

    # When the approval is rendered then
    site.render()

    # Then the comment shows, and the form is gone: comments are closed
    doc = site.page(article)
    section = doc.find("section", id="comments")
    assert [li["id"] for li in comment_items(doc)] == [f"comment-{comment_id}"]
    assert section.find_all("form") == []
    assert section.find("p", class_="meta comments-closed").text == "Comments are closed."


def test_rendering_again_changes_nothing(site: Site) -> None:
    # The page's bytes do not depend on when it is rendered (the token is issued at publication time),
    # so a re-render uploads nothing.
    article = site.publish()
    site.approved(article)
    site.render()
    site.pipeline.clear_calls()
    publisher = site.pipeline.publisher(comments=site.comments())
    assert publisher.rerender_article(article.id) == []
    assert site.pipeline.uploaded == []


# ----- privacy -----------------------------------------------------------------------------------------


def test_no_public_object_contains_a_commenters_email_or_ip(site: Site) -> None:
    # Given approved comments (one through the form), rendered, and the whole site rendered again
    article = site.publish(tags=["Kerala"])
    site.approved(article, email=EMAIL, ip="192.0.2.77")
    form_response = site.world.form_post(article, {"email": "form.reader@example.com"}, ip="192.0.2.78")
    assert form_response.status == 303
    site.world.drain()
    for comment in site.world.store.list_by_status(CommentStatus.PENDING, 10).items:
        site.moderate(comment.id, CommentStatus.APPROVED)
    site.render()
    site.pipeline.render_site()
    assert len(comment_items(site.page(article))) == 2

    # When every object in the bucket is read
    leaks = []
    for key in site.pipeline.object_keys():
        body = site.pipeline.body(key).decode("utf-8", errors="replace").lower()
        for secret in (EMAIL, "form.reader@example.com", "192.0.2.77", "192.0.2.78", "example.com&gt;"):
            if secret.lower() in body:
                leaks.append((key, secret))

    # Then none has an email or IP address of a commenter
    assert leaks == []


def test_the_intake_never_answers_with_an_email_or_ip(site: Site) -> None:
    article = site.publish()
    responses = [site.world.post(article.id, comment_fields(email=EMAIL), ip="192.0.2.77")]
    site.world.drain()
    responses += [
        site.world.post(article.id, comment_fields(email=EMAIL), ip="192.0.2.77"),  # 429
        site.world.post(article.id, comment_fields(email="bad address"), ip="192.0.2.77"),
        site.world.form_post(article, {"email": EMAIL}, ip="192.0.2.77", html=True),
    ]
    statuses = [r.status for r in responses]
    assert statuses[0] == 202 and 429 in statuses and 422 in statuses
    for response in responses:
        text = (response.body or "") + json.dumps(response.headers)
        assert EMAIL not in text and "192.0.2.77" not in text
