"""The layout of the one Newsdesk table: every item's keys and the index keys it carries. Standard library
only (the comment intake reads the table through it).

| item           | PK           | SK         | index: partition attribute=value, sort attribute=value      |
|----------------|--------------|------------|---------------------------------------------------------------|
| article        | ARTICLE#{id} | A          | ByStatus   GSI1PK=STATUS#{status}       GSI1SK={updated}#{id} |
|                |              |            | ByUpdated  GSI2PK=ARTICLES              GSI2SK={updated}#{id} |
|                |              |            | Published  PUBPK=PUBLISHED (live only)  PUBSK={published}#{id}|
| scope membership: tag, section or author (KIND = TAG, SECTION, AUTHOR)                        |
|                | ARTICLE#{id} | KIND#{slug}| ByTag      TAGPK=KIND#{slug}           TAGSK={updated}#{id} |
|                |              |            | PublishedByTag PTAGPK=KIND#{slug} (live) PUBSK={published}#{id}
| author profile | AUTHOR#{slug}| P          | ByUpdated  GSI2PK=AUTHORS               GSI2SK={slug}         |
| render receipt | ARTICLE#{id} | RENDER     | -                                                             |
| revision       | ARTICLE#{id} | REV#{v:08d}| - (a copy of the article at version v; may expire: TTL)      |
| slug claim     | SLUG#{slug}  | S          | -                                                             |
| correction log | CORRECTIONS  | {issued}#{id}#{n:03d}: an article's n-th correction, site-wide by time |
| comment        | COMMENT#{id} | C          | ByStatus   GSI1PK=COMMENTS#{status}     GSI1SK={created}#{id} |
|                |              |            | ByTag      TAGPK=COMMENTS_ON#{article}  TAGSK={created}#{id}  |
|                |              |            | ByUpdated  GSI2PK=COMMENTER#{email h.}  GSI2SK={created}#{id} |
|                |              |            | ByIp       IPPK=IP#{ip hash}            IPSK={created}#{id}   |
|                |              |            | PersonalDataDue PIIPK=PERSONAL_DATA (spam/rejected, until
|                |              |            |            removed)       pii_expires_at={epoch seconds}     |
| rebuild        | REBUILD#{id} | R          | -                                                             |
| page digest    | PAGE#{key}   | D          | - (the content hash of the site bucket's object `key`)        |
| media item     | MEDIA#{id}   | M          | - (an uploaded image and its renditions)                      |
| site config    | SITE         | CONFIG     | - (the one item of the editors' site configuration)          |

The indexes are template.yaml's, named there for their first use (articles). Comments overload three of
them with partitions of their own, which the partition functions below name: ByStatus holds the
moderation queue of each status, ByTag each article's comments, ByUpdated each sender's comments; ByIp
and PersonalDataDue exist for comments. PersonalDataDue is sparse (keys only): it holds exactly the refused
comments whose sender's personal data is still to be removed, so the daily removal reads only what is
due, however many refused comments the table keeps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the codec imports decimal: the comment intake reads the table without it)
    from newsdesk.adapters.dynamodb.codec import Item


@dataclass(frozen=True)
class Index:
    """A global secondary index of the table: its name and key attributes, as template.yaml declares them."""

    name: str
    pk: str
    sk: str


BY_STATUS = Index("ByStatus", "GSI1PK", "GSI1SK")
BY_UPDATED = Index("ByUpdated", "GSI2PK", "GSI2SK")
PUBLISHED = Index("Published", "PUBPK", "PUBSK")
BY_TAG = Index("ByTag", "TAGPK", "TAGSK")
PUBLISHED_BY_TAG = Index("PublishedByTag", "PTAGPK", "PUBSK")
BY_IP = Index("ByIp", "IPPK", "IPSK")
PERSONAL_DATA_DUE = Index("PersonalDataDue", "PIIPK", "pii_expires_at")
# Index name -> (partition attribute, sort attribute), as template.yaml declares them.
INDEXES: dict[str, tuple[str, str]] = {
    index.name: (index.pk, index.sk)
    for index in (BY_STATUS, BY_UPDATED, PUBLISHED, BY_TAG, PUBLISHED_BY_TAG, BY_IP, PERSONAL_DATA_DUE)
}


def sort_time(value: dt.datetime) -> str:
    """A fixed-width UTC timestamp that sorts lexicographically in time order."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_sort_time(value: str) -> dt.datetime:
    """The moment at the start of a sort key (`{sort_time}#...`)."""
    return dt.datetime.fromisoformat(value.split("#", 1)[0].replace("Z", "+00:00"))


def _key(pk: str, sk: str) -> Item:
    return {"PK": {"S": pk}, "SK": {"S": sk}}


# ----- articles and their companions ---------------------------------------------------------------

ARTICLE_PREFIX = "ARTICLE#"
ARTICLE_SK = "A"
SLUG_SK = "S"
RENDER_SK = "RENDER"
ENTITY_ARTICLE = "article"
ENTITY_TAG = "article_tag"
ENTITY_SLUG = "slug"
ENTITY_RENDER = "render"
ENTITY_REVISION = "revision"
REVISION_PREFIX = "REV#"
# The table's TTL attribute (template.yaml): epoch seconds after which DynamoDB deletes the item.
# The table's one TTL attribute (template.yaml): comment gates and saved revisions expire by it.
TTL_ATTRIBUTE = "expires_at"
ALL_ARTICLES = "ARTICLES"  # the ByUpdated partition of every article
LIVE = "PUBLISHED"  # the Published partition of live articles


def article_pk(article_id: str) -> str:
    return f"{ARTICLE_PREFIX}{article_id}"


def article_id_of(pk: str) -> str | None:
    return pk.removeprefix(ARTICLE_PREFIX) if pk.startswith(ARTICLE_PREFIX) else None


def status_partition(status: str) -> str:
    """The ByStatus partition of the articles in one status."""
    return f"STATUS#{status}"


def slug_pk(slug: str) -> str:
    return f"SLUG#{slug}"


def scope_pk(kind: str, slug: str) -> str:
    """The PublishedByTag (and ByTag) partition of a listing scope: `kind` is tag, section or author."""
    return f"{kind.upper()}#{slug}"


def scope_sk(kind: str, slug: str) -> str:
    """The sort key, in the article's partition, of its membership of a scope."""
    return scope_pk(kind, slug)


def scope_key(article_id: str, kind: str, slug: str) -> Item:
    return _key(article_pk(article_id), scope_sk(kind, slug))


def tag_pk(tag_slug: str) -> str:
    return scope_pk("tag", tag_slug)


def tag_sk(tag_slug: str) -> str:
    return scope_sk("tag", tag_slug)


def article_key(article_id: str) -> Item:
    return _key(article_pk(article_id), ARTICLE_SK)


def slug_key(slug: str) -> Item:
    return _key(slug_pk(slug), SLUG_SK)


def tag_key(article_id: str, tag_slug: str) -> Item:
    return _key(article_pk(article_id), tag_sk(tag_slug))


def revision_sk(version: int) -> str:
    return f"{REVISION_PREFIX}{version:08d}"


def revision_key(article_id: str, version: int) -> Item:
    return _key(article_pk(article_id), revision_sk(version))


CORRECTIONS_PK = "CORRECTIONS"  # every correction issued, newest last: the /corrections/ page's source
ENTITY_CORRECTION = "correction"


def correction_log_key(issued_at: dt.datetime, article_id: str, number: int) -> Item:
    return _key(CORRECTIONS_PK, f"{sort_time(issued_at)}#{article_id}#{number:03d}")


def receipt_key(article_id: str) -> Item:
    return _key(article_pk(article_id), RENDER_SK)


# ----- author profiles -----------------------------------------------------------------------------

AUTHOR_PREFIX = "AUTHOR#"
AUTHOR_PROFILE_SK = "P"
ENTITY_AUTHOR = "author"
AUTHORS_PK = "AUTHORS"  # the ByUpdated partition of every author profile, by slug


def author_profile_key(slug: str) -> Item:
    return _key(f"{AUTHOR_PREFIX}{slug}", AUTHOR_PROFILE_SK)


def author_slug_of(pk: str) -> str | None:
    return pk.removeprefix(AUTHOR_PREFIX) if pk.startswith(AUTHOR_PREFIX) else None


# ----- reader comments -----------------------------------------------------------------------------

COMMENT_PREFIX = "COMMENT#"
COMMENT_SK = "C"
ENTITY_COMMENT = "comment"


def comment_pk(comment_id: str) -> str:
    return f"{COMMENT_PREFIX}{comment_id}"


def comment_key(comment_id: str) -> Item:
    return _key(comment_pk(comment_id), COMMENT_SK)


def comment_id_of(pk: str) -> str | None:
    return pk.removeprefix(COMMENT_PREFIX) if pk.startswith(COMMENT_PREFIX) else None


def queue_partition(status: str) -> str:
    """The ByStatus partition of the comments in one status (a moderation queue)."""
    return f"COMMENTS#{status}"


def comments_on_partition(article_id: str) -> str:
    """The ByTag partition of one article's comments."""
    return f"COMMENTS_ON#{article_id}"


def sender_partition(email_hash: str) -> str:
    """The ByUpdated partition of one sender's comments (by the keyed hash of their email)."""
    return f"COMMENTER#{email_hash}"


def address_partition(ip_hash: str) -> str:
    """The ByIp partition of the comments from one address (by the keyed hash of the IP)."""
    return f"IP#{ip_hash}"


# The one PersonalDataDue partition: refused comments whose sender's personal data is still stored.
PERSONAL_DATA_PARTITION = "PERSONAL_DATA"


def time_key(created_at: dt.datetime, comment_id: str = "") -> str:
    """The sort key of a comment in every index: its creation time, then its id."""
    return f"{sort_time(created_at)}#{comment_id}"


# ----- full rebuilds -------------------------------------------------------------------------------


def rebuild_key(rebuild_id: str) -> Item:
    return _key(f"REBUILD#{rebuild_id}", "R")


# ----- the site bucket's objects -------------------------------------------------------------------

PAGE_PREFIX = "PAGE#"
PAGE_DIGEST_SK = "D"


def page_digest_key(object_key: str) -> Item:
    return _key(PAGE_PREFIX + object_key, PAGE_DIGEST_SK)


# ----- uploaded images -----------------------------------------------------------------------------

MEDIA_SK = "M"
ENTITY_MEDIA = "media"


def media_key(media_id: str) -> Item:
    return _key(f"MEDIA#{media_id}", MEDIA_SK)


# ----- the site's configuration ----------------------------------------------------------------------

SITE_PK = "SITE"
SITE_CONFIG_SK = "CONFIG"
ENTITY_SITE_CONFIG = "site_config"


def site_config_key() -> Item:
    return _key(SITE_PK, SITE_CONFIG_SK)


def is_site_config(keys: Item) -> bool:
    """Whether a record's keys are the site configuration's item."""
    return keys.get("PK", {}).get("S") == SITE_PK and keys.get("SK", {}).get("S") == SITE_CONFIG_SK
