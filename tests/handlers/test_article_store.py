"""ArticleStore against the table from template.yaml in moto: sparse indexes, companions, and no Scan."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pytest

from newsdesk.adapters.dynamodb.articles import ArticleStore
from newsdesk.articles import service
from newsdesk.articles.errors import ArticleNotFound, SlugTaken, VersionConflict
from newsdesk.articles.models import Article, ArticleStatus
from tests.handlers.conftest import CallRecorder

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KOLKATA = ZoneInfo("Asia/Kolkata")
# What the store may call: key lookups, Queries and conditional writes. Never Scan.
STORE_OPERATIONS = {"GetItem", "Query", "BatchGetItem", "TransactWriteItems", "DeleteItem"}


class Clock:
    """A clock that moves one minute per reading, so every write has its own time."""

    def __init__(self, start: dt.datetime) -> None:
        self._ticks: Iterator[dt.datetime] = (start + dt.timedelta(minutes=n) for n in itertools.count())

    def __call__(self) -> dt.datetime:
        return next(self._ticks)


@pytest.fixture
def calls() -> CallRecorder:
    return CallRecorder()


@pytest.fixture
def store(articles_table: str, dynamodb_client: DynamoDBClient, calls: CallRecorder) -> ArticleStore:
    calls.attach(dynamodb_client)
    return ArticleStore(articles_table, client=dynamodb_client)


@pytest.fixture
def clock() -> Clock:
    return Clock(dt.datetime(2024, 11, 25, 6, 0, tzinfo=dt.UTC))


def create(
    store: ArticleStore, clock: Callable[[], dt.datetime], headline: str, tags: list[str] | None = None
) -> Article:
    return service.create_article(
        store, {"headline": headline, "body": "Text.", "tags": tags or []}, clock=clock
    )


def publish(store: ArticleStore, clock: Clock, article: Article) -> Article:
    return service.publish_article(store, article.id, site_tz=KOLKATA, expected_version=None, clock=clock)


def index_ids(client: DynamoDBClient, table: str, index: str, pk_attr: str, pk: str) -> list[str]:
    """Ids in one partition of an index, read directly (newest first)."""
    response = client.query(
        TableName=table,
        IndexName=index,
        KeyConditionExpression="#pk = :pk",
        ExpressionAttributeNames={"#pk": pk_attr},
        ExpressionAttributeValues={":pk": {"S": pk}},
        ScanIndexForward=False,
    )
    return [(item.get("article_id") or item["id"])["S"] for item in response["Items"]]


def partition(client: DynamoDBClient, table: str, pk: str) -> list[dict[str, Any]]:
    response = client.query(
        TableName=table,
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": pk}},
        ConsistentRead=True,
    )
    return list(response["Items"])


# ----- sparse indexes ----------------------------------------------------------------------------


def test_a_draft_is_not_in_the_published_indexes(
    store: ArticleStore, clock: Clock, dynamodb_client: DynamoDBClient
) -> None:
    # Given a tagged draft
    article = create(store, clock, "Draft on floods", ["Floods"])
    table = store.table_name

    # When the indexes are read
    # Then it is in the status and tag indexes, but in neither published index
    assert index_ids(dynamodb_client, table, "ByStatus", "GSI1PK", "STATUS#draft") == [article.id]
    assert index_ids(dynamodb_client, table, "ByTag", "TAGPK", "TAG#floods") == [article.id]
    assert index_ids(dynamodb_client, table, "Published", "PUBPK", "PUBLISHED") == []
    assert index_ids(dynamodb_client, table, "PublishedByTag", "PTAGPK", "TAG#floods") == []
    assert store.list_published(10).items == []
    assert store.list_published_by_tag("floods", 10).items == []


def test_a_published_article_is_in_published_and_published_by_tag(
    store: ArticleStore, clock: Clock, dynamodb_client: DynamoDBClient
) -> None:
    # Given an article with two tags
    article = create(store, clock, "Floods in Assam", ["Floods", "Assam"])

    # When it is published
    live = publish(store, clock, article)

    # Then it is in the Published index and under each tag in PublishedByTag
    table = store.table_name
    assert index_ids(dynamodb_client, table, "Published", "PUBPK", "PUBLISHED") == [article.id]
    for tag in ("floods", "assam"):
        assert index_ids(dynamodb_client, table, "PublishedByTag", "PTAGPK", f"TAG#{tag}") == [article.id]
        assert [a.id for a in store.list_published_by_tag(tag, 10).items] == [article.id]
    assert store.list_published(10).items == [live]
    # and no longer under draft
    assert index_ids(dynamodb_client, table, "ByStatus", "GSI1PK", "STATUS#draft") == []


def test_unpublishing_removes_the_article_from_both_published_indexes(
    store: ArticleStore, clock: Clock, dynamodb_client: DynamoDBClient
) -> None:
    # Given a published, tagged article
    article = publish(store, clock, create(store, clock, "Floods recede", ["Floods"]))

    # When it is unpublished
    service.unpublish_article(store, article.id, expected_version=None, clock=clock)

    # Then it has left Published and PublishedByTag, but editors still find it by tag and status
    table = store.table_name
    assert index_ids(dynamodb_client, table, "Published", "PUBPK", "PUBLISHED") == []
    assert index_ids(dynamodb_client, table, "PublishedByTag", "PTAGPK", "TAG#floods") == []
    assert index_ids(dynamodb_client, table, "ByTag", "TAGPK", "TAG#floods") == [article.id]
    assert [a.id for a in store.list_by_tag("floods", 10, status=ArticleStatus.UNPUBLISHED).items] == [
        article.id
    ]
    assert index_ids(dynamodb_client, table, "ByStatus", "GSI1PK", "STATUS#unpublished") == [article.id]


def test_published_listing_is_newest_first_by_first_publish_time(store: ArticleStore, clock: Clock) -> None:
    # Given three articles published in turn, the first one republished last
    a = publish(store, clock, create(store, clock, "Story A"))
    b = publish(store, clock, create(store, clock, "Story B"))
    c = publish(store, clock, create(store, clock, "Story C"))
    service.unpublish_article(store, a.id, expected_version=None, clock=clock)
    publish(store, clock, a)

    # When the published listing is read
    listed = [x.id for x in store.list_published(10).items]

    # Then it is ordered by first publish time, newest first (republishing does not bump it)
    assert listed == [c.id, b.id, a.id]


def test_removing_a_tag_removes_the_article_from_that_tag(
    store: ArticleStore, clock: Clock, dynamodb_client: DynamoDBClient
) -> None:
    # Given an article tagged Floods and Assam
    article = create(store, clock, "Floods", ["Floods", "Assam"])

    # When its tags are changed to Assam and Relief
    service.revise_article(store, article.id, {"tags": ["Assam", "Relief"]}, expected_version=1, clock=clock)

    # Then its tag memberships follow
    table = store.table_name
    assert index_ids(dynamodb_client, table, "ByTag", "TAGPK", "TAG#floods") == []
    assert index_ids(dynamodb_client, table, "ByTag", "TAGPK", "TAG#assam") == [article.id]
    assert index_ids(dynamodb_client, table, "ByTag", "TAGPK", "TAG#relief") == [article.id]
    tag_items = sorted(i["SK"]["S"] for i in partition(dynamodb_client, table, f"ARTICLE#{article.id}"))
    assert tag_items == ["A", "REV#00000001", "REV#00000002", "TAG#assam", "TAG#relief"]


# ----- writes ------------------------------------------------------------------------------------


def test_delete_removes_the_article_its_companions_and_its_slug_claim(
    store: ArticleStore, clock: Clock, dynamodb_client: DynamoDBClient
) -> None:
    # Given a tagged draft with a render receipt beside it
    article = create(store, clock, "Short-lived draft", ["Floods"])
    table = store.table_name
    dynamodb_client.put_item(
        TableName=table,
        Item={"PK": {"S": f"ARTICLE#{article.id}"}, "SK": {"S": "RENDER"}, "entity": {"S": "render"}},
    )

    # When it is deleted
    service.delete_article(store, article.id, expected_version=1)

    # Then its whole partition and its slug claim are gone
    assert partition(dynamodb_client, table, f"ARTICLE#{article.id}") == []
    assert partition(dynamodb_client, table, f"SLUG#{article.slug}") == []
    assert store.get_by_slug(article.slug) is None


def test_the_slug_claim_finds_the_article(store: ArticleStore, clock: Clock) -> None:
    # Given an article
    article = create(store, clock, "Find me by slug")

    # When it is looked up by slug
    # Then it is found; an unclaimed slug finds nothing
    assert store.get_by_slug("find-me-by-slug") == article
    assert store.get_by_slug("nobody-has-this") is None


def test_a_save_based_on_a_stale_version_is_a_version_conflict(store: ArticleStore, clock: Clock) -> None:
    # Given two edits prepared from the same stored version
    article = create(store, clock, "Contested")
    first = article.model_copy(update={"summary": "First", "version": 2})
    second = article.model_copy(update={"summary": "Second", "version": 2})

    # When both are saved
    store.save(first, article)
    with pytest.raises(VersionConflict):
        store.save(second, article)

    # Then the first one stands
    assert store.get(article.id) == first


def test_saving_a_deleted_article_is_not_found(store: ArticleStore, clock: Clock) -> None:
    # Given an article that has been deleted
    article = create(store, clock, "Gone")
    store.delete(article)

    # When an edit of it is saved
    # Then it is reported as not found
    with pytest.raises(ArticleNotFound):
        store.save(article.model_copy(update={"version": 2}), article)


def test_a_slug_change_to_a_claimed_slug_is_refused_and_changes_nothing(
    store: ArticleStore, clock: Clock
) -> None:
    # Given two articles
    taken = create(store, clock, "First in line")
    article = create(store, clock, "Second in line")

    # When the second takes the first one's slug
    with pytest.raises(SlugTaken):
        service.revise_article(store, article.id, {"slug": taken.slug}, expected_version=1, clock=clock)

    # Then neither article nor claim moved
    assert store.get(article.id) == article
    assert store.get_by_slug(taken.slug) == taken
    assert store.get_by_slug(article.slug) == article


class RacingStore(ArticleStore):
    """A store whose first create waits for the other racers' first creates, so that they all claim the
    same slug at once. DynamoDB runs transactions one at a time; moto's in-process backend does not, so
    the writes themselves take turns (`turn`)."""

    def __init__(self, table: str, client: Any, start: threading.Barrier, turn: threading.Lock) -> None:
        super().__init__(table, client=client)
        self.start = start
        self.turn = turn
        self.tried: list[str] = []

    def create(self, article: Article) -> None:
        if not self.tried:
            self.start.wait(timeout=10)
        self.tried.append(article.slug)
        with self.turn:
            super().create(article)


def test_two_creates_of_one_headline_at_once_both_succeed_with_distinct_slugs(
    articles_table: str, dynamodb_client: DynamoDBClient
) -> None:
    # Given two editors' stores that will claim the same slug at the same moment
    start, turn = threading.Barrier(2), threading.Lock()
    now = dt.datetime(2024, 11, 25, 6, 0, tzinfo=dt.UTC)
    racers = [RacingStore(articles_table, dynamodb_client, start, turn) for _ in range(2)]

    # When both create an article with the same headline, in parallel
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(create, racer, lambda: now, "Parliament passes the budget") for racer in racers
        ]
        created = [f.result(timeout=30) for f in futures]

    # Then both were created, one with the headline's slug and the other with the next one
    assert sorted(a.slug for a in created) == [
        "parliament-passes-the-budget",
        "parliament-passes-the-budget-2",
    ]
    assert all(r.tried[0] == "parliament-passes-the-budget" for r in racers)
    # and each slug claim names its own article
    for article in created:
        assert racers[0].get_by_slug(article.slug) == article


# ----- access patterns ---------------------------------------------------------------------------


def test_the_store_only_uses_key_lookups_queries_and_transactions(
    store: ArticleStore, clock: Clock, calls: CallRecorder
) -> None:
    # Given a workout of every store method
    first = create(store, clock, "Access patterns one", ["Alpha"])
    second = create(store, clock, "Access patterns two", ["Alpha", "Beta"])
    publish(store, clock, first)
    store.get(first.id)
    store.get_with_receipt(first.id)
    store.get_by_slug(second.slug)
    store.get_many([first.id, second.id])
    page = store.list_all(1)
    store.list_all(1, page.next_cursor)
    store.list_by_status(ArticleStatus.DRAFT, 10)
    store.list_published(10)
    store.list_by_tag("alpha", 10)
    store.list_by_tag("alpha", 10, status=ArticleStatus.PUBLISHED)
    store.list_published_by_tag("alpha", 10)
    service.revise_article(store, second.id, {"tags": ["Beta"]}, expected_version=1, clock=clock)
    service.unpublish_article(store, first.id, expected_version=None, clock=clock)
    service.delete_article(store, second.id, expected_version=None)

    # When the DynamoDB calls it made are listed
    used = set(calls.operations)

    # Then every one is a key lookup, a Query or a (conditional) write; never a Scan
    assert "Scan" not in used
    assert used <= STORE_OPERATIONS
    assert {"Query", "TransactWriteItems", "GetItem"} <= used
    # and every Query reads a single partition by key condition
    for name, params in calls.calls:
        if name == "Query":
            assert "KeyConditionExpression" in params
