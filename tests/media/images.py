"""Images made with Pillow for the media tests: real JPEG, PNG and WebP files, some with EXIF and GPS."""

from __future__ import annotations

import io

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def picture(width: int, height: int, fmt: str = "JPEG", *, exif: bool = False, orientation: int = 1) -> bytes:
    """A `width` x `height` image with a gradient (so that it compresses like a photo), in `fmt`; with
    `exif`, a camera make, an orientation and a GPS position in its metadata."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    kwargs: dict[str, object] = {}
    if exif:
        data = Image.Exif()
        data[MAKE] = "Newsroom Camera"
        data[ORIENTATION] = orientation
        data.get_ifd(GPS_IFD).update({1: "N", 2: (12.0, 58.0, 10.0), 3: "E", 4: (77.0, 35.0, 40.0)})
        kwargs["exif"] = data.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image
