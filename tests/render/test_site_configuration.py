"""The site's configuration on the site: every page renders with it as stored, and a change re-renders
what it touches (only the front page for a new lead story, a full rebuild for anything every page shows),
through the table's stream in moto as the renderer receives it."""

from __future__ import annotations

from typing import Any

import pytest

from newsdesk.adapters.dynamodb.keys import is_site_config
from newsdesk.adapters.dynamodb.site_config import SiteConfigStore
from newsdesk.site import configuration_service as configure
from newsdesk.site.changes import ConfigurationChanges
from newsdesk.site.configuration import Reach, SiteConfiguration, what_it_touches
from newsdesk.site.models import HOME, Chunk, Page, RebuildStatus, page_key
from newsdesk.site.pages import favicon_key
from newsdesk.site.publisher import SitePublisher
from newsdesk.site.rebuild import run_chunk
from newsdesk.wiring.site import start_rebuild
from tests.conftest import REGION, FakeLambdaContext
from tests.render.conftest import KOLKATA, SITE_NAME, Pipeline
from tests.render.dom import Document, parse_html

CONFIGURED: dict[str, Any] = {
    "name": "The Coastal Courier",
    "description": "News from the Malabar coast, every hour.",
    "logo": "/assets/logo.svg",
    "sections": [{"name": "World"}, {"name": "Science"}, {"name": "Sport", "slug": "sports"}],
    "footer_links": [{"label": "About us", "url": "/about/"}],
    "social_profiles": ["https://social.example/@courier"],
}


def site_records(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The site configuration's records, as the renderer's event filter passes them."""
    return [r for r in records if is_site_config(r["dynamodb"]["Keys"])]


class RebuildStarts:
    """Stands for the rebuild queue: counts the rebuilds a batch starts."""

    def __init__(self) -> None:
        self.started: list[RebuildStatus] = []

    def __call__(self) -> RebuildStatus:
        from newsdesk.clock import utc_now

        status = RebuildStatus(f"R{len(self.started)}", 1, 0, utc_now(), None)
        self.started.append(status)
        return status


class PageSpy(SitePublisher):
    """The publisher, noting which listing pages it renders."""

    rendered: list[Page]

    def render_page(self, page: Page) -> list[str]:
        self.rendered.append(page)
        return super().render_page(page)


def save(pipeline: Pipeline, **fields: Any) -> SiteConfiguration:
    store = SiteConfigStore(pipeline.table, pipeline.ddb)
    return configure.replace(
        store, SITE_NAME, fields, expected_version=configure.stored_version(store, SITE_NAME)
    )


def config_batch(pipeline: Pipeline, starts: RebuildStarts) -> tuple[dict[str, Any], list[Page]]:
    """One renderer invocation over the configuration's new stream records; the pages it rendered."""
    from newsdesk.adapters.dynamodb.stream import TableStream
    from newsdesk.batch.stream import handle_stream_batch

    records = pipeline.stream_records(site_records)
    assert records, "the configuration's change reached the stream"
    publisher = pipeline.publisher()
    publisher.__class__ = PageSpy
    spy: PageSpy = publisher  # type: ignore[assignment]
    spy.rendered = []
    handling = ConfigurationChanges(SiteConfiguration.defaults(SITE_NAME), starts)
    response = handle_stream_batch(
        {"Records": records}, FakeLambdaContext(), publisher, TableStream(), handling
    )
    return dict(response), spy.rendered


def page(pipeline: Pipeline, path: str) -> Document:
    return parse_html(pipeline.body(page_key(path)))


def test_every_page_renders_with_the_stored_configuration(pipeline: Pipeline) -> None:
    # Given a configuration an editor saved, and a published article
    save(pipeline, **CONFIGURED)
    article = pipeline.create_published(headline="Fishing boats return to Kollam harbour")
    assert article.url is not None

    # When the site is rendered
    pipeline.render_site()

    # Then the front page and the article page show its name, logo, menu in order, footer and description
    for path in ("/", article.url, "/archive/"):
        doc = page(pipeline, path)
        masthead = doc.find("header", class_="masthead")
        assert masthead.find("a", class_="brand").normalized_text == "The Coastal Courier"
        assert masthead.find("img")["src"] == "/assets/logo.svg"
        menu = [(a.normalized_text, a["href"]) for a in masthead.find("nav").find_all("a")]
        assert menu == [
            ("World", "/section/world/"),
            ("Science", "/section/science/"),
            ("Sport", "/section/sports/"),
            ("Latest", "/"),
            ("Archive", "/archive/"),
        ]
        footer = doc.find("footer")
        links = {a.normalized_text: a["href"] for a in footer.find_all("a")}
        assert links["About us"] == "/about/"
        assert links["social.example"] == "https://social.example/@courier"
        assert "News from the Malabar coast, every hour." in footer.normalized_text
    assert page(pipeline, "/").find("title").normalized_text.startswith("The Coastal Courier")


def test_without_a_stored_configuration_pages_show_the_deployments_name(pipeline: Pipeline) -> None:
    # Given no configuration saved
    article = pipeline.create_published(headline="Fishing boats return to Kollam harbour")
    assert article.url is not None

    # When the site is rendered
    pipeline.render_site()

    # Then the masthead is the deployment's name and the menu has Latest and Archive only
    masthead = page(pipeline, article.url).find("header", class_="masthead")
    assert masthead.find("a", class_="brand").normalized_text == SITE_NAME
    assert masthead.find_all("img") == []
    assert [a.normalized_text for a in masthead.find("nav").find_all("a")] == ["Latest", "Archive"]


def test_every_page_links_the_icon_and_the_icons_are_in_the_bucket(pipeline: Pipeline) -> None:
    # Given a published article
    article = pipeline.create_published(headline="Fishing boats return to Kollam harbour")
    assert article.url is not None

    # When the site is rendered
    pipeline.render_site()

    # Then its pages link the hashed SVG icon and /favicon.ico, and both are served
    for path in ("/", article.url):
        icons = [link["href"] for link in page(pipeline, path).find_all("link", rel="icon")]
        assert icons == ["/favicon.ico", "/" + favicon_key()]
    svg, ico = pipeline.get(favicon_key()), pipeline.get("favicon.ico")
    assert svg["content_type"] == "image/svg+xml" and svg["cache_control"].endswith("immutable")
    assert ico["content_type"] == "image/x-icon" and ico["body"][:4] == b"\x00\x00\x01\x00"
    assert pipeline.get("404.html")["body"].count(b'rel="icon"') == 2


def test_a_new_lead_story_renders_the_front_page_only(pipeline: Pipeline) -> None:
    # Given a configured, rendered site with two stories
    save(pipeline, **CONFIGURED)
    older = pipeline.create_published(headline="Older story about the harbour")
    pipeline.create_published(headline="Newer story about the rains")
    pipeline.render_site()
    pipeline.stream_records(site_records)
    pipeline.clear_calls()
    starts = RebuildStarts()

    # When an editor pins the older story as the lead
    store = SiteConfigStore(pipeline.table, pipeline.ddb)
    configure.pin_lead(store, pipeline.store, SITE_NAME, older.id, expected_version=1)
    response, rendered = config_batch(pipeline, starts)

    # Then the batch renders the front page alone, starts no rebuild, and writes nothing but the front page
    assert response == {"batchItemFailures": []}
    assert rendered == [HOME]
    assert starts.started == []
    assert set(pipeline.uploaded) <= {"index.html"}


def test_a_new_site_name_starts_one_rebuild_for_the_batch(pipeline: Pipeline) -> None:
    # Given a configured, rendered site
    save(pipeline, **CONFIGURED)
    pipeline.create_published(headline="Fishing boats return to Kollam harbour")
    pipeline.render_site()
    pipeline.stream_records(site_records)
    pipeline.clear_calls()
    starts = RebuildStarts()

    # When an editor renames the site, then changes the menu, and both changes reach one batch
    save(pipeline, **{**CONFIGURED, "name": "The Courier"})
    save(pipeline, **{**CONFIGURED, "name": "The Courier", "sections": [{"name": "World"}]})
    response, rendered = config_batch(pipeline, starts)

    # Then exactly one full rebuild is started; the batch itself renders no listing or article (only the
    # shared objects every batch keeps up to date, such as the 404 page)
    assert response == {"batchItemFailures": []}
    assert len(starts.started) == 1
    assert rendered == []
    assert set(pipeline.uploaded) <= {"404.html", "robots.txt"}


def test_a_rebuild_started_by_a_new_name_shows_it_on_every_page(pipeline: Pipeline) -> None:
    # Given a rendered site, and the rebuild queue
    import boto3

    article = pipeline.create_published(headline="Fishing boats return to Kollam harbour")
    assert article.url is not None
    pipeline.render_site()
    pipeline.stream_records(site_records)
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName=f"rebuild-{pipeline.table}")["QueueUrl"]

    def rebuild() -> RebuildStatus:
        return start_rebuild(pipeline.ddb, sqs, table_name=pipeline.table, queue_url=queue_url, tz=KOLKATA)

    # When an editor renames the site, the renderer handles the change, and the rebuild's chunks run
    save(pipeline, **{**CONFIGURED, "name": "The Courier"})
    config_batch(pipeline, rebuild)  # type: ignore[arg-type]
    from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker

    tracker = RebuildTracker(pipeline.table, pipeline.ddb)
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", []):
        for message in messages:
            cdn = pipeline.cdn()
            run_chunk(Chunk.from_message(message["Body"]), pipeline.publisher(cdn=cdn), tracker, cdn)
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])

    # Then the article page and the front page carry the new name, and the site was invalidated once
    for path in ("/", article.url):
        brand = page(pipeline, path).find("a", class_="brand")
        assert brand.normalized_text == "The Courier"
    assert pipeline.invalidations[-1] == ["/*"]


@pytest.mark.parametrize(
    ("change", "reach"),
    [
        ({}, Reach.NOTHING),
        ({"lead_article_id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X"}, Reach.FRONT_PAGE),
        ({"name": "The Courier"}, Reach.EVERY_PAGE),
        ({"description": "Another line."}, Reach.EVERY_PAGE),
        ({"logo": "https://cdn.example.org/logo.png"}, Reach.EVERY_PAGE),
        ({"sections": ({"name": "Sport"}, {"name": "World"})}, Reach.EVERY_PAGE),
        ({"footer_links": ()}, Reach.EVERY_PAGE),
        ({"social_profiles": ()}, Reach.EVERY_PAGE),
        ({"default_image": "/media/default.jpg"}, Reach.EVERY_PAGE),
        ({"version": 7, "updated_by": "someone-else"}, Reach.NOTHING),
    ],
)
def test_what_a_change_touches(change: dict[str, Any], reach: Reach) -> None:
    # Given a configuration
    before = SiteConfiguration.model_validate({**CONFIGURED, "version": 1})

    # When one thing of it changes
    after = SiteConfiguration.model_validate({**before.model_dump(), **change})

    # Then the change reaches the pages it should
    assert what_it_touches(before, after) is reach
