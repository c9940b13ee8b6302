"""The editor API's author profile routes (editors only): list, read and create or replace the profile
of a byline (newsdesk.articles.authors). A byline's page exists without a profile; a profile adds its
bio, photo and links, and says whether the byline is a person or an organization (a news agency)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.articles import authors, roles
from newsdesk.articles.errors import AuthorChanged
from newsdesk.articles.models import AuthorKind, AuthorProfile
from newsdesk.articles.ports import AuthorRepository
from newsdesk.articles.types import Bio, HttpUrlText, PersonName, Slug
from newsdesk.http.articles import IfMatch
from newsdesk.http.if_match import ConditionFailed, etag, expected_version, parse_if_match
from newsdesk.http.resolver import EditorRouter
from newsdesk.http.schemas import problem_responses

logger = Logger(child=True)

AuthorSlug = Annotated[Slug, Path(description="The slug of the author's page, /authors/{slug}/.")]


class AuthorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: PersonName = Field(description="The name as readers see it (bylines give it).")
    kind: AuthorKind = Field(
        default=AuthorKind.PERSON, description="person, or organization for a news agency (PTI, AP, Reuters)."
    )
    bio: Bio = Field(default="", description="Plain text shown on the author's page.")
    photo_url: HttpUrlText | None = Field(default=None, description="An absolute http(s) URL of a photo.")
    profile_url: HttpUrlText | None = Field(default=None, description="The author's own page elsewhere.")
    same_as: list[HttpUrlText] = Field(
        default_factory=list, max_length=10, description="Other profiles of the author (schema.org sameAs)."
    )


class AuthorOut(AuthorIn):
    slug: Slug
    version: int
    path: str = Field(description="The author's page on the site.")


class AuthorList(BaseModel):
    items: list[AuthorOut]
    next_cursor: str | None = Field(description="Pass as `cursor` to get the next page; null on the last.")


def author_out(profile: AuthorProfile) -> AuthorOut:
    return AuthorOut(
        slug=profile.slug,
        name=profile.name,
        kind=profile.kind,
        bio=profile.bio,
        photo_url=profile.photo_url,
        profile_url=profile.profile_url,
        same_as=list(profile.same_as),
        version=profile.version,
        path=f"/authors/{profile.slug}/",
    )


def _response(status: HTTPStatus, profile: AuthorProfile) -> Response[AuthorOut]:
    return Response(
        status_code=status,
        content_type="application/json",
        body=author_out(profile),
        headers={"ETag": etag(profile.version)},
    )


def authors_router(store: AuthorRepository) -> EditorRouter:
    router = EditorRouter()

    @router.get(
        "/api/authors",
        groups=(roles.EDITORS,),
        summary="List author profiles, by slug",
        tags=["authors"],
        responses={
            200: {
                "description": "A page of profiles",
                "content": {"application/json": {"model": AuthorList}},
            },
            **problem_responses(400, 422),
            **problem_responses(401, 403),
        },
    )
    def list_authors(
        cursor: Annotated[str | None, Query(max_length=2048, description="From the previous page.")] = None,
        limit: Annotated[int, Query(), Field(ge=1, le=100)] = 50,
    ) -> AuthorList:
        items, next_cursor = authors.list_authors(store, limit, cursor)
        return AuthorList(items=[author_out(p) for p in items], next_cursor=next_cursor)

    @router.get(
        "/api/authors/<slug>",
        groups=(roles.EDITORS,),
        summary="Read an author profile",
        tags=["authors"],
        responses={
            200: {
                "description": "The profile (ETag: its version)",
                "content": {"application/json": {"model": AuthorOut}},
            },
            **problem_responses(404, 422),
            **problem_responses(401, 403),
        },
    )
    def get_author(slug: AuthorSlug) -> Response[AuthorOut]:
        return _response(HTTPStatus.OK, authors.get_author(store, slug))

    @router.put(
        "/api/authors/<slug>",
        groups=(roles.EDITORS,),
        summary="Create or replace an author profile",
        description="Creating needs no If-Match; replacing needs the ETag of the version edited (428 "
        "without it, 412 when it is not the stored one). The author's page is rendered again.",
        tags=["authors"],
        responses={
            200: {
                "description": "The replaced profile",
                "content": {"application/json": {"model": AuthorOut}},
            },
            201: {"description": "The new profile", "content": {"application/json": {"model": AuthorOut}}},
            **problem_responses(400, 409, 412, 413, 415, 422, 428),
            **problem_responses(401, 403),
        },
    )
    def put_author(
        slug: AuthorSlug, profile: Annotated[AuthorIn, Body()], if_match: IfMatch = None
    ) -> Response[AuthorOut]:
        condition = parse_if_match(if_match)

        def stored() -> int | None:
            found = store.get(slug)
            return found.version if found else None

        try:
            expected = expected_version(condition, stored)
        except ConditionFailed:
            raise AuthorChanged(slug) from None
        saved, created = authors.put_author(store, slug, profile.model_dump(), expected_version=expected)
        logger.info("author profile saved", slug=slug, version=saved.version, new_profile=created)
        response = _response(HTTPStatus.CREATED if created else HTTPStatus.OK, saved)
        if created:
            response.headers["Location"] = f"/api/authors/{slug}"
        return response

    return router
