"""The editor API's site routes: the site's configuration (name, description, logo, sections menu, footer
links, social profiles, default image) read by writers and editors and replaced by editors, and the front
page's pinned lead story (newsdesk.site.configuration_service). Every change needs If-Match with the
configuration's ETag ("0" before an editor first saves one)."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.articles import roles
from newsdesk.articles.errors import PreconditionRequired
from newsdesk.articles.ports import ArticleRepository
from newsdesk.articles.types import ArticleId, Slug
from newsdesk.http import if_match as conditions
from newsdesk.http.articles import IfMatch
from newsdesk.http.callers import current_caller
from newsdesk.http.if_match import etag, parse_if_match
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses
from newsdesk.site import configuration_service as service
from newsdesk.site.configuration import (
    MAX_SECTIONS,
    FooterLinks,
    LinkUrl,
    SectionName,
    SiteConfiguration,
    SiteDescription,
    SiteName,
    SocialProfiles,
)
from newsdesk.site.errors import ConfigurationChanged
from newsdesk.site.ports import ConfigurationStore

logger = Logger(child=True)

_AUTH = problem_responses(401, 403)


class SectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: SectionName = Field(description="Shown in the menu.")
    slug: Annotated[Slug, Field(max_length=60)] | None = Field(
        default=None, description="Its page is /section/{slug}/; by default the slug of its name. Unique."
    )


class SiteIn(BaseModel):
    """The whole editable configuration: what is left out takes its empty value. The pinned lead story
    is kept (it has routes of its own)."""

    model_config = ConfigDict(extra="forbid")

    name: SiteName = Field(description="The site's name, in the masthead and every title.")
    description: SiteDescription = Field(default="", description="One or two sentences about the site.")
    logo: LinkUrl | None = Field(default=None, description="The logo: an https URL or a path of the site.")
    sections: list[SectionIn] = Field(
        default_factory=list, max_length=MAX_SECTIONS, description="The sections menu, in order."
    )
    footer_links: FooterLinks = Field(default=(), description="Footer links, in order (at most 12).")
    social_profiles: SocialProfiles = Field(default=(), description="Profile https URLs (at most 10).")
    default_image: LinkUrl | None = Field(
        default=None, description="Shown and shared when an article has no image: an https URL or a path."
    )


class LeadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    article_id: ArticleId = Field(description="A published article's id.")


class SectionOut(BaseModel):
    name: str
    slug: str


class FooterLinkOut(BaseModel):
    label: str
    url: str


class SiteOut(BaseModel):
    name: str
    description: str
    logo: str | None
    sections: list[SectionOut]
    footer_links: list[FooterLinkOut]
    social_profiles: list[str]
    default_image: str | None
    lead_article_id: str | None = Field(description="The front page's pinned lead story; null: the newest.")
    version: int = Field(
        description="0 until an editor first saves the configuration (the ETag is its quote)."
    )
    updated_at: dt.datetime | None
    updated_by: str | None


def site_out(configuration: SiteConfiguration) -> SiteOut:
    return SiteOut.model_validate(configuration.model_dump())


def site_response(configuration: SiteConfiguration) -> Response[SiteOut]:
    return Response(
        status_code=HTTPStatus.OK,
        content_type="application/json",
        body=site_out(configuration),
        headers={"ETag": etag(configuration.version)},
    )


def required_version(store: ConfigurationStore, if_match: str | None, default_name: str) -> int:
    """The version a change must find stored, from its If-Match: 428 without one, 412 when it does not
    hold, 400 when it is not a list of entity tags."""
    condition = parse_if_match(if_match)
    try:
        expected = conditions.expected_version(condition, lambda: service.stored_version(store, default_name))
    except conditions.ConditionFailed:
        raise ConfigurationChanged() from None
    if expected is None:
        raise PreconditionRequired("Send If-Match with the ETag of the site configuration you edited.")
    return expected


_CHANGE = {
    200: {"description": "The new version", "content": {"application/json": {"model": SiteOut}}},
}


def site_router(store: ConfigurationStore, articles: ArticleRepository, *, default_name: str) -> EditorRouter:
    """The site routes over `store`; until an editor saves a configuration, it is `default_name` and
    nothing else (version 0)."""
    router = EditorRouter()

    @router.get(
        "/api/site",
        groups=roles.STAFF,
        summary="The site's configuration",
        tags=["site"],
        responses={
            200: {"description": "The configuration", "content": {"application/json": {"model": SiteOut}}},
            **_AUTH,
        },
    )
    def get_site() -> Response[SiteOut]:
        return site_response(service.current(store, default_name))

    @router.put(
        "/api/site",
        summary="Replace the site's configuration (If-Match required)",
        description="Name, description, logo, sections menu, footer links, social profiles and default "
        "image, all at once (what is left out takes its empty value; the pinned lead story is kept). "
        "Every page shows the new configuration once the site is re-rendered, which starts at once.",
        tags=["site"],
        responses={**_CHANGE, **problem_responses(400, 412, 413, 415, 422, 428), **_AUTH},
    )
    def put_site(changes: Annotated[SiteIn, Body()], if_match: IfMatch = None) -> Response[SiteOut]:
        expected = required_version(store, if_match, default_name)
        saved = service.replace(
            store,
            default_name,
            changes.model_dump(mode="json", exclude_none=False),
            expected_version=expected,
            by=current_caller(router).sub,
        )
        logger.info("site configuration saved", version=saved.version)
        return site_response(saved)

    @router.put(
        "/api/site/lead",
        summary="Pin the front page's lead story (If-Match required)",
        description="A published article leads the front page until it is unpinned. 409 for an article "
        "that is not published, 422 for one that does not exist.",
        tags=["site"],
        responses={**_CHANGE, **problem_responses(400, 409, 412, 413, 415, 422, 428), **_AUTH},
    )
    def pin_lead(lead: Annotated[LeadIn, Body()], if_match: IfMatch = None) -> Response[SiteOut]:
        expected = required_version(store, if_match, default_name)
        saved = service.pin_lead(
            store,
            articles,
            default_name,
            lead.article_id,
            expected_version=expected,
            by=current_caller(router).sub,
        )
        logger.info("lead story pinned", article_id=lead.article_id, version=saved.version)
        return site_response(saved)

    @router.delete(
        "/api/site/lead",
        summary="Unpin the front page's lead story (If-Match required)",
        description="The newest story leads the front page again.",
        tags=["site"],
        responses={**_CHANGE, **problem_responses(400, 412, 428), **_AUTH},
    )
    def unpin_lead(if_match: IfMatch = None) -> Response[SiteOut]:
        expected = required_version(store, if_match, default_name)
        saved = service.unpin_lead(
            store, default_name, expected_version=expected, by=current_caller(router).sub
        )
        logger.info("lead story unpinned", version=saved.version)
        return site_response(saved)

    return router
