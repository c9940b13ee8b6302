"""Revisions: every saved version of an article is kept (by the store, in the transaction that saves it);
list them, show one with what differs from the current version, and restore one as a new version."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

from newsdesk.articles.errors import ArticleNotFound, RevisionNotFound, VersionConflict
from newsdesk.articles.models import Article, Revision, RevisionPage, material_change
from newsdesk.articles.ports import RevisionRepository
from newsdesk.articles.service import validated
from newsdesk.clock import Clock, utc_now

# What a restore brings back: the words and the metadata. The slug (the article's address), its status,
# its dates and its corrections (a public record) stay as they are now.
RESTORED_FIELDS = ("headline", "summary", "body", "authors", "source", "dateline", "section", "tags", "image")
# What a diff compares: the restored fields, and the address and state of the version.
COMPARED_FIELDS = ("slug", *RESTORED_FIELDS, "status", "corrections")


@dataclass(frozen=True)
class FieldDiff:
    """A field that differs between a saved version and the current one: a unified diff of its text."""

    field: str
    diff: str


@dataclass(frozen=True)
class RevisionView:
    """A saved version, the current version of its article, and what differs between them."""

    revision: Revision
    current: Article
    changes: list[FieldDiff]


def _current(repo: RevisionRepository, article_id: str) -> Article:
    article = repo.get(article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def list_revisions(
    repo: RevisionRepository, article_id: str, *, limit: int, cursor: str | None
) -> tuple[Article, RevisionPage]:
    """The current article, and one page of its saved versions, newest first."""
    current = _current(repo, article_id)
    return current, repo.list_revisions(article_id, limit, cursor)


def _revision(repo: RevisionRepository, current: Article, version: int) -> Revision:
    revision = repo.get_revision(current.id, version)
    if revision is not None:
        return revision
    if version == current.version:  # saved before revisions were kept: the article is its own revision
        return Revision.model_construct(article=current, saved_at=current.updated_at)
    raise RevisionNotFound(current.id, version)


def show_revision(repo: RevisionRepository, article_id: str, version: int) -> RevisionView:
    current = _current(repo, article_id)
    revision = _revision(repo, current, version)
    return RevisionView(revision=revision, current=current, changes=diff(revision.article, current))


def restore_revision(
    repo: RevisionRepository,
    article_id: str,
    version: int,
    *,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> Article:
    """Bring back a saved version's words and metadata as a new version of the article (a restore is
    itself a revision). Conditional on `expected_version` being the current one (None: the one read)."""
    current = _current(repo, article_id)
    if expected_version is not None and expected_version != current.version:
        raise VersionConflict(article_id, expected_version)
    saved = _revision(repo, current, version).article
    now = clock()
    words = {name: getattr(saved, name) for name in RESTORED_FIELDS}
    if material_change(current, words):
        words["revised_at"] = now
    restored = validated({**current.model_dump(), **words, "updated_at": now, "version": current.version + 1})
    repo.save(restored, current)
    return restored


# ----- diffs ---------------------------------------------------------------------------------------


def _lines(value: Any) -> list[str]:
    """A field's value as lines of text, for difflib."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    if isinstance(value, list):
        return [item if isinstance(item, str) else _text(item) for item in value]
    return [_text(value)]


def _text(value: Any) -> str:
    data = value.model_dump(mode="json") if hasattr(value, "model_dump") else value
    return (
        json.dumps(data, ensure_ascii=False, sort_keys=True) if isinstance(data, dict | list) else str(data)
    )


def diff(old: Article, new: Article) -> list[FieldDiff]:
    """Each compared field whose value differs from `old` (a saved version) to `new` (the current one), as a
    unified diff from `field@v{old}` to `field@v{new}`."""
    changes: list[FieldDiff] = []
    for name in COMPARED_FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        lines = difflib.unified_diff(
            _lines(before),
            _lines(after),
            fromfile=f"{name}@v{old.version}",
            tofile=f"{name}@v{new.version}",
            lineterm="",
        )
        changes.append(FieldDiff(field=name, diff="\n".join(lines)))
    return changes
