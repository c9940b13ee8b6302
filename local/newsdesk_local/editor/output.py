"""Human-readable output of the editor commands: aligned columns, times in the site's zone."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

HEADLINE_WIDTH = 60
COMMENT_WIDTH = 50


def local_time(value: str | None, tz: ZoneInfo) -> str:
    """An API time (ISO 8601 with an offset) in the site's zone, to the minute; '-' for none."""
    if not value:
        return "-"
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")


def shorten(text: str, width: int) -> str:
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the last column is not padded."""
    all_rows = [list(headers), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in all_rows) for i in range(len(headers))]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def fields(pairs: Sequence[tuple[str, str]]) -> str:
    """`name:  value` lines with the values aligned; a multi-line value is indented under its first line."""
    width = max((len(name) for name, _ in pairs), default=0) + 1
    lines = []
    for name, value in pairs:
        first, *rest = (value or "-").splitlines() or ["-"]
        lines.append(f"{name + ':':<{width}}  {first}")
        lines.extend(" " * (width + 2) + line for line in rest)
    return "\n".join(lines)


def articles_table(items: Sequence[dict[str, Any]], tz: ZoneInfo) -> str:
    if not items:
        return "No articles."
    rows = [
        [
            a["id"],
            a["status"],
            str(a["version"]),
            local_time(a.get("publish_at") if a["status"] == "scheduled" else a.get("updated_at"), tz),
            a["slug"],
            shorten(a["headline"], HEADLINE_WIDTH),
        ]
        for a in items
    ]
    return table(["ID", "STATUS", "VERSION", "UPDATED / DUE", "SLUG", "HEADLINE"], rows)


def article_summary(article: dict[str, Any]) -> str:
    """One line for a saved article: id, slug, status and version."""
    return table(
        ["ID", "SLUG", "STATUS", "VERSION"],
        [[article["id"], article["slug"], article["status"], str(article["version"])]],
    )


def public_url(article: dict[str, Any], site_url: str) -> str:
    return f"{site_url.rstrip('/')}{article['url']}" if article.get("url") else "-"


def article_detail(article: dict[str, Any], tz: ZoneInfo, site_url: str) -> str:
    render = article.get("render") or {}
    image = article.get("image")
    pairs = [
        ("id", article["id"]),
        ("headline", article["headline"]),
        ("slug", article["slug"]),
        ("status", article["status"]),
        ("version", str(article["version"])),
        ("url", public_url(article, site_url)),
        ("summary", article.get("summary") or "-"),
        ("authors", ", ".join(article.get("authors") or []) or "-"),
        ("tags", ", ".join(t["name"] for t in article.get("tags") or []) or "-"),
        ("section", article.get("section") or "-"),
        ("source", article.get("source") or "-"),
        ("dateline", article.get("dateline") or "-"),
        ("image", f"{image['url']} ({image['alt']})" if image else "-"),
        ("created", local_time(article.get("created_at"), tz)),
        ("updated", local_time(article.get("updated_at"), tz)),
        ("published", local_time(article.get("published_at"), tz)),
    ]
    pairs += [
        (label, local_time(article.get(key), tz))
        for key, label in (
            ("publish_at", "publish at"),
            ("embargo_until", "embargo until"),
            ("expire_at", "expires"),
        )
        if article.get(key)
    ]
    if render:
        receipt = render["state"]
        if render.get("version") is not None:
            receipt += f" (version {render['version']}, {local_time(render.get('rendered_at'), tz)})"
        pairs.append(("render", receipt))
        if render["state"] == "live":
            pairs.append(("live since", local_time(render.get("rendered_at"), tz)))
            pairs.append(("on the CDN", _on_the_cdn(render, article.get("url"), tz)))
        if render.get("error"):
            pairs.append(("render error", render["error"]))
    for correction in article.get("corrections") or []:
        pairs.append(
            (
                correction["type"].replace("_", " "),
                f"{local_time(correction['issued_at'], tz)}: {correction['text']}",
            )
        )
    return fields(pairs)


def _on_the_cdn(render: dict[str, Any], url: str | None, tz: ZoneInfo) -> str:
    """When readers see what the render changed: at once for the paths the CDN was told to drop, the
    others once the CDN's copies expire (`live_within` seconds after the render)."""
    within = int(render.get("live_within") or 0)
    invalidated = url is not None and url in (render.get("invalidated") or [])
    page = "the article page at once (invalidated)" if invalidated else ""
    rendered = render.get("rendered_at")
    if within <= 0 or not rendered:
        return page or "every page at once"
    try:
        by = (dt.datetime.fromisoformat(rendered) + dt.timedelta(seconds=within)).isoformat()
    except ValueError:
        return page or "every page at once"
    which = "every other page" if page else "every page"
    others = f"{which} by {local_time(by, tz)} (the CDN's copies expire within {within} s)"
    return f"{page}; {others}" if page else others


def revisions_table(listing: dict[str, Any], tz: ZoneInfo) -> str:
    rows = [
        [
            str(r["version"]) + (" *" if r.get("current") else ""),
            local_time(r["saved_at"], tz),
            r["status"],
            shorten(r["headline"], HEADLINE_WIDTH),
        ]
        for r in listing["items"]
    ]
    return table(["VERSION", "SAVED", "STATUS", "HEADLINE"], rows) + "\n(* the current version)"


def revision_detail(revision: dict[str, Any], tz: ZoneInfo, *, diff: bool) -> str:
    article = revision["article"]
    pairs = [
        ("version", f"{revision['version']} of {revision['current_version']}"),
        ("saved", local_time(revision["saved_at"], tz)),
        ("headline", article["headline"]),
        ("status", article["status"]),
        ("summary", article.get("summary") or "-"),
        ("changed since", ", ".join(c["field"] for c in revision["changes"]) or "nothing"),
    ]
    text = fields(pairs)
    if diff:
        for change in revision["changes"]:
            text += "\n\n" + change["diff"].rstrip("\n")
    else:
        text += "\n\n" + article["body"].rstrip("\n")
    return text


def comments_table(items: Sequence[dict[str, Any]], tz: ZoneInfo) -> str:
    if not items:
        return "No comments."
    rows = [
        [
            c["id"],
            c["status"],
            c["article_id"],
            local_time(c["created_at"], tz),
            shorten(c["name"], 24),
            shorten(c["body"], COMMENT_WIDTH),
        ]
        for c in items
    ]
    return table(["ID", "STATUS", "ARTICLE", "SENT", "NAME", "COMMENT"], rows)


def moderation_table(results: Sequence[dict[str, Any]]) -> str:
    rows = [
        [
            r["id"],
            str(r["status"]),
            (r.get("comment") or {}).get("status") or r.get("detail") or "",
        ]
        for r in results
    ]
    return table(["ID", "HTTP", "RESULT"], rows)
