"""Corrections on the article page, in its JSON-LD, and the "Updated" label (read back from parsed HTML)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from newsdesk.articles.models import Correction, CorrectionType
from newsdesk.site import pages
from tests.render.conftest import PUBLISHED_AT, SITE, make_article
from tests.render.dom import Document, parse_html


def minutes(n: int) -> dt.datetime:
    return PUBLISHED_AT + dt.timedelta(minutes=n)


def page(**fields: object) -> Document:
    return parse_html(pages.article_page(SITE, make_article(**fields)).body)  # type: ignore[arg-type]


def correction(kind: CorrectionType, text: str, at: int) -> Correction:
    return Correction(type=kind, text=text, issued_at=minutes(at))


# ----- the "Updated" label -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("revised", "updated", "shown"),
    [
        (None, 180, False),  # metadata (tags, summary) changed later: not a material change
        (10, 10, False),  # rewritten within the threshold: a first-hour fix, not an update
        (30, 30, False),  # exactly at the threshold
        (31, 31, True),
        (45, 200, True),
    ],
)
def test_updated_shows_only_for_material_changes_past_the_threshold(
    revised: int | None, updated: int, shown: bool
) -> None:
    # Given an article revised (headline, body or a correction) some minutes after its first publication
    # When its page is rendered with the default threshold (30 minutes)
    doc = page(updated_at=minutes(updated), revised_at=minutes(revised) if revised is not None else None)

    # Then "Updated" is shown, with the time of the revision, exactly when it is past the threshold
    meta = doc.find("article").find("p", class_="meta")
    labels = meta.find_all("span", class_="updated")
    assert bool(labels) is shown
    if shown:
        assert revised is not None
        assert labels[0].find("time")["datetime"] == pages._iso(minutes(revised), SITE.tz)


def test_the_threshold_is_a_setting() -> None:
    # Given a site whose threshold is two hours, and an article revised 90 minutes after publication
    site = dataclasses.replace(SITE, updated_after=dt.timedelta(hours=2))
    article = make_article(updated_at=minutes(90), revised_at=minutes(90))

    # When its page is rendered there and on the default site
    strict = parse_html(pages.article_page(site, article).body)
    default = parse_html(pages.article_page(SITE, article).body)

    # Then only the default site labels it
    assert strict.find("article").find("p", class_="meta").find_all("span", class_="updated") == []
    assert len(default.find("article").find("p", class_="meta").find_all("span", class_="updated")) == 1


# ----- corrections ---------------------------------------------------------------------------------


def test_corrections_are_listed_on_the_page_oldest_first_with_type_and_time() -> None:
    # Given an article with a correction and an editor's note
    fixes = [
        correction(CorrectionType.CORRECTION, "An earlier version gave the wrong district.", 60),
        correction(CorrectionType.EDITORS_NOTE, "This story has been updated with official figures.", 120),
    ]

    # When its page is rendered
    doc = page(updated_at=minutes(120), revised_at=minutes(120), corrections=fixes)

    # Then the corrections block lists both, labelled and timed, after the body
    block = doc.find("aside", class_="corrections")
    assert block["id"] == "corrections"
    assert block.find("h2").text == "Corrections and clarifications"
    items = block.find_all("li")
    assert [i.find("strong").text for i in items] == ["Correction", "Editor's note"]
    assert [i.find("time")["datetime"] for i in items] == [
        pages._iso(minutes(60), SITE.tz),
        pages._iso(minutes(120), SITE.tz),
    ]
    assert items[0].normalized_text.endswith("An earlier version gave the wrong district.")
    assert "correction-editors_note" in items[1]["class"]


def test_an_article_without_corrections_has_no_block() -> None:
    # Given / When
    doc = page()

    # Then
    assert doc.find_all("aside", class_="corrections") == []
    assert "correction" not in doc.json_ld()


def test_correction_text_is_shown_as_text_never_as_markup() -> None:
    # Given a correction whose text is markup
    hostile = '<script>alert(1)</script><img src=x onerror="alert(2)"> & </aside>'
    fixes = [correction(CorrectionType.CLARIFICATION, hostile, 40)]

    # When the page is rendered
    doc = page(updated_at=minutes(40), revised_at=minutes(40), corrections=fixes)

    # Then the text reads as written, and the page has no script or image from it
    item = doc.find("aside", class_="corrections").find("li")
    assert item.normalized_text.endswith(hostile)
    assert item.find_all("script") == [] and item.find_all("img") == []
    assert doc.json_ld()["correction"][0]["text"] == hostile


def test_the_json_ld_carries_the_corrections_and_the_modified_date() -> None:
    # Given an article corrected two hours after publication
    fixes = [correction(CorrectionType.CORRECTION, "The toll was 12, not 21.", 120)]

    # When its page is rendered
    data = page(updated_at=minutes(120), revised_at=minutes(120), corrections=fixes).json_ld()

    # Then the correction is a schema.org CorrectionComment and dateModified is its time
    assert data["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "The toll was 12, not 21.",
            "datePublished": pages._iso(minutes(120), SITE.tz),
        }
    ]
    assert data["dateModified"] == pages._iso(minutes(120), SITE.tz)
