"""Author profiles: what editors keep about a byline (name, bio, photo, profile URL, person or
organization, sameAs links). A byline's page exists whether or not it has a profile; a profile only
adds to it. Updates name the version they are based on (If-Match)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from newsdesk.articles.errors import AuthorChanged, AuthorNotFound, InvalidArticle, PreconditionRequired
from newsdesk.articles.models import AuthorProfile
from newsdesk.articles.ports import AuthorRepository
from newsdesk.clock import utc_now


def get_author(store: AuthorRepository, slug: str) -> AuthorProfile:
    found = store.get(slug)
    if found is None:
        raise AuthorNotFound(slug)
    return found


def list_authors(
    store: AuthorRepository, limit: int, cursor: str | None = None
) -> tuple[list[AuthorProfile], str | None]:
    return store.list(limit, cursor)


def put_author(
    store: AuthorRepository,
    slug: str,
    fields: dict[str, Any],
    *,
    expected_version: int | None,
    now: dt.datetime | None = None,
) -> tuple[AuthorProfile, bool]:
    """Create the profile of `slug`, or replace it (then `expected_version` is required: the version the
    editor changed). Returns the stored profile and whether it was created."""
    stored = store.get(slug)
    if stored is None and expected_version is not None:
        raise AuthorChanged(slug)
    if stored is not None and expected_version is None:
        raise PreconditionRequired("Send If-Match with the ETag of the profile you edited.")
    if stored is not None and expected_version != stored.version:
        raise AuthorChanged(slug)
    version = 1 if stored is None else stored.version + 1
    try:
        profile = AuthorProfile(**fields, slug=slug, version=version, updated_at=now or utc_now())
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        raise InvalidArticle(".".join(str(p) for p in first["loc"]), str(first["msg"])) from None
    store.put(profile, None if stored is None else stored.version)
    return profile, stored is None
