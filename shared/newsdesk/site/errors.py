"""What can stop the site's work, as errors its callers act on."""

from __future__ import annotations

from newsdesk.errors import DomainError


class ChangesGone(DomainError):
    """The stream records a failure names can no longer be read (DynamoDB keeps them 24 hours, and a
    replaced stream takes its records along): what they changed must be re-rendered another way (a full
    rebuild, `newsdesk rebuild`)."""


class ConfigurationChanged(DomainError):
    """The site's configuration is not at the version the caller's change was based on."""

    def __init__(self, expected: int | None = None) -> None:
        super().__init__(
            "The site's configuration was changed by someone else; fetch it and try again."
            if expected is None
            else f"The site's configuration has changed since version {expected}; fetch it and try again."
        )
        self.expected = expected


class InvalidConfiguration(DomainError):
    """A value breaks a rule of the site's configuration; `field` names it."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(f"{field}: {detail}")
        self.field = field
        self.message = detail


class LeadNotPublished(DomainError):
    """Only a published article can lead the front page."""

    def __init__(self, article_id: str, status: str) -> None:
        super().__init__(
            f"Article {article_id!r} is {status}: only a published article can lead the front page."
        )
        self.article_id = article_id
        self.status = status


class UnreadableConfiguration(DomainError):
    """The stored site configuration breaks its rules (a limit tightened since it was saved, a console
    edit): pages are rendered with the deployment's defaults, and editors see those at the stored
    `version` (if legible), until an editor saves it again."""

    def __init__(self, detail: str, version: int | None = None) -> None:
        super().__init__(detail)
        self.version = version
