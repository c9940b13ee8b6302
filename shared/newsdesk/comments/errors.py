"""What can go wrong with a comment, as errors a caller can act on. Standard library only.

The HTTP layer maps each to a problem document (newsdesk.http.problems): the intake's refusals and the
moderators' conflicts alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.errors import DomainError

# ----- moderation ----------------------------------------------------------------------------------


class CommentNotFound(DomainError):
    def __init__(self, comment_id: str) -> None:
        super().__init__(f"No comment has the id {comment_id!r}.")
        self.comment_id = comment_id


class CommentChanged(DomainError):
    """The comment is not at the version the moderator saw (another moderator acted first)."""

    def __init__(self, comment_id: str, expected: int | None) -> None:
        super().__init__(
            f"Comment {comment_id!r} has changed since version {expected}; fetch it and try again."
            if expected is not None
            else f'If-Match names no version of comment {comment_id!r}; send its ETag, e.g. "1".'
        )
        self.comment_id = comment_id
        self.expected = expected


# ----- the intake --------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    location: str = "body"


class InvalidSubmission(DomainError):
    """One or more fields break the rules; `errors` names each."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class TokenRefused(DomainError):
    """Why a form token was refused: `malformed`, `forged` (not ours, or for another article), `early`
    (sent before the minimum fill time; `retry_after` seconds to wait) or `expired`."""

    def __init__(self, reason: str, retry_after: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class NoPublishedArticle(DomainError):
    """Comments go to published articles only: this one is unknown, or not published."""

    def __init__(self, article_id: str) -> None:
        super().__init__(f"No published article has the id {article_id!r}.")
        self.article_id = article_id


class CommentsClosed(DomainError):
    def __init__(self, article_id: str, url: str) -> None:
        super().__init__("Comments on this article are closed.")
        self.article_id = article_id
        self.url = url


class DuplicateComment(DomainError):
    """The same sender said the same on the same article before."""

    def __init__(self) -> None:
        super().__init__("You have already said that on this article.")


class CommentFlood(DomainError):
    """The same sender, or the same address, commented less than the flood interval ago."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"You are posting comments too quickly; wait {retry_after} seconds.")
        self.retry_after = retry_after
