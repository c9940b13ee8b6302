"""Every article page's structured data and head meet Google's published requirements for articles.

The checker below is written from Google Search Central's "Article (Article, NewsArticle, BlogPosting)
structured data" (https://developers.google.com/search/docs/appearance/structured-data/article) and its
Google Discover page (https://developers.google.com/search/docs/appearance/google-discover):

- No property is strictly required; the recommended ones are `author` (each author its own Person or
  Organization, `name` holding only the name, `url` a page about them), `datePublished` and `dateModified`
  (ISO 8601 with the time zone), `headline` (concise: Google has cut it at 110 characters) and `image`
  (URLs or ImageObjects that can be crawled; several high-resolution images, at least 50,000 pixels, in
  16:9, 4:3 and 1:1).
- Discover shows large images for pages that are at least 1200 px wide and allow `max-image-preview:large`.
- Our own rules on top: a publisher Organization with a logo, `mainEntityOfPage` naming the canonical URL,
  a description that is never empty (about 160 characters at most), and the head's canonical, OpenGraph
  and Twitter card agreeing with the structured data.

Many shapes of article go through it: no summary, an agency as author, several authors, no image (with the
site's default image), an image with its renditions' crops, corrections.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlsplit

import pytest

from newsdesk.articles.models import Article, Correction, CorrectionType, Image
from newsdesk.media.models import Rendition
from newsdesk.site import pages
from tests.render.conftest import PUBLISHED_AT, SITE, SITE_URL, make_article
from tests.render.dom import Document, parse_html

HEADLINE_MAX = 110
DESCRIPTION_MAX = 160
MIN_PIXELS = 50_000
DISCOVER_MIN_WIDTH = 1200
RATIOS = {"16:9": 16 / 9, "4:3": 4 / 3, "1:1": 1.0}
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")
NOT_A_NAME = re.compile(r"^(by|posted by|written by)\b|https?://|@", re.IGNORECASE)

CONFIGURED = replace(
    SITE,
    description="News from Kerala and the world, as it happens.",
    logo="/media/logo-600.png",
    default_image="/media/default-1200x675.jpg",
)


def absolute_http(url: object) -> bool:
    return isinstance(url, str) and urlsplit(url).scheme in {"http", "https"} and bool(urlsplit(url).netloc)


def ratio_of(width: int, height: int) -> str | None:
    return next((name for name, r in RATIOS.items() if abs(width / height - r) < 0.01), None)


def google_problems(doc: Document, *, canonical: str) -> list[str]:
    """What Google's article guidelines (module docstring) find wrong with an article page."""
    problems: list[str] = []
    [data, *rest] = doc.json_ld_graph()
    if data.get("@context") != "https://schema.org" or data.get("@type") not in {
        "Article",
        "NewsArticle",
        "BlogPosting",
    }:
        problems.append("the page's main entity is not a schema.org Article type")
    # headline
    headline = data.get("headline")
    if not isinstance(headline, str) or not headline.strip() or len(headline) > HEADLINE_MAX:
        problems.append(f"headline missing or over {HEADLINE_MAX} characters: {headline!r}")
    # dates
    for key in ("datePublished", "dateModified"):
        if not ISO_WITH_OFFSET.match(str(data.get(key, ""))):
            problems.append(f"{key} is not ISO 8601 with a time zone: {data.get(key)!r}")
    if not problems and dt.datetime.fromisoformat(data["dateModified"]) < dt.datetime.fromisoformat(
        data["datePublished"]
    ):
        problems.append("dateModified is before datePublished")
    # authors
    authors = data.get("author")
    if not isinstance(authors, list) or not authors:
        problems.append("no author")
    for author in authors or []:
        if author.get("@type") not in {"Person", "Organization"}:
            problems.append(f"author {author!r} is neither a Person nor an Organization")
        name = author.get("name")
        if not isinstance(name, str) or not name.strip() or NOT_A_NAME.search(name) or "," in name:
            problems.append(f"author name {name!r} is not one name alone")
        if not absolute_http(author.get("url")):
            problems.append(f"author {name!r} has no url")
    # images
    images = data.get("image") or []
    if not images:
        problems.append("no image")
    sized = []
    for image in images:
        url = image.get("url") if isinstance(image, dict) else image
        if not absolute_http(url):
            problems.append(f"image {url!r} is not a crawlable URL")
        if isinstance(image, dict) and ("width" in image or "height" in image):
            width, height = int(image.get("width", 0)), int(image.get("height", 0))
            sized.append((width, height))
            if width * height < MIN_PIXELS:
                problems.append(f"image {url} has {width * height} pixels, fewer than {MIN_PIXELS}")
            if width < DISCOVER_MIN_WIDTH:
                problems.append(f"image {url} is {width} px wide, less than Discover's {DISCOVER_MIN_WIDTH}")
    if len(sized) > 1 and {ratio_of(w, h) for w, h in sized} != set(RATIOS):
        problems.append(f"the crops {sized} are not 16:9, 4:3 and 1:1")
    # publisher, page, description
    publisher = data.get("publisher") or {}
    if publisher.get("@type") != "Organization" or not publisher.get("name"):
        problems.append("no publisher Organization")
    if not absolute_http((publisher.get("logo") or {}).get("url")):
        problems.append("the publisher has no logo")
    if (data.get("mainEntityOfPage") or {}).get("@id") != canonical:
        problems.append("mainEntityOfPage is not the canonical URL")
    description = data.get("description")
    if not isinstance(description, str) or not description.strip() or len(description) > DESCRIPTION_MAX:
        problems.append(f"description empty or too long: {description!r}")
    # the head agrees
    if doc.find("link", rel="canonical")["href"] != canonical:
        problems.append("the canonical link is not the page's URL")
    if "max-image-preview:large" not in doc.meta("robots"):
        problems.append("robots does not allow large image previews")
    if doc.meta("description") != description or doc.meta("og:description") != description:
        problems.append("the meta descriptions differ from the structured data's")
    first = images[0] if images else None
    first_url = first.get("url") if isinstance(first, dict) else first
    if first_url and doc.meta("og:image") != first_url:
        problems.append("og:image is not the structured data's first image")
    head_size = [
        m["content"]
        for m in doc.find_all("meta")
        if m.get("property") in {"og:image:width", "og:image:height"}
    ]
    if (
        isinstance(first, dict)
        and "width" in first
        and head_size != [str(first["width"]), str(first["height"])]
    ):
        problems.append("og:image's size differs from the image's")
    for key in ("og:title", "og:url", "og:type", "og:site_name", "twitter:card"):
        if not doc.meta(key):
            problems.append(f"no {key}")
    # the breadcrumbs: Home, the section if any, the article
    crumbs = [d for d in rest if d.get("@type") == "BreadcrumbList"]
    if len(crumbs) != 1:
        problems.append("no BreadcrumbList")
    else:
        items = crumbs[0]["itemListElement"]
        if [i["position"] for i in items] != list(range(1, len(items) + 1)) or items[-1]["item"] != canonical:
            problems.append("the breadcrumbs do not lead from the front page to the article")
    return problems


def with_crops(image: Image | None) -> Image | None:
    """`image` as an upload the renditions function made: widths, and 16:9, 4:3 and 1:1 crops at 1200 px."""
    if image is None:
        return None
    base = "/media/01JDQ7ZK3M8N4P5R6S7T8V9W0X"
    crops = {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1200, 1200)}
    renditions = [
        Rendition.model_validate(
            {"url": f"{base}/w{w}.{ext}", "width": w, "height": w * 2 // 3, "format": fmt}
        )
        for w in (640, 1200)
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ] + [
        Rendition.model_validate(
            {"url": f"{base}/c{ratio}.{ext}", "width": w, "height": h, "format": fmt, "ratio": ratio}
        )
        for ratio, (w, h) in crops.items()
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg"))
    ]
    return image.model_copy(
        update={"url": f"{base}/w1200.jpg", "width": 1200, "height": 800, "renditions": renditions}
    )


LONG_BODY = (
    "Heavy rain fell across the state on Friday, flooding low-lying roads in six districts and stranding "
    "commuters for hours. Schools were closed. The weather office expects more rain through the weekend."
)
CORRECTED = [
    Correction(
        type=CorrectionType.CORRECTION,
        text="An earlier version gave the wrong district.",
        issued_at=PUBLISHED_AT + dt.timedelta(hours=2),
    )
]
SHAPES: dict[str, dict[str, Any]] = {
    "ordinary": {},
    "no summary": {"summary": "", "body": LONG_BODY},
    "no summary, one long sentence": {"summary": "", "body": "Rain " * 80},
    "agency as author": {"authors": ["Press Trust of India"], "source": "Press Trust of India"},
    "several authors": {"authors": ["Asha Menon", "Ravi Kumar", "Meera Nair"]},
    "no authors": {"authors": []},
    "no image": {"image": None},
    "long headline": {"headline": "Monsoon " * 20},
    "no section": {"section": None},
    "corrected": {
        "corrections": CORRECTED,
        "updated_at": PUBLISHED_AT + dt.timedelta(hours=2),
        "revised_at": PUBLISHED_AT + dt.timedelta(hours=2),
    },
}


def render(site: Any, article: Article) -> Document:
    return parse_html(pages.article_page(site, article).body)


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_every_article_shape_meets_googles_article_guidelines(shape: str) -> None:
    # Given an article of this shape on a configured site
    article = make_article(**SHAPES[shape])
    assert article.url is not None

    # When its page is rendered
    doc = render(CONFIGURED, article)

    # Then Google's guidelines find nothing wrong
    assert google_problems(doc, canonical=SITE_URL + article.url) == []


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_every_article_shape_with_image_crops_meets_them_too(
    shape: str,
) -> None:
    # Given images with renditions (16:9, 4:3 and 1:1 crops at 1200 px)
    plain = make_article(**SHAPES[shape])
    article = plain.model_copy(update={"image": with_crops(plain.image)})
    assert article.url is not None

    # When its page is rendered
    doc = render(CONFIGURED, article)

    # Then the guidelines pass, and an article with an image lists exactly the three crops
    assert google_problems(doc, canonical=SITE_URL + article.url) == []
    if article.image is not None:
        assert [(i["width"], i["height"]) for i in doc.json_ld()["image"]] == [
            (1200, 675),
            (1200, 900),
            (1200, 1200),
        ]
        assert (doc.meta("og:image:width"), doc.meta("og:image:height")) == ("1200", "675")


def test_the_checker_finds_what_google_would() -> None:
    # Given pages whose structured data breaks a rule each
    article = make_article(image=None)
    assert article.url is not None
    canonical = SITE_URL + article.url
    bare = render(SITE, article)  # no default image, no logo configured (the generated logo stands in)

    def broken(change: Callable[[dict[str, Any]], None]) -> Document:
        """The configured site's page of `article` with its main entity changed by `change`."""
        html = pages.article_page(CONFIGURED, article).body.decode()
        doc = parse_html(html)
        graph = doc.json_ld_graph()
        change(graph[0])
        return parse_html(
            html.replace(doc.find("script", type="application/ld+json").text, json.dumps(graph))
        )

    # When / Then each is found
    assert google_problems(bare, canonical=canonical) == ["no image"]
    assert google_problems(broken(lambda d: None), canonical=canonical) == []  # (the change is all)
    assert "author 'Asha Menon' has no url" in google_problems(
        broken(lambda d: d["author"][0].pop("url")), canonical=canonical
    )
    assert "author name 'By Asha Menon' is not one name alone" in google_problems(
        broken(lambda d: d["author"][0].update(name="By Asha Menon")), canonical=canonical
    )
    assert any(
        p.startswith("datePublished is not ISO 8601")
        for p in google_problems(
            broken(lambda d: d.update(datePublished="2026-11-20 12:00")), canonical=canonical
        )
    )
    assert any(
        "less than Discover's 1200" in p
        for p in google_problems(
            broken(
                lambda d: d.update(
                    image=[
                        {
                            "@type": "ImageObject",
                            "url": "https://x.example/a.jpg",
                            "width": 800,
                            "height": 450,
                        }
                    ]
                )
            ),
            canonical=canonical,
        )
    )


def test_a_site_without_any_image_leaves_image_out_rather_than_empty() -> None:
    # Given an article without an image on a site without a default image
    doc = render(SITE, make_article(image=None))

    # Then the structured data has no image property (never an empty one) and the card is the small one
    assert "image" not in doc.json_ld()
    assert doc.meta("twitter:card") == "summary"
    assert doc.find_all("meta", property="og:image") == []


def test_every_listing_has_a_description_canonical_open_graph_and_its_structured_data() -> None:
    # Given the listings of a configured site and of one with no description
    article = make_article()
    for site in (CONFIGURED, SITE):
        listings = {
            "/": pages.home_page(site, [article], [(2026, 11)]),
            "/archive/": pages.archive_index(site, [(2026, 11)]),
            "/archive/2026/11/": pages.month_page(site, 2026, 11, [article]),
            "/tags/kerala/": pages.tag_page(site, "kerala", "Kerala", [article], [(2026, 11)]),
            "/corrections/": pages.corrections_page(site, []),
        }
        for path, obj in listings.items():
            # When each is read back
            doc = parse_html(obj.body)

            # Then it describes itself, allows large image previews, names its URL everywhere
            description = doc.meta("description")
            assert description.strip() and len(description) <= DESCRIPTION_MAX, path
            assert doc.meta("og:description") == doc.meta("twitter:description") == description
            assert "max-image-preview:large" in doc.meta("robots")
            assert doc.find("link", rel="canonical")["href"] == doc.meta("og:url") == SITE_URL + path
            assert doc.meta("og:type") == "website" and doc.meta("og:site_name") == site.name
            assert doc.meta("twitter:card") in {"summary", "summary_large_image"}
            # And the front page is the WebSite; every other listing sits under it in a BreadcrumbList
            [data] = doc.json_ld_graph()
            if path == "/":
                assert data["@type"] == "WebSite" and data["url"] == SITE_URL + "/"
                assert "potentialAction" not in data  # (the site has no search)
            else:
                items = data["itemListElement"]
                assert data["@type"] == "BreadcrumbList"
                assert [i["item"] for i in items] == [SITE_URL + "/", SITE_URL + path]
    assert parse_html(pages.home_page(CONFIGURED, [], []).body).meta("description") == CONFIGURED.description


def test_the_404_page_and_a_preview_ask_not_to_be_indexed() -> None:
    # Given / When the 404 page and an article's preview
    missing = parse_html(pages.not_found_page(CONFIGURED).body)
    preview = parse_html(
        pages.article_page(CONFIGURED, make_article(), preview={"title": "Preview", "detail": "Draft"}).body
    )

    # Then neither may be indexed nor claims a canonical URL of its own (the 404 page), and both still
    # describe themselves
    assert missing.meta("robots") == "noindex"
    assert missing.find_all("link", rel="canonical") == []
    assert missing.meta("description")
    assert preview.meta("robots") == "noindex, nofollow"
    assert preview.meta("description")
