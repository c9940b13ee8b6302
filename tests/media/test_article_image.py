"""An uploaded image on the article page: every rendition in `srcset`, intrinsic size, loaded first; and
the view the other templates and the structured data use (newsdesk.site.images.image_view)."""

from __future__ import annotations

from newsdesk.articles.models import Image
from newsdesk.media.models import Rendition
from newsdesk.site import pages
from newsdesk.site.images import image_view
from tests.render.conftest import SITE, SITE_URL, make_article
from tests.render.dom import parse_html

MEDIA_ID = "01JDQ7ZK3M8N4P5R6S7T8V9W0X"
WIDTHS = (320, 640, 960, 1280, 1600, 2048)


def uploaded_image() -> Image:
    renditions = [
        Rendition.model_validate(
            {"url": f"/media/{MEDIA_ID}/w{w}.{ext}", "width": w, "height": w * 2 // 3, "format": fmt}
        )
        for w in WIDTHS
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ]
    crops = {"16x9": (1600, 900), "4x3": (1600, 1200), "1x1": (1600, 1600)}
    renditions += [
        Rendition.model_validate(
            {
                "url": f"/media/{MEDIA_ID}/c{ratio}.{ext}",
                "width": w,
                "height": h,
                "format": fmt,
                "ratio": ratio,
            }
        )
        for ratio, (w, h) in crops.items()
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ]
    return Image(
        url=f"/media/{MEDIA_ID}/w1280.jpg",
        alt="Fishing boats tied up at the pier",
        caption="Boats at dawn",
        credit="Asha Rao",
        media_id=MEDIA_ID,
        width=3000,
        height=2000,
        renditions=renditions,
    )


def test_the_article_page_offers_every_width_as_webp_and_jpeg_with_its_size_loaded_first() -> None:
    # Given a published article whose image was uploaded
    article = make_article(image=uploaded_image())

    # When its page is rendered
    doc = parse_html(pages.article_page(SITE, article).body)

    # Then its figure is a picture: WebP widths in a source, JPEG widths on the img, every rendition
    figure = doc.find("article").find("figure")
    source = figure.find("source")
    img = figure.find("img")
    assert source["type"] == "image/webp"
    assert source["srcset"] == ", ".join(f"/media/{MEDIA_ID}/w{w}.webp {w}w" for w in WIDTHS)
    assert img["srcset"] == ", ".join(f"/media/{MEDIA_ID}/w{w}.jpg {w}w" for w in WIDTHS)
    assert img["sizes"] == source["sizes"] and "46rem" in img["sizes"]
    # And the largest JPEG up to 1280 px is its src, with the intrinsic size (no layout shift)
    assert img["src"] == f"/media/{MEDIA_ID}/w1280.jpg"
    assert (img["width"], img["height"]) == ("3000", "2000")
    assert img["alt"] == "Fishing boats tied up at the pier"
    # And it is above the fold: loaded at once, first
    assert (img["loading"], img["fetchpriority"]) == ("eager", "high")
    assert figure.find("figcaption").normalized_text == "Boats at dawn Asha Rao"


def test_an_image_given_by_its_url_is_shown_as_it_is() -> None:
    # Given an article whose image is a URL an editor gave
    article = make_article(image=Image(url="https://img.example/ferry.jpg", alt="The ferry"))

    # When its page is rendered
    img = parse_html(pages.article_page(SITE, article).body).find("article").find("img")

    # Then the img shows that URL, with no srcset and no size it does not know
    assert img["src"] == "https://img.example/ferry.jpg"
    assert img.get("srcset") is None and img.get("width") is None


def test_the_view_gives_the_crops_with_absolute_urls_for_structured_data() -> None:
    # Given an uploaded image
    # When its view is made for a page of the site
    view = image_view(uploaded_image(), base_url=SITE_URL)

    # Then it names each crop (JPEG, widest first) with its absolute URL, size and ratio; src absolute too
    assert view is not None
    assert view["crops"] == [
        {"url": f"{SITE_URL}/media/{MEDIA_ID}/c16x9.jpg", "width": 1600, "height": 900, "ratio": "16:9"},
        {"url": f"{SITE_URL}/media/{MEDIA_ID}/c4x3.jpg", "width": 1600, "height": 1200, "ratio": "4:3"},
        {"url": f"{SITE_URL}/media/{MEDIA_ID}/c1x1.jpg", "width": 1600, "height": 1600, "ratio": "1:1"},
    ]
    assert view["absolute_src"] == f"{SITE_URL}/media/{MEDIA_ID}/w1280.jpg"
    assert view["loading"] == "lazy" and view["fetchpriority"] is None
