"""DynamoDB adapter for articles: key lookups and Queries only, every write conditional."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from newsdesk.adapters.dynamodb.codec import Item
from newsdesk.adapters.dynamodb.cursor import decode_cursor, encode_cursor
from newsdesk.adapters.dynamodb.keys import (
    ALL_ARTICLES,
    ARTICLE_SK,
    BY_STATUS,
    BY_TAG,
    BY_UPDATED,
    LIVE,
    PUBLISHED,
    PUBLISHED_BY_TAG,
    RENDER_SK,
    REVISION_PREFIX,
    Index,
    article_key,
    article_pk,
    revision_key,
    scope_key,
    slug_key,
    status_partition,
    tag_pk,
)
from newsdesk.adapters.dynamodb.records import (
    article_as_stored,
    article_to_item,
    correction_log_item,
    item_to_article,
    item_to_receipt,
    item_to_revision,
    revision_to_item,
    scope_to_item,
    slug_claim_item,
)
from newsdesk.adapters.dynamodb.table import TableAdapter
from newsdesk.adapters.dynamodb.unreadable import readable
from newsdesk.articles.errors import ArticleNotFound, SlugTaken, VersionConflict
from newsdesk.articles.models import (
    Article,
    ArticlePage,
    ArticleStatus,
    RenderReceipt,
    Revision,
    RevisionPage,
    RevisionRetention,
)
from newsdesk.errors import InvalidCursor

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class ArticleStore(TableAdapter):
    """Reads and writes articles in the Newsdesk table (newsdesk.articles.ports.ArticleRepository).

    One article is read as it is stored, even if it breaks a rule (records.article_as_stored), so an
    editor can see and repair it; a listing leaves out, and reports, an item it cannot read.

    Every version it writes is also kept as a revision, in the same transaction, under `retention`
    (newsdesk.articles.ports.RevisionRepository).

    `prepare`, when given, is applied to every version before it is written: the composition root passes
    newsdesk.site.markdown.with_rendered_body, so the body's HTML is made once, when the version is saved,
    and stored with it (not with its revision).
    """

    def __init__(
        self,
        table_name: str,
        client: DynamoDBClient | None = None,
        retention: RevisionRetention | None = None,
        prepare: Callable[[Article], Article] | None = None,
    ) -> None:
        super().__init__(table_name, client)
        self.retention = retention or RevisionRetention()
        self.prepare = prepare

    # ----- reads -------------------------------------------------------------------------------

    def get(self, article_id: str) -> Article | None:
        item = self.get_item(article_id)
        return article_as_stored(item) if item else None

    def get_item(self, article_id: str) -> Item | None:
        """The article's item as stored, strongly consistent."""
        response = self.client.get_item(
            TableName=self.table_name, Key=article_key(article_id), ConsistentRead=True
        )
        return response.get("Item")

    def get_with_receipt(self, article_id: str) -> tuple[Article | None, RenderReceipt | None]:
        """The article and its render receipt, in one strongly consistent Query of the start of its
        partition (`A` .. `RENDER`: neither its tags nor its revisions)."""
        article: Article | None = None
        receipt: RenderReceipt | None = None
        items = self.query_all(
            KeyConditionExpression="PK = :pk AND SK <= :render",
            ExpressionAttributeValues={":pk": {"S": article_pk(article_id)}, ":render": {"S": RENDER_SK}},
            ConsistentRead=True,
        )
        for item in items:
            sk = item["SK"]["S"]
            if sk == ARTICLE_SK:
                article = article_as_stored(item)
            elif sk == RENDER_SK:
                receipt = item_to_receipt(item)
        return article, receipt

    def get_partition(self, article_id: str) -> list[Item]:
        """The article item and its companions (tags, render receipt, revisions), strongly consistent."""
        return self.query_all(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": article_pk(article_id)}},
            ConsistentRead=True,
        )

    def get_by_slug(self, slug: str) -> Article | None:
        claim = self.client.get_item(TableName=self.table_name, Key=slug_key(slug), ConsistentRead=True)
        if "Item" not in claim:
            return None
        return self.get(claim["Item"]["article_id"]["S"])

    def list_all(self, limit: int, cursor: str | None = None) -> ArticlePage:
        return self._query_articles(BY_UPDATED, ALL_ARTICLES, limit, cursor)

    def list_by_status(self, status: ArticleStatus, limit: int, cursor: str | None = None) -> ArticlePage:
        return self._query_articles(BY_STATUS, status_partition(status.value), limit, cursor)

    def list_published(self, limit: int, cursor: str | None = None) -> ArticlePage:
        return self._query_articles(PUBLISHED, LIVE, limit, cursor)

    def list_by_tag(
        self, tag_slug: str, limit: int, cursor: str | None = None, status: ArticleStatus | None = None
    ) -> ArticlePage:
        return self._query_tag(BY_TAG, tag_slug, limit, cursor, status)

    def list_published_by_tag(self, tag_slug: str, limit: int, cursor: str | None = None) -> ArticlePage:
        return self._query_tag(PUBLISHED_BY_TAG, tag_slug, limit, cursor, None)

    def _query_articles(self, index: Index, partition: str, limit: int, cursor: str | None) -> ArticlePage:
        response = self.query_index(index, partition, limit, cursor)
        return ArticlePage(
            items=readable("article", response.get("Items", []), item_to_article),
            next_cursor=encode_cursor(response.get("LastEvaluatedKey")),
        )

    def _query_tag(
        self, index: Index, tag_slug: str, limit: int, cursor: str | None, status: ArticleStatus | None
    ) -> ArticlePage:
        extra: dict[str, Any] = {}
        if status is not None:
            extra = {
                "FilterExpression": "#status = :status",
                "ExpressionAttributeNames": {"#status": "status"},
                "ExpressionAttributeValues": {":status": {"S": status.value}},
            }
        response = self.query_index(index, tag_pk(tag_slug), limit, cursor, **extra)
        ids = readable("tag", response.get("Items", []), article_id_in)
        return ArticlePage(
            items=self.get_many(ids), next_cursor=encode_cursor(response.get("LastEvaluatedKey"))
        )

    def get_many(self, ids: list[str]) -> list[Article]:
        """Articles by id, in the order given (missing and unreadable ones left out), strongly consistent."""
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 100):
            keys: list[Item] = [article_key(i) for i in ids[start : start + 100]]
            request: dict[str, Any] = {self.table_name: {"Keys": keys, "ConsistentRead": True}}
            while request:
                response = self.client.batch_get_item(RequestItems=request)
                items = response.get("Responses", {}).get(self.table_name, [])
                for article in readable("article", items, item_to_article):
                    found[article.id] = article
                request = response.get("UnprocessedKeys") or {}
        return [found[i] for i in ids if i in found]

    def list_revisions(self, article_id: str, limit: int, cursor: str | None = None) -> RevisionPage:
        """One page of the article's saved versions, newest first (strongly consistent)."""
        pk = article_pk(article_id)
        kwargs: dict[str, Any] = {
            "TableName": self.table_name,
            "KeyConditionExpression": "PK = :pk AND begins_with(SK, :rev)",
            "ExpressionAttributeValues": {":pk": {"S": pk}, ":rev": {"S": REVISION_PREFIX}},
            "ScanIndexForward": False,
            "Limit": limit,
            "ConsistentRead": True,
        }
        start = decode_cursor(cursor, frozenset({"PK", "SK"}))
        if start:
            if start["PK"]["S"] != pk or not start["SK"]["S"].startswith(REVISION_PREFIX):
                raise InvalidCursor("The cursor is not one this API issued for this article's revisions.")
            kwargs["ExclusiveStartKey"] = start
        response = self.client.query(**kwargs)
        return RevisionPage(
            items=readable("revision", response.get("Items", []), item_to_revision),
            next_cursor=encode_cursor(response.get("LastEvaluatedKey")),
        )

    def get_revision(self, article_id: str, version: int) -> Revision | None:
        response = self.client.get_item(
            TableName=self.table_name, Key=revision_key(article_id, version), ConsistentRead=True
        )
        item = response.get("Item")
        return item_to_revision(item) if item else None

    def _keep_revision(self, article: Article) -> list[dict[str, Any]]:
        """The transaction's actions that keep `article` as a revision, and let go of the one that the
        retention no longer keeps."""
        actions: list[dict[str, Any]] = [
            {"Put": {"TableName": self.table_name, "Item": revision_to_item(article, self.retention)}}
        ]
        dropped = article.version - self.retention.keep
        if dropped >= 1:
            actions.append(
                {"Delete": {"TableName": self.table_name, "Key": revision_key(article.id, dropped)}}
            )
        return actions

    # ----- writes ------------------------------------------------------------------------------

    def create(self, article: Article) -> None:
        if self.prepare is not None:
            article = self.prepare(article)
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": slug_claim_item(article.slug, article.id),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": article_to_item(article),
                    "ConditionExpression": "attribute_not_exists(PK)",
                }
            },
            *(
                {"Put": {"TableName": self.table_name, "Item": scope_to_item(article, s)}}
                for s in article.scopes
            ),
            *self._keep_revision(article),
        ]
        self._transact(actions, article, slug_index=0, article_index=1)

    def save(self, article: Article, previous: Article) -> None:
        """Store a new version of an article, conditional on `previous` still being the stored one."""
        if self.prepare is not None:
            article = self.prepare(article)
        actions: list[dict[str, Any]] = [
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": article_to_item(article),
                    "ConditionExpression": "#v = :expected",
                    "ExpressionAttributeNames": {"#v": "version"},
                    "ExpressionAttributeValues": {":expected": {"N": str(previous.version)}},
                }
            }
        ]
        slug_index = None
        if article.slug != previous.slug:
            slug_index = len(actions)
            actions.append(
                {
                    "Put": {
                        "TableName": self.table_name,
                        "Item": slug_claim_item(article.slug, article.id),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                }
            )
            actions.append(self._release_slug(previous.slug, article.id))
        current = set(article.scopes)
        actions.extend(
            {"Delete": {"TableName": self.table_name, "Key": scope_key(article.id, s.kind.value, s.slug)}}
            for s in previous.scopes
            if s not in current
        )
        actions.extend(
            {"Put": {"TableName": self.table_name, "Item": scope_to_item(article, s)}} for s in article.scopes
        )
        actions.extend(self._keep_revision(article))
        actions.extend(
            {"Put": {"TableName": self.table_name, "Item": correction_log_item(article, number)}}
            for number in range(len(previous.corrections), len(article.corrections))
        )
        self._transact(actions, previous, slug_index=slug_index, article_index=0, new_slug=article.slug)

    def delete(self, article: Article) -> None:
        actions: list[dict[str, Any]] = [
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": article_key(article.id),
                    "ConditionExpression": "#v = :expected AND #s <> :published",
                    "ExpressionAttributeNames": {"#v": "version", "#s": "status"},
                    "ExpressionAttributeValues": {
                        ":expected": {"N": str(article.version)},
                        ":published": {"S": ArticleStatus.PUBLISHED.value},
                    },
                }
            },
            self._release_slug(article.slug, article.id),
            *(
                {"Delete": {"TableName": self.table_name, "Key": scope_key(article.id, s.kind.value, s.slug)}}
                for s in article.scopes
            ),
        ]
        self._transact(actions, article, slug_index=None, article_index=0)
        self._delete_companions(article.id)

    def _delete_companions(self, article_id: str) -> None:
        """Remove what is left in the article's partition (render receipts, stray tag items)."""
        for item in self.get_partition(article_id):
            if item["SK"]["S"] != ARTICLE_SK:
                self.client.delete_item(TableName=self.table_name, Key={"PK": item["PK"], "SK": item["SK"]})

    def _release_slug(self, slug: str, article_id: str) -> dict[str, Any]:
        return {
            "Delete": {
                "TableName": self.table_name,
                "Key": slug_key(slug),
                "ConditionExpression": "attribute_not_exists(PK) OR article_id = :me",
                "ExpressionAttributeValues": {":me": {"S": article_id}},
            }
        }

    def _transact(
        self,
        actions: list[dict[str, Any]],
        article: Article,
        *,
        slug_index: int | None,
        article_index: int,
        new_slug: str | None = None,
    ) -> None:
        from botocore.exceptions import ClientError

        try:
            self.client.transact_write_items(TransactItems=actions)  # type: ignore[arg-type]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code") for r in exc.response.get("CancellationReasons", [])]
            if slug_index is not None and _failed(reasons, slug_index):
                raise SlugTaken(new_slug or article.slug) from exc
            if _failed(reasons, article_index):
                if self.get(article.id) is None and not _creating(actions, article_index):
                    raise ArticleNotFound(article.id) from exc
                raise VersionConflict(article.id, article.version) from exc
            raise


def article_id_in(item: Item) -> str:
    """The article a scope membership (tag, section, author) names."""
    return str(item["article_id"]["S"])


def _failed(reasons: list[str | None], index: int) -> bool:
    return index < len(reasons) and reasons[index] == "ConditionalCheckFailed"


def _creating(actions: list[dict[str, Any]], index: int) -> bool:
    put = actions[index].get("Put") or {}
    return put.get("ConditionExpression") == "attribute_not_exists(PK)"
