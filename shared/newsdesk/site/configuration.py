"""The site's configuration an editor changes without a deploy: its name, description, logo, sections
menu, footer links, social profiles, default image and pinned lead story, with their limits and a
version. No I/O here (the use cases are newsdesk.site.configuration_service).

Until an editor saves one, the configuration is the deployment's defaults (the site name of its settings)
at version 0. `what_it_touches` says from what changed which pages must be rendered again.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from newsdesk.articles.slugs import slugify
from newsdesk.articles.types import AccountId, ArticleId, Slug

MAX_SECTIONS = 12
MAX_FOOTER_LINKS = 12
MAX_SOCIAL_PROFILES = 10
MAX_URL_LENGTH = 2048

# A link or image of the configuration: an absolute https URL, or a path of the site ("/about/"), never
# "//host" (another site, protocol-relative) nor anything with spaces or control characters.
_HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#][\x21-\x7e]*)?$")
_SITE_PATH = re.compile(r"^/(?!/)[\x21-\x7e]*$")


def _no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _https_url(value: str) -> str:
    if not _HTTPS_URL.fullmatch(value):
        raise ValueError("must be an absolute https:// URL")
    return value


def _link(value: str) -> str:
    if not (_HTTPS_URL.fullmatch(value) or _SITE_PATH.fullmatch(value)):
        raise ValueError('must be an absolute https:// URL or a path of the site starting with "/"')
    return value


SiteName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_control_chars),
]
SiteDescription = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=300), AfterValidator(_no_control_chars)
]
SectionName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=40),
    AfterValidator(_no_control_chars),
]
LinkLabel = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=60),
    AfterValidator(_no_control_chars),
]
HttpsUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_URL_LENGTH), AfterValidator(_https_url)
]
LinkUrl = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_URL_LENGTH), AfterValidator(_link)
]


class Section(BaseModel):
    """A section of the menu: its name, and the slug of its page (`/section/{slug}/`), by default the
    name's."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: SectionName
    slug: Annotated[Slug, Field(max_length=60)]

    @model_validator(mode="before")
    @classmethod
    def _slug_from_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("slug") and isinstance(data.get("name"), str):
            slug = slugify(data["name"], max_length=60)
            if not slug:
                raise ValueError(
                    "the name has no letters or digits to make the page's slug from; give a slug"
                )
            return {**data, "slug": slug}
        return data


class FooterEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: LinkLabel
    url: LinkUrl


def _unique_slugs(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    seen: dict[str, int] = {}
    for number, section in enumerate(sections):
        if section.slug in seen:
            raise ValueError(
                f"[{number}] has the slug {section.slug!r} of [{seen[section.slug]}]; "
                "each section needs its own"
            )
        seen[section.slug] = number
    return sections


def _unique_profiles(profiles: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(profiles)) != len(profiles):
        raise ValueError("lists a profile twice")
    return profiles


Sections = Annotated[tuple[Section, ...], Field(max_length=MAX_SECTIONS), AfterValidator(_unique_slugs)]
FooterLinks = Annotated[tuple[FooterEntry, ...], Field(max_length=MAX_FOOTER_LINKS)]
SocialProfiles = Annotated[
    tuple[HttpsUrl, ...], Field(max_length=MAX_SOCIAL_PROFILES), AfterValidator(_unique_profiles)
]


class SiteConfiguration(BaseModel):
    """The configurable part of the site, as an editor last saved it (version 0: never saved, the
    deployment's defaults)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: SiteName
    description: SiteDescription = ""
    logo: LinkUrl | None = None
    sections: Sections = ()
    footer_links: FooterLinks = ()
    social_profiles: SocialProfiles = ()
    default_image: LinkUrl | None = None
    lead_article_id: ArticleId | None = None
    version: Annotated[int, Field(ge=0)] = 0
    updated_at: dt.datetime | None = None
    updated_by: AccountId | None = None

    @classmethod
    def defaults(cls, name: str) -> SiteConfiguration:
        """The configuration before an editor saves one: the deployment's site name, nothing else."""
        return cls(name=name)

    def shown(self) -> dict[str, Any]:
        """What readers see of it (every field but its version and who saved it when)."""
        return self.model_dump(exclude={"version", "updated_at", "updated_by"})


# The fields an editor replaces with PUT /api/site (the lead story has routes of its own).
EDITABLE = ("name", "description", "logo", "sections", "footer_links", "social_profiles", "default_image")


class Reach(StrEnum):
    """What a change of the configuration must render again."""

    NOTHING = "nothing"
    FRONT_PAGE = "front_page"  # only the pinned lead changed
    EVERY_PAGE = "every_page"  # something every page shows (name, logo, menu, footer, description ...)


def what_it_touches(before: SiteConfiguration, after: SiteConfiguration) -> Reach:
    """Which pages a change from `before` to `after` must render again."""
    old, new = before.shown(), after.shown()
    if old == new:
        return Reach.NOTHING
    if old | {"lead_article_id": None} == new | {"lead_article_id": None}:
        return Reach.FRONT_PAGE
    return Reach.EVERY_PAGE
