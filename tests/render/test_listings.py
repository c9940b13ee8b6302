"""The reader's listings: the front page (lead story, latest, a block per section of the menu), section
and author pages with their feeds and month archives, the tag index; bylines and kickers that link to
them; listings left empty are deleted, and a publish never shifts an older archive page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET

from newsdesk.articles.models import Article, ArticleStatus, AuthorKind, AuthorProfile
from newsdesk.site.models import HOME, TAG_INDEX, Page
from newsdesk.site.pages import SectionLink, SiteConfig
from newsdesk.site.publisher import SitePublisher
from tests.render.conftest import (
    SITE,
    MemoryBucket,
    MemoryCdn,
    MemoryReader,
    MemoryReceipts,
    make_article,
)
from tests.render.dom import Document, Element, parse_html

NOW = dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC)
START = dt.datetime(2026, 11, 2, 6, tzinfo=dt.UTC)
MENU = SiteConfig(
    name=SITE.name,
    url=SITE.url,
    tz=SITE.tz,
    sections=(SectionLink("Science & Space", "science"), SectionLink("Weather", "weather")),
)


@dataclasses.dataclass
class Profiles:
    """The AuthorDirectory port over a dict."""

    profiles: dict[str, AuthorProfile] = dataclasses.field(default_factory=dict)

    def get(self, slug: str) -> AuthorProfile | None:
        return self.profiles.get(slug)


def story(n: int, **fields: object) -> Article:
    """The n-th story of November, an hour apart, in Weather by Asha Menon unless told otherwise."""
    fields.setdefault("published_at", START + dt.timedelta(hours=n))
    return make_article(headline=f"Story number {n:03d}", tags=["Kerala"], **fields)  # type: ignore[arg-type]


def publisher(
    articles: list[Article], bucket: MemoryBucket, site: SiteConfig = MENU, profiles: Profiles | None = None
) -> SitePublisher:
    return SitePublisher(
        site,
        MemoryReader(articles),
        bucket,
        MemoryCdn(),
        MemoryReceipts(),
        clock=lambda: NOW,
        authors=profiles,
    )


def page(bucket: MemoryBucket, key: str) -> Document:
    return parse_html(bucket.objects[key].body)


def headlines(doc: Element | Document) -> list[str]:
    return [a.text for a in doc.find_all("a", rel="bookmark")]


# ----- section and author pages ---------------------------------------------------------------------


def test_section_page_lists_its_latest_under_the_menu_name_with_feed_and_months() -> None:
    # Given stories in Science (by Ravi Kumar) and Weather
    articles = [
        story(1, section="Science", authors=["Ravi Kumar"]),
        story(2, section="Weather"),
        story(3, section="Science", authors=["Ravi Kumar"]),
    ]
    bucket = MemoryBucket()

    # When the Science pages are rendered
    site = publisher(articles, bucket)
    for kind in ("section", "section_feed"):
        site.render_page(Page(kind, "science"))
    site.render_page(Page("section_month", "science", 2026, 11))

    # Then the page is headed by the menu's name, lists Science only, newest first, with its feed and month
    doc = page(bucket, "section/science/index.html")
    assert doc.find("h1").text == "Science & Space"
    assert headlines(doc) == ["Story number 003", "Story number 001"]
    feeds = [link["href"] for link in doc.find_all("link", rel="alternate", type="application/rss+xml")]
    assert feeds[-1].endswith("/section/science/feed.xml")
    assert [a["href"] for a in doc.find("ul", class_="months").find_all("a")] == ["/section/science/2026/11/"]
    feed = ET.fromstring(bucket.objects["section/science/feed.xml"].body)
    assert [i.findtext("title") for i in feed.iter("item")] == ["Story number 003", "Story number 001"]
    month = page(bucket, "section/science/2026/11/index.html")
    assert month.find("h1").text == "Science & Space: November 2026"
    assert headlines(month) == ["Story number 003", "Story number 001"]


def test_section_outside_the_menu_is_headed_by_the_name_articles_give() -> None:
    # Given a story in a section the menu does not list
    bucket = MemoryBucket()
    site = publisher([story(1, section="Courts & Law")], bucket)

    # When its section page is rendered
    site.render_page(Page("section", "courts-and-law"))

    # Then it is headed by that name
    assert page(bucket, "section/courts-and-law/index.html").find("h1").text == "Courts & Law"


def test_author_page_exists_for_every_byline_and_shows_the_profile_when_there_is_one() -> None:
    # Given a story by two authors, one of whom has a profile
    articles = [story(1, authors=["Asha Menon", "PTI"], source="PTI")]
    profiles = Profiles(
        {
            "asha-menon": AuthorProfile(
                slug="asha-menon",
                name="Asha Menon",
                bio="Covers the monsoon <and> the coast.",
                photo_url="https://images.example.com/asha.jpg",
                same_as=["https://social.example/@asha"],
            )
        }
    )
    bucket = MemoryBucket()
    site = publisher(articles, bucket, profiles=profiles)

    # When both authors' pages and the article's page are rendered
    site.render_page(Page("author", "asha-menon"))
    site.render_page(Page("author", "pti"))
    site.rerender_article(articles[0].id)

    # Then the profiled author's page shows the name, bio (as text), photo and links, the other the name
    asha = page(bucket, "authors/asha-menon/index.html")
    profile = asha.find("header", class_="profile")
    assert profile.find("h1").text == "Asha Menon"
    assert profile.find("p", class_="bio").text == "Covers the monsoon <and> the coast."
    assert profile.find("img")["src"] == "https://images.example.com/asha.jpg"
    assert [a["href"] for a in profile.find_all("a", rel="me")] == ["https://social.example/@asha"]
    assert headlines(asha) == ["Story number 001"]
    pti = page(bucket, "authors/pti/index.html")
    assert pti.find("h1").text == "PTI" and headlines(pti) == ["Story number 001"]
    # and the byline links both pages
    assert articles[0].url is not None
    byline = page(bucket, articles[0].url.lstrip("/") + "index.html").find("p", class_="byline")
    assert [a["href"] for a in byline.find_all("a", rel="author")] == [
        "/authors/asha-menon/",
        "/authors/pti/",
    ]


def test_article_view_names_its_authors_with_their_pages_and_kinds() -> None:
    # Given a story by a person and an agency; the agency's profile says organization
    from newsdesk.site.pages import _article_view

    article = story(1, authors=["Asha Menon", "Reuters", "PTI"], source="PTI")
    profiles = {"reuters": AuthorProfile(slug="reuters", name="Reuters", kind=AuthorKind.ORGANIZATION)}

    # When its view is built
    view = _article_view(article, SITE, profiles)

    # Then each author has a name, the path of their page and a kind: a profile's, else an organization
    # for a byline that is the story's source (an agency), else a person
    assert view["authors"] == [
        {"name": "Asha Menon", "path": "/authors/asha-menon/", "kind": "person"},
        {"name": "Reuters", "path": "/authors/reuters/", "kind": "organization"},
        {"name": "PTI", "path": "/authors/pti/", "kind": "organization"},
    ]


def test_teasers_link_the_kicker_to_the_section_and_the_byline_to_the_author() -> None:
    # Given a story in Science by Ravi Kumar
    bucket = MemoryBucket()
    site = publisher([story(1, section="Science", authors=["Ravi Kumar"])], bucket)

    # When the front page is rendered
    site.render_page(HOME)

    # Then its kicker and byline link their pages
    teaser = page(bucket, "index.html").find_all("article", class_="teaser")[0]
    assert teaser.find("p", class_="kicker").find("a")["href"] == "/section/science/"
    assert teaser.find("a", rel="author")["href"] == "/authors/ravi-kumar/"


# ----- the front page --------------------------------------------------------------------------------


def front(articles: list[Article], site: SiteConfig = MENU) -> Document:
    bucket = MemoryBucket()
    publisher(articles, bucket, site).render_page(HOME)
    return page(bucket, "index.html")


def lead_headline(doc: Document) -> str:
    return doc.find("div", class_="lead").find("a", rel="bookmark").text


def test_front_page_leads_with_the_newest_story_shown_large_with_its_image() -> None:
    # Given three stories
    doc = front([story(1), story(2), story(3)])

    # Then the newest leads, with its image loaded at once, and the others follow it
    assert lead_headline(doc) == "Story number 003"
    image = doc.find("div", class_="lead").find("img")
    assert (image["loading"], image["fetchpriority"]) == ("eager", "high")
    latest = doc.find("section", class_="front-top").find("ul", class_="teasers")
    assert headlines(latest) == ["Story number 002", "Story number 001"]
    assert {img["loading"] for img in latest.find_all("img")} == {"lazy"}


def test_a_pinned_lead_leads_while_it_is_live() -> None:
    # Given an editor pinned the oldest of three stories
    articles = [story(1), story(2), story(3)]
    pinned = dataclasses.replace(MENU, lead_article_id=articles[0].id)

    # Then it leads, and is not repeated among the latest
    doc = front(articles, pinned)
    assert lead_headline(doc) == "Story number 001"
    latest = doc.find("section", class_="front-top").find("ul", class_="teasers")
    assert headlines(latest) == ["Story number 003", "Story number 002"]

    # And once it is taken down the newest leads again
    articles[0] = articles[0].model_copy(update={"status": ArticleStatus.UNPUBLISHED})
    assert lead_headline(front(articles, pinned)) == "Story number 003"


def test_front_page_has_a_block_per_menu_section_in_menu_order() -> None:
    # Given six Weather stories and two Science ones (the menu lists Science first)
    articles = [story(n, section="Weather") for n in range(6)]
    articles += [story(10 + n, section="Science") for n in range(2)]

    # When the front page is rendered
    doc = front(articles)

    # Then a block per section follows, in the menu's order, each its latest four, headed by a link
    blocks = doc.find_all("section", class_="section-block")
    heads = [b.find("h2").find("a") for b in blocks]
    assert [(a.text, a["href"]) for a in heads] == [
        ("Science & Space", "/section/science/"),
        ("Weather", "/section/weather/"),
    ]
    assert headlines(blocks[0]) == ["Story number 011", "Story number 010"]
    assert headlines(blocks[1]) == [f"Story number {n:03d}" for n in (5, 4, 3, 2)]


# ----- emptied listings, stable pages, indexes ------------------------------------------------------


def test_a_section_author_and_month_left_empty_are_deleted() -> None:
    # Given the only Science story, by Ravi Kumar, in December, next to a Weather story in November
    weather = story(1)
    science = story(2, section="Science", authors=["Ravi Kumar"], published_at=NOW + dt.timedelta(days=3))
    articles = [weather, science]
    bucket = MemoryBucket()
    first = publisher(articles, bucket)
    for article in articles:
        first.apply(article.id, None)
    first.finish()
    gone = {
        "section/science/index.html",
        "section/science/feed.xml",
        "section/science/2026/12/index.html",
        "authors/ravi-kumar/index.html",
        "authors/ravi-kumar/feed.xml",
        "authors/ravi-kumar/2026/12/index.html",
        "archive/2026/12/index.html",
    }
    assert gone <= set(bucket.objects)

    # When it is unpublished
    articles[1] = science.model_copy(update={"status": ArticleStatus.UNPUBLISHED, "version": 3})
    second = publisher(articles, bucket)
    second.apply(science.id, science)
    result = second.finish()

    # Then its pages and the listings it leaves empty are deleted (readers get the 404 page)
    assert not gone & set(bucket.objects)
    assert {"/section/science/", "/authors/ravi-kumar/", "/archive/2026/12/"} <= set(result.deleted)
    # and the listings that still have articles stay
    assert {"section/weather/index.html", "authors/asha-menon/index.html"} <= set(bucket.objects)
    # and a story published in Science again brings the page back
    back = story(3, section="Science")
    articles.append(back)
    third = publisher(articles, bucket)
    third.apply(back.id, None)
    third.finish()
    assert headlines(page(bucket, "section/science/index.html")) == ["Story number 003"]


def test_a_publish_never_shifts_an_older_page_of_a_section_month() -> None:
    # Given 45 Weather stories in November, rendered: two full pages of 20 and the month's own page
    articles = [story(n) for n in range(45)]
    bucket = MemoryBucket()
    site = publisher(articles, bucket)
    site.render_page(Page("section_month", "weather", 2026, 11))
    full = {
        key: bucket.objects[key].digest
        for key in ("section/weather/2026/11/1/index.html", "section/weather/2026/11/2/index.html")
    }

    # When one more is published
    newest = story(50)
    articles.append(newest)
    after = publisher(articles, bucket)
    after.apply(newest.id, None)
    after.finish()

    # Then the full pages are unchanged (same bytes) and the month's page shows the newest
    assert {key: bucket.objects[key].digest for key in full} == full
    month = page(bucket, "section/weather/2026/11/index.html")
    assert headlines(month)[0] == "Story number 050"
    assert month.find("a", rel="prev")["href"] == "/section/weather/2026/11/2/"


def test_tag_index_lists_the_tags_with_live_articles_by_name() -> None:
    # Given live stories tagged Kerala, Monsoon and Zoology, and an unpublished one tagged Courts
    articles = [
        make_article(headline="One", tags=["Monsoon", "Kerala"]),
        make_article(headline="Two", tags=["Zoology"]),
        make_article(headline="Three", tags=["Courts"], status=ArticleStatus.UNPUBLISHED),
    ]
    bucket = MemoryBucket()

    # When the tag index is rendered
    publisher(articles, bucket).render_page(TAG_INDEX)

    # Then it links each live tag's page, by name, once
    doc = page(bucket, "tags/index.html")
    links = doc.find("ul", class_="topics").find_all("a")
    assert [(a.text, a["href"]) for a in links] == [
        ("Kerala", "/tags/kerala/"),
        ("Monsoon", "/tags/monsoon/"),
        ("Zoology", "/tags/zoology/"),
    ]


def test_archive_index_says_archive_once_and_has_no_empty_paragraph() -> None:
    # Given a story in November
    bucket = MemoryBucket()
    publisher([story(1)], bucket).render_page(Page("archive_index"))

    # Then the page is headed once, lists the month, and has no empty paragraph
    doc = page(bucket, "archive/index.html")
    main = doc.find("main")
    assert [h.text for h in main.find_all("h1")] == ["Archive"] and main.find_all("h2") == []
    assert all(p.text.strip() for p in main.find_all("p"))
    assert [a.text for a in main.find("ul", class_="months").find_all("a")] == ["November 2026"]
