"""Every public object of the site, rendered from articles. Pure functions: no I/O but reading templates."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import escape

from newsdesk.articles.models import (
    Article,
    AuthorKind,
    AuthorProfile,
    Correction,
    Scope,
    ScopeKind,
    name_slug,
)
from newsdesk.site import structured_data
from newsdesk.site.images import ARTICLE_SIZES, image_view
from newsdesk.site.markdown import body_html
from newsdesk.site.models import CorrectionEntry, SiteObject, page_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent
HOME_SIZE = 20
SCOPE_PAGE_SIZE = 20  # a tag's, section's or author's page
TAG_PAGE_SIZE = SCOPE_PAGE_SIZE
SECTION_BLOCK_SIZE = 4  # the front page's block of each section in the menu
BESIDE_LEAD = 4  # the latest stories the front page sets beside its lead (the others follow in a grid)
TAG_INDEX_SIZE = 500  # the most tags /tags/ lists
TAG_INDEX_PATH = "/tags/"
FEED_SIZE = 50
TAG_FEED_SIZE = 20
NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_SIZE = 1000  # the most a Google News sitemap may list
# A month's archive (site-wide or per tag) and its sitemap come in pages of a fixed size anchored at the
# month's oldest article: page 1 holds the oldest ARCHIVE_PAGE_SIZE, and a full page never changes when
# newer articles are published. So one publish rewrites a bounded number of bytes, whatever the rate.
ARCHIVE_PAGE_SIZE = 20
SITEMAP_SHARD_SIZE = 50
CORRECTIONS_SIZE = 50
CORRECTIONS_PATH = "/corrections/"
CORRECTIONS_FEED_PATH = "/corrections/feed.xml"

# How long browsers (max-age) and CloudFront (s-maxage, then stale-while-revalidate while it refetches)
# keep each object; stale-if-error serves the last copy for a day if the bucket fails. Only an article
# page that was corrected or taken down is invalidated (newsdesk.site.freshness); everything else
# reaches readers when its shared lifetime runs out: an article page (an ordinary edit, a new comment)
# within 120 s, listings, feeds, sitemaps, the corrections and 404 pages within 60 s.
STALE_IF_ERROR = "stale-if-error=86400"
CACHE_ARTICLE = f"public, max-age=60, s-maxage=60, stale-while-revalidate=60, {STALE_IF_ERROR}"
CACHE_LISTING = f"public, max-age=30, s-maxage=30, stale-while-revalidate=30, {STALE_IF_ERROR}"
CACHE_FEED = f"public, max-age=60, s-maxage=30, stale-while-revalidate=30, {STALE_IF_ERROR}"
CACHE_STATIC = "public, max-age=31536000, immutable"
CACHE_ERROR = "public, max-age=30, s-maxage=30, stale-while-revalidate=30"

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
CSS = "text/css; charset=utf-8"
JS = "text/javascript; charset=utf-8"
SVG = "image/svg+xml"
ICO = "image/x-icon"
# /favicon.ico keeps its name, so browsers and CloudFront keep it a day rather than a year.
CACHE_FAVICON = f"public, max-age=86400, s-maxage=86400, {STALE_IF_ERROR}"


@dataclass(frozen=True)
class SectionLink:
    """A section of the site's menu, in the order editors set: its name and the slug of its page."""

    name: str
    slug: str


@dataclass(frozen=True)
class FooterLink:
    label: str
    url: str


@dataclass(frozen=True)
class SiteConfig:
    """What every page needs to know about the site. `name`, `url`, `tz` and `language` come from the
    deployment's settings; the fields after them are what editors configure without a deploy (defaults
    until they do)."""

    name: str
    url: str  # absolute, no trailing slash
    tz: ZoneInfo
    language: str = "en"
    # An article is labelled "Updated" when its headline or body changed, or a correction was issued,
    # more than this long after it was first published.
    updated_after: dt.timedelta = dt.timedelta(minutes=30)
    websub_hub: str | None = None  # the WebSub hub the feeds declare (newsdesk.site.discovery)
    # ----- configured by editors -----
    description: str = ""
    logo: str | None = None  # URL of the logo image (absolute, or a path of the site)
    sections: tuple[SectionLink, ...] = ()  # the sections menu, in order
    footer_links: tuple[FooterLink, ...] = ()
    social_profiles: tuple[str, ...] = ()  # profile URLs (schema.org sameAs)
    default_image: str | None = None  # shown and shared when an article has no image
    lead_article_id: str | None = None  # the front page's lead story when an editor pinned one

    @property
    def css_path(self) -> str:
        return "/" + stylesheet_key()

    @property
    def favicon_path(self) -> str:
        return "/" + favicon_key()

    @property
    def social_links(self) -> list[dict[str, str]]:
        """The social profiles as the footer lists them: each labelled with its site's host name."""
        return [{"label": _host_label(url), "url": url} for url in self.social_profiles]


def _host_label(url: str) -> str:
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


# ----- paths -----------------------------------------------------------------------------------------


_SCOPE_ROOTS = {ScopeKind.TAG: "/tags/", ScopeKind.SECTION: "/section/", ScopeKind.AUTHOR: "/authors/"}


def scope_path(scope: Scope) -> str:
    """A scope's page: /tags/{slug}/, /section/{slug}/ or /authors/{slug}/."""
    return f"{_SCOPE_ROOTS[scope.kind]}{scope.slug}/"


def scope_feed_path(scope: Scope) -> str:
    return f"{scope_path(scope)}feed.xml"


def section_path(name: str | None) -> str | None:
    """The page of the section an article names (None without one)."""
    slug = name_slug(name) if name else ""
    return scope_path(Scope.section(slug)) if slug else None


def author_path(name: str) -> str | None:
    """The page of the author a byline names."""
    slug = name_slug(name)
    return scope_path(Scope.author(slug)) if slug else None


def month_path(year: int, month: int, scope: Scope | None = None) -> str:
    root = scope_path(scope) if scope else "/archive/"
    return f"{root}{year:04d}/{month:02d}/"


def tag_path(tag: str) -> str:
    return scope_path(Scope.tag(tag))


def tag_feed_path(tag: str) -> str:
    return scope_feed_path(Scope.tag(tag))


def archive_page_path(year: int, month: int, number: int, scope: Scope | None = None) -> str:
    """The `number`-th full page (from 1, oldest first) of a month's archive; the month's own path shows
    the articles after the last full page."""
    return f"{month_path(year, month, scope)}{number}/"


def shard_path(year: int, month: int, number: int = 1) -> str:
    """The `number`-th sitemap shard (from 1, oldest first) of a month; the first keeps the month's name."""
    suffix = f"-{number}" if number > 1 else ""
    return f"/sitemaps/{year:04d}-{month:02d}{suffix}.xml"


def full_archive_pages(count: int) -> int:
    """How many full pages a month's archive of `count` articles has (the month's path shows 1 to
    ARCHIVE_PAGE_SIZE articles after them)."""
    return (count - 1) // ARCHIVE_PAGE_SIZE if count else 0


def sitemap_shards(count: int) -> int:
    """How many sitemap shards a month of `count` articles has (the last may be partly filled)."""
    return -(-count // SITEMAP_SHARD_SIZE)


def _slice(items: list[Article], number: int, size: int) -> list[Article]:
    """Page `number` (from 1) of `items` in pages of `size` anchored at the oldest; newest first."""
    end = len(items) - (number - 1) * size
    return items[max(0, end - size) : max(0, end)]


def month_bounds(year: int, month: int, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=tz)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=tz)
    return start, end


def month_of(moment: dt.datetime, tz: ZoneInfo) -> tuple[int, int]:
    local = moment.astimezone(tz)
    return local.year, local.month


# ----- templates ---------------------------------------------------------------------------------------


@cache
def _env() -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(PACKAGE_DIR / "templates"),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


def _render(template: str, **context: Any) -> bytes:
    return _env().get_template(template).render(**context).encode("utf-8")


@cache
def _stylesheet() -> tuple[str, bytes]:
    body = (PACKAGE_DIR / "static" / "site.css").read_bytes()
    return f"assets/site.{hashlib.sha256(body).hexdigest()[:12]}.css", body


def stylesheet_key() -> str:
    return _stylesheet()[0]


def stylesheet() -> SiteObject:
    key, body = _stylesheet()
    return SiteObject(key, body, CSS, CACHE_STATIC)


@cache
def _comments_script() -> tuple[str, bytes]:
    body = (PACKAGE_DIR / "static" / "comments.js").read_bytes()
    return f"assets/comments.{hashlib.sha256(body).hexdigest()[:12]}.js", body


def comments_script_key() -> str:
    """The comment form's small script: refreshes the form's token, so the minimum fill time counts from
    when the reader opened the page. The form works without it."""
    return _comments_script()[0]


def comments_script() -> SiteObject:
    key, body = _comments_script()
    return SiteObject(key, body, JS, CACHE_STATIC)


@cache
def _favicon() -> tuple[str, bytes]:
    body = (PACKAGE_DIR / "static" / "favicon.svg").read_bytes()
    return f"assets/favicon.{hashlib.sha256(body).hexdigest()[:12]}.svg", body


def favicon_key() -> str:
    """The site's icon (an SVG every page links to); /favicon.ico is the same mark for browsers that
    ask for that name."""
    return _favicon()[0]


def favicons() -> list[SiteObject]:
    key, body = _favicon()
    ico = (PACKAGE_DIR / "static" / "favicon.ico").read_bytes()
    return [SiteObject(key, body, SVG, CACHE_STATIC), SiteObject("favicon.ico", ico, ICO, CACHE_FAVICON)]


# ----- views ---------------------------------------------------------------------------------------


def _when(moment: dt.datetime, tz: ZoneInfo) -> str:
    local = moment.astimezone(tz)
    return f"{local.day} {local:%B %Y, %H:%M %Z}"


def _iso(moment: dt.datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


# Where a teaser's image is shown, for `sizes`: the lead across the page's main column, others in the
# grid of teasers (three columns on wide screens, one at phone width).
LEAD_IMAGE_SIZES = "(min-width: 1100px) 1040px, 100vw"
TEASER_IMAGE_SIZES = "(min-width: 1100px) 330px, (min-width: 700px) 45vw, 100vw"


def _byline(
    article: Article, profiles: dict[str, AuthorProfile] | None = None
) -> list[dict[str, str | None]]:
    """The article's authors as readers see them: name, the path of their page and whether a person or
    an organization (their profile says; without one, a byline that is the article's source, a news
    agency's, is an organization)."""
    entries: list[dict[str, str | None]] = []
    source = (article.source or "").casefold()
    for name in article.authors:
        slug = name_slug(name)
        profile = (profiles or {}).get(slug)
        if profile is not None:
            kind = profile.kind
        else:
            kind = AuthorKind.ORGANIZATION if name.casefold() == source else AuthorKind.PERSON
        entries.append({"name": name, "path": author_path(name), "kind": kind.value})
    return entries


def _teaser(article: Article, site: SiteConfig, *, lead: bool = False, image: bool = True) -> dict[str, Any]:
    published = article.published_at or article.updated_at
    return {
        "headline": article.headline,
        "summary": article.summary,
        "section": article.section,
        "section_path": section_path(article.section),
        "authors": _byline(article),
        "path": article.url,
        "published_iso": _iso(published, site.tz),
        "published_text": _when(published, site.tz),
        "image": image_view(article.image, sizes=LEAD_IMAGE_SIZES if lead else TEASER_IMAGE_SIZES, eager=lead)
        if image
        else None,
    }


def _article_view(
    article: Article, site: SiteConfig, profiles: dict[str, AuthorProfile] | None = None
) -> dict[str, Any]:
    assert article.url is not None and article.published_at is not None
    canonical = site.url + article.url
    published, updated, revised = article.published_at, article.updated_at, article.revised_at
    byline = _byline(article, profiles)
    return {
        "headline": article.headline,
        "summary": article.summary,
        "section": article.section,
        "section_path": section_path(article.section),
        "authors": byline,
        "source": article.source,
        # A wire story's credit repeats nothing: no "Source: PTI" under "By PTI".
        "show_credit": bool(article.source)
        and (article.source or "").casefold() not in {n.casefold() for n in article.authors},
        "dateline": article.dateline,
        "image": article.image,
        # The first thing below the headline: above the fold, so loaded at once and first.
        "figure": image_view(article.image, sizes=ARTICLE_SIZES, eager=True, base_url=site.url),
        "tags": [{"name": t.name, "path": tag_path(t.slug)} for t in article.tags],
        "canonical": canonical,
        "published_iso": _iso(published, site.tz),
        "published_text": _when(published, site.tz),
        "updated_iso": _iso(max(updated, published), site.tz),
        "revised_iso": _iso(revised, site.tz) if revised else None,
        "revised_text": _when(revised, site.tz) if revised else None,
        "show_updated": revised is not None and revised - published > site.updated_after,
        "corrections": [_correction_view(c, site) for c in article.corrections],
        "body_html": body_html(article),
        "meta": structured_data.article_meta(
            site, article, image=image_view(article.image), authors=[a for a in byline if a["path"]]
        ),
    }


def _correction_view(correction: Correction, site: SiteConfig) -> dict[str, Any]:
    return {
        "type": correction.type.value,
        "label": correction.type.label,
        "text": correction.text,
        "issued_iso": _iso(correction.issued_at, site.tz),
        "issued_text": _when(correction.issued_at, site.tz),
    }


def _months_view(months: list[tuple[int, int]], scope: Scope | None = None) -> list[dict[str, str]]:
    return [{"path": month_path(y, m, scope), "label": dt.date(y, m, 1).strftime("%B %Y")} for y, m in months]


# ----- pages ---------------------------------------------------------------------------------------


def article_page(
    site: SiteConfig,
    article: Article,
    *,
    profiles: dict[str, AuthorProfile] | None = None,
    **extra: Any,
) -> SiteObject:
    """An article's page; `profiles`: the profiles editors keep of its authors, by slug."""
    assert article.url is not None
    body = _render("article.html", site=site, a=_article_view(article, site, profiles), **extra)
    return SiteObject(page_key(article.url), body, HTML, CACHE_ARTICLE)


def _listing(site: SiteConfig, path: str, template: str = "listing.html", **page: Any) -> SiteObject:
    page.setdefault("title", page["heading"])
    page.setdefault("feed_path", None)
    page.setdefault("more_path", None)
    page.setdefault("more_label", "")
    page.setdefault("months", [])
    page.setdefault("back_path", None)
    page.setdefault("back_label", "")
    page.setdefault("earlier_path", None)
    page.setdefault("earlier_label", "")
    page.setdefault("profile", None)
    page.setdefault("links", [])
    page["canonical"] = site.url + path
    page.setdefault(
        "meta", structured_data.listing_meta(site, path, title=page["title"], trail_name=page["heading"])
    )
    return SiteObject(page_key(path), _render(template, site=site, page=page), HTML, CACHE_LISTING)


def home_page(
    site: SiteConfig,
    latest: list[Article],
    months: list[tuple[int, int]],
    *,
    lead: Article | None = None,
    sections: list[tuple[SectionLink, list[Article]]] | None = None,
) -> SiteObject:
    """The front page: the lead story large (the one editors pinned, else the newest), the latest after
    it, then a block per section of the menu, in its order (its latest SECTION_BLOCK_SIZE)."""
    more = month_path(*months[0]) if months else None
    lead = lead or (latest[0] if latest else None)
    rest = [a for a in latest if lead is None or a.id != lead.id][: HOME_SIZE - 1]
    blocks = [
        {
            "name": link.name,
            "path": scope_path(Scope.section(link.slug)),
            "teasers": [_teaser(a, site) for a in items[:SECTION_BLOCK_SIZE]],
        }
        for link, items in sections or []
        if items
    ]
    return _listing(
        site,
        "/",
        "front.html",
        title=site.name,
        heading="Latest news",
        lead=_teaser(lead, site, lead=True) if lead else None,
        teasers=[_teaser(a, site) for a in rest],
        beside_lead=BESIDE_LEAD,
        sections=blocks,
        empty="Nothing has been published yet.",
        more_path=more,
        more_label="More in the archive",
    )


def archive_index(site: SiteConfig, months: list[tuple[int, int]]) -> SiteObject:
    return _listing(
        site,
        "/archive/",
        heading="Archive",
        teasers=None,
        empty="",
        months=_months_view(months),
        months_heading=None,
    )


def tag_index(site: SiteConfig, tags: list[tuple[str, str]]) -> SiteObject:
    """Every tag with live articles (slug, name), by name."""
    links = sorted(
        ({"name": name, "path": tag_path(slug)} for slug, name in tags), key=lambda t: t["name"].casefold()
    )
    return _listing(
        site,
        TAG_INDEX_PATH,
        heading="Topics",
        teasers=None,
        empty="No topics yet.",
        links=links,
    )


def month_page(site: SiteConfig, year: int, month: int, items: list[Article]) -> SiteObject:
    """The month's archive: its articles after the last full page, newest first (`items`: the whole
    month, newest first), and a link to the full page before them."""
    return _archive(site, year, month, items, None, None, None)


def month_archive_page(
    site: SiteConfig, year: int, month: int, items: list[Article], number: int
) -> SiteObject:
    """Full page `number` of the month's archive (`items`: the whole month, newest first)."""
    return _archive(site, year, month, items, None, None, number)


def month_archive(site: SiteConfig, year: int, month: int, items: list[Article]) -> list[SiteObject]:
    """Every page of a month's archive (`items`: the whole month, newest first)."""
    full = full_archive_pages(len(items))
    numbered = [month_archive_page(site, year, month, items, n) for n in range(1, full + 1)]
    return [month_page(site, year, month, items), *numbered]


_EMPTY_SCOPE = {
    ScopeKind.TAG: "Nothing tagged {name}",
    ScopeKind.SECTION: "Nothing in {name}",
    ScopeKind.AUTHOR: "Nothing by {name}",
}


def _archive(
    site: SiteConfig,
    year: int,
    month: int,
    items: list[Article],
    scope: Scope | None,
    name: str | None,
    number: int | None,
) -> SiteObject:
    label = dt.date(year, month, 1).strftime("%B %Y")
    full = full_archive_pages(len(items))
    shown = _slice(items, full + 1 if number is None else number, ARCHIVE_PAGE_SIZE)
    earlier = (full if number is None else number - 1) or None
    heading = f"{name}: {label}" if scope else f"Archive: {label}"
    nothing = _EMPTY_SCOPE[scope.kind].format(name=name) if scope else "Nothing"
    page: dict[str, Any] = {
        "heading": heading if number is None else f"{heading}, page {number}",
        "teasers": [_teaser(a, site, image=False) for a in shown],
        "empty": f"{nothing} was published in {label}.",
        "earlier_path": archive_page_path(year, month, earlier, scope) if earlier else None,
        "earlier_label": f"Earlier in {label}",
    }
    if number is not None:
        page["more_path"] = month_path(year, month, scope)
        page["more_label"] = f"Latest in {label}"
    if scope:
        page |= {
            "feed_path": scope_feed_path(scope),
            "back_path": scope_path(scope),
            "back_label": f"Latest from {name}",
        }
    else:
        page |= {"back_path": "/archive/", "back_label": "All months"}
    path = month_path(year, month, scope) if number is None else archive_page_path(year, month, number, scope)
    return _listing(site, path, **page)


def _profile_view(profile: AuthorProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "name": profile.name,
        "bio": profile.bio,
        "photo": profile.photo_url,
        "url": profile.profile_url,
        "kind": profile.kind.value,
        "same_as": list(profile.same_as),
    }


def scope_page(
    site: SiteConfig,
    scope: Scope,
    name: str,
    latest: list[Article],
    months: list[tuple[int, int]],
    *,
    profile: AuthorProfile | None = None,
) -> SiteObject:
    """A tag's, section's or author's page: its latest articles and its months (an author's with the
    profile editors keep, if any)."""
    nothing = _EMPTY_SCOPE[scope.kind].format(name=name)
    return _listing(
        site,
        scope_path(scope),
        heading=name,
        title=name,
        kind=scope.kind.value,
        teasers=[_teaser(a, site) for a in latest[:SCOPE_PAGE_SIZE]],
        empty=f"{nothing} is published at the moment.",
        feed_path=scope_feed_path(scope),
        months=_months_view(months, scope),
        months_heading=f"{name} by month",
        profile=_profile_view(profile) if scope.kind is ScopeKind.AUTHOR else None,
    )


def tag_page(
    site: SiteConfig, tag: str, name: str, latest: list[Article], months: list[tuple[int, int]]
) -> SiteObject:
    return scope_page(site, Scope.tag(tag), name, latest, months)


def scope_month_page(
    site: SiteConfig, scope: Scope, name: str, year: int, month: int, items: list[Article]
) -> SiteObject:
    """A scope's archive for a month: as month_page, for the articles of the scope."""
    return _archive(site, year, month, items, scope, name, None)


def scope_month_archive_page(
    site: SiteConfig, scope: Scope, name: str, year: int, month: int, items: list[Article], number: int
) -> SiteObject:
    return _archive(site, year, month, items, scope, name, number)


def scope_month_archive(
    site: SiteConfig, scope: Scope, name: str, year: int, month: int, items: list[Article]
) -> list[SiteObject]:
    full = full_archive_pages(len(items))
    numbered = [
        scope_month_archive_page(site, scope, name, year, month, items, n) for n in range(1, full + 1)
    ]
    return [scope_month_page(site, scope, name, year, month, items), *numbered]


# XML 1.0 has no way to write most C0 controls, U+FFFE/U+FFFF or lone surrogates; text pasted from a
# wire feed may carry them, and one such character would make the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def feed(site: SiteConfig, items: list[Article], *, title: str, link_path: str, self_path: str) -> SiteObject:
    entries = []
    for a in items:
        assert a.url is not None and a.published_at is not None
        entries.append(
            {
                "headline": _xml_text(a.headline),
                "url": site.url + a.url,
                "guid": f"{site.url}{a.url}#{a.id}",
                "pub_date": format_datetime(a.published_at.astimezone(dt.UTC), usegmt=True),
                "authors": [_xml_text(name) for name in a.authors],
                "tags": [{"name": _xml_text(t.name)} for t in a.tags],
                # RSS readers treat <description> as HTML: escape the plain-text summary as HTML here, so
                # that after the template's XML escaping readers show "<b>" as text instead of running it.
                "summary": str(escape(_xml_text(a.summary))),
            }
        )
    last = max((a.updated_at for a in items), default=None)
    context = {
        "title": _xml_text(title),
        "link": site.url + link_path,
        "description": str(escape(_xml_text(f"Latest from {title}"))),
        "self_url": site.url + self_path,
        "last_build": format_datetime(last.astimezone(dt.UTC), usegmt=True) if last else None,
        "entries": entries,
    }
    return SiteObject(self_path.lstrip("/"), _render("feed.xml", site=site, feed=context), RSS, CACHE_FEED)


def site_feed(site: SiteConfig, latest: list[Article]) -> SiteObject:
    return feed(site, latest[:FEED_SIZE], title=site.name, link_path="/", self_path="/feed.xml")


def scope_feed(site: SiteConfig, scope: Scope, name: str, latest: list[Article]) -> SiteObject:
    return feed(
        site,
        latest[:TAG_FEED_SIZE],
        title=f"{site.name}: {name}",
        link_path=scope_path(scope),
        self_path=scope_feed_path(scope),
    )


def tag_feed(site: SiteConfig, tag: str, name: str, latest: list[Article]) -> SiteObject:
    return scope_feed(site, Scope.tag(tag), name, latest)


def corrections_page(site: SiteConfig, entries: list[CorrectionEntry]) -> SiteObject:
    """Every recent correction, clarification and editor's note, newest first, linking to its article."""
    items = [
        {
            **_correction_view(e.correction, site),
            "headline": e.article.headline,
            "path": f"{e.article.url}#corrections",
        }
        for e in entries
    ]
    page = {
        "title": "Corrections and clarifications",
        "heading": "Corrections and clarifications",
        "canonical": site.url + CORRECTIONS_PATH,
        "feed_path": CORRECTIONS_FEED_PATH,
        "entries": items,
        "meta": structured_data.listing_meta(
            site,
            CORRECTIONS_PATH,
            title="Corrections and clarifications",
            description=f"Every correction, clarification and editor's note from {site.name}, newest first.",
        ),
    }
    body = _render("corrections.html", site=site, page=page)
    return SiteObject(page_key(CORRECTIONS_PATH), body, HTML, CACHE_LISTING)


def corrections_feed(site: SiteConfig, entries: list[CorrectionEntry]) -> SiteObject:
    items = []
    for e in entries:
        c, a = e.correction, e.article
        url = f"{site.url}{a.url}#corrections"
        items.append(
            {
                "headline": _xml_text(f"{c.type.label}: {a.headline}"),
                "url": url,
                "guid": f"{site.url}{a.url}#{a.id}-{_w3c(c.issued_at)}",
                "pub_date": format_datetime(c.issued_at.astimezone(dt.UTC), usegmt=True),
                "authors": [],
                "tags": [],
                "summary": str(escape(_xml_text(c.text))),
            }
        )
    last = max((e.correction.issued_at for e in entries), default=None)
    title = f"{site.name}: corrections and clarifications"
    context = {
        "title": _xml_text(title),
        "link": site.url + CORRECTIONS_PATH,
        "description": str(escape(_xml_text(f"Corrections and clarifications from {site.name}"))),
        "self_url": site.url + CORRECTIONS_FEED_PATH,
        "last_build": format_datetime(last.astimezone(dt.UTC), usegmt=True) if last else None,
        "entries": items,
    }
    body = _render("feed.xml", site=site, feed=context)
    return SiteObject(CORRECTIONS_FEED_PATH.lstrip("/"), body, RSS, CACHE_FEED)


def _w3c(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def sitemap_shard(
    site: SiteConfig, year: int, month: int, items: list[Article], number: int = 1
) -> SiteObject:
    """Shard `number` of the month's sitemap (`items`: the whole month, newest first), oldest first."""
    shown = _slice(items, number, SITEMAP_SHARD_SIZE)[::-1]
    urls = [{"loc": site.url + a.url, "lastmod": _w3c(a.updated_at)} for a in shown if a.url]
    key = shard_path(year, month, number).lstrip("/")
    return SiteObject(key, _render("sitemap.xml", urls=urls), XML, CACHE_FEED)


def sitemap_month(site: SiteConfig, year: int, month: int, items: list[Article]) -> list[SiteObject]:
    """Every sitemap shard of a month (at least one, so a listed month never points nowhere)."""
    shards = max(1, sitemap_shards(len(items)))
    return [sitemap_shard(site, year, month, items, n) for n in range(1, shards + 1)]


def sitemap_index(
    site: SiteConfig, months: list[tuple[int, int]], counts: dict[tuple[int, int], int] | None = None
) -> SiteObject:
    """Every shard of every month with articles; `counts` gives a month's number of articles (a month
    without a count has one shard)."""
    shards = [
        {"loc": site.url + shard_path(y, m, n)}
        for y, m in months
        for n in range(1, max(1, sitemap_shards((counts or {}).get((y, m), 1))) + 1)
    ]
    return SiteObject("sitemap.xml", _render("sitemap_index.xml", shards=shards), XML, CACHE_FEED)


def news_sitemap(site: SiteConfig, recent: list[Article]) -> SiteObject:
    urls = [
        {"loc": site.url + a.url, "published": _w3c(a.published_at), "title": _xml_text(a.headline)}
        for a in recent[:NEWS_SITEMAP_SIZE]
        if a.url and a.published_at
    ]
    return SiteObject("news-sitemap.xml", _render("news_sitemap.xml", site=site, urls=urls), XML, CACHE_FEED)


def robots(site: SiteConfig) -> SiteObject:
    return SiteObject("robots.txt", _render("robots.txt", site=site), TEXT, CACHE_FEED)


def not_found_page(site: SiteConfig) -> SiteObject:
    body = _render("404.html", site=site, meta=structured_data.not_found_meta(site))
    return SiteObject("404.html", body, HTML, CACHE_ERROR)
