"""How a page shows an image: one view (source, candidates for `srcset`, intrinsic size, loading) built
from an article's image, used by every template through the `picture` macro of `_image.html`."""

from __future__ import annotations

from typing import Any

from newsdesk.articles.models import Image


def image_view(image: Image | None, *, sizes: str = "100vw", eager: bool = False) -> dict[str, Any] | None:
    """The view of `image` for a template, or None. `sizes` is the `sizes` attribute for where it is
    shown; `eager` for an image above the fold (loaded at once, at high priority), else loaded lazily."""
    if image is None:
        return None
    return {
        "src": image.url,
        "alt": image.alt,
        "caption": image.caption,
        "width": None,
        "height": None,
        "srcset_webp": "",
        "srcset_jpeg": "",
        "sizes": sizes,
        "loading": "eager" if eager else "lazy",
        "fetchpriority": "high" if eager else None,
    }
