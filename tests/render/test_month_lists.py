"""The months a listing links to, read from the table's indexes (moto, built from template.yaml).

A scope's month list reads a page of small index entries per Query, so a scope with a few stories a month
gives all its months in one or two Queries; the site's list reads one whole article per month with content.
Both must give every month with a live article, newest first, in the site's time zone, however the pages
fall (a month cut by a page's end, a month boundary in the site's time zone that is not UTC's).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from newsdesk.adapters.dynamodb import published
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.articles.models import ArticleStatus, Scope
from tests.render.conftest import Pipeline, make_article

KOLKATA = ZoneInfo("Asia/Kolkata")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=KOLKATA).astimezone(dt.UTC)


class CountingClient:
    """The DynamoDB client, counting its Queries."""

    def __init__(self, client: object) -> None:
        self.client = client
        self.queries = 0

    def __getattr__(self, name: str) -> object:
        if name == "query":
            self.queries += 1
        return getattr(self.client, name)


@pytest.mark.parametrize("page", [1, 2, 3, 100])
def test_a_scopes_months_are_every_month_with_a_live_article_newest_first(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, page: int
) -> None:
    # Given stories tagged Monsoon in four months (three in October, one at 00:15 on 1 September in
    # Kolkata, which is still August in UTC), one untagged in July and an unpublished one in June
    stories = [
        make_article(headline="October one", published_at=at(2026, 10, 28), tags=["Monsoon"]),
        make_article(headline="October two", published_at=at(2026, 10, 15), tags=["Monsoon"]),
        make_article(headline="October three", published_at=at(2026, 10, 2), tags=["Monsoon"]),
        make_article(headline="First of September", published_at=at(2026, 9, 1, 0, 15), tags=["Monsoon"]),
        make_article(headline="August", published_at=at(2026, 8, 31, 23, 50), tags=["Monsoon"]),
        make_article(headline="January", published_at=at(2026, 1, 5), tags=["Monsoon"]),
        make_article(headline="July, other tag", published_at=at(2026, 7, 9), tags=["Kerala"]),
        make_article(
            headline="June, taken down",
            published_at=at(2026, 6, 3),
            status=ArticleStatus.UNPUBLISHED,
            tags=["Monsoon"],
        ),
    ]
    pipeline.seed(stories)
    monkeypatch.setattr(published, "SCOPE_MONTHS_PAGE", page)
    client = CountingClient(pipeline.ddb)
    reader = PublishedArticles(pipeline.table, client)  # type: ignore[arg-type]

    # When the tag's months are read, whatever the page size
    months = reader.months(KOLKATA, Scope.tag("monsoon"))

    # Then every month with a live Monsoon story is there once, newest first, in Kolkata's calendar
    assert months == [(2026, 10), (2026, 9), (2026, 8), (2026, 1)]
    # and never more Queries than one per month and a last one; a page that holds them all needs one
    assert client.queries <= 5
    if page == 100:
        assert client.queries == 1


def test_the_sites_months_read_one_entry_per_month(pipeline: Pipeline) -> None:
    # Given live stories in three months, two of them in October
    pipeline.seed(
        [
            make_article(headline="October one", published_at=at(2026, 10, 28)),
            make_article(headline="October two", published_at=at(2026, 10, 2)),
            make_article(headline="First of September", published_at=at(2026, 9, 1, 0, 15)),
            make_article(headline="March", published_at=at(2026, 3, 9)),
        ]
    )
    client = CountingClient(pipeline.ddb)
    reader = PublishedArticles(pipeline.table, client)  # type: ignore[arg-type]

    # When the site's months are read
    months = reader.months(KOLKATA)

    # Then each month is there once, newest first, from one small Query per month and a last empty one
    assert months == [(2026, 10), (2026, 9), (2026, 3)]
    assert client.queries == 4
