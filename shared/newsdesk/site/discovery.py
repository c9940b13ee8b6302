"""Instant discovery: telling search engines (IndexNow) and feed readers (a WebSub hub) what a renderer
batch changed, without ever holding up or failing the render.

The renderer (SitePublisher.finish) hands `Discovery` what the batch changed; it leaves ONE
`Announcement` on the announcement queue: the absolute URLs of the article pages published, revised or
taken down, and of the feeds rewritten. The announcer function takes it from there (`deliver`): one
IndexNow submission and one WebSub publish notification per batch; a ping that fails raises, so the queue
delivers the message again, and after its last attempt it rests in the dead-letter queue.

IndexNow proves the site's ownership with a key file, `/{key}.txt`, holding the key: the renderer writes
it with the site's other static objects.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import groupby
from urllib.parse import urlsplit

from aws_lambda_powertools import Logger

from newsdesk.site.freshness import Change
from newsdesk.site.models import SiteObject
from newsdesk.site.ports import AnnouncementQueue, Hub, IndexNow
from newsdesk.site.values import Announcement

logger = Logger(child=True)

KEY_CACHE = "public, max-age=3600, s-maxage=3600"
# Why an article page changed, for the changes worth announcing (not a page re-rendered for a comment).
ANNOUNCED = frozenset(
    {Change.ARTICLE_NEW, Change.ARTICLE_REVISED, Change.ARTICLE_CORRECTED, Change.ARTICLE_REMOVED}
)
FEED_SUFFIX = "/feed.xml"
INDEXNOW_MAX_URLS = 10_000  # the most one IndexNow request may list


def key_file(key: str) -> SiteObject:
    """The IndexNow key file: the key, as UTF-8 text, at the root of the site."""
    return SiteObject(f"{key}.txt", key.encode("utf-8"), "text/plain; charset=utf-8", KEY_CACHE)


def announcement(site_url: str, changes: Mapping[str, Change]) -> Announcement:
    """What a batch's changes (path → why it changed) say to search engines and feed readers."""
    urls = sorted(site_url + path for path, kind in changes.items() if kind in ANNOUNCED)
    feeds = sorted(site_url + path for path in changes if path.endswith(FEED_SUFFIX))
    return Announcement(urls=tuple(urls), feeds=tuple(feeds))


class Discovery:
    """The renderer's side: the key file to serve, and one announcement per batch on the queue."""

    def __init__(self, queue: AnnouncementQueue | None, *, indexnow_key: str | None = None) -> None:
        self.queue = queue
        self.indexnow_key = indexnow_key

    def objects(self) -> list[SiteObject]:
        return [key_file(self.indexnow_key)] if self.indexnow_key else []

    def announce(self, site_url: str, changes: Mapping[str, Change]) -> Announcement | None:
        """Queue the batch's announcement, if it has anything to say. Never raises: a page that is live is
        live whether or not it was announced (a failure is logged as an error)."""
        news = announcement(site_url, changes)
        if not news or self.queue is None:
            return None
        try:
            self.queue.send_announcement(news)
        except Exception:
            logger.exception("announcement not queued", urls=len(news.urls), feeds=len(news.feeds))
            return None
        logger.info("announcement queued", urls=len(news.urls), feeds=len(news.feeds))
        return news


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def deliver(news: Announcement, *, indexnow: IndexNow | None, hub: Hub | None) -> None:
    """The announcer's side: submit the article URLs to IndexNow (one request per host, as the protocol
    asks) and the feeds to the WebSub hub (one request). A service left unconfigured (None) is skipped.
    Raises if a ping failed in a way worth retrying."""
    if indexnow is not None and news.urls:
        for origin, urls in groupby(sorted(news.urls), key=_origin):
            listed = list(urls)
            for start in range(0, len(listed), INDEXNOW_MAX_URLS):
                indexnow.submit(origin, listed[start : start + INDEXNOW_MAX_URLS])
    if hub is not None and news.feeds:
        hub.publish(list(news.feeds))
