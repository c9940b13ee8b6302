"""The site configuration's model: its limits, the slugs of its sections, its stored form and stream
images, and the deployment's SiteConfig with it laid over."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from newsdesk.adapters.dynamodb.keys import site_config_key
from newsdesk.adapters.dynamodb.site_config import configuration_from_item, configuration_item
from newsdesk.adapters.dynamodb.stream import TableStream
from newsdesk.clock import utc_now
from newsdesk.site.configuration import MAX_FOOTER_LINKS, MAX_SECTIONS, MAX_SOCIAL_PROFILES, SiteConfiguration
from newsdesk.site.configuration_service import applied_to
from newsdesk.site.errors import UnreadableConfiguration
from newsdesk.site.pages import FooterLink, SectionLink, SiteConfig

SITE = SiteConfig(name="Newsdesk", url="https://news.example.com", tz=ZoneInfo("Asia/Kolkata"), language="en")

VALID: dict[str, Any] = {
    "name": "The Coastal Courier",
    "description": "News from the coast.",
    "logo": "https://cdn.example.org/logo.svg",
    "sections": [{"name": "Science & Tech"}, {"name": "Sport", "slug": "sports"}],
    "footer_links": [{"label": "About", "url": "/about/"}],
    "social_profiles": ["https://social.example/@courier"],
    "default_image": "/media/default.jpg",
    "lead_article_id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X",
    "version": 4,
}


def test_a_section_takes_its_slug_from_its_name_unless_given() -> None:
    # When a configuration is made with one section named, one with a slug
    configuration = SiteConfiguration.model_validate(VALID)

    # Then the first's slug is its name's, the second keeps its own
    assert [(s.name, s.slug) for s in configuration.sections] == [
        ("Science & Tech", "science-and-tech"),
        ("Sport", "sports"),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"name": "  "},
        {"name": "Courier\x00"},
        {"description": "x" * 301},
        {"logo": "http://cdn.example.org/logo.svg"},
        {"logo": "javascript:alert(1)"},
        {"logo": "//cdn.example.org/logo.svg"},
        {"logo": "/logo with space.svg"},
        {"default_image": "data:image/png;base64,AAAA"},
        {"sections": [{"name": "x" * 41}]},
        {"sections": [{"name": "World"}, {"name": "WORLD"}]},
        {"sections": [{"name": f"S{n}"} for n in range(MAX_SECTIONS + 1)]},
        {"footer_links": [{"label": "About", "url": "mailto:desk@example.org"}]},
        {"footer_links": [{"label": "L", "url": "/l/"}] * (MAX_FOOTER_LINKS + 1)},
        {"social_profiles": [f"https://s.example/{n}" for n in range(MAX_SOCIAL_PROFILES + 1)]},
        {"lead_article_id": "not-an-id"},
        {"version": -1},
        {"colour": "red"},
    ],
)
def test_a_value_out_of_limits_is_refused(change: dict[str, Any]) -> None:
    # When a configuration is made with one value out of its limits
    # Then it is refused
    with pytest.raises(ValidationError):
        SiteConfiguration.model_validate({**VALID, **change})


def test_the_configuration_round_trips_through_its_item_and_stream_images() -> None:
    # Given a configuration saved by an editor
    configuration = SiteConfiguration.model_validate({**VALID, "updated_at": utc_now(), "updated_by": "e0"})

    # When it is stored, and the item's change reaches the stream
    item = configuration_item(configuration)
    record = {"dynamodb": {"Keys": site_config_key(), "OldImage": None, "NewImage": item}}
    change = TableStream.site_change(record)

    # Then the item and the stream's new image read back as the same configuration
    assert configuration_from_item(item) == configuration
    assert change is not None and change.after == configuration and change.before is None
    assert (
        TableStream.site_change({"dynamodb": {"Keys": {"PK": {"S": "ARTICLE#X"}, "SK": {"S": "A"}}}}) is None
    )


def test_a_stored_configuration_breaking_a_rule_is_unreadable_and_the_stream_reads_the_defaults() -> None:
    # Given a stored configuration edited by hand past a limit
    item = configuration_item(SiteConfiguration.model_validate(VALID))
    item["name"] = {"S": "x" * 500}

    # When it is read, and when its change reaches the stream
    with pytest.raises(UnreadableConfiguration):
        configuration_from_item(item)
    change = TableStream.site_change({"dynamodb": {"Keys": site_config_key(), "NewImage": item}})

    # Then the stream's change counts it as the defaults (None)
    assert change is not None and change.after is None


def test_the_deployments_site_config_takes_the_configured_values() -> None:
    # Given the deployment's SiteConfig and a stored configuration
    configuration = SiteConfiguration.model_validate(VALID)

    # When it is laid over
    site = applied_to(SITE, configuration)

    # Then the editors' values replace the defaults, and the deployment's URL, zone and language stay
    assert (site.name, site.description, site.logo) == (VALID["name"], VALID["description"], VALID["logo"])
    assert site.sections == (
        SectionLink("Science & Tech", "science-and-tech"),
        SectionLink("Sport", "sports"),
    )
    assert site.footer_links == (FooterLink("About", "/about/"),)
    assert site.social_profiles == ("https://social.example/@courier",)
    assert (site.default_image, site.lead_article_id) == ("/media/default.jpg", VALID["lead_article_id"])
    assert (site.url, site.tz, site.language) == (SITE.url, SITE.tz, SITE.language)
    assert applied_to(SITE, None) == SITE


def test_the_renderers_event_filter_passes_the_configurations_changes_and_not_other_items() -> None:
    # Given the renderer's event filter, as template.yaml declares it
    from newsdesk_local.filters import compile_filters
    from newsdesk_local.template import load_template

    renderer = load_template()["Resources"]["RendererFunction"]["Properties"]
    passes = compile_filters(renderer["Events"]["ArticleChanges"]["Properties"]["FilterCriteria"])

    def record(pk: str, sk: str) -> dict[str, Any]:
        return {"eventName": "MODIFY", "dynamodb": {"Keys": {"PK": {"S": pk}, "SK": {"S": sk}}}}

    # When records of the configuration's item and of other items are filtered
    # Then the configuration's pass, with articles' and comments', and nothing else of the table
    assert passes(record("SITE", "CONFIG"))
    assert passes(record("ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X", "A"))
    assert not passes(record("SITE", "OTHER"))
    assert not passes(record("PAGE#index.html", "D"))
    assert not passes(record("REBUILD#01JDQ7ZK3M8N4P5R6S7T8V9W0X", "R"))
