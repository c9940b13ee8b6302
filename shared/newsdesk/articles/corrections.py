"""Corrections, clarifications and editor's notes: appended to a published article, with the time they
were issued, as a new version. They are a public record: never edited, removed or restored away."""

from __future__ import annotations

from newsdesk.articles.errors import ArticleNotFound, InvalidTransition, VersionConflict
from newsdesk.articles.models import Article, Correction, CorrectionType
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.service import validated
from newsdesk.clock import Clock, utc_now

# Without If-Match a correction applies to the latest version: re-read and retry this many times.
_ATTEMPTS = 3


def add_correction(
    repo: ArticleRepository,
    article_id: str,
    type_: CorrectionType,
    text: str,
    *,
    expected_version: int | None,
    clock: Clock = utc_now,
) -> Article:
    """Append a correction to a published article: a new version, revised now (readers see "Updated")."""
    attempts = 1 if expected_version is not None else _ATTEMPTS
    for attempt in range(1, attempts + 1):
        current = repo.get(article_id)
        if current is None:
            raise ArticleNotFound(article_id)
        if expected_version is not None and expected_version != current.version:
            raise VersionConflict(article_id, expected_version)
        if not current.is_live:
            raise InvalidTransition(
                f"Article {article_id!r} is {current.status.value}: corrections are appended to a published"
                " article; edit a draft instead."
            )
        now = clock()
        correction = Correction(type=type_, text=text, issued_at=now)
        corrected = validated(
            {
                **current.model_dump(),
                "corrections": [*current.corrections, correction],
                "revised_at": now,
                "updated_at": now,
                "version": current.version + 1,
            }
        )
        try:
            repo.save(corrected, current)
        except VersionConflict:
            if attempt == attempts:
                raise
            continue
        return corrected
    raise AssertionError("unreachable")  # pragma: no cover
