"""POST /api/media and GET /api/media/{id}, the upload through the presigned POST, the renditions function
on the uploaded originals, and attaching a ready upload to an article (moto, in process)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import boto3
import pytest
import requests

from tests.conftest import REGION
from tests.handlers.client import ApiResponse, EditorApi
from tests.media.images import opened, picture

UNKNOWN_MEDIA = "01JDQ80000000000000000000Z"


def ask_upload(api: EditorApi, **fields: Any) -> ApiResponse:
    body = {"content_type": "image/jpeg", "size": 10_000, "alt": "Boats at the pier at dawn", **fields}
    return api.send("create_article", path="/api/media", body=body)


def get_media(api: EditorApi, media_id: str) -> ApiResponse:
    return api.send("get_article", path=f"/api/media/{media_id}")


def upload(api: EditorApi, data: bytes, content_type: str = "image/jpeg", **fields: Any) -> str:
    """Ask for an upload of `data` and POST it as a browser form would; the media item's id."""
    asked = ask_upload(api, content_type=content_type, size=len(data), **fields)
    assert asked.status == 201, asked.body
    created = asked.json()
    form = created["upload"]
    sent = requests.post(form["url"], data=form["fields"], files={"file": ("photo", data)}, timeout=10)
    assert sent.status_code in (200, 201, 204), sent.text
    return str(created["id"])


def object_created(bucket: str, *keys: str) -> dict[str, Any]:
    """S3 event notification records of objects created (the shape a batch arrives in)."""
    return {
        "Records": [
            {
                "eventSource": "aws:s3",
                "eventName": "ObjectCreated:Post",
                "s3": {"bucket": {"name": bucket}, "object": {"key": key}},
            }
            for key in keys
        ]
    }


def eventbridge_created(bucket: str, key: str) -> dict[str, Any]:
    return {
        "version": "0",
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}},
    }


def process(media_function: ModuleType, event: dict[str, Any], context: Any) -> dict[str, Any]:
    result: dict[str, Any] = media_function.lambda_handler(event, context)
    return result


# ----- asking for an upload ----------------------------------------------------------------------


def test_an_upload_is_a_presigned_post_of_the_declared_type_and_size_under_uploads(
    api: EditorApi, site_bucket: str
) -> None:
    # When an editor asks to upload a 10 kB JPEG
    response = ask_upload(api, caption="The first ferry", credit="Asha Rao", filename="pier.jpg")

    # Then a processing media item is made, with a form upload to its key under uploads/ of the bucket
    assert response.status == 201, response.body
    created = response.json()
    assert response.headers["location"] == f"/api/media/{created['id']}"
    assert created["status"] == "processing"
    fields = created["upload"]["fields"]
    assert fields["key"] == f"uploads/{created['id']}"
    assert fields["Content-Type"] == "image/jpeg"
    assert site_bucket in created["upload"]["url"]
    assert {"policy", "x-amz-signature"} <= set(fields)
    got = get_media(api, created["id"]).json()
    assert (got["status"], got["alt"], got["credit"]) == (
        "processing",
        "Boats at the pier at dawn",
        "Asha Rao",
    )


@pytest.mark.parametrize(
    ("body", "refused_field"),
    [
        ({"content_type": "image/gif", "size": 10, "alt": "A map"}, "content_type"),
        ({"content_type": "image/png", "size": 0, "alt": "A map"}, "size"),
        ({"content_type": "image/png", "size": 20 * 1024 * 1024 + 1, "alt": "A map"}, "size"),
        ({"content_type": "image/png", "size": 10, "alt": "   "}, "alt"),
        ({"content_type": "image/png", "size": 10}, "alt"),
    ],
)
def test_an_upload_of_another_type_too_large_or_without_alt_text_is_refused_naming_the_field(
    api: EditorApi, body: dict[str, Any], refused_field: str
) -> None:
    # When an upload is asked for with a GIF, no bytes, more than 20 MB, or blank or missing alt text
    refused = api.send("create_article", path="/api/media", body=body)

    # Then it is refused (422) naming the field, as a problem document
    assert refused.status == 422, refused.body
    assert refused_field in refused.problem_fields()

    # And the same request with the field set right works
    assert ask_upload(api).status == 201


def test_a_writer_may_upload_and_an_unknown_media_item_is_a_404(api: EditorApi) -> None:
    # When a writer asks for an upload, and for a media item that does not exist
    asked = api.send(
        "create_article",
        path="/api/media",
        body={"content_type": "image/webp", "size": 5, "alt": "A map"},
        groups=["writers"],
    )
    missing = get_media(api, UNKNOWN_MEDIA)

    # Then the upload is theirs to make, and the unknown item is not found, as a problem document
    assert asked.status == 201, asked.body
    assert missing.status == 404 and missing.problem["type"] == "urn:newsdesk:problem:not-found"
    assert get_media(api, asked.json()["id"]).status == 200


# ----- the renditions function --------------------------------------------------------------------


def test_an_uploaded_image_becomes_ready_with_its_renditions_in_the_bucket_for_ever_cacheable(
    api: EditorApi, media_function: ModuleType, site_bucket: str, lambda_context: Any
) -> None:
    # Given a JPEG with EXIF and GPS uploaded through the presigned POST
    media_id = upload(api, picture(1800, 1200, exif=True))

    # When S3's Object Created event reaches the renditions function (through EventBridge)
    result = process(media_function, eventbridge_created(site_bucket, f"uploads/{media_id}"), lambda_context)

    # Then the item is ready with its size and renditions, each in the bucket, without EXIF, immutable
    assert result["ready"] == [media_id]
    item = get_media(api, media_id).json()
    assert (item["status"], item["width"], item["height"]) == ("ready", 1800, 1200)
    assert {r["ratio"] for r in item["renditions"]} == {None, "16x9", "4x3", "1x1"}
    s3 = boto3.client("s3", region_name=REGION)
    for rendition in item["renditions"]:
        stored = s3.get_object(Bucket=site_bucket, Key=rendition["url"].lstrip("/"))
        assert stored["CacheControl"] == "public, max-age=31536000, immutable"
        assert stored["ContentType"] == f"image/{rendition['format']}"
        image = opened(stored["Body"].read())
        assert (image.width, image.height) == (rendition["width"], rendition["height"])
        assert not image.getexif()


def test_a_broken_upload_fails_alone_and_a_repeated_event_changes_nothing(
    api: EditorApi, media_function: ModuleType, site_bucket: str, lambda_context: Any
) -> None:
    # Given a good PNG and a file that claims to be a JPEG but is not one, uploaded together
    good = upload(api, picture(900, 600, "PNG"), content_type="image/png")
    bad = upload(api, b"\xff\xd8\xff\xe0 this is no photograph" * 20)

    # When one event names both
    event = object_created(site_bucket, f"uploads/{good}", f"uploads/{bad}")
    result = process(media_function, event, lambda_context)

    # Then the broken one is failed with its reason, and the good one is ready all the same
    assert (result["ready"], result["failed"]) == ([good], [bad])
    failed = get_media(api, bad).json()
    assert failed["status"] == "failed" and failed["reason"]
    assert get_media(api, good).json()["status"] == "ready"
    # And the same event again changes neither
    again = process(media_function, event, lambda_context)
    assert again["skipped"] == [good, bad]
    assert get_media(api, bad).json()["status"] == "failed"


def test_an_object_outside_uploads_is_left_alone(
    media_function: ModuleType, site_bucket: str, lambda_context: Any
) -> None:
    # When the function is told of a page written to the bucket (not an upload)
    result = process(
        media_function, eventbridge_created(site_bucket, "2026/12/01/x/index.html"), lambda_context
    )

    # Then it skips it
    assert result == {"ready": [], "failed": [], "skipped": ["2026/12/01/x/index.html"], "errors": []}


# ----- attaching -------------------------------------------------------------------------------------


def test_an_article_attaches_a_ready_upload_and_keeps_its_renditions(
    api: EditorApi, media_function: ModuleType, site_bucket: str, lambda_context: Any
) -> None:
    # Given an upload that is still processing
    media_id = upload(api, picture(1600, 1000), caption="Boats at dawn", credit="Asha Rao")

    # When an article names it as its image, Then it is refused: not ready (409), saying so
    refused = api.create(image={"media": media_id})
    assert refused.status == 409, refused.body
    assert refused.problem["type"] == "urn:newsdesk:problem:media-processing"
    assert "image.media" in refused.problem_fields()

    # And once its renditions are made, the same request works: the article keeps them
    process(media_function, eventbridge_created(site_bucket, f"uploads/{media_id}"), lambda_context)
    created = api.create(image={"media": media_id, "alt": "Fishing boats tied up at the pier"})
    assert created.status == 201, created.body
    image = created.json()["image"]
    assert image["media_id"] == media_id
    assert image["alt"] == "Fishing boats tied up at the pier"
    assert (image["caption"], image["credit"]) == ("Boats at dawn", "Asha Rao")
    assert (image["width"], image["height"]) == (1600, 1000)
    assert image["url"] == f"/media/{media_id}/w1280.jpg"
    assert len(image["renditions"]) == len(get_media(api, media_id).json()["renditions"])
    # And reading the article back gives the same image
    assert api.get(created.json()["id"]).json()["image"] == image


def test_a_failed_or_unknown_upload_is_refused_and_a_plain_url_image_still_works(
    api: EditorApi, media_function: ModuleType, site_bucket: str, lambda_context: Any
) -> None:
    # Given an article, and an upload that failed
    article = api.create_ok()
    bad = upload(api, b"GIF89a not really")
    process(media_function, eventbridge_created(site_bucket, f"uploads/{bad}"), lambda_context)
    etag = f'"{article["version"]}"'

    # When the article is given the failed upload, and then an unknown one
    failed = api.patch(article["id"], {"image": {"media": bad}}, etag)
    unknown = api.patch(article["id"], {"image": {"media": UNKNOWN_MEDIA}}, etag)

    # Then the failed one is a 409 saying it failed, the unknown one a 422 naming image.media
    assert failed.status == 409 and failed.problem["type"] == "urn:newsdesk:problem:media-failed"
    assert unknown.status == 422 and "image.media" in unknown.problem_fields()
    # And an image given by its URL still works
    plain = {"url": "https://img.example/ferry.jpg", "alt": "The ferry"}
    patched = api.patch(article["id"], {"image": plain}, etag)
    assert patched.status == 200, patched.body
    assert patched.json()["image"]["url"] == plain["url"]
    assert patched.json()["image"]["renditions"] == []


def test_an_image_by_url_takes_its_size_with_both_sides_and_the_page_reserves_its_space(
    api: EditorApi,
) -> None:
    # Given an article
    article = api.create_ok()
    etag = f'"{article["version"]}"'
    plain = {"url": "https://img.example/ferry.jpg", "alt": "The ferry"}

    # When its image is given with a width but no height, or a size on an uploaded image
    half = api.patch(article["id"], {"image": {**plain, "width": 1200}}, etag)
    uploaded = api.patch(article["id"], {"image": {"media": UNKNOWN_MEDIA, "width": 10, "height": 10}}, etag)

    # Then each is a 422 naming the image, and nothing changed
    assert half.status == 422 and any(f.startswith("image") for f in half.problem_fields()), half.body
    assert uploaded.status == 422 and any(f.startswith("image") for f in uploaded.problem_fields())
    # And with both sides it is kept, so pages can give the img its width and height
    sized = api.patch(article["id"], {"image": {**plain, "width": 1200, "height": 675}}, etag)
    assert sized.status == 200, sized.body
    assert (sized.json()["image"]["width"], sized.json()["image"]["height"]) == (1200, 675)
