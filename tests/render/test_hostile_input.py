"""Hostile input in every field that reaches a page: nothing it carries may run, in any public object.

Each payload goes into headline, summary, body, authors, source, dateline, section, a tag and the image's
URL, alt text and caption. Every object the publisher writes for that article (article page, home, tag
pages, month archives, feeds, sitemaps, robots.txt, 404) is parsed and searched for anything executable.
The text must still be shown, as text.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from newsdesk.articles.models import Article, Image, name_slug
from newsdesk.site import pages
from newsdesk.site.models import SiteObject
from tests.render.conftest import (
    HOSTILE,
    HOSTILE_MARKDOWN,
    SITE,
    SITE_URL,
    Pipeline,
    hostile_article,
    make_article,
    render_in_memory,
)
from tests.render.dom import executable_content, parse_html

PAYLOADS = pytest.mark.parametrize("payload", list(HOSTILE.values()), ids=list(HOSTILE))

RSS_ELEMENTS = {
    "rss", "channel", "title", "link", "description", "language", "lastBuildDate", "item", "guid", "pubDate",
    "category", "{http://www.w3.org/2005/Atom}link", "{http://purl.org/dc/elements/1.1/}creator",
}  # fmt: skip
# What the body's sanitiser lets through (newsdesk.site.markdown); anything else must have been escaped.
BODY_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "s", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP_ELEMENTS = {
    f"{SM}urlset", f"{SM}url", f"{SM}loc", f"{SM}lastmod", f"{SM}sitemapindex", f"{SM}sitemap",
    f"{NEWS}news", f"{NEWS}publication", f"{NEWS}name", f"{NEWS}language", f"{NEWS}publication_date",
    f"{NEWS}title",
}  # fmt: skip


def expected_json_ld(article: Article) -> dict[str, Any]:
    """The structured data the article page should carry, built here independently of the renderer."""
    assert article.url and article.image and article.published_at
    canonical = SITE_URL + article.url
    published = article.published_at.astimezone(SITE.tz).isoformat(timespec="seconds")
    modified = max(article.updated_at, article.published_at).astimezone(SITE.tz).isoformat(timespec="seconds")
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "description": " ".join(article.summary.split()),  # (each payload is short: nothing to trim)
        "datePublished": published,
        "dateModified": modified,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "url": canonical,
        "author": [
            {"@type": "Person", "name": name, "url": f"{SITE_URL}/authors/{name_slug(name)}/"}
            for name in article.authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": "Newsdesk",
            "url": f"{SITE_URL}/",
            "logo": {"@type": "ImageObject", "url": f"{SITE_URL}/assets/publisher-logo.svg"},
        },
        "isAccessibleForFree": True,
        "inLanguage": "en",
        "image": [{"@type": "ImageObject", "url": article.image.url}],
        "articleSection": article.section,
        "keywords": [t.name for t in article.tags],
        "dateline": article.dateline,
        "sourceOrganization": {"@type": "Organization", "name": article.source},
    }


def html_problems(obj: SiteObject) -> list[str]:
    doc = parse_html(obj.body)
    # Every page but the 404 carries one JSON-LD script (an article's NewsArticle, a listing's breadcrumbs).
    return executable_content(doc, json_ld_scripts=0 if obj.key == "404.html" else 1)


def xml_problems(obj: SiteObject) -> list[str]:
    """Unknown elements in a feed or sitemap, and any markup a feed reader would find in a description."""
    root = ET.fromstring(obj.body)  # raises if the document is not well-formed
    allowed = RSS_ELEMENTS if obj.key.endswith("feed.xml") else SITEMAP_ELEMENTS
    problems = [f"<{el.tag}> in {obj.key}" for el in root.iter() if el.tag not in allowed]
    for description in root.iter("description"):
        # RSS readers treat <description> as HTML: it must hold text, not markup.
        doc = parse_html(description.text or "")
        problems.extend(f"<{t.tag}> inside <description> of {obj.key}" for t in doc.tokens)
    return problems


def all_problems(objects: dict[str, SiteObject]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, obj in objects.items():
        if obj.content_type.startswith("text/html"):
            problems = html_problems(obj)
        elif obj.content_type.startswith(("application/xml", "application/rss+xml")):
            problems = xml_problems(obj)
        else:
            continue
        if problems:
            found[key] = problems
    return found


def render_hostile(payload: str) -> tuple[Article, dict[str, SiteObject]]:
    article = hostile_article(payload)
    bucket, _ = render_in_memory([article, make_article(headline="A calm neighbour", tags=["Kerala"])])
    return article, bucket.objects


@PAYLOADS
def test_hostile_payload_renders_nothing_executable_in_any_object(payload: str) -> None:
    # Given an article with the payload in every field, published next to an ordinary article
    # When every object it touches is rendered
    article, objects = render_hostile(payload)

    # Then every kind of public object was produced, and none carries anything executable
    tag_slug = article.tags[0].slug
    assert article.url is not None
    assert {
        pages.page_key(article.url), "index.html", "archive/index.html", "archive/2026/11/index.html",
        f"tags/{tag_slug}/index.html", f"tags/{tag_slug}/feed.xml", f"tags/{tag_slug}/2026/11/index.html",
        "feed.xml", "sitemap.xml", "sitemaps/2026-11.xml", "news-sitemap.xml", "robots.txt", "404.html",
    } <= objects.keys()  # fmt: skip
    assert all_problems(objects) == {}


@PAYLOADS
def test_hostile_payload_json_ld_is_the_one_script_and_holds_the_intended_data(payload: str) -> None:
    # Given / When
    article, objects = render_hostile(payload)
    assert article.url is not None
    doc = parse_html(objects[pages.page_key(article.url)].body)

    # Then the only script is the JSON-LD one, and it parses to exactly the article's data
    scripts = [t for t in doc.tokens if t.tag == "script"]
    assert [dict(t.attrs) for t in scripts] == [{"type": "application/ld+json"}]
    assert doc.json_ld() == expected_json_ld(article)


@PAYLOADS
def test_hostile_payload_is_shown_as_text_on_the_article_page(payload: str) -> None:
    # Given / When
    article, objects = render_hostile(payload)
    assert article.url is not None and article.image is not None
    doc = parse_html(objects[pages.page_key(article.url)].body)

    # Then every field reads back exactly as written: escaped, not stripped or interpreted
    main = doc.find("article")
    assert doc.find("title").text == f"{article.headline} | Newsdesk"
    assert main.find("h1").text == article.headline
    assert main.find("p", class_="summary").text == article.summary
    assert [s.text for s in main.find("p", class_="byline").find_all("a", rel="author")] == article.authors
    assert main.find("span", class_="dateline").text == article.dateline
    assert main.find("p", class_="credit").text == f"Source: {article.source}"
    assert main.find("p", class_="kicker").text == article.section
    assert [a.text for a in main.find("ul", class_="tags").find_all("a")] == [t.name for t in article.tags]
    img = main.find("figure").find("img")
    assert (img["src"], img["alt"]) == (article.image.url, article.image.alt)
    assert main.find("figcaption").text == article.image.caption
    assert doc.meta("og:title") == article.headline
    assert doc.meta("og:description") == " ".join(article.summary.split())  # (whitespace runs read as one)
    body_tags = {el.tag for el in main.find("div", class_="body").iter()}
    assert body_tags <= BODY_TAGS, body_tags - BODY_TAGS


@PAYLOADS
def test_hostile_payload_in_listings_and_feeds_reads_back_as_text(payload: str) -> None:
    # Given / When
    article, objects = render_hostile(payload)

    # Then home and tag pages show the headline as link text, and feeds carry it as plain text
    tag_slug = article.tags[0].slug
    for key in ("index.html", f"tags/{tag_slug}/index.html", "archive/2026/11/index.html"):
        links = [
            a for a in parse_html(objects[key].body).find_all("a", rel="bookmark") if a["href"] == article.url
        ]
        assert [a.text for a in links] == [article.headline], key
    for key in ("feed.xml", f"tags/{tag_slug}/feed.xml"):
        items = ET.fromstring(objects[key].body).iter("item")
        item = next(i for i in items if i.findtext("link") == SITE_URL + (article.url or ""))
        assert item.findtext("title") == article.headline
        assert html.unescape(item.findtext("description") or "") == article.summary
        assert [c.text for c in item.iter("{http://purl.org/dc/elements/1.1/}creator")] == article.authors
    news = ET.fromstring(objects["news-sitemap.xml"].body)
    titles = [t.text for t in news.iter(f"{NEWS}title")]
    assert sorted(titles, key=str) == sorted(["A calm neighbour", article.headline])


def test_hostile_markdown_body_keeps_only_safe_links_and_images() -> None:
    # Given the Markdown attack corpus plus one safe link and one safe image
    body = "[safe](https://example.com/ok) ![safe](https://images.example.com/ok.png)\n\n" + (
        hostile_article("x").body
    )
    article = make_article(body=body)

    # When
    doc = parse_html(pages.article_page(SITE, article).body)

    # Then only the http(s) link and image survive as elements; everything else is text
    content = doc.find("div", class_="body")
    assert [a["href"] for a in content.find_all("a")] == ["https://example.com/ok"]
    assert [i.get("src") for i in content.find_all("img")] == ["https://images.example.com/ok.png", None]
    assert executable_content(doc, json_ld_scripts=1) == []
    assert "<script>window.__pwned=true</script>" in content.text  # shown, as text
    assert content.find("pre").find("code").text.startswith('<script>alert("in a code block')


def test_control_characters_in_a_summary_are_refused_and_never_break_a_feed() -> None:
    # Given a summary pasted from a wire feed with control characters XML 1.0 does not allow
    dirty = "Rain\x0bfell\x0c across\x00 the state\x1b."

    # When it is given to the model, it is refused by name
    with pytest.raises(ValueError, match="summary"):
        make_article(summary=dirty)

    # And when such text is already stored (written before the rule existed), the feeds still render
    article = make_article().model_copy(update={"summary": dirty})
    bucket, _ = render_in_memory([article])

    # Then both feeds are well-formed XML and keep the readable text
    for key in ("feed.xml", "tags/kerala/feed.xml"):
        root = ET.fromstring(bucket.objects[key].body)
        assert html.unescape(root.findtext("channel/item/description") or "") == "Rainfell across the state."


def test_image_url_must_be_http_or_https() -> None:
    # Given image URLs with schemes a browser would execute or inline
    for url in ("javascript:alert(1)", "data:image/svg+xml,<svg onload=alert(1)>", "vbscript:x", "//evil"):
        # When / Then the model refuses them, so no template ever receives one
        with pytest.raises(ValueError):
            Image(url=url, alt="x")


def test_hostile_article_published_through_pipeline_leaves_no_executable_object_in_bucket(
    pipeline: Pipeline,
) -> None:
    # Given an article with hostile text in every field, created and published through the services
    payload = HOSTILE["json_ld_breakout"] + HOSTILE["img_onerror"]
    article = pipeline.create_published(
        headline=f"Headline {payload}",
        summary=f"Summary {payload}",
        body=f"Body {payload}\n\n{HOSTILE_MARKDOWN}",
        authors=[f"Author {payload}"],
        source=f"Agency {HOSTILE['svg_onload']}",
        dateline=f"Kochi {HOSTILE['attribute_breakout']}",
        section=f"Section {HOSTILE['title_breakout']}",
        tags=[f"Tag {HOSTILE['script']}", "Kerala"],
        image={
            "url": 'https://images.example.com/a.jpg?q="onerror="window.__pwned=true"',
            "alt": f"Alt {payload}",
            "caption": f"Caption {payload}",
        },
    )

    # When the renderer processes the table's stream
    response = pipeline.render()

    # Then no object in the bucket carries anything executable, and the page shows the headline as text
    assert response == {"batchItemFailures": []}
    objects = {
        key: SiteObject(key, stored["body"], stored["content_type"], stored["cache_control"] or "")
        for key in pipeline.object_keys()
        if (stored := pipeline.get(key))
    }
    assert article.url is not None and pages.page_key(article.url) in objects
    assert all_problems(objects) == {}
    doc = parse_html(objects[pages.page_key(article.url)].body)
    assert doc.find("h1").text == article.headline
    assert doc.json_ld()["headline"] == article.headline[:110]
