"""What can stop the site's work, as errors its callers act on."""

from __future__ import annotations

from newsdesk.errors import DomainError


class ChangesGone(DomainError):
    """The stream records a failure names can no longer be read (DynamoDB keeps them 24 hours, and a
    replaced stream takes its records along): what they changed must be re-rendered another way (a full
    rebuild, `newsdesk rebuild`)."""
