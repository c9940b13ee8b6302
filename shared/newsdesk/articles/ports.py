"""What the editorial use cases need from storage. newsdesk.adapters.dynamodb.articles implements it."""

from __future__ import annotations

from typing import Protocol

from newsdesk.articles.models import (
    Article,
    ArticlePage,
    ArticleStatus,
    AuthorProfile,
    RenderReceipt,
    Revision,
    RevisionPage,
)


class ArticleRepository(Protocol):
    """Articles by id and in listings; every write conditional on the version it replaces.

    `create` raises SlugTaken; `save` raises SlugTaken, VersionConflict or ArticleNotFound; a cursor that
    this repository did not issue raises InvalidCursor.
    """

    def get(self, article_id: str) -> Article | None: ...
    def get_with_receipt(self, article_id: str) -> tuple[Article | None, RenderReceipt | None]: ...
    def create(self, article: Article) -> None: ...
    def save(self, article: Article, previous: Article) -> None: ...
    def delete(self, article: Article) -> None: ...
    def list_all(self, limit: int, cursor: str | None = None) -> ArticlePage: ...
    def list_by_status(self, status: ArticleStatus, limit: int, cursor: str | None = None) -> ArticlePage: ...
    def list_by_tag(
        self, tag_slug: str, limit: int, cursor: str | None = None, status: ArticleStatus | None = None
    ) -> ArticlePage: ...


class RevisionRepository(ArticleRepository, Protocol):
    """Articles, and the versions saved with them: `create` and `save` keep each version they write as a
    revision, in the same transaction, for as long as the store's retention says. A cursor that this
    repository did not issue for this article's revisions raises InvalidCursor."""

    def list_revisions(self, article_id: str, limit: int, cursor: str | None = None) -> RevisionPage: ...
    def get_revision(self, article_id: str, version: int) -> Revision | None: ...


class AuthorRepository(Protocol):
    """The author profiles editors keep, by slug."""

    def get(self, slug: str) -> AuthorProfile | None: ...
    def list(self, limit: int, cursor: str | None = None) -> tuple[list[AuthorProfile], str | None]: ...
    def put(self, profile: AuthorProfile, expected_version: int | None) -> None:
        """Store `profile`: a new one when `expected_version` is None (AuthorExists if one exists),
        else in place of that version (AuthorChanged if it is not the stored one)."""
        ...
