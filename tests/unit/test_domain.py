from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from newsdesk.articles import models
from newsdesk.articles.errors import InvalidArticle, InvalidTransition
from newsdesk.articles.models import Article, ArticleStatus, Tag

KOLKATA = ZoneInfo("Asia/Kolkata")
CREATED = dt.datetime(2024, 11, 25, 9, 0, tzinfo=dt.UTC)


def draft(**overrides: object) -> Article:
    values: dict[str, object] = {
        "id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X",
        "slug": "monsoon-arrives-early",
        "headline": "Monsoon arrives early",
        "body": "The south-west monsoon reached the Kerala coast on Thursday.",
        "status": ArticleStatus.DRAFT,
        "created_at": CREATED,
        "updated_at": CREATED,
        "version": 1,
    }
    values.update(overrides)
    return Article.model_validate(values)


# ----- publish -----------------------------------------------------------------------------------


def test_publish_sets_status_url_and_publish_time() -> None:
    # Given a draft
    article = draft()
    now = dt.datetime(2024, 11, 25, 10, 30, tzinfo=dt.UTC)

    # When it is published
    published = models.publish(article, now, KOLKATA)

    # Then it is live under a dated URL, one version later
    assert published.status is ArticleStatus.PUBLISHED
    assert published.is_live
    assert published.url == "/2024/11/25/monsoon-arrives-early/"
    assert published.published_at == now
    assert published.updated_at == now
    assert published.version == article.version + 1
    # and the original is unchanged (models are immutable)
    assert article.status is ArticleStatus.DRAFT
    assert article.url is None


def test_publish_dates_the_url_in_the_site_time_zone() -> None:
    # Given a publish time late on 25 November in UTC, which is already 26 November in Kolkata (UTC+5:30)
    now = dt.datetime(2024, 11, 25, 19, 0, tzinfo=dt.UTC)

    # When a draft is published
    published = models.publish(draft(), now, KOLKATA)

    # Then the URL carries the local date, not the UTC date
    assert published.url == "/2024/11/26/monsoon-arrives-early/"


def test_publish_just_before_local_midnight_keeps_the_local_day() -> None:
    # Given 18:29:59 UTC, one second before midnight in Kolkata
    now = dt.datetime(2024, 12, 31, 18, 29, 59, tzinfo=dt.UTC)

    # When a draft is published
    published = models.publish(draft(), now, KOLKATA)

    # Then the URL is dated the 31st
    assert published.url == "/2024/12/31/monsoon-arrives-early/"


def test_republishing_after_unpublish_keeps_the_first_url_and_publish_date() -> None:
    # Given an article published on one day and unpublished
    first = dt.datetime(2024, 11, 25, 10, 0, tzinfo=dt.UTC)
    published = models.publish(draft(), first, KOLKATA)
    unpublished = models.unpublish(published, first + dt.timedelta(hours=1))

    # When it is published again days later
    later = dt.datetime(2024, 12, 3, 8, 0, tzinfo=dt.UTC)
    republished = models.publish(unpublished, later, KOLKATA)

    # Then its URL and first publish date have not moved
    assert republished.status is ArticleStatus.PUBLISHED
    assert republished.url == "/2024/11/25/monsoon-arrives-early/"
    assert republished.published_at == first
    assert republished.updated_at == later
    assert republished.version == 4
    assert republished.slug_frozen


def test_publishing_a_published_article_is_refused() -> None:
    # Given a published article
    published = models.publish(draft(), CREATED, KOLKATA)

    # When it is published again
    # Then the transition is refused
    with pytest.raises(InvalidTransition, match="already published"):
        models.publish(published, CREATED, KOLKATA)


# ----- unpublish and delete ----------------------------------------------------------------------


def test_unpublish_takes_a_published_article_down_but_keeps_its_url() -> None:
    # Given a published article
    published = models.publish(draft(), CREATED, KOLKATA)
    later = CREATED + dt.timedelta(hours=2)

    # When it is unpublished
    unpublished = models.unpublish(published, later)

    # Then it is no longer live, yet its URL stays reserved
    assert unpublished.status is ArticleStatus.UNPUBLISHED
    assert not unpublished.is_live
    assert unpublished.url == published.url
    assert unpublished.updated_at == later
    assert unpublished.version == published.version + 1


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED, ArticleStatus.SCHEDULED])
def test_unpublishing_an_article_that_is_not_live_is_refused(status: ArticleStatus) -> None:
    # Given an article that is not published
    article = draft(status=status)

    # When it is unpublished
    # Then the transition is refused, naming its state
    with pytest.raises(InvalidTransition, match=status.value):
        models.unpublish(article, CREATED)


def test_a_published_article_cannot_be_deleted() -> None:
    # Given a published article
    published = models.publish(draft(), CREATED, KOLKATA)

    # When deletion is checked
    # Then it is refused
    with pytest.raises(InvalidTransition, match="unpublish it"):
        models.ensure_deletable(published)


@pytest.mark.parametrize("status", [ArticleStatus.DRAFT, ArticleStatus.UNPUBLISHED])
def test_drafts_and_unpublished_articles_can_be_deleted(status: ArticleStatus) -> None:
    # Given an article that is not live
    article = draft(status=status)

    # When deletion is checked
    # Then nothing is raised
    models.ensure_deletable(article)


# ----- slugs and tags ----------------------------------------------------------------------------


def test_slug_is_frozen_only_once_the_article_has_a_url() -> None:
    # Given a draft and the same article once published
    article = draft()
    published = models.publish(article, CREATED, KOLKATA)

    # Then only the published one has a frozen slug
    assert not article.slug_frozen
    assert published.slug_frozen


def test_headline_slug_refuses_a_headline_without_latin_letters() -> None:
    # Given a headline in Devanagari only
    # When a slug is derived from it
    # Then the error names the slug field, so the editor knows to supply one
    with pytest.raises(InvalidArticle) as caught:
        models.headline_slug("मानसून जल्दी आया")
    assert caught.value.field == "slug"


def test_tags_are_deduplicated_by_slug_keeping_the_first_spelling_and_order() -> None:
    # Given tag names that differ only in case, accents or spacing
    names = ["Climate", "Kerala", "climate", " CLIMATE ", "Kérala", "Monsoon"]

    # When they are deduplicated
    tags = models.dedupe_tags(names)

    # Then one tag remains per slug, in first-seen order, with its first display name
    assert tags == [
        Tag(name="Climate", slug="climate"),
        Tag(name="Kerala", slug="kerala"),
        Tag(name="Monsoon", slug="monsoon"),
    ]


def test_tag_names_are_trimmed_and_slugged() -> None:
    # Given a tag name with surrounding spaces and an accent
    # When a tag is made from it
    tag = Tag.from_name("  Côte d\u2019Ivoire ")

    # Then the display name is trimmed and the slug is URL-safe
    assert tag == Tag(name="Côte d\u2019Ivoire", slug="cote-divoire")


@pytest.mark.parametrize("name", ["東京", "!!!", "   "])
def test_a_tag_without_letters_or_digits_is_refused(name: str) -> None:
    # Given a tag name that yields no slug
    # When a tag is made from it
    # Then the error names the tags field
    with pytest.raises(InvalidArticle) as caught:
        Tag.from_name(name)
    assert caught.value.field == "tags"


# ----- the model itself --------------------------------------------------------------------------


def test_article_requires_aware_timestamps() -> None:
    # Given a naive datetime
    # When an article is built with it
    # Then it is refused (every time is stored with its zone)
    with pytest.raises(ValidationError):
        draft(created_at=dt.datetime(2024, 11, 25, 9, 0))


@pytest.mark.parametrize(
    "article_id",
    ["not-a-ulid", "01JDQ7ZK3M8N4P5R6S7T8V9W0", "01JDQ7ZK3M8N4P5R6S7T8V9W0I", "01jdq7zk3m8n4p5r6s7t8v9w0x"],
)
def test_article_id_must_be_a_ulid(article_id: str) -> None:
    # Given an id that is not a 26-character Crockford base32 ULID
    # When an article is built with it
    # Then it is refused
    with pytest.raises(ValidationError):
        draft(id=article_id)


def test_articles_are_immutable() -> None:
    # Given an article
    article = draft()

    # When a field is assigned
    # Then pydantic refuses it
    with pytest.raises(ValidationError):
        article.headline = "Changed"  # type: ignore[misc]
