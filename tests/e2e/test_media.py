"""End to end: an image uploaded through the API's presigned POST over real HTTP, made into renditions by
the renditions function on the bucket's Object Created event (as the template declares it), attached to an
article, published, and served by the local CDN under /media/."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack
from tests.e2e.test_local_stack import TIMEOUT, assert_problem, bearer, draft, wait_for_status
from tests.media.images import opened, picture
from tests.render.dom import parse_html

pytestmark = pytest.mark.e2e

READY_WITHIN = 90.0  # Pillow on two busy cores


def wait_ready(http: requests.Session, url: str, token: str) -> dict[str, Any]:
    deadline = time.monotonic() + READY_WITHIN
    while True:
        item: dict[str, Any] = http.get(url, headers=bearer(token), timeout=TIMEOUT).json()
        if item["status"] != "processing" or time.monotonic() > deadline:
            return item
        time.sleep(0.2)


def test_an_uploaded_image_reaches_the_article_page_in_every_rendition(
    stack: RunningStack, editor_token: str, http: requests.Session
) -> None:
    # Given a photo with GPS data in its EXIF, uploaded with the presigned POST the API answers
    photo = picture(2200, 1400, exif=True)
    asked = http.post(
        f"{stack.api_url}/media",
        json={"content_type": "image/jpeg", "size": len(photo), "alt": "Boats at the pier", "credit": "Rao"},
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    )
    assert asked.status_code == 201, asked.text
    created = asked.json()
    form = created["upload"]
    files = {"file": ("pier.jpg", photo)}
    sent = requests.post(form["url"], data=form["fields"], files=files, timeout=TIMEOUT)
    assert sent.status_code in (200, 201, 204), sent.text

    # When the bucket's Object Created event has run the renditions function
    item = wait_ready(http, f"{stack.api_url}/media/{created['id']}", editor_token)
    assert item["status"] == "ready", item

    # And an article that names it is published
    article = http.post(
        f"{stack.api_url}/articles",
        json=draft(image={"media": created["id"], "caption": "The pier at dawn"}),
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    ).json()
    published = http.post(
        f"{stack.api_url}/articles/{article['id']}/publish", headers=bearer(editor_token), timeout=TIMEOUT
    )
    assert published.status_code == 200, published.text
    page = wait_for_status(http, stack.site_url + published.json()["url"], 200, timeout=30)

    # Then the article page's picture offers every width rendition in its srcsets, with the image's size
    assert page.status_code == 200
    figure = parse_html(page.text).find("article").find("figure")
    offered = {
        candidate.strip().split(" ")[0]
        for srcset in (figure.find("source")["srcset"], figure.find("img")["srcset"])
        for candidate in srcset.split(",")
    }
    widths = {r["url"] for r in item["renditions"] if r["ratio"] is None}
    assert offered == widths
    assert (figure.find("img")["width"], figure.find("img")["height"]) == ("2200", "1400")
    # And every rendition, crops too, answers 200 from the CDN under /media/, for ever cacheable, no EXIF
    for rendition in item["renditions"]:
        served = http.get(stack.site_url + rendition["url"], timeout=TIMEOUT)
        assert served.status_code == 200, rendition["url"]
        assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert served.headers["Content-Type"] == f"image/{rendition['format']}"
        assert not opened(served.content).getexif()
    # And the original, EXIF and all, is never served
    original = http.get(f"{stack.site_url}/uploads/{created['id']}", timeout=TIMEOUT)
    assert original.status_code == 403


def test_an_article_cannot_take_an_upload_still_processing_and_can_once_it_is_ready(
    stack: RunningStack, editor_token: str, http: requests.Session
) -> None:
    # Given an upload asked for but not yet sent
    photo = picture(640, 480, "PNG")
    asked = http.post(
        f"{stack.api_url}/media",
        json={"content_type": "image/png", "size": len(photo), "alt": f"A chart {uuid.uuid4().hex[:6]}"},
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    ).json()

    # When an article names it
    refused = http.post(
        f"{stack.api_url}/articles",
        json=draft(image={"media": asked["id"]}),
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    )

    # Then it is refused: the image is not ready (409)
    assert assert_problem(refused, 409)["type"] == "urn:newsdesk:problem:media-processing"
    # And once the file is sent and its renditions made, the same request works
    form = asked["upload"]
    requests.post(form["url"], data=form["fields"], files={"file": ("chart.png", photo)}, timeout=TIMEOUT)
    assert wait_ready(http, f"{stack.api_url}/media/{asked['id']}", editor_token)["status"] == "ready"
    accepted = http.post(
        f"{stack.api_url}/articles",
        json=draft(image={"media": asked["id"]}),
        headers=bearer(editor_token),
        timeout=TIMEOUT,
    )
    assert accepted.status_code == 201, accepted.text
    assert accepted.json()["image"]["media_id"] == asked["id"]


def test_the_cli_uploads_an_image_and_a_pushed_file_names_it(
    stack: RunningStack, editor_token: str, http: requests.Session, tmp_path: Path
) -> None:
    # Given a photo on disk
    from tests.e2e.test_editor_cli import Newsdesk, story, unique

    newsdesk = Newsdesk(stack, editor_token, tmp_path / "cache")
    photo = tmp_path / "harbour.webp"
    photo.write_bytes(picture(1300, 900, "WEBP"))

    # When it is uploaded with the CLI, and a Markdown file names the id it printed
    uploaded = newsdesk.ok("media", "upload", str(photo), "--alt", "The harbour at noon", "--credit", "Rao")
    media_id = uploaded.stdout.splitlines()[0]
    article = tmp_path / "harbour.md"
    article.write_text(story(unique("Harbour reopens"), image=f"{{media: {media_id}}}"), encoding="utf-8")
    first = newsdesk.json("push", str(article))
    again = newsdesk.json("push", str(article))

    # Then the article's image is the upload, with its alt text and renditions, and a second push changes
    # nothing
    read = http.get(f"{stack.api_url}/articles/{first['id']}", headers=bearer(editor_token), timeout=TIMEOUT)
    image = read.json()["image"]
    assert (image["media_id"], image["alt"], image["credit"]) == (media_id, "The harbour at noon", "Rao")
    assert {r["width"] for r in image["renditions"]} >= {320, 640, 960, 1280, 1300}
    assert again["version"] == first["version"]
    # And a file that is no image is refused before anything is uploaded
    text = tmp_path / "notes.txt"
    text.write_text("not a picture", encoding="utf-8")
    refused = newsdesk("media", "upload", str(text), "--alt", "x")
    assert refused.returncode == 2 and "JPEG, PNG or WebP" in refused.stderr
