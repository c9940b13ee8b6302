"""The article page's structure, read back by parsing the HTML (never by searching the markup as text)."""

from __future__ import annotations

import datetime as dt

from newsdesk.articles.models import Image
from newsdesk.site import pages
from tests.render.conftest import PUBLISHED_AT, SITE, SITE_URL, make_article
from tests.render.dom import Document, parse_html

UPDATED_AT = PUBLISHED_AT + dt.timedelta(hours=3, minutes=15)


def render(**fields: object) -> Document:
    article = make_article(**{"updated_at": UPDATED_AT, "revised_at": UPDATED_AT, **fields})  # type: ignore[arg-type]
    return parse_html(pages.article_page(SITE, article).body)


def test_article_page_object_is_html_at_its_public_path() -> None:
    # Given a published article
    article = make_article()

    # When its page is rendered
    obj = pages.article_page(SITE, article)

    # Then it is stored under the key of its URL with HTML headers cached at the edge
    assert article.url == "/2026/11/20/monsoon-arrives-early-in-kerala/"
    assert obj.key == "2026/11/20/monsoon-arrives-early-in-kerala/index.html"
    assert obj.path == article.url
    assert obj.content_type == "text/html; charset=utf-8"
    assert obj.cache_control == pages.CACHE_ARTICLE


def test_article_page_shows_headline_in_title_and_h1() -> None:
    # Given / When
    doc = render(headline="Monsoon arrives early in Kerala")

    # Then
    assert doc.find("title").text == "Monsoon arrives early in Kerala | Newsdesk"
    assert doc.find("h1").text == "Monsoon arrives early in Kerala"
    assert doc.find("html")["lang"] == "en"


def test_article_page_shows_summary_authors_source_and_dateline() -> None:
    # Given / When
    doc = render(authors=["Asha Menon", "Ravi Kumar"], source="Press Trust of India", dateline="Kochi")

    # Then
    article = doc.find("article")
    assert article.find("p", class_="summary").text == (
        "The rains reached the coast a week ahead of the usual date."
    )
    byline = article.find("p", class_="byline")
    authors = byline.find_all("a", rel="author")
    assert [(a.text, a["href"]) for a in authors] == [
        ("Asha Menon", "/authors/asha-menon/"),
        ("Ravi Kumar", "/authors/ravi-kumar/"),
    ]
    assert byline.normalized_text == "By Asha Menon, Ravi Kumar · Kochi"
    assert byline.find("span", class_="dateline").text == "Kochi"
    assert article.find("p", class_="credit").text == "Source: Press Trust of India"
    kicker = article.find("p", class_="kicker")
    assert (kicker.text, kicker.find("a")["href"]) == ("Weather", "/section/weather/")


def test_wire_byline_is_set_apart_from_the_dateline_and_not_credited_twice() -> None:
    # Given an agency story: the agency is both the byline and the source
    doc = render(authors=["PTI"], source="PTI", dateline="SRIHARIKOTA")

    # Then the byline reads "By PTI · SRIHARIKOTA" (never "By PTISriharikota"), with no second credit
    article = doc.find("article")
    byline = article.find("p", class_="byline")
    assert byline.normalized_text == "By PTI · SRIHARIKOTA"
    assert byline.find("a", rel="author")["href"] == "/authors/pti/"
    assert article.find_all("p", class_="credit") == []


def test_article_page_leaves_out_empty_optional_parts() -> None:
    # Given an article without summary, authors, source, dateline, section, tags or image
    doc = render(summary="", authors=[], source=None, dateline=None, section=None, tags=[], image=None)

    # Then none of their elements is there, and nothing says "None"
    article = doc.find("article")
    for cls in ("summary", "credit", "kicker"):
        assert article.find_all("p", class_=cls) == []
    assert article.find_all("figure") == []
    assert article.find_all("ul", class_="tags") == []
    assert "None" not in article.text
    assert doc.meta("twitter:card") == "summary"
    assert "image" not in doc.json_ld()
    assert doc.json_ld()["author"] == [{"@type": "Organization", "name": "Newsdesk", "url": f"{SITE_URL}/"}]


def test_article_page_times_are_in_site_time_zone() -> None:
    # Given an article published at 06:30 UTC and rewritten 3h15 later
    doc = render()

    # When the <time> elements are read
    times = doc.find("article").find("p", class_="meta").find_all("time")

    # Then both are machine-readable in +05:30 and human-readable in IST
    assert [t["datetime"] for t in times] == ["2026-11-20T12:00:00+05:30", "2026-11-20T15:15:00+05:30"]
    assert [t.text for t in times] == ["20 November 2026, 12:00 IST", "20 November 2026, 15:15 IST"]
    assert doc.meta("article:published_time") == "2026-11-20T12:00:00+05:30"
    assert doc.meta("article:modified_time") == "2026-11-20T15:15:00+05:30"


def test_article_page_has_no_updated_time_when_unchanged_since_publishing() -> None:
    # Given an article not updated after it was published
    article = make_article(updated_at=PUBLISHED_AT)

    # When
    doc = parse_html(pages.article_page(SITE, article).body)

    # Then only the published time is shown
    times = doc.find("article").find("p", class_="meta").find_all("time")
    assert [t["datetime"] for t in times] == ["2026-11-20T12:00:00+05:30"]


def test_article_page_links_tags_to_their_pages() -> None:
    # Given / When
    doc = render(tags=["Kerala", "Climate Change", "Monsoon 2026"])

    # Then
    links = doc.find("ul", class_="tags").find_all("a")
    assert [(a.text, a["href"], a["rel"]) for a in links] == [
        ("Kerala", "/tags/kerala/", "tag"),
        ("Climate Change", "/tags/climate-change/", "tag"),
        ("Monsoon 2026", "/tags/monsoon-2026/", "tag"),
    ]
    assert [m["content"] for m in doc.find_all("meta", property="article:tag")] == [
        "Kerala",
        "Climate Change",
        "Monsoon 2026",
    ]


def test_article_page_hero_image_has_alt_and_caption() -> None:
    # Given / When
    image = Image(url="https://images.example.com/rain.jpg", alt="Rain on a window", caption="Kochi")
    doc = render(image=image)

    # Then
    figure = doc.find("article").find("figure")
    img = figure.find("img")
    assert img["src"] == "https://images.example.com/rain.jpg"
    assert img["alt"] == "Rain on a window"
    assert figure.find("figcaption").text == "Kochi"


def test_article_page_hero_image_without_caption_has_no_figcaption() -> None:
    # Given / When
    doc = render(image=Image(url="https://images.example.com/rain.jpg", alt="Rain on a window"))

    # Then
    assert doc.find("figure").find_all("figcaption") == []


def test_article_page_has_canonical_open_graph_and_twitter_meta() -> None:
    # Given / When
    doc = render()

    # Then
    canonical = f"{SITE_URL}/2026/11/20/monsoon-arrives-early-in-kerala/"
    assert doc.find("link", rel="canonical")["href"] == canonical
    summary = "The rains reached the coast a week ahead of the usual date."
    assert doc.meta("description") == summary
    assert {
        key: doc.meta(key)
        for key in (
            "og:type", "og:site_name", "og:title", "og:description", "og:url", "og:image", "og:image:alt",
            "article:section", "twitter:card", "twitter:title", "twitter:description", "twitter:image",
            "twitter:image:alt",
        )
    } == {
        "og:type": "article",
        "og:site_name": "Newsdesk",
        "og:title": "Monsoon arrives early in Kerala",
        "og:description": summary,
        "og:url": canonical,
        "og:image": "https://images.example.com/monsoon.jpg",
        "og:image:alt": "Clouds over the sea",
        "article:section": "Weather",
        "twitter:card": "summary_large_image",
        "twitter:title": "Monsoon arrives early in Kerala",
        "twitter:description": summary,
        "twitter:image": "https://images.example.com/monsoon.jpg",
        "twitter:image:alt": "Clouds over the sea",
    }  # fmt: skip


def test_article_page_json_ld_describes_a_news_article() -> None:
    # Given / When
    doc = render(authors=["Asha Menon", "Ravi Kumar"], source="Press Trust of India")

    # Then
    data = doc.json_ld()
    canonical = f"{SITE_URL}/2026/11/20/monsoon-arrives-early-in-kerala/"
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Monsoon arrives early in Kerala"
    assert data["description"] == "The rains reached the coast a week ahead of the usual date."
    assert data["datePublished"] == "2026-11-20T12:00:00+05:30"
    assert data["dateModified"] == "2026-11-20T15:15:00+05:30"
    assert data["author"] == [
        {"@type": "Person", "name": "Asha Menon", "url": f"{SITE_URL}/authors/asha-menon/"},
        {"@type": "Person", "name": "Ravi Kumar", "url": f"{SITE_URL}/authors/ravi-kumar/"},
    ]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "Newsdesk",
        "url": f"{SITE_URL}/",
        "logo": {"@type": "ImageObject", "url": f"{SITE_URL}/assets/publisher-logo.svg"},
    }
    assert data["image"] == [{"@type": "ImageObject", "url": "https://images.example.com/monsoon.jpg"}]
    assert data["sourceOrganization"] == {"@type": "Organization", "name": "Press Trust of India"}
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical}
    assert data["url"] == canonical
    assert data["keywords"] == ["Kerala", "Monsoon"]
    assert data["dateline"] == "Thiruvananthapuram"
    assert data["articleSection"] == "Weather"


def test_article_page_json_ld_headline_is_cut_to_110_characters() -> None:
    # Given a headline longer than Google's 110-character limit
    headline = "Long " * 30

    # When
    data = render(headline=headline).json_ld()

    # Then
    assert data["headline"] == headline.strip()[:110]


def test_article_page_links_site_feed_stylesheet_and_comments_placeholder() -> None:
    # Given / When
    doc = render()

    # Then
    feed = doc.find("link", rel="alternate", type="application/rss+xml")
    assert feed["href"] == f"{SITE_URL}/feed.xml"
    assert feed["title"] == "Newsdesk"
    assert doc.find("link", rel="stylesheet")["href"] == "/" + pages.stylesheet_key()
    comments = doc.find(id="comments")
    assert comments.tag == "section"
    assert comments.find("h2").text == "Comments"


def test_article_page_body_is_rendered_markdown_with_headings_below_h1() -> None:
    # Given a body with a level-1 heading, emphasis, a list and a link
    body = "# Inside\n\nSome *rain* fell.\n\n- one\n- two\n\n[More](https://example.com/more)"

    # When
    doc = render(body=body)

    # Then the page has a single h1 (the headline) and the body's structure is kept
    content = doc.find("div", class_="body")
    assert len(doc.find_all("h1")) == 1
    assert content.find("h2").text == "Inside"
    assert content.find("em").text == "rain"
    assert [li.text for li in content.find_all("li")] == ["one", "two"]
    link = content.find("a")
    assert (link["href"], link["rel"], link.text) == ("https://example.com/more", "noopener", "More")
