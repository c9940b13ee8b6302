"""The site's functions (renderer, time windows, rebuild start and worker) assembled from their
settings: adapters made once per cold start (their clients on first use), a publisher per batch.

Tests, benchmarks and `newsdesk rebuild` assemble them here too, with their own clients.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aws_lambda_powertools import Logger

from newsdesk.adapters.cloudfront import Cdn
from newsdesk.adapters.dynamodb.authors import AuthorStore
from newsdesk.adapters.dynamodb.comments import CommentStore
from newsdesk.adapters.dynamodb.digests import PageDigests
from newsdesk.adapters.dynamodb.published import PublishedArticles
from newsdesk.adapters.dynamodb.rebuilds import RebuildTracker
from newsdesk.adapters.dynamodb.receipts import ReceiptStore
from newsdesk.adapters.dynamodb.site_config import SiteConfigStore
from newsdesk.adapters.kms import KmsMac
from newsdesk.adapters.s3 import SiteBucket
from newsdesk.adapters.sqs import AnnouncementQueue, ChunkQueue
from newsdesk.comments.tokens import Mac
from newsdesk.site import rebuild
from newsdesk.site.changes import ConfigurationChanges
from newsdesk.site.comments import PublicComments
from newsdesk.site.configuration import SiteConfiguration
from newsdesk.site.configuration_service import applied_to
from newsdesk.site.discovery import Discovery
from newsdesk.site.errors import UnreadableConfiguration
from newsdesk.site.models import RebuildStatus
from newsdesk.site.pages import SiteConfig
from newsdesk.site.ports import (
    AuthorDirectory,
    CommentReader,
    ConfigurationStore,
    DigestLedger,
    Invalidator,
    ObjectWriter,
    PublishedReader,
    ReceiptWriter,
)
from newsdesk.site.publisher import SitePublisher
from newsdesk.wiring.settings import RendererSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

logger = Logger(child=True)


def site_config(settings: RendererSettings) -> SiteConfig:
    return SiteConfig(
        name=settings.site_name,
        url=settings.site_url,
        tz=settings.tz,
        language=settings.site_language,
        updated_after=dt.timedelta(minutes=settings.updated_label_after_minutes),
        websub_hub=settings.websub_hub,
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
    discovery: Discovery | None = None
    # The editors' configuration (None: the deployment's settings alone), and how a change of what every
    # page shows starts a full rebuild (None: it cannot, e.g. a function without the rebuild queue).
    configuration: ConfigurationStore | None = None
    rebuilds: Callable[[], RebuildStatus] | None = None
    authors: AuthorDirectory | None = None
    invalidate_edits: bool = False  # every edit invalidated, not only corrections (newsdesk.site.freshness)

    @classmethod
    def from_settings(cls, settings: RendererSettings) -> Site:
        table = settings.table_name
        queue_url = settings.rebuild_queue_url

        def rebuilds() -> RebuildStatus:
            assert queue_url is not None
            return start_rebuild(None, None, table_name=table, queue_url=queue_url, tz=settings.tz)

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
            discovery=Discovery(
                AnnouncementQueue(settings.announce_queue_url) if settings.announce_queue_url else None,
                indexnow_key=settings.indexnow_key,
            ),
            configuration=SiteConfigStore(table),
            rebuilds=rebuilds if queue_url else None,
            authors=AuthorStore(table),
            invalidate_edits=settings.invalidate_edits,
        )

    def current_config(self, store: ConfigurationStore | None = None) -> SiteConfig:
        """The deployment's SiteConfig with the editors' configuration laid over it, read now (strongly
        consistent). A stored configuration that breaks its rules is logged and left out."""
        store = store or self.configuration
        if store is None:
            return self.config
        try:
            return applied_to(self.config, store.get())
        except UnreadableConfiguration as exc:
            logger.error("site configuration unreadable: rendering with the defaults", reason=exc.detail)
            return self.config

    def configuration_changes(self) -> ConfigurationChanges | None:
        """How one batch answers changes of the site's configuration (a fresh one per batch)."""
        if self.rebuilds is None:
            return None
        return ConfigurationChanges(SiteConfiguration.defaults(self.config.name), self.rebuilds)

    def publisher(self, **overrides: Any) -> SitePublisher:
        """A publisher for one batch, with the site's configuration as stored now; `overrides` replace its
        reader, writer, cdn, receipts, comments (the article page's CommentSource), digests (the ledger
        of the objects' hashes; None for none), discovery (the key file and announcements; None for
        none), configuration (the store it is read from) or clock."""
        config = self.current_config(overrides.pop("configuration", None))
        comments = overrides.pop("comments", None) or PublicComments(
            store=self.comments,
            tz=self.config.tz,
            open_days=self.comments_open_days,
            signer=self.signer,
        )
        overrides.setdefault("digests", self.digests)
        overrides.setdefault("discovery", self.discovery)
        overrides.setdefault("authors", self.authors)
        overrides.setdefault("invalidate_edits", self.invalidate_edits)
        return SitePublisher(
            config,
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
