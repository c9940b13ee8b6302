"""Renditions of an uploaded image, made with Pillow: bytes in, files out, no I/O.

The upload is verified and opened once, refused if it is not a JPEG, PNG or WebP, if it is broken, or if
it has more pixels than `MAX_PIXELS` (a decompression bomb: a small file that decodes to gigabytes). It is
turned upright by its EXIF orientation, and then made into a width per entry of WIDTHS up to its own width,
and the aspect-ratio crops (centred) where it is big enough, each as WebP and as JPEG. No rendition carries
the original's metadata (EXIF, GPS, XMP, ICC aside from sRGB conversion): only pixels are written.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps, UnidentifiedImageError

from newsdesk.media.errors import UnusableImage
from newsdesk.media.models import (
    CROP_MAX_WIDTH,
    CROP_MIN_WIDTH,
    CROP_RATIOS,
    WIDTHS,
    Rendition,
    RenditionFormat,
    rendition_key,
)

# 50 megapixels: more than any camera a newsroom uses hands in, far less than a bomb decodes to.
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
CONTENT_TYPES: dict[RenditionFormat, str] = {"webp": "image/webp", "jpeg": "image/jpeg"}
JPEG_QUALITY = 82
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard: a warning past this, an error past twice it
WEBP_QUALITY = 80


@dataclass(frozen=True)
class RenditionFile:
    key: str
    body: bytes
    content_type: str
    rendition: Rendition


@dataclass(frozen=True)
class Renditions:
    width: int
    height: int
    files: list[RenditionFile]
    notes: list[str] = field(default_factory=list)


def _open(data: bytes) -> Image.Image:
    """The image, verified, decoded and upright; UnusableImage if it is not one we take."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise UnusableImage(
                        f"{probe.format or 'unknown'} files are not accepted (JPEG, PNG, WebP)"
                    )
                if probe.width * probe.height > MAX_PIXELS:
                    raise UnusableImage(
                        f"the image is {probe.width} x {probe.height} pixels, more than {MAX_PIXELS:,} in all"
                    )
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
        except UnusableImage:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise UnusableImage(f"the image decodes to too many pixels ({exc})") from None
        except UnidentifiedImageError:
            raise UnusableImage("the file is not an image") from None
        except (OSError, SyntaxError, ValueError) as exc:
            raise UnusableImage(f"the image is broken ({exc})") from None
    upright = ImageOps.exif_transpose(image) or image
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return upright.convert("RGB") if upright.mode != "RGB" else upright


def _encode(image: Image.Image, fmt: RenditionFormat) -> bytes:
    """Pixels only: a fresh image is written, so no EXIF, XMP or comment of the original goes along."""
    out = io.BytesIO()
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    if fmt == "jpeg":
        clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:
        clean.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def _files(media_id: str, name: str, image: Image.Image, ratio: str | None) -> list[RenditionFile]:
    files = []
    formats: tuple[RenditionFormat, ...] = ("webp", "jpeg")
    for fmt_ in formats:
        key = rendition_key(media_id, name, fmt_)
        files.append(
            RenditionFile(
                key=key,
                body=_encode(image, fmt_),
                content_type=CONTENT_TYPES[fmt_],
                rendition=Rendition(
                    url="/" + key,
                    width=image.width,
                    height=image.height,
                    format=fmt_,
                    ratio=ratio,  # type: ignore[arg-type]
                ),
            )
        )
    return files


def _crop(image: Image.Image, across: int, down: int) -> Image.Image | None:
    """The largest centred crop of `across`:`down`, scaled to at most CROP_MAX_WIDTH wide; None when it
    would be narrower than CROP_MIN_WIDTH."""
    width = min(image.width, image.height * across // down)
    height = width * down // across
    if width < CROP_MIN_WIDTH:
        return None
    left = (image.width - width) // 2
    top = (image.height - height) // 2
    cropped = image.crop((left, top, left + width, top + height))
    if width > CROP_MAX_WIDTH:
        cropped = cropped.resize((CROP_MAX_WIDTH, CROP_MAX_WIDTH * down // across), Image.Resampling.LANCZOS)
    return cropped


def make_renditions(media_id: str, data: bytes) -> Renditions:
    """Every rendition of the upload `data`; UnusableImage if it cannot be made into any."""
    image = _open(data)
    files: list[RenditionFile] = []
    widths = [w for w in WIDTHS if w < image.width]
    if image.width <= WIDTHS[-1]:
        widths.append(image.width)  # the original's own size, not enlarged
    else:
        widths.append(WIDTHS[-1])
    for width in sorted(set(widths)):
        height = max(1, round(image.height * width / image.width))
        scaled = image if width == image.width else image.resize((width, height), Image.Resampling.LANCZOS)
        files += _files(media_id, f"w{width}", scaled, None)
    notes = []
    for ratio, (across, down) in CROP_RATIOS.items():
        cropped = _crop(image, across, down)
        if cropped is None:
            notes.append(
                f"no {ratio.replace('x', ':')} crop: the image is too small for one {CROP_MIN_WIDTH} px wide"
            )
            continue
        files += _files(media_id, f"c{ratio}", cropped, ratio)
    return Renditions(width=image.width, height=image.height, files=files, notes=notes)
