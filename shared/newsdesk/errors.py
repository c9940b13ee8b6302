"""The base of every error a caller can act on, shared by all features. Standard library only.

Features raise subclasses of `DomainError` (newsdesk.articles.errors, newsdesk.comments.errors);
adapters translate AWS error codes into them; the HTTP layer maps each to a problem document in one
place (newsdesk.http.problems).
"""

from __future__ import annotations


class DomainError(Exception):
    """Base class for errors a caller can act on."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidCursor(DomainError):
    """A listing's cursor was not produced by this API (or was truncated, or is for another listing)."""
