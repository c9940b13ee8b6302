"""The DynamoDB record layout: mapping to and from items, and which items are in which sparse index."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from newsdesk.adapters.dynamodb.codec import from_attr, to_attr, to_item
from newsdesk.adapters.dynamodb.keys import INDEXES, sort_time
from newsdesk.adapters.dynamodb.records import (
    article_as_stored,
    article_to_item,
    item_to_article,
    slug_claim_item,
    tag_to_item,
)
from newsdesk.articles import models
from newsdesk.articles.models import Article, ArticleStatus, Image, Owner, Tag

KOLKATA = ZoneInfo("Asia/Kolkata")
CREATED = dt.datetime(2024, 11, 25, 9, 0, 0, 123456, tzinfo=dt.UTC)


def full_article(**overrides: object) -> Article:
    values: dict[str, object] = {
        "id": "01JDQ7ZK3M8N4P5R6S7T8V9W0X",
        "slug": "monsoon-arrives-early",
        "headline": "Monsoon arrives early",
        "summary": "Two days ahead.",
        "body": "It rained **hard**.",
        "authors": ["Asha Rao", "Vikram Iyer"],
        "source": "Agency",
        "dateline": "Kochi",
        "section": "India",
        "tags": [Tag(name="Monsoon", slug="monsoon"), Tag(name="Kerala", slug="kerala")],
        "image": Image(url="https://img.example.com/m.jpg", alt="Clouds"),
        "status": ArticleStatus.DRAFT,
        "created_at": CREATED,
        "updated_at": CREATED,
        "version": 1,
        "created_by": Owner(sub="7d1f3a62-9c4e-4b8a-ae2f-1b5c9d0e4f61", email="asha.rao@example.com"),
    }
    values.update(overrides)
    return Article.model_validate(values)


def test_an_article_survives_the_round_trip_through_an_item() -> None:
    # Given an article with every field set, published so that it has a URL
    article = models.publish(full_article(), CREATED + dt.timedelta(minutes=5), KOLKATA)

    # When it is mapped to an item and back
    again = item_to_article(article_to_item(article))

    # Then nothing is lost or changed
    assert again == article


def test_a_minimal_draft_survives_the_round_trip() -> None:
    # Given a draft with only the required fields
    article = full_article(
        summary="",
        authors=[],
        source=None,
        dateline=None,
        section=None,
        tags=[],
        image=None,
        created_by=None,
    )

    # When it is mapped to an item and back
    item = article_to_item(article)
    again = item_to_article(item)

    # Then it is equal, and absent optional values are not stored at all
    assert again == article
    assert not {"source", "dateline", "section", "image", "published_at", "url"} & item.keys()
    assert not {"publish_at", "embargo_until", "expire_at", "created_by"} & item.keys()


def test_the_creator_round_trips_and_an_email_is_stored_only_when_known() -> None:
    # Given articles whose creators' tokens had an email, and had none
    with_email = full_article()
    without = full_article(created_by=Owner(sub="b0000000-0000-4000-8000-00000000000b"))

    # When they are stored and read back (strictly, and as stored)
    items = [article_to_item(with_email), article_to_item(without)]

    # Then the creator comes back each way, and an absent email is not stored
    assert items[0]["created_by"] == {
        "M": {"sub": {"S": "7d1f3a62-9c4e-4b8a-ae2f-1b5c9d0e4f61"}, "email": {"S": "asha.rao@example.com"}}
    }
    assert "email" not in items[1]["created_by"]["M"]
    assert [item_to_article(i).created_by for i in items] == [with_email.created_by, without.created_by]
    assert [article_as_stored(i).created_by for i in items] == [with_email.created_by, without.created_by]


def test_an_article_in_review_is_listed_under_its_status_and_is_not_published() -> None:
    # Given an article in review
    item = article_to_item(full_article(status=ArticleStatus.REVIEW, version=2))

    # Then it is in the review queue's ByStatus partition, and in no Published index
    assert item["GSI1PK"] == {"S": "STATUS#review"}
    assert "PUBPK" not in item


def test_the_times_of_a_scheduled_article_survive_the_round_trip_in_utc() -> None:
    # Given a scheduled article with its publish, embargo and expiry times in the site's zone
    publish_at = dt.datetime(2027, 1, 1, 0, 15, tzinfo=KOLKATA)
    article = full_article(
        status=ArticleStatus.SCHEDULED,
        publish_at=publish_at,
        embargo_until=publish_at - dt.timedelta(minutes=15),
        expire_at=publish_at + dt.timedelta(days=1),
    )

    # When it is mapped to an item and back
    item = article_to_item(article)
    again = item_to_article(item)

    # Then the same moments come back, stored in UTC
    assert again == article
    assert item["publish_at"] == {"S": "2026-12-31T18:45:00+00:00"}


def test_an_image_caption_round_trips_when_present_and_is_not_stored_when_absent() -> None:
    # Given articles with and without an image caption
    with_caption = full_article(image=Image(url="https://img.example.com/a.jpg", alt="A", caption="C"))
    without = full_article()

    # When they are stored
    # Then the caption is kept only where there is one
    assert article_to_item(with_caption)["image"]["M"]["caption"] == {"S": "C"}
    assert "caption" not in article_to_item(without)["image"]["M"]
    assert item_to_article(article_to_item(with_caption)).image == with_caption.image


def test_a_draft_is_in_the_status_and_updated_indexes_but_not_the_published_one() -> None:
    # Given a draft
    item = article_to_item(full_article())

    # Then it has ByStatus and ByUpdated keys and no Published keys
    assert item["GSI1PK"] == {"S": "STATUS#draft"}
    assert item["GSI2PK"] == {"S": "ARTICLES"}
    assert item["GSI1SK"]["S"].endswith("#01JDQ7ZK3M8N4P5R6S7T8V9W0X")
    assert "PUBPK" not in item
    assert "PUBSK" not in item


def test_a_published_article_is_in_the_published_index_sorted_by_first_publish_time() -> None:
    # Given a published article
    published_at = dt.datetime(2024, 11, 25, 19, 0, tzinfo=dt.UTC)
    article = models.publish(full_article(), published_at, KOLKATA)

    # When it is stored
    item = article_to_item(article)

    # Then it has Published keys sorted by its publish time
    assert item["PUBPK"] == {"S": "PUBLISHED"}
    assert item["PUBSK"] == {"S": "2024-11-25T19:00:00.000000Z#01JDQ7ZK3M8N4P5R6S7T8V9W0X"}
    assert item["GSI1PK"] == {"S": "STATUS#published"}


def test_an_unpublished_article_leaves_the_published_indexes() -> None:
    # Given an article that was published and then taken down
    published = models.publish(full_article(), CREATED, KOLKATA)
    unpublished = models.unpublish(published, CREATED + dt.timedelta(hours=1))
    tag = unpublished.tags[0]

    # When it and its tag membership are stored
    item = article_to_item(unpublished)
    tag_item = tag_to_item(unpublished, tag)

    # Then neither carries the sparse Published / PublishedByTag keys any more
    assert "PUBPK" not in item
    assert "PTAGPK" not in tag_item
    assert "PUBSK" not in tag_item
    assert tag_item["TAGPK"] == {"S": "TAG#monsoon"}


def test_tag_items_of_a_live_article_are_in_the_published_by_tag_index() -> None:
    # Given a published article with a tag
    article = models.publish(full_article(), CREATED, KOLKATA)

    # When its tag membership is stored
    item = tag_to_item(article, Tag(name="Kerala", slug="kerala"))

    # Then it is in both tag indexes, in the article's partition
    assert item["PK"] == {"S": "ARTICLE#01JDQ7ZK3M8N4P5R6S7T8V9W0X"}
    assert item["SK"] == {"S": "TAG#kerala"}
    assert item["TAGPK"] == item["PTAGPK"] == {"S": "TAG#kerala"}
    assert item["article_id"] == {"S": article.id}
    assert item["status"] == {"S": "published"}


def test_slug_claims_live_in_their_own_partition() -> None:
    # Given a slug claimed by an article
    # When the claim item is built
    item = slug_claim_item("monsoon", "01JDQ7ZK3M8N4P5R6S7T8V9W0X")

    # Then it is keyed by the slug, and names its owner
    assert item["PK"] == {"S": "SLUG#monsoon"}
    assert item["article_id"] == {"S": "01JDQ7ZK3M8N4P5R6S7T8V9W0X"}


def test_index_key_attributes_match_the_template() -> None:
    # Given the indexes the store queries and the template that creates them
    from newsdesk_local.template import load_template

    gsis = load_template()["Resources"]["ArticlesTable"]["Properties"]["GlobalSecondaryIndexes"]

    # When their key attributes are compared
    declared = {gsi["IndexName"]: tuple(k["AttributeName"] for k in gsi["KeySchema"]) for gsi in gsis}

    # Then they are the same
    assert declared == INDEXES


def test_sort_time_is_fixed_width_utc_and_sorts_in_time_order() -> None:
    # Given times in different zones, with and without microseconds
    earlier = dt.datetime(2024, 11, 26, 0, 30, tzinfo=KOLKATA)  # 2024-11-25T19:00Z
    later = dt.datetime(2024, 11, 25, 19, 0, 0, 1, tzinfo=dt.UTC)

    # When they are turned into sort keys
    a, b = sort_time(earlier), sort_time(later)

    # Then they are UTC, the same width, and compare as the times do
    assert a == "2024-11-25T19:00:00.000000Z"
    assert len(a) == len(b)
    assert a < b


@pytest.mark.parametrize(
    "value",
    ["text", 3, 2.5, True, False, None, [1, "a"], {"k": {"n": [None]}}, b"\x00\x01"],
)
def test_attribute_values_round_trip(value: object) -> None:
    # Given a plain Python value of a shape Newsdesk stores
    # When it is converted to a DynamoDB attribute and back
    # Then it is unchanged
    assert from_attr(to_attr(value)) == value


def test_numbers_come_back_as_int_or_float() -> None:
    # Given numbers as DynamoDB returns them
    # When they are read
    # Then integral ones are ints, others floats
    assert from_attr({"N": "7"}) == 7
    assert isinstance(from_attr({"N": "7"}), int)
    assert from_attr({"N": "7.25"}) == 7.25
    assert to_attr(Decimal("1.5")) == {"N": "1.5"}


def test_unsupported_values_are_refused() -> None:
    # Given a value DynamoDB cannot hold as is
    # When it is converted
    # Then a TypeError names the type
    with pytest.raises(TypeError, match="datetime"):
        to_attr(CREATED)


def test_to_item_leaves_out_none_values() -> None:
    # Given values some of which are None
    # When they become an item
    # Then the None values are not stored
    assert to_item({"a": "x", "b": None}) == {"a": {"S": "x"}}
