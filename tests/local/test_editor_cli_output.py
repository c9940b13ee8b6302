"""The editor commands' human-readable output: aligned columns, times in the site's zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from newsdesk_local.editor import output
from tests.local.editor_stub import article

KOLKATA = ZoneInfo("Asia/Kolkata")


def test_columns_are_aligned_to_their_widest_cell() -> None:
    # When rows of different widths are laid out
    text = output.table(["ID", "STATUS", "HEADLINE"], [["1", "published", "A"], ["22", "draft", "Bb"]])

    # Then every column starts at the same place on every line
    assert text.splitlines() == [
        "ID  STATUS     HEADLINE",
        "1   published  A",
        "22  draft      Bb",
    ]


def test_times_are_shown_in_the_site_zone() -> None:
    assert output.local_time("2026-11-30T18:45:00+00:00", KOLKATA) == "2026-12-01 00:15 IST"
    assert output.local_time(None, KOLKATA) == "-"


def test_show_says_when_the_article_went_live_and_where() -> None:
    # Given a published article whose render receipt is live
    published = article(
        status="published",
        version=2,
        url="/2026/11/20/ferry-service-resumes/",
        published_at="2026-11-20T08:30:00+00:00",
        render={
            "state": "live",
            "version": 2,
            "rendered_at": "2026-11-20T08:30:02+00:00",
            "paths": [],
            "error": None,
        },
        corrections=[{"type": "editors_note", "text": "Updated.", "issued_at": "2026-11-20T09:00:00+00:00"}],
    )

    # When it is shown
    lines = output.article_detail(published, KOLKATA, "http://127.0.0.1:8000").splitlines()

    # Then the receipt, the live time (site zone) and the public URL are there, values aligned
    assert "url:           http://127.0.0.1:8000/2026/11/20/ferry-service-resumes/" in lines
    assert "render:        live (version 2, 2026-11-20 14:00 IST)" in lines
    assert "live since:    2026-11-20 14:00 IST" in lines
    assert "on the CDN:    every page at once" in lines
    assert "editors note:  2026-11-20 14:30 IST: Updated." in lines


@pytest.mark.parametrize(
    ("invalidated", "live_within", "said"),
    [
        # an ordinary edit: nothing invalidated, the article page expires within two minutes
        ([], 120, "every page by 2026-11-20 14:02 IST (the CDN's copies expire within 120 s)"),
        # a correction: the article page at once, its listings within a minute
        (
            ["/2026/11/20/ferry-service-resumes/"],
            60,
            "the article page at once (invalidated); every other page by 2026-11-20 14:01 IST "
            "(the CDN's copies expire within 60 s)",
        ),
    ],
)
def test_show_says_when_readers_see_an_edit_or_a_correction(
    invalidated: list[str], live_within: int, said: str
) -> None:
    # Given a live article whose last render invalidated these paths, the others expiring in time
    edited = article(
        status="published",
        url="/2026/11/20/ferry-service-resumes/",
        render={
            "state": "live",
            "version": 3,
            "rendered_at": "2026-11-20T08:30:02+00:00",
            "paths": ["/2026/11/20/ferry-service-resumes/", "/feed.xml"],
            "invalidated": invalidated,
            "live_within": live_within,
            "error": None,
        },
    )

    # When it is shown
    lines = output.article_detail(edited, KOLKATA, "http://127.0.0.1:8000").splitlines()

    # Then it says when readers see the change
    shown = {label: value.strip() for label, _, value in (line.partition(":") for line in lines)}
    assert shown["on the CDN"] == said


def test_a_list_shows_the_due_time_of_scheduled_articles() -> None:
    # Given a scheduled and a draft article
    items = [
        article(status="scheduled", publish_at="2026-11-21T01:30:00+00:00", headline="x" * 80),
        article(id="01JDQ7ZK3M8N4P5R6S7T8V9W0Y", slug="other"),
    ]

    # When listed
    lines = output.articles_table(items, KOLKATA).splitlines()

    # Then the scheduled one shows when it is due, and long headlines are cut
    assert "  scheduled  1        2026-11-21 07:00 IST  ferry-service-resumes  x" in lines[1]
    assert lines[1].endswith("x" * 59 + "…")
    assert lines[2].split()[:3] == ["01JDQ7ZK3M8N4P5R6S7T8V9W0Y", "draft", "1"]
