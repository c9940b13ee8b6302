"""What a page tells search engines and link previews about itself: schema.org JSON-LD (NewsArticle,
WebSite, BreadcrumbList) and the head's meta (description, robots, canonical, OpenGraph, Twitter card).
Pure functions: templates show the result through `_meta.html`.

Written to Google's published guidance for article pages
(https://developers.google.com/search/docs/appearance/structured-data/article): every author listed, each
as a Person or an Organization (a news agency is an Organization) with only the name in `name` and a
`url` of a page about them; `datePublished` and `dateModified` in ISO 8601 with the offset; `image` as
several high-resolution images in 16:9, 4:3 and 1:1 (Google Discover wants them at least 1200 px wide and
`max-image-preview:large`, https://developers.google.com/search/docs/appearance/google-discover).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import nh3
from markupsafe import Markup

from newsdesk.articles.models import Article
from newsdesk.articles.slugs import slugify
from newsdesk.site.markdown import body_html
from newsdesk.site.models import SiteObject

if TYPE_CHECKING:
    from newsdesk.site.pages import SiteConfig

HEADLINE_MAX = 110  # Google's limit for a headline in article structured data
DESCRIPTION_MAX = 160  # what a result's snippet shows, about
ROBOTS_PUBLIC = "index, follow, max-image-preview:large"
ROBOTS_HIDDEN = "noindex"
DEFAULT_LOGO_KEY = "assets/publisher-logo.svg"
SECTION_PATH = "/section/{slug}/"
PERSON, ORGANIZATION = "Person", "Organization"


# ----- small pieces ----------------------------------------------------------------------------------


def script(data: Mapping[str, Any] | list[Mapping[str, Any]]) -> Markup:
    """JSON-LD for a <script type="application/ld+json">, kept inert: no "</script>", no comment openers."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def absolute(site: SiteConfig, url: str) -> str:
    return url if re.match(r"^https?://", url) else site.url + "/" + url.lstrip("/")


def iso(moment: dt.datetime, site: SiteConfig) -> str:
    return moment.astimezone(site.tz).isoformat(timespec="seconds")


def trim(text: str, limit: int = DESCRIPTION_MAX) -> str:
    """`text` in at most `limit` characters: whole sentences if they fit, else cut at a word with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    sentences = re.split(r"(?<=[.!?])\s+", text)
    kept = ""
    for sentence in sentences:
        candidate = f"{kept} {sentence}".strip()
        if len(candidate) > limit:
            break
        kept = candidate
    if kept:
        return kept
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:-")
    return cut + "…"


def body_text(article: Article) -> str:
    """The article's body as plain text (tags dropped, entities read)."""
    return " ".join(html.unescape(nh3.clean(str(body_html(article)), tags=set())).split())


def article_description(article: Article) -> str:
    """Never empty: the summary, else the body's first sentences, else the headline."""
    return trim(article.summary or body_text(article) or article.headline)


def listing_description(site: SiteConfig, name: str | None = None) -> str:
    """A listing's description: the site's own for the front page, else a sentence naming the listing."""
    if name is None:
        return trim(site.description or f"The latest news from {site.name}.")
    return trim(f"{name}: the latest articles from {site.name}.")


def section_path(site: SiteConfig, name: str) -> str:
    for section in site.sections:
        if section.name.casefold() == name.casefold():
            return SECTION_PATH.format(slug=section.slug)
    return SECTION_PATH.format(slug=slugify(name) or "news")


# A byline's kind as the article view gives it (newsdesk.articles.models.AuthorKind) → its schema.org type.
SCHEMA_KINDS = {"person": PERSON, "organization": ORGANIZATION}


# ----- schema.org ------------------------------------------------------------------------------------


def logo(site: SiteConfig) -> dict[str, Any]:
    return {"@type": "ImageObject", "url": absolute(site, site.logo or "/" + DEFAULT_LOGO_KEY)}


def publisher(site: SiteConfig) -> dict[str, Any]:
    org: dict[str, Any] = {
        "@type": ORGANIZATION,
        "name": site.name,
        "url": site.url + "/",
        "logo": logo(site),
    }
    if site.social_profiles:
        org["sameAs"] = list(site.social_profiles)
    return org


def default_logo(site: SiteConfig) -> SiteObject:
    """The publisher's logo until an editor sets one: the site's initial on a dark square (SVG)."""
    initial = html.escape((site.name.strip()[:1] or "N").upper())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">'
        '<rect width="600" height="600" fill="#111"/>'
        '<text x="300" y="400" font-family="Georgia, serif" font-size="360" fill="#fff" '
        f'text-anchor="middle">{initial}</text></svg>'
    )
    return SiteObject(DEFAULT_LOGO_KEY, svg.encode(), "image/svg+xml", "public, max-age=86400")


def images(site: SiteConfig, article: Article, view: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The article's images for structured data, largest first: the crops of its image (16:9, 4:3, 1:1)
    when it has them, else the image itself (with its size if known), else the site's default image."""
    found: list[dict[str, Any]] = []
    for crop in (view or {}).get("crops") or []:
        url = crop.get("src") or crop.get("url")
        if url:
            found.append(_image_object(site, url, crop.get("width"), crop.get("height")))
    if not found and view:
        found.append(_image_object(site, view["src"], view.get("width"), view.get("height")))
    if not found and article.image:
        found.append(_image_object(site, article.image.url, None, None))
    if not found and site.default_image:
        found.append(_image_object(site, site.default_image, None, None))
    return found


def _image_object(site: SiteConfig, url: str, width: Any, height: Any) -> dict[str, Any]:
    obj: dict[str, Any] = {"@type": "ImageObject", "url": absolute(site, url)}
    if width and height:
        obj |= {"width": int(width), "height": int(height)}
    return obj


def news_article(
    site: SiteConfig,
    article: Article,
    *,
    image: Mapping[str, Any] | None = None,
    authors: Sequence[Mapping[str, str | None]] = (),
) -> dict[str, Any]:
    """The NewsArticle of a live article. `image` is its image_view (with crops when it has them);
    `authors` the byline as the article view gives it (entries of name, path and kind)."""
    assert article.url is not None and article.published_at is not None
    canonical = site.url + article.url
    published = article.published_at
    people = [
        {
            "@type": SCHEMA_KINDS.get(a.get("kind") or "", PERSON),
            "name": a["name"],
            "url": absolute(site, a["path"] or ""),
        }
        for a in authors
        if a["path"]
    ] or [{"@type": ORGANIZATION, "name": site.name, "url": site.url + "/"}]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:HEADLINE_MAX],
        "description": article_description(article),
        "datePublished": iso(published, site),
        "dateModified": iso(max(article.updated_at, published), site),
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "author": people,
        "publisher": publisher(site),
        "isAccessibleForFree": True,
        "inLanguage": site.language,
    }
    if found := images(site, article, image):
        data["image"] = found
    if article.section:
        data["articleSection"] = article.section
    if article.tags:
        data["keywords"] = [t.name for t in article.tags]
    if article.dateline:
        data["dateline"] = article.dateline
    if article.source:
        data["sourceOrganization"] = {"@type": ORGANIZATION, "name": article.source}
    if article.corrections:
        data["correction"] = [
            {"@type": "CorrectionComment", "text": c.text, "datePublished": iso(c.issued_at, site)}
            for c in article.corrections
        ]
    return data


def website(site: SiteConfig) -> dict[str, Any]:
    """The front page's WebSite (no SearchAction: the site has no search)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.name,
        "url": site.url + "/",
        "inLanguage": site.language,
        "publisher": publisher(site),
    }
    if site.description:
        data["description"] = site.description
    return data


def breadcrumbs(site: SiteConfig, trail: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList from the front page along `trail` (name, path), the last being the page itself."""
    items = [("Home", "/"), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(site, path)}
            for n, (name, path) in enumerate(items, start=1)
        ],
    }


def article_trail(site: SiteConfig, article: Article) -> list[tuple[str, str]]:
    assert article.url is not None
    section = [(article.section, section_path(site, article.section))] if article.section else []
    return [*section, (article.headline[:HEADLINE_MAX], article.url)]


# ----- the head ---------------------------------------------------------------------------------------


def meta(
    site: SiteConfig,
    *,
    title: str,
    description: str,
    path: str | None,
    kind: str = "website",
    image: Mapping[str, Any] | None = None,
    json_ld: Sequence[Mapping[str, Any]] = (),
    robots: str = ROBOTS_PUBLIC,
) -> dict[str, Any]:
    """What `_meta.html` writes in a page's head. `image` is an ImageObject (absolute url, maybe width and
    height, and alt); without one the site's default image, if any, is shared."""
    if image is None and site.default_image:
        image = {"url": absolute(site, site.default_image)}
    shared = None
    if image is not None:
        shared = {
            "url": image["url"],
            "width": image.get("width"),
            "height": image.get("height"),
            "alt": image.get("alt") or "",
        }
    return {
        "title": title,
        "description": description or listing_description(site),
        "canonical": site.url + path if path else None,  # (none for a page at no URL of its own)
        "type": kind,
        "image": shared,
        "robots": robots,
        # One script: the page's main entity first, then what describes its place (a list of several).
        "json_ld": script(json_ld[0] if len(json_ld) == 1 else list(json_ld)) if json_ld else None,
    }


def article_meta(
    site: SiteConfig,
    article: Article,
    *,
    image: Mapping[str, Any] | None = None,
    authors: Sequence[Mapping[str, str | None]] = (),
) -> dict[str, Any]:
    assert article.url is not None
    data = news_article(site, article, image=image, authors=authors)
    shared = dict(data["image"][0]) if data.get("image") else None
    if shared is not None:
        shared["alt"] = (image or {}).get("alt") or (article.image.alt if article.image else "")
    return meta(
        site,
        title=article.headline,
        description=data["description"],
        path=article.url,
        kind="article",
        image=shared,
        json_ld=[data, breadcrumbs(site, article_trail(site, article))],
    )


def listing_meta(
    site: SiteConfig, path: str, *, title: str, description: str | None = None, trail_name: str | None = None
) -> dict[str, Any]:
    """A listing page's head: the front page (path "/") carries the WebSite, every other listing a
    BreadcrumbList from the front page to it."""
    home = path == "/"
    json_ld = [website(site)] if home else [breadcrumbs(site, [(trail_name or title, path)])]
    return meta(
        site,
        title=title,
        description=description or listing_description(site, None if path == "/" else title),
        path=path,
        json_ld=json_ld,
    )


def not_found_meta(site: SiteConfig) -> dict[str, Any]:
    return meta(
        site,
        title="Page not found",
        description=f"This page is not on {site.name}.",
        path="",
        robots=ROBOTS_HIDDEN,
    )
