"""The DynamoDB record layout of articles, and explicit mapping to and from the domain model.

One table holds everything. Article items and their companions share the partition ``ARTICLE#{id}``:

| item            | PK               | SK          | index keys (sparse where marked)                        |
|-----------------|------------------|-------------|---------------------------------------------------------|
| article         | ARTICLE#{id}     | A           | ByStatus, ByUpdated, Published (sparse: live only)      |
| tag membership  | ARTICLE#{id}     | TAG#{slug}  | ByTag, PublishedByTag (sparse: live only)               |
| render receipt  | ARTICLE#{id}     | RENDER      | -                                                       |
| slug claim      | SLUG#{slug}      | S           | -                                                       |

Reader comments (``COMMENT#{id}`` / ``C``) overload the same indexes; their layout is in
newsdesk.comments.keys.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.domain.models import Article, ArticleStatus, Image, Tag
from newsdesk.store.attributes import Item, from_item, sort_time, to_item

ARTICLE_SK = "A"
SLUG_SK = "S"
RENDER_SK = "RENDER"
ENTITY_ARTICLE = "article"
ENTITY_TAG = "article_tag"
ENTITY_SLUG = "slug"

# Index name -> (partition attribute, sort attribute). Mirrors template.yaml.
INDEXES: dict[str, tuple[str, str]] = {
    "ByStatus": ("GSI1PK", "GSI1SK"),
    "ByUpdated": ("GSI2PK", "GSI2SK"),
    "Published": ("PUBPK", "PUBSK"),
    "ByTag": ("TAGPK", "TAGSK"),
    "PublishedByTag": ("PTAGPK", "PUBSK"),
    "ByIp": ("IPPK", "IPSK"),  # reader comments by the keyed hash of the sender's IP (newsdesk.comments)
}
ALL_ARTICLES = "ARTICLES"
PUBLISHED = "PUBLISHED"


def article_pk(article_id: str) -> str:
    return f"ARTICLE#{article_id}"


def slug_pk(slug: str) -> str:
    return f"SLUG#{slug}"


def tag_pk(tag_slug: str) -> str:
    return f"TAG#{tag_slug}"


def tag_sk(tag_slug: str) -> str:
    return f"TAG#{tag_slug}"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def article_key(article_id: str) -> Item:
    return {"PK": {"S": article_pk(article_id)}, "SK": {"S": ARTICLE_SK}}


def slug_key(slug: str) -> Item:
    return {"PK": {"S": slug_pk(slug)}, "SK": {"S": SLUG_SK}}


def tag_key(article_id: str, tag_slug: str) -> Item:
    return {"PK": {"S": article_pk(article_id)}, "SK": {"S": tag_sk(tag_slug)}}


def article_to_item(article: Article) -> Item:
    updated_sort = f"{sort_time(article.updated_at)}#{article.id}"
    values: dict[str, Any] = {
        "PK": article_pk(article.id),
        "SK": ARTICLE_SK,
        "entity": ENTITY_ARTICLE,
        "id": article.id,
        "slug": article.slug,
        "headline": article.headline,
        "summary": article.summary,
        "body": article.body,
        "authors": list(article.authors),
        "source": article.source,
        "dateline": article.dateline,
        "section": article.section,
        "tags": [{"name": t.name, "slug": t.slug} for t in article.tags],
        "image": article.image.model_dump() if article.image else None,
        "status": article.status.value,
        "created_at": _iso(article.created_at),
        "updated_at": _iso(article.updated_at),
        "published_at": _iso(article.published_at),
        "version": article.version,
        "url": article.url,
        "GSI1PK": f"STATUS#{article.status.value}",
        "GSI1SK": updated_sort,
        "GSI2PK": ALL_ARTICLES,
        "GSI2SK": updated_sort,
    }
    if article.is_live and article.published_at is not None:
        values["PUBPK"] = PUBLISHED
        values["PUBSK"] = f"{sort_time(article.published_at)}#{article.id}"
    item = to_item(values)
    if article.image is not None and article.image.caption is None:
        item["image"]["M"].pop("caption", None)
    return item


def item_to_article(item: Item) -> Article:
    data = from_item(item)
    return Article(
        id=data["id"],
        slug=data["slug"],
        headline=data["headline"],
        summary=data.get("summary", ""),
        body=data["body"],
        authors=data.get("authors", []),
        source=data.get("source"),
        dateline=data.get("dateline"),
        section=data.get("section"),
        tags=[Tag(**t) for t in data.get("tags", [])],
        image=Image(**{k: v for k, v in data["image"].items() if v is not None})
        if data.get("image")
        else None,
        status=ArticleStatus(data["status"]),
        created_at=dt.datetime.fromisoformat(data["created_at"]),
        updated_at=dt.datetime.fromisoformat(data["updated_at"]),
        published_at=dt.datetime.fromisoformat(data["published_at"]) if data.get("published_at") else None,
        version=data["version"],
        url=data.get("url"),
    )


def tag_to_item(article: Article, tag: Tag) -> Item:
    values: dict[str, Any] = {
        "PK": article_pk(article.id),
        "SK": tag_sk(tag.slug),
        "entity": ENTITY_TAG,
        "article_id": article.id,
        "status": article.status.value,
        "TAGPK": tag_pk(tag.slug),
        "TAGSK": f"{sort_time(article.updated_at)}#{article.id}",
    }
    if article.is_live and article.published_at is not None:
        values["PTAGPK"] = tag_pk(tag.slug)
        values["PUBSK"] = f"{sort_time(article.published_at)}#{article.id}"
    return to_item(values)


def slug_claim_item(slug: str, article_id: str) -> Item:
    return to_item({"PK": slug_pk(slug), "SK": SLUG_SK, "entity": ENTITY_SLUG, "article_id": article_id})
