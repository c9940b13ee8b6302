from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from newsdesk.articles.types import MAX_BODY_BYTES, MAX_TAGS
from newsdesk.http.models import ArticleCreate, ArticlePatch


def valid_create(**overrides: Any) -> dict[str, Any]:
    return {"headline": "Monsoon arrives early", "body": "It rained.", **overrides}


def failing_fields(exc: ValidationError) -> set[str]:
    return {".".join(str(part) for part in err["loc"]) for err in exc.errors()}


def test_a_minimal_draft_is_accepted_with_defaults() -> None:
    # Given only a headline and a body
    # When the input is validated
    draft = ArticleCreate.model_validate(valid_create())

    # Then the optional fields take their defaults
    assert draft.headline == "Monsoon arrives early"
    assert draft.slug is None
    assert draft.summary == ""
    assert draft.tags == []
    assert draft.image is None


def test_headline_is_trimmed() -> None:
    # Given a headline with surrounding whitespace
    # When the input is validated
    draft = ArticleCreate.model_validate(valid_create(headline="  Monsoon arrives early \n"))

    # Then it is stored trimmed
    assert draft.headline == "Monsoon arrives early"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"headline": None}, "headline"),
        ({"headline": ""}, "headline"),
        ({"headline": "   "}, "headline"),
        ({"headline": "x" * 201}, "headline"),
        ({"headline": "Line\x00break"}, "headline"),
        ({"body": ""}, "body"),
        ({"body": None}, "body"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"tags": ["t"] * (MAX_TAGS + 1)}, "tags"),
        ({"tags": ["x" * 61]}, "tags.0"),
        ({"authors": [""]}, "authors.0"),
        ({"image": {"url": "javascript:alert(1)", "alt": "x"}}, "image.url"),
        ({"image": {"url": "ftp://example.com/a.jpg", "alt": "x"}}, "image.url"),
        ({"image": {"url": "//example.com/a.jpg", "alt": "x"}}, "image.url"),
        ({"image": {"url": "https://example.com/a.jpg", "alt": ""}}, "image.alt"),
        ({"status": "published"}, "status"),
        ({"image": {"url": "https://example.com/a.jpg", "alt": "x", "href": "x"}}, "image.href"),
    ],
)
def test_invalid_create_input_names_the_field(overrides: dict[str, Any], field: str) -> None:
    # Given an otherwise valid draft with one bad value (or one unknown field)
    payload = valid_create(**overrides)

    # When the input is validated
    with pytest.raises(ValidationError) as caught:
        ArticleCreate.model_validate(payload)

    # Then the error names that field
    assert field in failing_fields(caught.value)


@pytest.mark.parametrize("missing", ["headline", "body"])
def test_headline_and_body_are_required(missing: str) -> None:
    # Given a draft without one of its required fields
    payload = valid_create()
    del payload[missing]

    # When the input is validated
    with pytest.raises(ValidationError) as caught:
        ArticleCreate.model_validate(payload)

    # Then the missing field is named
    assert caught.value.errors()[0]["type"] == "missing"
    assert failing_fields(caught.value) == {missing}


def test_headline_of_exactly_200_characters_is_accepted() -> None:
    # Given a headline at the limit
    # When the input is validated
    draft = ArticleCreate.model_validate(valid_create(headline="x" * 200))

    # Then it is kept whole
    assert len(draft.headline) == 200


def test_body_limit_counts_utf8_bytes_not_characters() -> None:
    # Given a body at exactly the limit in bytes
    at_limit = "x" * MAX_BODY_BYTES
    # and one of fewer characters than the limit whose UTF-8 encoding is larger (é is two bytes)
    multibyte = "é" * (MAX_BODY_BYTES // 2 + 1)
    assert len(multibyte) < MAX_BODY_BYTES < len(multibyte.encode("utf-8"))

    # When both are validated
    accepted = ArticleCreate.model_validate(valid_create(body=at_limit))
    with pytest.raises(ValidationError) as caught:
        ArticleCreate.model_validate(valid_create(body=multibyte))

    # Then only the one within the byte limit passes
    assert len(accepted.body) == MAX_BODY_BYTES
    assert failing_fields(caught.value) == {"body"}
    assert "bytes" in caught.value.errors()[0]["msg"]


def test_twenty_tags_are_accepted() -> None:
    # Given exactly the maximum number of tags
    tags = [f"tag {i}" for i in range(MAX_TAGS)]

    # When the input is validated
    draft = ArticleCreate.model_validate(valid_create(tags=tags))

    # Then all are kept
    assert draft.tags == tags


@pytest.mark.parametrize("url", ["http://example.com/a.jpg", "https://images.example.com/x/y.jpg?w=800"])
def test_http_and_https_image_urls_are_accepted(url: str) -> None:
    # Given an image with an http(s) URL
    # When the input is validated
    draft = ArticleCreate.model_validate(valid_create(image={"url": url, "alt": "A beach"}))

    # Then the image is kept
    assert draft.image is not None
    assert draft.image.url == url


def test_patch_keeps_only_the_fields_sent_including_explicit_nulls() -> None:
    # Given a patch that changes the headline and clears the dateline
    # When it is validated
    patch = ArticlePatch.model_validate({"headline": "New headline", "dateline": None})

    # Then exactly those two fields are set, and the null is kept as a change
    assert patch.model_dump(exclude_unset=True) == {"headline": "New headline", "dateline": None}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"status": "published"}, "status"),
        ({"version": 7}, "version"),
        ({"headline": "x" * 201}, "headline"),
        ({"tags": ["t"] * (MAX_TAGS + 1)}, "tags"),
        ({"slug": "UPPER"}, "slug"),
        ({"image": {"url": "data:image/png;base64,AAAA", "alt": "x"}}, "image.url"),
    ],
)
def test_invalid_patch_input_names_the_field(payload: dict[str, Any], field: str) -> None:
    # Given a patch with a bad value or an unknown field
    # When it is validated
    with pytest.raises(ValidationError) as caught:
        ArticlePatch.model_validate(payload)

    # Then the error names that field
    assert field in failing_fields(caught.value)
