"""`newsdesk push` front matter naming an uploaded image (`image: {media: ID}`), and what a second push of
it compares."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsdesk_local.editor.markdown_files import FrontMatterError, parse_article
from newsdesk_local.editor.sync import content_changes

MEDIA_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


def story(image: str) -> str:
    return f"---\nheadline: Harbour reopens\nimage: {image}\n---\nBody.\n"


def test_an_image_named_by_its_media_id_needs_no_url_or_alt() -> None:
    # When a file names an uploaded image, with a caption of its own
    file = parse_article(story(f"{{media: {MEDIA_ID}, caption: At noon}}"))

    # Then the image is the media id and the caption (the upload's alt text stays)
    assert file.content["image"] == {"media": MEDIA_ID, "caption": "At noon"}


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (f"{{media: {MEDIA_ID}, url: 'https://img.example/a.jpg', alt: A}}", "one of them"),
        ("{url: 'https://img.example/a.jpg'}", "'alt'"),
        ("{media: '', alt: A}", "'url'"),
    ],
)
def test_an_image_with_both_or_neither_is_refused(image: str, message: str) -> None:
    # When a file's image has a url and a media id, a url without alt text, or neither
    # Then it is refused, saying what is wrong
    with pytest.raises(FrontMatterError, match=message):
        parse_article(story(image), Path("story.md"))


def test_a_second_push_of_the_same_upload_changes_nothing_and_a_new_caption_does() -> None:
    # Given an article that keeps the uploaded image (with its renditions, as the API answers it)
    stored = {
        "headline": "Harbour reopens",
        "body": "Body.\n",
        "slug": "harbour-reopens",
        "image": {
            "url": f"/media/{MEDIA_ID}/w1280.jpg",
            "alt": "The harbour",
            "caption": "At noon",
            "media_id": MEDIA_ID,
            "renditions": [],
        },
    }

    # When the same file is compared with it, and then one with another caption
    same = content_changes(parse_article(story(f"{{media: {MEDIA_ID}, caption: At noon}}")), stored)
    other = content_changes(parse_article(story(f"{{media: {MEDIA_ID}, caption: At dusk}}")), stored)

    # Then only the second changes the image
    assert "image" not in same
    assert other["image"] == {"media": MEDIA_ID, "caption": "At dusk"}
