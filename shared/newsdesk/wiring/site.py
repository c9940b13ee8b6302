"""The site's functions (renderer, time windows, rebuild start and worker) assembled from their
settings: adapters made once per cold start (their clients on first use), a publisher per batch.

Tests, benchmarks and `newsdesk rebuild` assemble them here too, with their own clients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from newsdesk.adapters.cloudfront import Cdn
from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.digests import PageDigests
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker
from newsdesk.adapters.dynamodb.receipts import ReceiptStore
from newsdesk.adapters.kms import KmsMac
from newsdesk.adapters.s3 import SiteBucket
from newsdesk.adapters.sqs import ChunkQueue
from newsdesk.comments.tokens import Mac
from newsdesk.site import rebuild
from newsdesk.site.comments import PublicComments
from newsdesk.site.models import RebuildStatus
from newsdesk.site.pages import SiteConfig
from newsdesk.site.ports import (
    AuthorDirectory,
    CommentReader,
    DigestLedger,
    Invalidator,
    ObjectWriter,
    PublishedReader,
    ReceiptWriter,
)
from newsdesk.site.publisher import SitePublisher
from newsdesk.wiring.settings import RendererSettings

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient


def site_config(settings: RendererSettings) -> SiteConfig:
    return SiteConfig(
        name=settings.site_name,
        url=settings.site_url,
        tz=settings.tz,
        language=settings.site_language,
        updated_after=dt.timedelta(minutes=settings.updated_label_after_minutes),
    )


@dataclass
class Site:
    """What a site function talks to, and how it builds the publisher of one batch."""

    config: SiteConfig
    reader: PublishedReader
    writer: ObjectWriter
    cdn: Invalidator
    receipts: ReceiptWriter
    comments: CommentReader
    signer: Mac | None
    comments_open_days: int
    digests: DigestLedger | None = None
    authors: AuthorDirectory | None = None

    @classmethod
    def from_settings(cls, settings: RendererSettings) -> Site:
        table = settings.table_name
        return cls(
            config=site_config(settings),
            reader=PublishedArticles(table),
            writer=SiteBucket(settings.site_bucket),
            cdn=Cdn(settings.distribution_id),
            receipts=ReceiptStore(table),
            comments=CommentStore(table),
            signer=KmsMac(settings.comments_mac_key_id) if settings.comments_mac_key_id else None,
            comments_open_days=settings.comments_open_days,
            digests=PageDigests(table),
            authors=AuthorStore(table),
        )

    def publisher(self, **overrides: Any) -> SitePublisher:
        """A publisher for one batch; `overrides` replace its reader, writer, cdn, receipts, comments
        (the article page's CommentSource), digests (the ledger of the objects' hashes; None for
        none) or clock."""
        comments = overrides.pop("comments", None) or PublicComments(
            store=self.comments,
            tz=self.config.tz,
            open_days=self.comments_open_days,
            signer=self.signer,
        )
        overrides.setdefault("digests", self.digests)
        overrides.setdefault("authors", self.authors)
        return SitePublisher(
            self.config,
            overrides.pop("reader", None) or self.reader,
            overrides.pop("writer", None) or self.writer,
            overrides.pop("cdn", None) or self.cdn,
            overrides.pop("receipts", None) or self.receipts,
            comments=comments,
            **overrides,
        )


def build_publisher(settings: RendererSettings, **overrides: Any) -> SitePublisher:
    """One batch's publisher, as the renderer function builds it (see Site.publisher for `overrides`)."""
    return Site.from_settings(settings).publisher(**overrides)


def start_rebuild(
    dynamodb: DynamoDBClient | None,
    sqs: SQSClient | None,
    *,
    table_name: str,
    queue_url: str,
    tz: ZoneInfo,
) -> RebuildStatus:
    """Plan a full rebuild of the site in `table_name` and enqueue its chunks on `queue_url`."""
    return rebuild.start_rebuild(
        PublishedArticles(table_name, dynamodb),
        RebuildTracker(table_name, dynamodb),
        ChunkQueue(queue_url, sqs),
        tz=tz,
    )
