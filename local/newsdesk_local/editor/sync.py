"""Saving Markdown files as articles: create, or update only what changed, then schedule.

An article is found by the file's `id`, else by its slug (the file's `slug`, or for `import` the file's
name). Updates send If-Match with the ETag of a fresh read, so a change made by someone else in between is
refused (412) rather than overwritten.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from newsdesk_local.editor.client import Answer, ApiProblem, EditorClient
from newsdesk_local.editor.markdown_files import ArticleFile

Action = Literal["created", "updated", "unchanged"]
SlugLookup = Callable[[str], str | None]

_STALE = "someone else changed the article since it was read; run the command again to update the new version"


@dataclass(frozen=True)
class Saved:
    action: Action
    article: dict[str, Any]
    found_by: Literal["id", "slug"] | None = None
    scheduled: bool = False


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def content_changes(file: ArticleFile, article: dict[str, Any]) -> dict[str, Any]:
    """The PATCH body that makes the article's content what the file says (empty: nothing to change)."""
    current = {
        "headline": article["headline"],
        "body": article["body"],
        "summary": article.get("summary") or "",
        "authors": list(article.get("authors") or []),
        "tags": [t["name"] for t in article.get("tags") or []],
        "source": article.get("source"),
        "dateline": article.get("dateline"),
        "section": article.get("section"),
        "image": article.get("image"),
        "slug": article["slug"],
    }
    wanted = dict(file.content)
    if not file.slug:
        wanted.pop("slug", None)
    changes: dict[str, Any] = {}
    for key, value in wanted.items():
        now: Any = current.get(key)
        if key == "tags":
            same = [v.casefold() for v in value] == [v.casefold() for v in now]
        elif key == "image" and value is not None and now is not None and value.get("media"):
            # An uploaded image: the article keeps its own alt text and caption unless the file gives them.
            same = value["media"] == now.get("media_id") and all(
                value.get(k) is None or value.get(k) == now.get(k) for k in ("alt", "caption")
            )
        elif key == "image" and value is not None and now is not None:
            same = {k: value.get(k) for k in ("url", "alt", "caption")} == {
                k: now.get(k) for k in ("url", "alt", "caption")
            }
        else:
            same = value == now
        if not same:
            changes[key] = value
    return changes


def time_changes(file: ArticleFile, article: dict[str, Any], *, scheduling: bool) -> dict[str, Any]:
    """The embargo and expiry the file names, where they differ (an expiry goes with the schedule when
    the file schedules a publish)."""
    changes: dict[str, Any] = {}
    for key in ("embargo_until", "expire_at"):
        if key not in file.times or (key == "expire_at" and scheduling):
            continue
        if file.times[key] != _moment(article.get(key)):
            changes[key] = _iso(file.times[key])
    return changes


def find(client: EditorClient, file: ArticleFile, slug: str | None, by_slug: SlugLookup) -> Answer | None:
    """The article the file names (a fresh read, with its ETag): by id, else by slug; None for a new one."""
    if file.id:
        try:
            return client.article(file.id)
        except ApiProblem as problem:
            if problem.status == 404:
                raise problem.with_detail(
                    f"no article has the id {file.id} that the file names; remove its `id:` line to create "
                    "the article again"
                ) from None
            raise
    article_id = by_slug(slug) if slug else None
    return client.article(article_id) if article_id else None


def save(
    client: EditorClient,
    file: ArticleFile,
    *,
    now: dt.datetime,
    by_slug: SlugLookup,
    default_slug: str | None = None,
    create_only: bool = False,
) -> Saved:
    """Create or update the file's article, then schedule it if its publish_at is in the future."""
    slug = file.slug or default_slug
    existing = None if create_only else find(client, file, slug, by_slug)
    publish_at = file.publish_at if file.publish_at and file.publish_at > now else None
    if existing is None:
        answer = client.create_article(file.create_body(default_slug))
        action: Action = "created"
        found_by: Literal["id", "slug"] | None = None
    else:
        answer = existing
        found_by = "id" if file.id else "slug"
        action = "unchanged"
        changes = content_changes(file, answer.body)
        if changes:
            answer = _patch(client, answer, changes)
            action = "updated"
    article = answer.body
    times = time_changes(file, article, scheduling=publish_at is not None)
    if times:
        answer = _patch(client, answer, times)
        article = answer.body
        action = "updated" if action == "unchanged" else action
    scheduled = False
    if publish_at is not None:
        expire_at = file.times.get("expire_at")
        already = (
            article["status"] == "scheduled"
            and _moment(article.get("publish_at")) == publish_at
            and _moment(article.get("expire_at")) == expire_at
        )
        if not already:
            article = client.schedule(article["id"], publish_at.isoformat(), _iso(expire_at)).body
            scheduled = True
            action = "updated" if action == "unchanged" else action
    return Saved(action=action, article=article, found_by=found_by, scheduled=scheduled)


def _patch(client: EditorClient, read: Answer, changes: dict[str, Any]) -> Answer:
    article = read.body
    try:
        return client.patch_article(article["id"], changes, read.etag or f'"{article["version"]}"')
    except ApiProblem as problem:
        if problem.status == 412:
            raise problem.with_detail(_STALE) from None
        raise
