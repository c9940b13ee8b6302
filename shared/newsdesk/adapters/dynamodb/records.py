"""Articles and their companions as DynamoDB items, and explicit mapping to and from the domain model.

The layout (keys, index keys) is newsdesk.adapters.dynamodb.keys.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from newsdesk.adapters.dynamodb.codec import Item, from_item, to_item
from newsdesk.adapters.dynamodb.keys import (
    ALL_ARTICLES,
    ARTICLE_SK,
    BY_STATUS,
    BY_TAG,
    BY_UPDATED,
    ENTITY_ARTICLE,
    ENTITY_CORRECTION,
    ENTITY_RENDER,
    ENTITY_REVISION,
    ENTITY_SLUG,
    ENTITY_TAG,
    INDEXES,
    LIVE,
    PUBLISHED,
    PUBLISHED_BY_TAG,
    RENDER_SK,
    SLUG_SK,
    TTL_ATTRIBUTE,
    article_pk,
    correction_log_key,
    revision_sk,
    scope_pk,
    scope_sk,
    slug_pk,
    sort_time,
    status_partition,
)
from newsdesk.adapters.dynamodb.unreadable import MAPPING_ERRORS
from newsdesk.articles.errors import UnreadableArticle
from newsdesk.articles.models import (
    Article,
    ArticleStatus,
    Correction,
    CorrectionType,
    Image,
    Owner,
    RenderedBody,
    RenderReceipt,
    RenderState,
    Revision,
    RevisionRetention,
    Scope,
    Tag,
)

# The body's sanitised HTML, made when the version was saved (newsdesk.articles.models.RenderedBody).
RENDERED_BODY = "rendered_body"


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.UTC).isoformat()


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
        "image": _image_values(article.image),
        "status": article.status.value,
        "created_at": _iso(article.created_at),
        "updated_at": _iso(article.updated_at),
        "published_at": _iso(article.published_at),
        "version": article.version,
        "url": article.url,
        "publish_at": _iso(article.publish_at),
        "embargo_until": _iso(article.embargo_until),
        "expire_at": _iso(article.expire_at),
        "corrections": [_correction_values(c) for c in article.corrections],
        "revised_at": _iso(article.revised_at),
        "created_by": _owner_values(article.created_by),
        BY_STATUS.pk: status_partition(article.status.value),
        BY_STATUS.sk: updated_sort,
        BY_UPDATED.pk: ALL_ARTICLES,
        BY_UPDATED.sk: updated_sort,
    }
    if article.rendered_body is not None:
        values[RENDERED_BODY] = {"digest": article.rendered_body.digest, "html": article.rendered_body.html}
    if article.is_live and article.published_at is not None:
        values[PUBLISHED.pk] = LIVE
        values[PUBLISHED.sk] = f"{sort_time(article.published_at)}#{article.id}"
    item = to_item(values)
    if article.created_by is not None and article.created_by.email is None:
        item["created_by"]["M"].pop("email", None)
    return item


def _image_values(image: Image | None) -> dict[str, Any] | None:
    """The image's attributes, without those it does not have (a plain URL's has no renditions)."""
    if image is None:
        return None
    return {k: v for k, v in image.model_dump().items() if v is not None and v != []}


def _owner_values(owner: Owner | None) -> dict[str, Any] | None:
    return None if owner is None else {"sub": owner.sub, "email": owner.email}


def _owner(data: dict[str, Any] | None) -> Owner | None:
    """The stored creator; None for an article stored before creators were recorded."""
    return None if not data else Owner(sub=data["sub"], email=data.get("email"))


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
        publish_at=_when(data.get("publish_at")),
        embargo_until=_when(data.get("embargo_until")),
        expire_at=_when(data.get("expire_at")),
        corrections=[_correction(c) for c in data.get("corrections") or []],
        revised_at=_when(data.get("revised_at")),
        created_by=_owner(data.get("created_by")),
        rendered_body=RenderedBody(**data[RENDERED_BODY]) if data.get(RENDERED_BODY) else None,
    )


def _correction_values(correction: Correction) -> dict[str, Any]:
    return {"type": correction.type.value, "text": correction.text, "issued_at": _iso(correction.issued_at)}


def _correction(data: dict[str, Any]) -> Correction:
    return Correction(
        type=CorrectionType(data["type"]),
        text=data["text"],
        issued_at=dt.datetime.fromisoformat(data["issued_at"]),
    )


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def read_article(item: Item) -> Article:
    """The article of an item, or UnreadableArticle (naming the article and why) if it breaks the rules."""
    try:
        return item_to_article(item)
    except MAPPING_ERRORS as exc:
        raise _unreadable(item, exc) from exc


def article_as_stored(item: Item) -> Article:
    """The article of an item as it is stored, even one that breaks a rule of the article (a headline
    longer than the current limit, say), so that an editor can see it and repair it. Only an item without
    an id, status, version or legible dates raises UnreadableArticle.

    What this returns was not validated: it must never be rendered (newsdesk.adapters.dynamodb.published
    reads strictly); saving a change to it validates the whole article again.
    """
    try:
        return item_to_article(item)
    except MAPPING_ERRORS as exc:
        strict = exc
    try:
        data = from_item(item)
        image = data.get("image")
        tags = [Tag.model_construct(name=str(t["name"]), slug=str(t["slug"])) for t in data.get("tags") or []]
        published = data.get("published_at")
        return Article.model_construct(
            id=str(data["id"]),
            slug=str(data.get("slug", "")),
            headline=str(data.get("headline", "")),
            summary=str(data.get("summary") or ""),
            body=str(data.get("body", "")),
            authors=[str(a) for a in data.get("authors") or []],
            source=data.get("source"),
            dateline=data.get("dateline"),
            section=data.get("section"),
            tags=tags,
            image=Image.model_construct(**{k: v for k, v in image.items() if v is not None})
            if image
            else None,
            status=ArticleStatus(data["status"]),
            created_at=dt.datetime.fromisoformat(data["created_at"]),
            updated_at=dt.datetime.fromisoformat(data["updated_at"]),
            published_at=dt.datetime.fromisoformat(published) if published else None,
            version=int(data["version"]),
            url=data.get("url"),
            publish_at=_when(data.get("publish_at")),
            embargo_until=_when(data.get("embargo_until")),
            expire_at=_when(data.get("expire_at")),
            corrections=[
                Correction.model_construct(
                    type=CorrectionType(c["type"]),
                    text=str(c["text"]),
                    issued_at=dt.datetime.fromisoformat(c["issued_at"]),
                )
                for c in data.get("corrections") or []
            ],
            revised_at=_when(data.get("revised_at")),
            created_by=Owner.model_construct(
                sub=str(data["created_by"]["sub"]), email=data["created_by"].get("email")
            )
            if data.get("created_by")
            else None,
        )
    except MAPPING_ERRORS as exc:
        raise _unreadable(item, strict) from exc


def _unreadable(item: Item, error: Exception) -> UnreadableArticle:
    pk = item.get("PK", {}).get("S", "")
    article_id = item.get("id", {}).get("S") or pk.removeprefix("ARTICLE#") or "?"
    version: int | None
    try:
        version = int(item["version"]["N"])
    except (KeyError, ValueError, TypeError):
        version = None
    reason = _reason(error)
    return UnreadableArticle(article_id, reason, version)


def _reason(error: Exception) -> str:
    """A one-line account of what is wrong (each failing field, for a rule the item breaks)."""
    errors = getattr(error, "errors", None)
    if callable(errors):
        try:
            parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors(include_url=False)]
        except (TypeError, KeyError):
            parts = []
        if parts:
            return "; ".join(parts)
    if isinstance(error, KeyError):
        return f"the attribute {error.args[0]!r} is missing"
    return f"{type(error).__name__}: {error}"


def tag_to_item(article: Article, tag: Tag) -> Item:
    return scope_to_item(article, Scope.tag(tag.slug))


def scope_to_item(article: Article, scope: Scope) -> Item:
    """The article's membership of a listing scope (a tag, its section, one of its authors)."""
    partition = scope_pk(scope.kind.value, scope.slug)
    values: dict[str, Any] = {
        "PK": article_pk(article.id),
        "SK": scope_sk(scope.kind.value, scope.slug),
        "entity": ENTITY_TAG,
        "article_id": article.id,
        "name": article.scope_name(scope),
        "status": article.status.value,
        BY_TAG.pk: partition,
        BY_TAG.sk: f"{sort_time(article.updated_at)}#{article.id}",
    }
    if article.is_live and article.published_at is not None:
        values[PUBLISHED_BY_TAG.pk] = partition
        values[PUBLISHED_BY_TAG.sk] = f"{sort_time(article.published_at)}#{article.id}"
    return to_item(values)


def slug_claim_item(slug: str, article_id: str) -> Item:
    return to_item({"PK": slug_pk(slug), "SK": SLUG_SK, "entity": ENTITY_SLUG, "article_id": article_id})


def receipt_to_item(receipt: RenderReceipt) -> Item:
    return to_item(
        {
            "PK": article_pk(receipt.article_id),
            "SK": RENDER_SK,
            "entity": ENTITY_RENDER,
            "article_id": receipt.article_id,
            "version": receipt.version,
            "state": receipt.state.value,
            "rendered_at": receipt.rendered_at.astimezone(dt.UTC).isoformat(),
            "paths": receipt.paths,
            "error": receipt.error,
            "invalidated": receipt.invalidated,
            "live_within": receipt.live_within,
        }
    )


def item_to_receipt(item: Item) -> RenderReceipt:
    data = from_item(item)
    return RenderReceipt(
        article_id=data["article_id"],
        version=data["version"],
        state=RenderState(data["state"]),
        rendered_at=dt.datetime.fromisoformat(data["rendered_at"]),
        paths=data.get("paths", []),
        error=data.get("error"),
        invalidated=data.get("invalidated", []),
        live_within=int(data.get("live_within", 0)),
    )


# ----- revisions -----------------------------------------------------------------------------------

_INDEX_ATTRIBUTES = frozenset(name for pair in INDEXES.values() for name in pair)


def revision_to_item(article: Article, retention: RevisionRetention) -> Item:
    """The saved version `article.version`: the article item's attributes under the revision's sort key,
    without index keys (a revision is in no listing), with the time it was saved and, when retention has
    an age limit, the time (TTL_ATTRIBUTE) at which DynamoDB deletes it."""
    item = {
        k: v for k, v in article_to_item(article).items() if k not in _INDEX_ATTRIBUTES and k != RENDERED_BODY
    }
    item["SK"] = {"S": revision_sk(article.version)}
    item["entity"] = {"S": ENTITY_REVISION}
    item["saved_at"] = {"S": article.updated_at.astimezone(dt.UTC).isoformat()}
    if retention.days is not None:
        expires = article.updated_at + dt.timedelta(days=retention.days)
        item[TTL_ATTRIBUTE] = {"N": str(int(expires.timestamp()))}
    return item


def item_to_revision(item: Item) -> Revision:
    """The revision of an item, read as it is stored (a rule tightened since it was saved is no reason to
    hide it); restoring it validates the article again."""
    return Revision.model_construct(
        article=article_as_stored(item), saved_at=dt.datetime.fromisoformat(item["saved_at"]["S"])
    )


def correction_log_item(article: Article, number: int) -> Item:
    """The site-wide log entry of an article's `number`-th correction (from 0)."""
    correction = article.corrections[number]
    item = correction_log_key(correction.issued_at, article.id, number)
    return {
        **item,
        "entity": {"S": ENTITY_CORRECTION},
        "article_id": {"S": article.id},
        "number": {"N": str(number)},
    }
