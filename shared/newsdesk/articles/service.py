"""Editorial use cases: create, revise, publish, unpublish, delete, list. Each takes its repository."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from ulid import ULID

from newsdesk.articles import models, scheduling, slugs
from newsdesk.articles.errors import ArticleNotFound, InvalidArticle, NoFreeSlug, SlugTaken, VersionConflict
from newsdesk.articles.models import Article, ArticlePage, ArticleStatus, Image, Owner, RenderReceipt
from newsdesk.articles.ports import ArticleRepository
from newsdesk.clock import Clock, utc_now

# A headline's slug that is taken gets the next free numbered variant: up to this many are tried.
MAX_SLUG_ATTEMPTS = 50
# Publishing without If-Match re-reads and retries this many times when a concurrent edit lands first.
_PUBLISH_ATTEMPTS = 3


def new_article_id(at: dt.datetime | None = None) -> str:
    """A ULID: it sorts by the moment of creation (the product's clock), then at random."""
    return str(ULID.from_datetime(at or utc_now()))


def _load(repo: ArticleRepository, article_id: str) -> Article:
    article = repo.get(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def _check_version(article: Article, expected: int | None) -> None:
    if expected is not None and expected != article.version:
        raise VersionConflict(article.id, expected)


def create_article(
    repo: ArticleRepository,
    fields: dict[str, Any],
    *,
    clock: Clock = utc_now,
    new_id: str | None = None,
    created_by: Owner | None = None,
) -> Article:
    """A new draft. An explicit slug that is taken is refused (SlugTaken); a slug derived from the
    headline takes the first free one of `slug`, `slug-2`, `slug-3` ... Each try is the store's one
    conditional create (the claim of the slug and the article in one transaction), so two creates of one
    headline at the same moment both succeed, with distinct slugs. `created_by` owns it (None: nobody)."""
    now = clock()
    explicit = fields.get("slug")
    base = explicit or models.headline_slug(fields["headline"])
    draft = _draft(fields, new_id or new_article_id(now), base, now).model_copy(
        update={"created_by": created_by}
    )
    if explicit:
        repo.create(draft)
        return draft
    for number in range(1, MAX_SLUG_ATTEMPTS + 1):
        article = draft.model_copy(update={"slug": slugs.numbered(base, number)})
        try:
            repo.create(article)
        except SlugTaken:
            continue
        return article
    raise NoFreeSlug(base, MAX_SLUG_ATTEMPTS)


def _draft(fields: dict[str, Any], article_id: str, slug: str, now: dt.datetime) -> Article:
    return Article(
        id=article_id,
        slug=slug,
        headline=fields["headline"],
        summary=fields.get("summary") or "",
        body=fields["body"],
        authors=fields.get("authors") or [],
        source=fields.get("source"),
        dateline=fields.get("dateline"),
        section=fields.get("section"),
        tags=models.dedupe_tags(fields.get("tags") or []),
        image=Image(**fields["image"]) if fields.get("image") else None,
        status=ArticleStatus.DRAFT,
        created_at=now,
        updated_at=now,
        version=1,
    )


def get_article(repo: ArticleRepository, article_id: str) -> Article:
    return _load(repo, article_id)


def get_article_with_receipt(
    repo: ArticleRepository, article_id: str
) -> tuple[Article, RenderReceipt | None]:
    article, receipt = repo.get_with_receipt(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    return article, receipt


_REQUIRED = {"headline", "body"}


def revise_article(
    repo: ArticleRepository,
    article_id: str,
    changes: dict[str, Any],
    *,
    expected_version: int,
    clock: Clock = utc_now,
    guard: Callable[[Article], None] | None = None,
) -> Article:
    """Apply a partial update to the version the editor has seen. `guard` checks that the caller may
    change that version (newsdesk.articles.roles), before anything else is checked."""
    current = _load(repo, article_id)
    _check_version(current, expected_version)
    if guard is not None:
        guard(current)
    for name in _REQUIRED & changes.keys():
        if changes[name] is None:
            raise InvalidArticle(name, f"{name} cannot be removed; it is required.")
    update: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "slug":
            if value is None or value == current.slug:
                continue
            if current.slug_frozen:
                raise InvalidArticle(
                    "slug", "The slug is frozen: the article has been published and its URL must not change."
                )
            update["slug"] = value
        elif name == "tags":
            update["tags"] = models.dedupe_tags(value or [])
        elif name == "authors":
            update["authors"] = value or []
        elif name == "summary":
            update["summary"] = value or ""
        elif name == "image":
            update["image"] = Image(**value) if value else None
        else:
            update[name] = value
    if not update:
        return current
    now = clock()
    if models.material_change(current, update):
        update["revised_at"] = now
    revised = _validated(
        {**current.model_dump(), **update, "updated_at": now, "version": current.version + 1}
    )
    scheduling.check_dates(revised, current)
    repo.save(revised, current)
    return revised


def _validated(values: dict[str, Any]) -> Article:
    """The article, if it keeps every rule. A stored article may break one (a limit tightened since it
    was written): a change that does not repair it is refused, naming the field, and the editor repairs it.
    """
    try:
        return Article.model_validate(values)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or "article"
        raise InvalidArticle(field, f"{field}: {first['msg']}") from None


def delete_article(repo: ArticleRepository, article_id: str, *, expected_version: int | None) -> None:
    current = _load(repo, article_id)
    _check_version(current, expected_version)
    models.ensure_deletable(current)
    repo.delete(current)


def publish_article(
    repo: ArticleRepository,
    article_id: str,
    *,
    site_tz: ZoneInfo,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> Article:
    def publish(article: Article) -> Article:
        published = models.publish(article, clock(), site_tz)
        return _validated(published.model_dump())  # a stored article that breaks a rule is not published

    return _transition(repo, article_id, expected_version, publish)


def unpublish_article(
    repo: ArticleRepository, article_id: str, *, expected_version: int | None, clock: Clock = utc_now
) -> Article:
    return _transition(repo, article_id, expected_version, lambda a: models.unpublish(a, clock()))


def _transition(
    repo: ArticleRepository,
    article_id: str,
    expected_version: int | None,
    change: Callable[[Article], Article],
) -> Article:
    """A status change. With a version it is strict; without one it applies to the latest version."""
    attempts = 1 if expected_version is not None else _PUBLISH_ATTEMPTS
    for attempt in range(1, attempts + 1):
        current = _load(repo, article_id)
        _check_version(current, expected_version)
        changed = change(current)
        try:
            repo.save(changed, current)
        except VersionConflict:
            if attempt == attempts:
                raise
            continue
        return changed
    raise AssertionError("unreachable")  # pragma: no cover


def list_articles(
    repo: ArticleRepository,
    *,
    status: ArticleStatus | None,
    tag: str | None,
    limit: int,
    cursor: str | None,
) -> ArticlePage:
    if tag:
        return repo.list_by_tag(tag, limit, cursor, status)
    if status:
        return repo.list_by_status(status, limit, cursor)
    return repo.list_all(limit, cursor)


# The check every change passes before it is saved (a restore of a revision passes it too).
validated = _validated
