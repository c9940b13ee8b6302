"""What can go wrong with an article, as errors a caller can act on. The HTTP layer maps each to a problem
document (newsdesk.http.problems)."""

from __future__ import annotations

import datetime as dt

from newsdesk.errors import DomainError


class ArticleNotFound(DomainError):
    def __init__(self, article_id: str) -> None:
        super().__init__(f"No article has the id {article_id!r}.")
        self.article_id = article_id


class VersionConflict(DomainError):
    """The caller's version is not the stored one (a concurrent edit won)."""

    def __init__(self, article_id: str, expected: int | None = None) -> None:
        detail = (
            f"Article {article_id!r} has changed since version {expected}."
            if expected
            else (f"Article {article_id!r} was changed by someone else; fetch it and try again.")
        )
        super().__init__(detail)
        self.article_id = article_id
        self.expected = expected


class RevisionNotFound(DomainError):
    def __init__(self, article_id: str, version: int) -> None:
        super().__init__(
            f"Article {article_id!r} has no saved version {version} (never saved, or past its retention)."
        )
        self.article_id = article_id
        self.version = version


class PreconditionRequired(DomainError):
    """An update was attempted without naming the version it is based on."""


class SlugTaken(DomainError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"The slug {slug!r} is already used by another article; choose another.")
        self.slug = slug


class NoFreeSlug(DomainError):
    """Every numbered variant of a headline's slug that a create tries is taken."""

    def __init__(self, slug: str, tried: int) -> None:
        super().__init__(
            f"The slug {slug!r} and its next {tried - 1} numbered variants are all taken; give a slug."
        )
        self.slug = slug


class InvalidTransition(DomainError):
    """The article's status does not allow this action (e.g. deleting a published article)."""


class Embargoed(DomainError):
    """The article is under embargo: it cannot be published, or scheduled, before `until`."""

    def __init__(self, article_id: str, until: dt.datetime) -> None:
        super().__init__(
            f"Article {article_id!r} is under embargo until {until.isoformat()}; "
            "it cannot be published before then."
        )
        self.article_id = article_id
        self.until = until


class NotPermitted(DomainError):
    """The caller's role does not allow this on this article (a writer and another writer's article, or
    an article past review). `group` is the group whose members may do it."""

    def __init__(self, detail: str, group: str) -> None:
        super().__init__(detail)
        self.group = group


class InvalidArticle(DomainError):
    """A value is acceptable on its own but breaks a rule of the article (e.g. slug frozen)."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail)
        self.field = field


class UnreadableArticle(DomainError):
    """The stored article breaks the article's rules (a limit tightened since it was written, a console
    edit): it cannot be rendered or listed until it is repaired. `version` is the stored one, if legible."""

    def __init__(self, article_id: str, reason: str, version: int | None = None) -> None:
        super().__init__(f"The stored article {article_id!r} cannot be read: {reason}")
        self.article_id = article_id
        self.reason = reason
        self.version = version


class PreviewLinkNotFound(DomainError):
    """The token is not a share link this site issued (or its article no longer exists)."""

    def __init__(self) -> None:
        super().__init__("There is no preview at this address.")


class PreviewLinkGone(DomainError):
    """The token was a share link of ours, but it has expired or its article has changed since."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


class AuthorNotFound(DomainError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"No author profile has the slug {slug!r}.")
        self.slug = slug


class AuthorChanged(DomainError):
    """The caller's version of an author profile is not the stored one (or none is stored)."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"The profile of {slug!r} has changed; fetch it and send its ETag as If-Match.")
        self.slug = slug


class AuthorExists(DomainError):
    """A profile was created while the caller created one without If-Match."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"A profile of {slug!r} exists already; fetch it and send its ETag as If-Match.")
        self.slug = slug
