"""Markdown files with front matter: what the editor commands read from them, and the id they write back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from newsdesk_local.editor.markdown_files import FrontMatterError, parse_article, remember_id

FULL = """---
headline: "  Ferry service resumes after repairs "
summary: The river ferry is back after six weeks in dry dock.
tags: [Transport, River]
authors: A. Reporter
source: City Wire
dateline: RIVERTON
section: Local
image: {url: "https://img.example/ferry.jpg", alt: The ferry at the pier}
publish_at: 2027-01-05T07:00:00+05:30
expire_at: "2027-01-06T07:00:00+05:30"
# an editor's comment survives the id being written back
---
The ferry is **back**.
"""


def test_every_front_matter_key_becomes_a_field_of_the_article() -> None:
    # When a file with every key is read
    file = parse_article(FULL)

    # Then the content is the draft's fields, trimmed, and the times are aware
    assert file.content == {
        "headline": "Ferry service resumes after repairs",
        "body": "The ferry is **back**.",
        "summary": "The river ferry is back after six weeks in dry dock.",
        "authors": ["A. Reporter"],
        "tags": ["Transport", "River"],
        "source": "City Wire",
        "dateline": "RIVERTON",
        "section": "Local",
        "image": {"url": "https://img.example/ferry.jpg", "alt": "The ferry at the pier", "caption": None},
    }
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    assert file.publish_at == dt.datetime(2027, 1, 5, 7, 0, tzinfo=ist)
    assert file.times["expire_at"] == dt.datetime(2027, 1, 6, 7, 0, tzinfo=ist)
    assert file.id is None and file.slug is None
    assert "publish_at" not in file.create_body() and file.create_body("from-name")["slug"] == "from-name"


@pytest.mark.parametrize(
    ("front_matter", "message"),
    [
        ("headline: A\nheadlin: typo", "unknown front matter key 'headlin'"),
        ("summary: no headline", "no headline"),
        ("headline: A\npublish_at: 2027-01-05T07:00:00", "'publish_at' needs an offset"),
        ("headline: A\npublish_at: next tuesday", "not an ISO 8601 time"),
        (
            "headline: A\nimage: {url: 'https://x.example/a.jpg', alt: A, credit: B}",
            "unknown image key 'credit'",
        ),
        ("headline: A\nimage: {url: 'https://x.example/a.jpg'}", "'image' needs 'alt'"),
        ("headline: A\ntags: {a: b}", "'tags' must be a list of names"),
        ("headline: [A, B]", "'headline' must be text"),
        ("headline: 'A\nsummary: b", "not valid YAML"),
    ],
)
def test_a_file_that_cannot_become_an_article_is_refused_naming_why(front_matter: str, message: str) -> None:
    # When a file with a mistake in its front matter is read
    with pytest.raises(FrontMatterError) as refused:
        parse_article(f"---\n{front_matter}\n---\nBody.\n", Path("story.md"))

    # Then the error names the file and the mistake
    assert message in str(refused.value)
    assert str(refused.value).startswith("story.md: ")


def test_a_file_without_front_matter_or_body_is_refused() -> None:
    with pytest.raises(FrontMatterError, match="no front matter"):
        parse_article("# Just Markdown\n")
    with pytest.raises(FrontMatterError, match="no body"):
        parse_article("---\nheadline: A\n---\n\n")


def test_the_article_id_is_written_into_the_front_matter_and_nothing_else_changes(tmp_path: Path) -> None:
    # Given a file without an id
    path = tmp_path / "ferry.md"
    path.write_text(FULL, encoding="utf-8")

    # When the id is remembered, then remembered again (another article)
    remember_id(path, "01JDQ7ZK3M8N4P5R6S7T8V9W0X")
    first = path.read_text(encoding="utf-8")
    remember_id(path, "01JDQ7ZK3M8N4P5R6S7T8V9W0Y")

    # Then the id is the first key, replaced in place, and every other line is as it was
    assert first == FULL.replace("---\n", "---\nid: 01JDQ7ZK3M8N4P5R6S7T8V9W0X\n", 1)
    assert path.read_text(encoding="utf-8") == FULL.replace(
        "---\n", "---\nid: 01JDQ7ZK3M8N4P5R6S7T8V9W0Y\n", 1
    )
    assert parse_article(path.read_text(encoding="utf-8")).id == "01JDQ7ZK3M8N4P5R6S7T8V9W0Y"
