"""Newsdesk's renderer against Hugo, side by side: the same 1,000 Markdown articles and pages, one core.

The site: 1,000 articles of about 1,000 words of Markdown each (headings, lists, links, emphasis, a quote),
generated deterministically (`random.Random` with fixed seeds), each with 3 of 30 tags, spread over the 12
months of 2026. Both renderers get the same text and produce the same set of pages:

* one page per article;
* the home page (the newest 20);
* one page per tag (its newest 20);
* the month archive, in pages of 20 (Newsdesk: the pages of `pages.month_archive`; Hugo: an `archive`
  taxonomy term per month, paginated by 20).

Hugo (the Debian package's `hugo`) builds the whole site in a fresh process per run, with `--renderToMemory`
(no disk writes: Newsdesk's pages stay in memory too), pinned to one core with `taskset`. Its time includes
starting up and reading the Markdown files, as a run of a site generator does.

Newsdesk renders in this process with no AWS I/O, pinned to the same core with `os.sched_setaffinity`: the
articles are built as the renderer reads them from the table, i.e. as saved, with the body's sanitised HTML
made once at save time (`newsdesk.site.markdown.with_rendered_body`, the work the editor API does when it
stores a version). That save-time work is reported on its own line, per article, and so is a render that
makes every body from scratch ("cold"), so nothing is hidden.

The machine is shared: each side is run BENCH_HUGO_REPEATS times (default 5), interleaved, and the best run
of each is reported (the least disturbed). `BENCH_HUGO_ARTICLES` changes the site's size.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from bench import CACHE_DIR, Result

if TYPE_CHECKING:
    from newsdesk.articles.models import Article
    from newsdesk.site.pages import SiteConfig

ARTICLES = int(os.environ.get("BENCH_HUGO_ARTICLES", "1000"))
REPEATS = int(os.environ.get("BENCH_HUGO_REPEATS", "5"))
COLD_REPEATS = min(REPEATS, 2)
TAGS = 30
TAGS_PER_ARTICLE = 3
YEAR = 2026
LISTING_SIZE = 20
SITE_URL = "https://news.example.com"
TZ = ZoneInfo("UTC")
WORK_DIR = CACHE_DIR / "hugo"

_TEXT = (
    "the council said on monday that the new budget would fund schools roads and clinics across the "
    "district while opposition members argued that the plan relied on optimistic revenue forecasts and "
    "left rural areas behind officials expect the first projects to start in spring after a public "
    "consultation residents raised concerns about traffic water supply and the cost of housing near the "
    "river where several families were moved last year"
)
_VOCABULARY = _TEXT.split()


# ----- the site ---------------------------------------------------------------------------------------


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_VOCABULARY) for _ in range(rng.randint(10, 22))]
    if rng.random() < 0.2:
        i = rng.randrange(len(words))
        words[i] = f"*{words[i]}*"
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        words[i] = f"**{words[i]}**"
    return " ".join(words).capitalize() + "."


def article_body(i: int, words: int = 1000) -> str:
    """About `words` words of Markdown, different for every `i`, the same on every run."""
    rng = random.Random(i)
    parts: list[str] = []
    count = 0
    while count < words:
        n = len(parts)
        if n == 3:
            parts.append("## What happens next")
        elif n == 6:
            parts.append("\n".join(f"- {_sentence(rng)}" for _ in range(4)))
        elif n == 9:
            parts.append("> " + _sentence(rng))
        text = " ".join(_sentence(rng) for _ in range(rng.randint(3, 5)))
        if n % 4 == 1:
            text += f" Read the [full report](https://example.org/reports/{i}/{n}) for details."
        parts.append(text)
        count += len(text.split())
    return "\n\n".join(parts)


def site_articles() -> list[Article]:
    """The site's articles, oldest first, as the renderer would read them (bodies not yet made HTML)."""
    from newsdesk.articles.models import Article, ArticleStatus, Tag, public_path

    names = [f"Topic {t:02d}" for t in range(TAGS)]
    tags = [Tag.from_name(n) for n in names]
    start = dt.datetime(YEAR, 1, 1, 6, tzinfo=dt.UTC)
    span = dt.datetime(YEAR + 1, 1, 1, tzinfo=dt.UTC) - start - dt.timedelta(hours=12)
    articles = []
    for i in range(ARTICLES):
        published = (start + span * (i / ARTICLES)).replace(microsecond=0)
        rng = random.Random(10_000 + i)
        slug = f"story-{i:04d}"
        articles.append(
            Article(
                id=f"01J{i:023d}",
                slug=slug,
                headline=f"Story {i}: council sets out the budget for schools and roads",
                summary="The district's plan funds schools, roads and clinics; critics doubt its forecasts.",
                body=article_body(i),
                authors=["Asha Menon"],
                tags=[tags[t] for t in sorted(rng.sample(range(TAGS), TAGS_PER_ARTICLE))],
                status=ArticleStatus.PUBLISHED,
                created_at=published - dt.timedelta(hours=1),
                updated_at=published,
                published_at=published,
                version=2,
                url=public_path(slug, published, TZ),
            )
        )
    return articles


def site_config() -> SiteConfig:
    from newsdesk.site.pages import SiteConfig

    return SiteConfig(name="Newsdesk", url=SITE_URL, tz=TZ, language="en")


# ----- Newsdesk -----------------------------------------------------------------------------------------


def newsdesk_site(site: SiteConfig, articles: list[Article]) -> int:
    """Render the page set from `articles` (oldest first); returns the number of pages."""
    from newsdesk.site import pages

    newest = articles[::-1]
    months = sorted({pages.month_of(a.published_at, TZ) for a in articles if a.published_at}, reverse=True)
    count = 0
    for article in articles:
        pages.article_page(site, article)
        count += 1
    pages.home_page(site, newest[:LISTING_SIZE], months)
    count += 1
    by_tag: dict[str, list[Article]] = {}
    by_month: dict[tuple[int, int], list[Article]] = {}
    for article in newest:
        assert article.published_at is not None
        for tag in article.tags:
            by_tag.setdefault(tag.slug, []).append(article)
        by_month.setdefault(pages.month_of(article.published_at, TZ), []).append(article)
    for slug, items in by_tag.items():
        pages.tag_page(site, slug, items[0].tags[0].name, items[:LISTING_SIZE], months)
        count += 1
    for (year, month), items in by_month.items():
        count += len(pages.month_archive(site, year, month, items))
    return count


@contextmanager
def one_core(cpu: int) -> Iterator[None]:
    saved = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {cpu})
    try:
        yield
    finally:
        os.sched_setaffinity(0, saved)


def saved(articles: list[Article]) -> tuple[list[Article], float]:
    """The articles as the table holds them after their last save, and the seconds the save-time work took."""
    from newsdesk.site.markdown import with_rendered_body

    started = time.perf_counter()
    stored = [with_rendered_body(a) for a in articles]
    return stored, time.perf_counter() - started


# ----- Hugo ----------------------------------------------------------------------------------------------

_HUGO_CONFIG = f"""\
baseURL = "{SITE_URL}/"
languageCode = "en"
title = "Newsdesk"
disableKinds = ["taxonomy", "section", "RSS", "sitemap", "robotsTXT", "404"]
paginate = {LISTING_SIZE}
timeZone = "UTC"
ignoreErrors = ["error-disable-taxonomy"]
buildFuture = true
[taxonomies]
  tag = "tags"
  month = "archive"
[permalinks]
  posts = "/:year/:month/:day/:slug/"
[markup.goldmark.renderer]
  unsafe = false
[markup.goldmark.extensions]
  typographer = true
  table = true
  strikethrough = true
"""

THEME_DIR = Path(__file__).resolve().parent / "hugo_site" / "layouts"


def write_hugo_site(root: Path, articles: list[Article]) -> None:
    if root.exists():
        shutil.rmtree(root)
    (root / "content" / "posts").mkdir(parents=True)
    (root / "config.toml").write_text(_HUGO_CONFIG, encoding="utf-8")
    shutil.copytree(THEME_DIR, root / "layouts")
    for article in articles:
        assert article.published_at is not None
        tags = ", ".join(f'"{t.name}"' for t in article.tags)
        front = (
            "+++\n"
            f'title = "{article.headline}"\n'
            f'slug = "{article.slug}"\n'
            f"date = {article.published_at.isoformat()}\n"
            f'summary = "{article.summary}"\n'
            f'authors = ["{article.authors[0]}"]\n'
            f"tags = [{tags}]\n"
            f'archive = ["{article.published_at:%B %Y}"]\n'
            "+++\n\n"
        )
        (root / "content" / "posts" / f"{article.slug}.md").write_text(front + article.body, encoding="utf-8")


def _hugo(hugo: str, root: Path, cpu: int, *options: str) -> str:
    command = ["taskset", "-c", str(cpu), hugo, "--source", str(root), "--ignoreCache", *options]
    env = {**os.environ, "HUGO_CACHEDIR": str(root / ".cache")}
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return out.stdout


def hugo_pages(hugo: str, root: Path, cpu: int) -> int:
    """The pages Hugo renders for the site (its own count: pages and paginator pages, not the redirect
    stubs it writes for the first page of each paginated list)."""
    stats = _hugo(hugo, root, cpu, "--destination", str(root / "public"))
    counts = dict(re.findall(r"^\s*(Pages|Paginator pages)\s*\|\s*(\d+)", stats, re.MULTILINE))
    return int(counts["Pages"]) + int(counts.get("Paginator pages", 0))


def hugo_build(hugo: str, root: Path, cpu: int) -> float:
    started = time.perf_counter()
    _hugo(hugo, root, cpu, "--quiet", "--renderToMemory")
    return time.perf_counter() - started


def _hugo_version(hugo: str) -> str:
    out = subprocess.run([hugo, "version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


# ----- the comparison ------------------------------------------------------------------------------------


def run() -> list[Result]:
    site = site_config()
    articles = site_articles()
    cpu = max(os.sched_getaffinity(0))
    hugo = shutil.which("hugo")

    with one_core(cpu):
        stored, save_seconds = saved(articles)
        newsdesk_site(site, stored)  # warm up: templates compiled, Markdown parser built
    pages_made = 0
    newsdesk_runs: list[float] = []
    cold_runs: list[float] = []
    hugo_runs: list[float] = []
    pages_hugo = 0
    root = WORK_DIR / "site"
    if hugo:
        write_hugo_site(root, articles)
        pages_hugo = hugo_pages(hugo, root, cpu)
    for _ in range(REPEATS):
        with one_core(cpu):
            started = time.perf_counter()
            pages_made = newsdesk_site(site, stored)
            newsdesk_runs.append(time.perf_counter() - started)
        if hugo:
            hugo_runs.append(hugo_build(hugo, root, cpu))
    from newsdesk.site import markdown

    for _ in range(COLD_REPEATS):
        with one_core(cpu):
            markdown.forget_cached_bodies()
            started = time.perf_counter()
            newsdesk_site(site, articles)
            cold_runs.append(time.perf_counter() - started)

    newsdesk_ms = min(newsdesk_runs) * 1000 / pages_made
    cold_ms = min(cold_runs) * 1000 / pages_made
    details: dict[str, Any] = {
        "articles": ARTICLES,
        "pages": pages_made,
        "cpu": cpu,
        "runs_seconds": [round(s, 4) for s in newsdesk_runs],
        "load_average": os.getloadavg(),
    }
    results = [
        Result(
            "Newsdesk render, ms per page",
            newsdesk_ms,
            "ms",
            comment=f"best of {REPEATS}, {pages_made:,} pages, one core, in process, bodies stored as HTML",
            details=details,
        ),
        Result(
            "Newsdesk save-time body HTML, ms per article",
            save_seconds * 1000 / len(articles),
            "ms",
            comment="Markdown → sanitised HTML, once per saved version (editor API), one run",
        ),
        Result(
            "Newsdesk render from Markdown, ms per page",
            cold_ms,
            "ms",
            comment=f"best of {COLD_REPEATS}, every body made from Markdown at render time (no stored HTML)",
        ),
    ]
    if not hugo:
        results.append(
            Result(
                "Hugo comparison skipped",
                0,
                "",
                comment="`hugo` is not on PATH: install it (Debian: sudo apt-get install -y hugo)",
            )
        )
        return results
    hugo_ms = min(hugo_runs) * 1000 / pages_hugo
    results += [
        Result(
            "Hugo build, ms per page",
            hugo_ms,
            "ms",
            comment=f"best of {REPEATS}, {pages_hugo:,} pages, one core, --renderToMemory",
            details={"runs_seconds": [round(s, 4) for s in hugo_runs], "version": _hugo_version(hugo)},
        ),
        Result(
            "Newsdesk / Hugo, per page",
            newsdesk_ms / hugo_ms,
            "x",
            target=1.0,
            comment="below 1: Newsdesk renders a page faster than Hugo (same articles, same core)",
        ),
    ]
    return results


if __name__ == "__main__":
    for result in run():
        print(f"{result.name}: {result.value:.3g} {result.unit}  {result.comment}")
