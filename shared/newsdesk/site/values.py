"""Plain values the renderer hands the announcer through the announcement queue. Standard library only.

`Announcement` is one renderer batch's news for search engines and feed readers: the absolute URLs of the
article pages it published, changed or took down (for IndexNow) and of the feeds it rewrote (for the
WebSub hub). One message per batch; the announcer (newsdesk.site.discovery.deliver) pings each service once
for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

VERSION = 1


@dataclass(frozen=True)
class Announcement:
    urls: tuple[str, ...] = ()  # article pages published, revised or removed
    feeds: tuple[str, ...] = ()  # feeds rewritten

    def __bool__(self) -> bool:
        return bool(self.urls or self.feeds)

    def to_json(self) -> str:
        return json.dumps({"v": VERSION, "urls": list(self.urls), "feeds": list(self.feeds)})

    @classmethod
    def from_json(cls, body: str) -> Announcement:
        data = json.loads(body)
        if not isinstance(data, dict) or data.get("v") != VERSION:
            raise ValueError("not an announcement of this version")
        urls, feeds = data.get("urls", []), data.get("feeds", [])
        if not isinstance(urls, list) or not isinstance(feeds, list):
            raise ValueError("an announcement lists URLs")
        if not all(isinstance(u, str) for u in [*urls, *feeds]):
            raise ValueError("an announcement lists URLs as strings")
        return cls(urls=tuple(urls), feeds=tuple(feeds))
