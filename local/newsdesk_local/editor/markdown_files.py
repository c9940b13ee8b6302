"""Articles as Markdown files with YAML front matter.

    ---
    headline: Ferry service resumes after repairs
    summary: The river ferry is back after six weeks in dry dock.
    tags: [Transport, River]
    authors: [A. Reporter]
    source: City Wire
    dateline: RIVERTON
    section: Local
    image: {url: "https://img.example/ferry.jpg", alt: The ferry at the pier, caption: Back in service}
    publish_at: 2027-01-05T07:00:00+05:30
    ---
    The body, in **Markdown**.

Optional keys: `slug`, `expire_at`, `embargo_until`, and `id` (written back by `newsdesk new` and
`newsdesk push`, so the next push updates the same article). Any other key is refused before a request is
sent. Times are ISO 8601 with an offset.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CONTENT_KEYS = ("headline", "summary", "tags", "source", "dateline", "authors", "section", "image", "slug")
TIME_KEYS = ("publish_at", "expire_at", "embargo_until")
KNOWN_KEYS = frozenset(("id", *CONTENT_KEYS, *TIME_KEYS))
IMAGE_KEYS = frozenset(("url", "media", "alt", "caption"))
_DELIMITER = re.compile(r"^---[ \t]*\r?\n")
_ID_LINE = re.compile(r"^id[ \t]*:.*$", re.MULTILINE)


class FrontMatterError(ValueError):
    """A file that cannot become an article; nothing was sent for it."""

    def __init__(self, path: Path | None, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


@dataclass(frozen=True)
class ArticleFile:
    """What a file says an article is. `content` holds the fields of a new draft (ArticleCreate) that
    the file gives, `times` the time keys the file names (None: clear it)."""

    path: Path | None
    content: dict[str, Any]
    id: str | None = None
    times: dict[str, dt.datetime | None] = field(default_factory=dict)

    @property
    def slug(self) -> str | None:
        slug = self.content.get("slug")
        return str(slug) if slug else None

    @property
    def publish_at(self) -> dt.datetime | None:
        return self.times.get("publish_at")

    def create_body(self, slug: str | None = None) -> dict[str, Any]:
        """The body of POST /api/articles; `slug` when the file gives none."""
        body = {k: v for k, v in self.content.items() if v is not None and k != "slug"}
        if self.slug or slug:
            body["slug"] = self.slug or slug
        return body


def read_article_file(path: Path) -> ArticleFile:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrontMatterError(path, f"cannot be read ({exc})") from None
    return parse_article(text, path)


def parse_article(text: str, path: Path | None = None) -> ArticleFile:
    if not _DELIMITER.match(text):
        raise FrontMatterError(path, "has no front matter (a first line of `---`, then `headline: ...`)")
    import frontmatter

    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise FrontMatterError(path, f"front matter is not valid YAML: {exc}") from None
    meta: Mapping[str, Any] = post.metadata
    unknown = sorted(str(k) for k in meta if k not in KNOWN_KEYS)
    if unknown:
        raise FrontMatterError(
            path,
            f"unknown front matter key {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})",
        )
    headline = _text(path, meta, "headline")
    if not headline:
        raise FrontMatterError(path, "front matter has no headline")
    body = post.content
    if not body.strip():
        raise FrontMatterError(path, "has no body after the front matter")
    content: dict[str, Any] = {
        "headline": headline,
        "body": body,
        "summary": _text(path, meta, "summary") or "",
        "authors": _names(path, meta, "authors"),
        "tags": _names(path, meta, "tags"),
        "source": _text(path, meta, "source"),
        "dateline": _text(path, meta, "dateline"),
        "section": _text(path, meta, "section"),
        "image": _image(path, meta.get("image")),
    }
    if meta.get("slug") is not None:
        content["slug"] = _text(path, meta, "slug")
    times = {key: _moment(path, key, meta[key]) for key in TIME_KEYS if key in meta}
    return ArticleFile(path=path, content=content, id=_text(path, meta, "id"), times=times)


def remember_id(path: Path, article_id: str) -> None:
    """Write `id: ARTICLE_ID` into the file's front matter (first key; an existing id line is replaced),
    leaving every other line as it was."""
    text = path.read_text(encoding="utf-8")
    opening = _DELIMITER.match(text)
    if not opening:
        raise FrontMatterError(path, "has no front matter to write the article id into")
    head_end = text.find("\n---", opening.end() - 1)
    head = text[opening.end() : head_end + 1] if head_end >= 0 else ""
    if _ID_LINE.search(head):
        head = _ID_LINE.sub(f"id: {article_id}", head, count=1)
    else:
        head = f"id: {article_id}\n" + head
    rest = text[head_end + 1 :] if head_end >= 0 else text[opening.end() :]
    path.write_text(text[: opening.end()] + head + rest, encoding="utf-8")


def _text(path: Path | None, meta: Mapping[str, Any], key: str) -> str | None:
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise FrontMatterError(path, f"{key!r} must be text, not {type(value).__name__}")
    return str(value).strip()


def _names(path: Path | None, meta: Mapping[str, Any], key: str) -> list[str]:
    value = meta.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise FrontMatterError(path, f"{key!r} must be a list of names")
    return [str(v).strip() for v in value]


def _image(path: Path | None, value: Any) -> dict[str, str | None] | None:
    """An image by its url (with alt text), or an uploaded one by its media id (`newsdesk media upload`)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise FrontMatterError(
            path, "'image' must be a mapping with url and alt (or media), and an optional caption"
        )
    unknown = sorted(str(k) for k in value if k not in IMAGE_KEYS)
    if unknown:
        raise FrontMatterError(path, f"unknown image key {unknown[0]!r} (known: alt, caption, media, url)")
    if value.get("media") and value.get("url"):
        raise FrontMatterError(path, "'image' has a url and a media id; give one of them")
    required = ("media",) if value.get("media") else ("url", "alt")
    missing = sorted(k for k in required if not value.get(k))
    if missing:
        raise FrontMatterError(path, f"'image' needs {missing[0]!r}")
    image: dict[str, str | None] = {k: str(value[k]).strip() for k in ("url", "media", "alt") if value.get(k)}
    image["caption"] = str(value["caption"]).strip() if value.get("caption") is not None else None
    return image


def _moment(path: Path | None, key: str, value: Any) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise FrontMatterError(path, f"{key!r} is not an ISO 8601 time: {value!r}") from None
    else:
        raise FrontMatterError(path, f"{key!r} must be a time with an offset, e.g. 2027-01-05T07:00:00+05:30")
    if moment.tzinfo is None:
        raise FrontMatterError(path, f"{key!r} needs an offset, e.g. {moment.isoformat()}+05:30")
    return moment
