"""Renditions made with Pillow from real JPEG, PNG and WebP files (newsdesk.media.renditions)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from newsdesk.media.errors import UnusableImage
from newsdesk.media.renditions import MAX_PIXELS, make_renditions
from tests.media.images import GPS_IFD, opened, picture

MEDIA_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_image_becomes_every_width_up_to_its_own_and_every_crop_as_webp_and_jpeg(fmt: str) -> None:
    # Given a 2400 x 1600 upload
    data = picture(2400, 1600, fmt)

    # When its renditions are made
    made = make_renditions(MEDIA_ID, data)

    # Then there is each srcset width (none enlarged) and each crop, in both formats, of the size it says
    assert (made.width, made.height) == (2400, 1600)
    widths = sorted({f.rendition.width for f in made.files if f.rendition.ratio is None})
    assert widths == [320, 640, 960, 1280, 1600, 2048]
    crops = {
        (f.rendition.ratio, f.rendition.width, f.rendition.height) for f in made.files if f.rendition.ratio
    }
    assert crops == {("16x9", 1600, 900), ("4x3", 1600, 1200), ("1x1", 1600, 1600)}
    assert made.notes == []
    for file in made.files:
        image = opened(file.body)
        assert image.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[file.content_type]
        assert (image.width, image.height) == (file.rendition.width, file.rendition.height)
        assert file.rendition.url == "/" + file.key
        assert file.key.startswith(f"media/{MEDIA_ID}/")
    assert {f.rendition.format for f in made.files} == {"webp", "jpeg"}
    assert len(made.files) == 2 * (6 + 3)


def test_a_small_image_is_not_enlarged_and_says_which_crops_it_is_too_small_for() -> None:
    # Given an upload 1000 px wide
    data = picture(1000, 700)

    # When its renditions are made
    made = make_renditions(MEDIA_ID, data)

    # Then its widths stop at its own, and there is no crop (each under 1200 px wide), which it says
    assert sorted({f.rendition.width for f in made.files}) == [320, 640, 960, 1000]
    assert not [f for f in made.files if f.rendition.ratio]
    assert len(made.notes) == 3 and all("too small" in note for note in made.notes)


def test_no_rendition_keeps_the_originals_exif_or_gps_and_each_is_upright() -> None:
    # Given a JPEG taken with the camera turned (EXIF orientation 6: rotate 90°) and a GPS position
    data = picture(1800, 1200, exif=True, orientation=6)
    assert opened(data).getexif().get_ifd(GPS_IFD)

    # When its renditions are made
    made = make_renditions(MEDIA_ID, data)

    # Then none has EXIF (no GPS, no camera, no orientation), and each is portrait as the camera meant
    assert (made.width, made.height) == (1200, 1800)
    for file in made.files:
        image = opened(file.body)
        assert not image.getexif(), file.key
        assert "exif" not in image.info and "xmp" not in image.info, file.key
        if file.rendition.ratio is None:
            assert image.height > image.width


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    # Given a small PNG that declares more pixels than any photo (a decompression bomb)
    side = int(MAX_PIXELS**0.5) + 100
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, "PNG")
    assert len(out.getvalue()) < 2_000_000

    # When its renditions are asked for, Then it is refused, saying why
    with pytest.raises(UnusableImage, match="pixels"):
        make_renditions(MEDIA_ID, out.getvalue())


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"not an image at all", "not an image"),
        (picture(800, 600)[:2000], "broken"),
        (picture(400, 300, "GIF"), "GIF files are not accepted"),
    ],
)
def test_a_file_that_is_no_usable_image_is_refused_saying_why(data: bytes, reason: str) -> None:
    # Given a file that is not an image, a truncated JPEG, or a GIF
    # When its renditions are asked for, Then it is refused with the reason
    with pytest.raises(UnusableImage, match=reason):
        make_renditions(MEDIA_ID, data)
