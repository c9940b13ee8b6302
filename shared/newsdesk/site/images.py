"""How a page shows an image: one view (source, candidates for `srcset`, intrinsic size, loading) built
from an article's image, used by every template through the `picture` macro of `_image.html`.

An uploaded image (newsdesk.media) has renditions: widths for `srcset` (WebP, and JPEG for browsers
without it) and aspect-ratio crops for search engines and link previews (`crops`, JPEG, absolute URLs
when `base_url` is given). An image given by its URL has only that URL.
"""

from __future__ import annotations

from typing import Any

from newsdesk.articles.models import Image
from newsdesk.media.models import CROP_RATIOS, Rendition

# The article page's main image: the text column (46rem) on wide screens, the viewport less its margins
# on narrow ones.
ARTICLE_SIZES = "(min-width: 48rem) 46rem, calc(100vw - 2rem)"


def _srcset(renditions: list[Rendition], fmt: str) -> str:
    chosen = sorted((r for r in renditions if r.ratio is None and r.format == fmt), key=lambda r: r.width)
    return ", ".join(f"{r.url} {r.width}w" for r in chosen)


def _absolute(url: str, base_url: str) -> str:
    return base_url.rstrip("/") + url if url.startswith("/") else url


def image_view(
    image: Image | None, *, sizes: str = "100vw", eager: bool = False, base_url: str = ""
) -> dict[str, Any] | None:
    """The view of `image` for a template, or None. `sizes` is the `sizes` attribute for where it is
    shown; `eager` for an image above the fold (loaded at once, at high priority), else loaded lazily.
    `base_url` (the site's origin) makes `absolute_src` and the crops' URLs absolute."""
    if image is None:
        return None
    crops = [
        {
            "url": _absolute(r.url, base_url),
            "width": r.width,
            "height": r.height,
            "ratio": (r.ratio or "").replace("x", ":"),
        }
        for r in sorted(image.renditions, key=lambda r: list(CROP_RATIOS).index(r.ratio or "1x1"))
        if r.ratio is not None and r.format == "jpeg"
    ]
    return {
        "src": image.url,
        "absolute_src": _absolute(image.url, base_url),
        "alt": image.alt,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "srcset_webp": _srcset(image.renditions, "webp"),
        "srcset_jpeg": _srcset(image.renditions, "jpeg"),
        "sizes": sizes,
        "loading": "eager" if eager else "lazy",
        "fetchpriority": "high" if eager else None,
        "crops": crops,
    }
