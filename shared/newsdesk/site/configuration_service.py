"""The use cases of the site's configuration (newsdesk.site.configuration): read it, replace what editors
edit, pin and unpin the front page's lead story, each write conditional on the version it replaces; and
the configuration laid over the deployment's SiteConfig, as the renderer shows it."""

from __future__ import annotations

import dataclasses
from typing import Any

from aws_lambda_powertools import Logger

from newsdesk.articles.errors import ArticleNotFound
from newsdesk.articles.ports import ArticleRepository
from newsdesk.clock import utc_now
from newsdesk.site.configuration import EDITABLE, SiteConfiguration
from newsdesk.site.errors import InvalidConfiguration, LeadNotPublished, UnreadableConfiguration
from newsdesk.site.pages import FooterLink, SectionLink, SiteConfig
from newsdesk.site.ports import ConfigurationStore

logger = Logger(child=True)


def applied_to(site: SiteConfig, configuration: SiteConfiguration | None) -> SiteConfig:
    """The deployment's SiteConfig with the stored configuration's values in place of its defaults
    (unchanged when nothing is stored)."""
    if configuration is None:
        return site
    return dataclasses.replace(
        site,
        name=configuration.name,
        description=configuration.description,
        logo=configuration.logo,
        sections=tuple(SectionLink(s.name, s.slug) for s in configuration.sections),
        footer_links=tuple(FooterLink(f.label, f.url) for f in configuration.footer_links),
        social_profiles=configuration.social_profiles,
        default_image=configuration.default_image,
        lead_article_id=configuration.lead_article_id,
    )


def current(store: ConfigurationStore, default_name: str) -> SiteConfiguration:
    """The stored configuration, or the deployment's defaults (version 0) until an editor saves one.
    A stored configuration that breaks its rules reads as the defaults at its version, so that an
    editor's next save (with that version's ETag) repairs it."""
    try:
        return store.get() or SiteConfiguration.defaults(default_name)
    except UnreadableConfiguration as exc:
        if exc.version is None:
            raise
        logger.warning("site configuration unreadable: shown as the defaults", reason=exc.detail)
        return SiteConfiguration.defaults(default_name).model_copy(update={"version": exc.version})


def stored_version(store: ConfigurationStore, default_name: str) -> int:
    """The version a conditional write must find: the stored one, 0 when nothing is stored."""
    return current(store, default_name).version


def _validated(values: dict[str, Any]) -> SiteConfiguration:
    from pydantic import ValidationError

    try:
        return SiteConfiguration.model_validate(values)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in first["loc"]).replace(
            ".[", "["
        )
        raise InvalidConfiguration(field or "body", str(first["msg"]).removeprefix("Value error, ")) from None


def replace(
    store: ConfigurationStore,
    default_name: str,
    fields: dict[str, Any],
    *,
    expected_version: int,
    by: str | None = None,
) -> SiteConfiguration:
    """Replace the editable fields with `fields` (the lead story is kept). ConfigurationChanged if the
    stored version is not `expected_version`."""
    before = current(store, default_name)
    values = {**before.model_dump(), **{k: v for k, v in fields.items() if k in EDITABLE}}
    return _save(store, values, expected_version, by)


def pin_lead(
    store: ConfigurationStore,
    articles: ArticleRepository,
    default_name: str,
    article_id: str,
    *,
    expected_version: int,
    by: str | None = None,
) -> SiteConfiguration:
    """Make a published article the front page's lead story. InvalidConfiguration for an article that
    does not exist, LeadNotPublished for one that is not live."""
    article = articles.get(article_id)
    if article is None:
        raise InvalidConfiguration("article_id", str(ArticleNotFound(article_id)))
    if not article.is_live:
        raise LeadNotPublished(article_id, article.status.value)
    values = {**current(store, default_name).model_dump(), "lead_article_id": article_id}
    return _save(store, values, expected_version, by)


def unpin_lead(
    store: ConfigurationStore, default_name: str, *, expected_version: int, by: str | None = None
) -> SiteConfiguration:
    """The front page leads with the newest story again."""
    values = {**current(store, default_name).model_dump(), "lead_article_id": None}
    return _save(store, values, expected_version, by)


def _save(
    store: ConfigurationStore, values: dict[str, Any], expected_version: int, by: str | None
) -> SiteConfiguration:
    values |= {"version": expected_version + 1, "updated_at": utc_now(), "updated_by": by}
    saved = _validated(values)
    store.save(saved, expected_version=expected_version)
    return saved
