"""From publish to objects in the bucket: services → table → stream (read back from moto) → renderer → S3.

Stream records come from moto's dynamodbstreams API (describe_stream, get_shard_iterator, get_records),
so they are the records the table really produced. Uploads and invalidations are counted on the clients.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from types import ModuleType
from typing import Any

import pytest
from botocore.exceptions import ClientError

from newsdesk.adapters.cloudfront import Cdn, InvalidationFailed
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.adapters.s3 import DIGEST_KEY
from newsdesk.articles.corrections import add_correction
from newsdesk.articles.models import ArticleStatus, CorrectionType
from newsdesk.clock import utc_now
from newsdesk.site import pages
from newsdesk.site.models import page_key
from tests.handlers.client import EditorApi
from tests.render.conftest import KOLKATA, SITE_URL, Pipeline, make_article
from tests.render.dom import parse_html

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def month_of(article_url: str) -> tuple[str, str]:
    _, year, month, *_ = article_url.split("/")
    return year, month


def listed_paths(pipeline: Pipeline, key: str) -> list[str]:
    """Article paths linked from a listing page's teasers (the lead's too); none if the page is gone."""
    if key not in pipeline.object_keys():
        return []
    doc = parse_html(pipeline.body(key))
    return [a["href"] for a in doc.find_all("a", rel="bookmark")]


def feed_links(pipeline: Pipeline, key: str) -> list[str]:
    if key not in pipeline.object_keys():
        return []
    return [i.findtext("link") or "" for i in ET.fromstring(pipeline.body(key)).iter("item")]


def sitemap_locs(pipeline: Pipeline, key: str) -> list[str]:
    return [loc.text or "" for loc in ET.fromstring(pipeline.body(key)).iter(f"{SM}loc")]


def everywhere(pipeline: Pipeline, url: str, tags: list[str]) -> dict[str, bool]:
    """Whether the article at `url` is listed in each listing, feed and sitemap it belongs to."""
    year, month = month_of(url)
    absolute = SITE_URL + url
    found = {
        "home": url in listed_paths(pipeline, "index.html"),
        "month": url in listed_paths(pipeline, f"archive/{year}/{month}/index.html"),
        "feed": absolute in feed_links(pipeline, "feed.xml"),
        "sitemap shard": absolute in sitemap_locs(pipeline, f"sitemaps/{year}-{month}.xml"),
        "news sitemap": absolute in sitemap_locs(pipeline, "news-sitemap.xml"),
    }
    for tag in tags:
        found.update(tag_listings(pipeline, url, tag))
    return found


def tag_listings(pipeline: Pipeline, url: str, tag: str) -> dict[str, bool]:
    """Whether the article at `url` is on the tag's page, in its feed and on its month page."""
    year, month = month_of(url)
    return {
        f"tag {tag}": url in listed_paths(pipeline, f"tags/{tag}/index.html"),
        f"tag feed {tag}": SITE_URL + url in feed_links(pipeline, f"tags/{tag}/feed.xml"),
        f"tag month {tag}": url in listed_paths(pipeline, f"tags/{tag}/{year}/{month}/index.html"),
    }


# ----- publish ---------------------------------------------------------------------------------------


def test_publish_puts_article_page_live_with_html_headers(pipeline: Pipeline) -> None:
    # Given an article created and published through the services
    article = pipeline.create_published(headline="Monsoon arrives early in Kerala", tags=["Kerala", "Rain"])
    assert article.url is not None

    # When the renderer processes the stream records the table produced
    response = pipeline.render()

    # Then the page is at the key of its URL, with its headers and its content hash
    assert response == {"batchItemFailures": []}
    key = page_key(article.url)
    stored = pipeline.get(key)
    assert stored["content_type"] == "text/html; charset=utf-8"
    assert stored["cache_control"] == pages.CACHE_ARTICLE
    assert parse_html(stored["body"]).find("h1").text == "Monsoon arrives early in Kerala"
    head = pipeline.s3.head_object(Bucket=pipeline.bucket, Key=key)
    stored_as = pages.SiteObject(key, stored["body"], stored["content_type"], stored["cache_control"])
    assert head["Metadata"][DIGEST_KEY] == stored_as.digest


def test_publish_lists_article_in_home_tags_feeds_and_sitemaps(pipeline: Pipeline) -> None:
    # Given a published article
    article = pipeline.create_published(headline="Monsoon arrives early in Kerala", tags=["Kerala", "Rain"])
    assert article.url is not None

    # When the renderer runs
    pipeline.render()

    # Then every listing it belongs to lists it
    assert all(everywhere(pipeline, article.url, ["kerala", "rain"]).values())
    year, month = month_of(article.url)
    assert sitemap_locs(pipeline, "sitemap.xml") == [f"{SITE_URL}/sitemaps/{year}-{month}.xml"]
    assert pipeline.get("feed.xml")["content_type"] == "application/rss+xml; charset=utf-8"
    assert pipeline.get("sitemap.xml")["content_type"] == "application/xml; charset=utf-8"
    assert pipeline.get("index.html")["cache_control"] == pages.CACHE_LISTING
    assert {"robots.txt", "404.html", pages.stylesheet_key()} <= pipeline.object_keys()


def test_publish_records_render_receipt_live_with_paths(pipeline: Pipeline) -> None:
    # Given
    article = pipeline.create_published(tags=["Kerala"], headline="Receipt after publish")
    assert article.url is not None

    # When
    pipeline.render()

    # Then
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None
    assert receipt.state.value == "live"
    assert receipt.version == article.version
    assert {article.url, "/", "/feed.xml", "/tags/kerala/"} <= set(receipt.paths)


def test_a_later_record_of_a_change_already_rendered_keeps_the_receipts_paths(pipeline: Pipeline) -> None:
    # Given a draft edited and then published, and a renderer that first sees only the edit's record
    # (it reads the current state, so it renders the publish already)
    draft = pipeline.create(headline="Receipt kept across batches", tags=["Kerala"])
    pipeline.revise(draft, summary="Edited before publishing")
    edit_records = pipeline.stream_records()
    article = pipeline.publish(draft.id)
    publish_records = pipeline.stream_records()
    assert article.url is not None
    pipeline.render(edit_records)

    # When the publish's own record arrives in a later batch, when there is nothing left to change
    pipeline.render(publish_records)

    # Then the receipt still lists the paths the publish wrote
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None
    assert receipt.state.value == "live"
    assert receipt.version == article.version
    assert {article.url, "/", "/tags/kerala/"} <= set(receipt.paths)


@pytest.mark.parametrize(("invalidate_edits", "invalidated"), [("false", False), ("true", True)])
def test_renderer_function_entry_point_renders_stream_event(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, invalidate_edits: str, invalidated: bool
) -> None:
    # Given the renderer function's environment, as template.yaml sets it (with the deployment's
    # InvalidateEdits parameter)
    from tests.conftest import ROOT, FakeLambdaContext, load_function

    for name, value in {
        "TABLE_NAME": pipeline.table,
        "SITE_BUCKET": pipeline.bucket,
        "DISTRIBUTION_ID": pipeline.distribution_id,
        "SITE_NAME": "Newsdesk",
        "SITE_URL": SITE_URL,
        "SITE_TIMEZONE": "Asia/Kolkata",
        "SITE_LANGUAGE": "en",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "INVALIDATE_EDITS": invalidate_edits,
    }.items():
        monkeypatch.setenv(name, value)
    app = load_function(ROOT / "functions" / "renderer" / "app.py")
    article = pipeline.create_published(headline="Through the handler", tags=["Kerala"])
    assert article.url is not None
    first = app.lambda_handler({"Records": pipeline.stream_records()}, FakeLambdaContext())
    assert first == {"batchItemFailures": []}
    assert pipeline.invalidations_in_cloudfront() == []  # a new page was never cached
    pipeline.revise(article, headline="Through the handler, revised")

    # When lambda_handler gets the stream event of the edit
    response = app.lambda_handler({"Records": pipeline.stream_records()}, FakeLambdaContext())

    # Then the edited page is in the bucket; the distribution got one invalidation, of that page alone,
    # where the deployment invalidates every edit, and none otherwise (the page expires in two minutes)
    assert response == {"batchItemFailures": []}
    headline = parse_html(pipeline.body(page_key(article.url))).find("h1").text
    assert headline == "Through the handler, revised"
    assert pipeline.invalidations_in_cloudfront() == ([[f"{article.url}*"]] if invalidated else [])
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None and receipt.live_within == (60 if invalidated else 120)


# ----- unpublish and changes ------------------------------------------------------------------------------


def test_unpublish_deletes_page_and_removes_article_from_every_listing(pipeline: Pipeline) -> None:
    # Given a live article next to another live one
    other = pipeline.create_published(headline="Another story stays", tags=["Kerala"])
    article = pipeline.create_published(headline="Story to withdraw", tags=["Kerala", "Rain"])
    assert article.url is not None and other.url is not None
    pipeline.render()
    assert all(everywhere(pipeline, article.url, ["kerala", "rain"]).values())

    # When it is unpublished and the renderer runs
    pipeline.unpublish(article.id)
    pipeline.clear_calls()
    response = pipeline.render()

    # Then its page is gone and nothing lists it any more; the other article is still everywhere
    assert response == {"batchItemFailures": []}
    assert page_key(article.url) not in pipeline.object_keys()
    year, month = month_of(article.url)
    emptied = ["tags/rain/index.html", "tags/rain/feed.xml", f"tags/rain/{year}/{month}/index.html"]
    assert sorted(pipeline.deleted) == sorted([page_key(article.url), *emptied])  # no empty tag pages
    assert not any(everywhere(pipeline, article.url, ["kerala", "rain"]).values())
    assert all(everywhere(pipeline, other.url, ["kerala"]).values())
    assert pipeline.invalidations == [[f"{article.url}*"]]
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None and receipt.state.value == "removed"


def test_tag_change_updates_old_and_new_tag_pages(pipeline: Pipeline) -> None:
    # Given a live article tagged Kerala and Rain
    article = pipeline.create_published(headline="Rain or floods", tags=["Kerala", "Rain"])
    assert article.url is not None
    pipeline.render()

    # When its tags become Kerala and Floods
    revised = pipeline.revise(article, tags=["Kerala", "Floods"])
    pipeline.clear_calls()
    pipeline.render()

    # Then the Rain pages, empty now, are deleted, the Floods pages list it, and the page links the new tags
    assert not any(tag_listings(pipeline, article.url, "rain").values())
    assert all(everywhere(pipeline, article.url, ["kerala", "floods"]).values())
    links = parse_html(pipeline.body(page_key(article.url))).find("ul", class_="tags").find_all("a")
    assert [a["href"] for a in links] == ["/tags/kerala/", "/tags/floods/"]
    year, month = month_of(article.url)
    assert {
        "tags/floods/index.html", "tags/floods/feed.xml", f"tags/floods/{year}/{month}/index.html",
    } <= set(pipeline.uploaded)  # fmt: skip
    assert {
        "tags/rain/index.html", "tags/rain/feed.xml", f"tags/rain/{year}/{month}/index.html",
    } <= set(pipeline.deleted)  # fmt: skip
    assert revised.version == article.version + 1


def test_revision_of_live_article_replaces_page_content(pipeline: Pipeline) -> None:
    # Given a live article
    article = pipeline.create_published(headline="First headline", tags=["Kerala"])
    assert article.url is not None
    pipeline.render()

    # When its headline is revised
    pipeline.revise(article, headline="Corrected headline")
    pipeline.render()

    # Then the page, home and feed show the new headline at the same URL
    doc = parse_html(pipeline.body(page_key(article.url)))
    assert doc.find("h1").text == "Corrected headline"
    home = parse_html(pipeline.body("index.html"))
    assert [a.text for a in home.find_all("a", rel="bookmark")] == ["Corrected headline"]
    titles = [i.findtext("title") for i in ET.fromstring(pipeline.body("feed.xml")).iter("item")]
    assert titles == ["Corrected headline"]


# ----- idempotence: duplicates, reordering, replays ---------------------------------------------------


def test_replayed_old_event_after_newer_change_keeps_newest_content_and_uploads_nothing(
    pipeline: Pipeline,
) -> None:
    # Given an article published (batch 1) and then revised (batch 2), both rendered
    article = pipeline.create_published(headline="Old headline", tags=["Kerala"])
    assert article.url is not None
    publish_records = pipeline.stream_records()
    pipeline.render(publish_records)
    pipeline.revise(article, headline="New headline")
    revise_records = pipeline.stream_records()
    pipeline.render(revise_records)
    before = {key: pipeline.body(key) for key in pipeline.object_keys()}

    # When the old publish batch is delivered again, then both batches in reverse order
    pipeline.clear_calls()
    first = pipeline.render(publish_records)
    second = pipeline.render(revise_records[::-1] + publish_records[::-1])

    # Then nothing is uploaded, deleted or invalidated, and the newest content stays live
    assert first == second == {"batchItemFailures": []}
    assert pipeline.uploaded == []
    assert pipeline.deleted == []
    assert pipeline.invalidations == []
    assert {key: pipeline.body(key) for key in pipeline.object_keys()} == before
    assert parse_html(pipeline.body(page_key(article.url))).find("h1").text == "New headline"


def test_replayed_publish_event_after_unpublish_does_not_bring_page_back(pipeline: Pipeline) -> None:
    # Given an article published, rendered, then unpublished and rendered
    article = pipeline.create_published(headline="Withdrawn story", tags=["Kerala"])
    assert article.url is not None
    publish_records = pipeline.stream_records()
    pipeline.render(publish_records)
    pipeline.unpublish(article.id)
    pipeline.render()

    # When the publish records are delivered again
    pipeline.clear_calls()
    response = pipeline.render(publish_records)

    # Then the page stays deleted, nothing lists it, and nothing was written
    assert response == {"batchItemFailures": []}
    assert page_key(article.url) not in pipeline.object_keys()
    assert not any(everywhere(pipeline, article.url, ["kerala"]).values())
    assert pipeline.uploaded == []
    assert pipeline.invalidations == []


def test_duplicate_records_in_one_batch_render_each_page_once(pipeline: Pipeline) -> None:
    # Given the records of one publish, each delivered twice in the same batch
    article = pipeline.create_published(headline="Delivered twice", tags=["Kerala"])
    records = pipeline.stream_records()

    # When
    pipeline.render(records + records)

    # Then every object was uploaded once, and nothing invalidated (a new page was never cached)
    assert len(pipeline.uploaded) == len(set(pipeline.uploaded))
    assert article.url is not None and page_key(article.url) in pipeline.uploaded
    assert pipeline.invalidations == []


# ----- invalidation ---------------------------------------------------------------------------------------


def test_batch_of_several_articles_sends_one_invalidation_with_all_changed_paths(pipeline: Pipeline) -> None:
    # Given four live articles; in the next batch one is unpublished, two are corrected (one of them
    # edited as well) and one is edited without a correction
    first = pipeline.create_published(headline="First of four", tags=["Kerala"])
    second = pipeline.create_published(headline="Second of four", tags=["Rain"])
    third = pipeline.create_published(headline="Third of four", tags=["Floods"])
    fourth = pipeline.create_published(headline="Fourth of four", tags=["Floods"])
    pipeline.render()
    pipeline.unpublish(third.id)
    first = pipeline.revise(first, headline="First of four, revised")
    add_correction(
        pipeline.store,
        first.id,
        CorrectionType.CORRECTION,
        "The headline named the wrong district.",
        expected_version=None,
    )
    add_correction(
        pipeline.store,
        second.id,
        CorrectionType.CLARIFICATION,
        "The rainfall is for June.",
        expected_version=None,
    )
    pipeline.revise(fourth, summary="A better summary")
    pipeline.clear_calls()

    # When the renderer processes the batch
    pipeline.render()

    # Then exactly one CreateInvalidation was sent, listing the corrected and the withdrawn article pages
    # alone (the edited one and the re-rendered listings expire within two minutes and one)
    assert all(a.url is not None for a in (first, second, third, fourth))
    assert len(pipeline.invalidations) == 1
    expected = sorted(f"{url}*" for url in [first.url, second.url, third.url])
    assert sorted(pipeline.invalidations[0]) == expected
    assert pipeline.invalidations_in_cloudfront()[-1] == expected
    assert "/" in pipeline.paths(pipeline.uploaded)
    assert page_key(fourth.url or "") in pipeline.uploaded
    # and the receipts say so: the first article's page at once, its listings within a minute; the
    # fourth article's page within two minutes
    _, receipt = pipeline.store.get_with_receipt(first.id)
    assert receipt is not None and receipt.invalidated == [first.url] and receipt.live_within == 60
    _, receipt = pipeline.store.get_with_receipt(fourth.id)
    assert receipt is not None and receipt.invalidated == [] and receipt.live_within == 120

    # When one more ordinary edit comes in the next batch
    latest = pipeline.store.get(fourth.id)
    assert latest is not None
    pipeline.revise(latest, summary="An even better summary")
    pipeline.clear_calls()
    pipeline.render()

    # Then it is uploaded and nothing is invalidated
    assert page_key(fourth.url or "") in pipeline.uploaded
    assert pipeline.invalidations == []


def test_batch_that_changes_nothing_sends_no_invalidation(pipeline: Pipeline) -> None:
    # Given a rendered site, and a draft edited in the next batch
    pipeline.create_published(headline="Live story", tags=["Kerala"])
    pipeline.render()
    draft = pipeline.create(headline="Draft in progress", tags=["Kerala"])
    pipeline.revise(draft, summary="Still a draft")
    pipeline.clear_calls()

    # When
    response = pipeline.render()

    # Then
    assert response == {"batchItemFailures": []}
    assert pipeline.uploaded == []
    assert pipeline.invalidations == []


class ThrottledCloudFront:
    """A CloudFront client that answers Throttling `failures` times, then accepts."""

    def __init__(self, failures: int, code: str = "Throttling") -> None:
        self.failures = failures
        self.code = code
        self.requests: list[dict[str, Any]] = []

    def create_invalidation(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            error = {"Error": {"Code": self.code, "Message": "Rate exceeded"}}
            raise ClientError(error, "CreateInvalidation")  # type: ignore[arg-type]
        return {"Invalidation": {"Id": "I2EXAMPLE", "Status": "InProgress"}}


def test_cdn_retries_throttling_with_backoff_and_one_caller_reference() -> None:
    # Given a CloudFront client throttling twice
    client = ThrottledCloudFront(failures=2)
    delays: list[float] = []
    cdn = Cdn("E1EXAMPLE", client, sleep=delays.append, base_delay=0.5)  # type: ignore[arg-type]

    # When
    invalidation_id = cdn.invalidate(["/b/", "/a/", "/a/"])

    # Then it succeeds on the third request, after two growing waits, with the same request each time
    assert invalidation_id == "I2EXAMPLE"
    assert len(client.requests) == 3
    assert len(delays) == 2
    assert 0.25 <= delays[0] <= 0.75 and 0.5 <= delays[1] <= 1.5
    batches = [r["InvalidationBatch"] for r in client.requests]
    assert all(b == batches[0] for b in batches)
    assert batches[0]["Paths"] == {"Quantity": 2, "Items": ["/a/", "/b/"]}


def test_cdn_gives_up_after_its_attempts() -> None:
    # Given a client that always throttles
    client = ThrottledCloudFront(failures=100)
    cdn = Cdn("E1EXAMPLE", client, sleep=lambda _s: None, attempts=4)  # type: ignore[arg-type]

    # When / Then
    with pytest.raises(InvalidationFailed, match="Throttling"):
        cdn.invalidate(["/a/"])
    assert len(client.requests) == 4


def test_cdn_does_not_retry_errors_that_are_not_throttling() -> None:
    # Given a client refusing the request outright
    client = ThrottledCloudFront(failures=100, code="AccessDenied")
    cdn = Cdn("E1EXAMPLE", client, sleep=lambda _s: None)  # type: ignore[arg-type]

    # When / Then
    with pytest.raises(InvalidationFailed, match="AccessDenied"):
        cdn.invalidate(["/a/"])
    assert len(client.requests) == 1


def test_cdn_turns_many_paths_into_one_wildcard() -> None:
    # Given more paths than the wildcard threshold
    client = ThrottledCloudFront(failures=0)
    cdn = Cdn("E1EXAMPLE", client, sleep=lambda _s: None)  # type: ignore[arg-type]

    # When
    cdn.invalidate(f"/p/{i}/" for i in range(501))

    # Then
    assert client.requests[0]["InvalidationBatch"]["Paths"] == {"Quantity": 1, "Items": ["/*"]}


def test_cdn_sends_nothing_for_no_paths() -> None:
    # Given / When
    client = ThrottledCloudFront(failures=0)
    result = Cdn("E1EXAMPLE", client).invalidate([])  # type: ignore[arg-type]

    # Then
    assert result is None
    assert client.requests == []


def test_renderer_survives_throttled_invalidation(pipeline: Pipeline) -> None:
    # Given a live article just corrected, and the renderer's CloudFront client throttles twice
    article = pipeline.create_published(headline="Throttled but live", tags=["Kerala"])
    pipeline.render()
    add_correction(
        pipeline.store,
        article.id,
        CorrectionType.CORRECTION,
        "An earlier version misspelt a name.",
        expected_version=None,
    )
    client = ThrottledCloudFront(failures=2)
    publisher = pipeline.publisher(cdn=Cdn(pipeline.distribution_id, client, sleep=lambda _s: None))  # type: ignore[arg-type]

    # When
    response = pipeline.render(publisher=publisher)

    # Then the batch succeeds, the third request carried the batch's paths, and the receipt is live
    assert response == {"batchItemFailures": []}
    assert len(client.requests) == 3
    assert client.requests[-1]["InvalidationBatch"]["Paths"]["Items"] == [f"{article.url}*"]
    _, receipt = pipeline.store.get_with_receipt(article.id)
    assert receipt is not None and receipt.state.value == "live"


# ----- partial failure --------------------------------------------------------------------------------------


class FailingReader(PublishedArticles):
    """The real reader, except that one article cannot be read."""

    def __init__(self, table_name: str, client: Any, poisoned: str) -> None:
        super().__init__(table_name, client)
        self.poisoned = poisoned

    def get(self, article_id: str) -> Any:
        if article_id == self.poisoned:
            raise RuntimeError(f"cannot read {article_id}")
        return super().get(article_id)


def test_record_that_fails_is_reported_while_others_render(pipeline: Pipeline) -> None:
    # Given a batch of three publishes where the middle article cannot be read
    good_one = pipeline.create_published(headline="Good one", tags=["Kerala"])
    poisoned = pipeline.create_published(headline="Poisoned", tags=["Kerala"])
    good_two = pipeline.create_published(headline="Good two", tags=["Kerala"])
    records = pipeline.stream_records()
    failing = [
        r["dynamodb"]["SequenceNumber"]
        for r in records
        if r["dynamodb"]["Keys"]["PK"]["S"] == f"ARTICLE#{poisoned.id}"
    ]
    publisher = pipeline.publisher(reader=FailingReader(pipeline.table, pipeline.ddb, poisoned.id))

    # When
    response = pipeline.render(records, publisher=publisher)

    # Then the poisoned records are reported by sequence number, the other two articles are live, and the
    # poisoned one's receipt says that its render failed, and why
    assert response == {"batchItemFailures": [{"itemIdentifier": seq} for seq in failing]}
    assert good_one.url is not None and good_two.url is not None and poisoned.url is not None
    keys = pipeline.object_keys()
    assert {page_key(good_one.url), page_key(good_two.url)} <= keys
    assert page_key(poisoned.url) not in keys
    assert {good_one.url, good_two.url} <= set(listed_paths(pipeline, "index.html"))
    assert pipeline.invalidations == []  # new pages were never cached
    _, receipt = pipeline.store.get_with_receipt(poisoned.id)
    assert receipt is not None and receipt.state.value == "failed"
    assert receipt.error == f"RuntimeError: cannot read {poisoned.id}"


# ----- what is not public stays out ------------------------------------------------------------------


def test_drafts_scheduled_and_unpublished_never_appear_in_any_public_object(pipeline: Pipeline) -> None:
    # Given a live article, a draft, a scheduled article and an unpublished one, all with the same tag
    now = utc_now()
    live = pipeline.create_published(headline="The one live story", tags=["Kerala"])
    draft = pipeline.create(headline="Secret draft zebra", tags=["Kerala"], summary="draft summary quokka")
    scheduled = make_article(
        headline="Scheduled story walrus",
        status=ArticleStatus.SCHEDULED,
        published_at=now + dt.timedelta(hours=6),
        tags=["Kerala"],
    )
    pipeline.seed([scheduled])
    withdrawn = pipeline.create_published(headline="Withdrawn story narwhal", tags=["Kerala"])
    pipeline.unpublish(withdrawn.id)

    # When the renderer processes everything the table produced
    response = pipeline.render()

    # Then only the live article is public; no object mentions the others
    assert response == {"batchItemFailures": []}
    secrets = [
        b"zebra", b"quokka", b"walrus", b"narwhal",
        draft.id.encode(), scheduled.id.encode(), withdrawn.id.encode(),
        draft.slug.encode(), scheduled.slug.encode(), withdrawn.slug.encode(),
    ]  # fmt: skip
    for key in pipeline.object_keys():
        body = pipeline.body(key)
        assert not [s for s in secrets if s in body], key
    assert live.url is not None
    assert listed_paths(pipeline, "index.html") == [live.url]
    assert listed_paths(pipeline, "tags/kerala/index.html") == [live.url]


def test_publish_of_article_in_an_earlier_month_lists_it_in_that_month(pipeline: Pipeline) -> None:
    # Given a live article first published (and seeded) three months ago, then unpublished and republished
    old = make_article(headline="From the archive", published_at=dt.datetime(2026, 8, 5, 10, tzinfo=dt.UTC))
    pipeline.seed([old])
    pipeline.render_site()
    pipeline.unpublish(old.id)
    pipeline.render()
    assert listed_paths(pipeline, "archive/2026/08/index.html") == []

    # When it is published again
    republished = pipeline.publish(old.id)
    pipeline.render()

    # Then it keeps its URL and first publication time, and is listed in August again
    assert republished.url == old.url == "/2026/08/05/from-the-archive/"
    assert listed_paths(pipeline, "archive/2026/08/index.html") == [old.url]
    index = parse_html(pipeline.body("archive/index.html"))
    assert "/archive/2026/08/" in [a["href"] for a in index.find("ul", class_="months").find_all("a")]
    published = parse_html(pipeline.body(page_key(old.url))).find("article").find_all("time")[0]["datetime"]
    assert published == dt.datetime(2026, 8, 5, 10, tzinfo=dt.UTC).astimezone(KOLKATA).isoformat()


# ----- render receipts, as editors see them ---------------------------------------------------------------


def test_editor_get_reports_render_pending_then_live_with_paths(
    pipeline: Pipeline, editor_api: ModuleType, lambda_context: Any
) -> None:
    # Given an article created and published through the editor API (same table as the renderer's)
    api = EditorApi(editor_api.lambda_handler, lambda_context)
    created = api.create_ok(headline="Receipt through the API", tags=["Kerala"])
    published = api.publish(created["id"], if_match='"1"')
    assert published.status == 200, published.body
    url = published.json()["url"]

    # When the editor reads it before the renderer ran
    pending = api.get(created["id"]).json()["render"]

    # Then the render is pending
    assert pending["state"] == "pending"
    assert pending["paths"] == []

    # When the renderer processes the stream and the editor reads it again
    pipeline.render()
    live = api.get(created["id"]).json()

    # Then the render is live, for the current version, with the paths that changed
    assert live["render"]["state"] == "live"
    assert live["render"]["version"] == live["version"] == 2
    assert url in live["render"]["paths"]
    assert {"/", "/feed.xml", "/tags/kerala/"} <= set(live["render"]["paths"])


def test_editor_get_reports_pending_again_after_revision_until_rendered(
    pipeline: Pipeline, editor_api: ModuleType, lambda_context: Any
) -> None:
    # Given a live, rendered article
    api = EditorApi(editor_api.lambda_handler, lambda_context)
    created = api.create_ok(headline="Revised after rendering", tags=["Kerala"])
    assert api.publish(created["id"], if_match='"1"').status == 200
    pipeline.render()

    # When it is revised
    assert api.patch(created["id"], {"headline": "Revised headline"}, if_match='"2"').status == 200

    # Then the render is pending until the renderer runs, then live for version 3
    assert api.get(created["id"]).json()["render"]["state"] == "pending"
    pipeline.render()
    render = api.get(created["id"]).json()["render"]
    assert (render["state"], render["version"]) == ("live", 3)
