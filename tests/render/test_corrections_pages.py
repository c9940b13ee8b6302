"""Corrections through the whole pipeline: the correction is written with the article, and the stream's
record re-renders the article page, /corrections/ and its feed, and nothing the correction does not touch."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from newsdesk.articles import corrections
from newsdesk.articles.models import Article, ArticleStatus, Correction, CorrectionType
from newsdesk.clock import FrozenClock
from newsdesk.site.models import CORRECTIONS, CORRECTIONS_FEED, page_key
from newsdesk.site.plan import pages_for
from tests.render.conftest import PUBLISHED_AT, SITE, Pipeline, make_article
from tests.render.dom import parse_html


def correct(pipeline: Pipeline, article_id: str, kind: CorrectionType, text: str) -> None:
    corrections.add_correction(pipeline.store, article_id, kind, text, expected_version=None)


def test_a_correction_re_renders_its_article_and_the_corrections_page_and_feed(
    pipeline: Pipeline, clock: FrozenClock
) -> None:
    # Given a published article, rendered, and another one not corrected
    article = pipeline.create_published(headline="Floods cut off 40 villages", tags=["Floods"])
    pipeline.create_published(headline="Markets close higher", tags=["Markets"])
    pipeline.render()
    assert article.url is not None
    clock.advance(hours=1)

    # When a correction is issued and the renderer processes the stream
    correct(pipeline, article.id, CorrectionType.CORRECTION, "It was 14 villages, not 40.")
    pipeline.clear_calls()
    assert pipeline.render() == {"batchItemFailures": []}

    # Then the article page shows it, labelled "Updated"
    doc = parse_html(pipeline.body(page_key(article.url)))
    item = doc.find("aside", class_="corrections").find("li")
    assert item.normalized_text.endswith("It was 14 villages, not 40.")
    assert doc.find("article").find("p", class_="meta").find_all("span", class_="updated")
    # and /corrections/ lists it, linking to the article's corrections
    listing = parse_html(pipeline.body("corrections/index.html"))
    entry = listing.find("ol", class_="corrections-log").find("li")
    assert entry.find("a")["href"] == f"{article.url}#corrections"
    assert entry.find("a").text == "Floods cut off 40 villages"
    # and the feed has it as an item
    feed = ET.fromstring(pipeline.body("corrections/feed.xml"))
    titles = [t.text for t in feed.iter("title")]
    assert "Correction: Floods cut off 40 villages" in titles
    assert [d.text for d in feed.iter("description")][-1] == "It was 14 villages, not 40."
    # and the corrections pages were written along with the article; the other article was not touched
    written = set(pipeline.uploaded)
    assert {page_key(article.url), "corrections/index.html", "corrections/feed.xml"} <= written
    assert not any("markets-close-higher" in key for key in written)
    # and only the corrected article's page was invalidated: the corrections page and feed expire
    assert pipeline.invalidations == [[f"{article.url}*"]]


@pytest.mark.parametrize(
    ("before", "after", "touched"),
    [
        ("none", "none", False),  # an uncorrected article changes
        ("none", "one", True),  # a correction is issued
        ("one", "one", True),  # a corrected article changes (its headline is listed there)
        ("one", "unpublished", True),  # a corrected article comes down
        ("none", "unpublished", False),
    ],
)
def test_a_change_touches_the_corrections_pages_only_if_a_corrected_article_is_or_was_live(
    before: str, after: str, touched: bool
) -> None:
    # Given an article before and after a change
    fix = Correction(type=CorrectionType.CORRECTION, text="Fixed.", issued_at=PUBLISHED_AT)

    def version(state: str) -> Article:
        if state == "unpublished":
            return make_article(status=ArticleStatus.UNPUBLISHED, corrections=[fix])
        return make_article(corrections=[fix] if state == "one" else [])

    # When the pages it touches are planned
    planned = pages_for(version(before), version(after), SITE.tz)

    # Then the corrections page and feed are among them exactly when a corrected version is or was live
    assert ({CORRECTIONS, CORRECTIONS_FEED} <= planned) is touched
    assert ({CORRECTIONS, CORRECTIONS_FEED} & planned == set()) is not touched


def test_unpublishing_a_corrected_article_takes_its_corrections_off_the_page(
    pipeline: Pipeline, clock: FrozenClock
) -> None:
    # Given two corrected articles, rendered
    gone = pipeline.create_published(headline="Floods cut off 40 villages")
    kept = pipeline.create_published(headline="Markets close higher")
    correct(pipeline, gone.id, CorrectionType.CORRECTION, "Gone soon.")
    correct(pipeline, kept.id, CorrectionType.EDITORS_NOTE, "Still here.")
    pipeline.render()

    # When one is unpublished and the renderer runs
    pipeline.unpublish(gone.id)
    pipeline.render()

    # Then the corrections page lists only the live one's
    text = pipeline.text("corrections/index.html")
    assert "Still here." in text
    assert "Gone soon." not in text
