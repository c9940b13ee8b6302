"""Memory of the local stack under load: 300 publishes and 300 reader comments through the HTTP API.

Starts `newsdesk dev --no-samples` as a subprocess on free ports, then, through the local origin:

1. creates and publishes BENCH_MEMORY_PUBLISHES articles (default 300) one after the other (POST
   /api/articles, POST /api/articles/{id}/publish with If-Match), timing the whole series, and waits
   until every page is served;
2. posts BENCH_MEMORY_COMMENTS comments (default 300), one per article, each with a valid form token from
   GET /api/articles/{id}/comment-token (fetched first, then the token's minimum fill time is waited out)
   and each from its own loopback address (127.0.x.y) and email, as different readers would: the intake's
   per-address and per-sender flood limits would otherwise hold one reader to a comment per 15 s;
3. waits until the comment worker has put every comment in the moderation queue.

The stack's resident set is read from /proc (VmRSS, and VmHWM for the peak, summed over the process and
any children) after every 50 operations; the peak is the figure with the 1 GB target, the growth over
the second half of the run shows whether memory is flat.
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from bench import Result
from bench.local_stack import Stack, running_stack, tree_mib

PUBLISHES = int(os.environ.get("BENCH_MEMORY_PUBLISHES", "300"))
COMMENTS = int(os.environ.get("BENCH_MEMORY_COMMENTS", "300"))
SAMPLE_EVERY = 50
TIMEOUT = 30
WAIT = 120.0
BODY = "\n\n".join(
    ["A paragraph of reporting with **emphasis**, a [link](https://example.org/) and some detail."] * 12
)


class SourceAddress(HTTPAdapter):
    """Connects from a given local address (any 127.x.y.z reaches 127.0.0.1 on Linux)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def reader_address(n: int) -> str:
    return f"127.0.{1 + n // 250}.{1 + n % 250}"


def run() -> list[Result]:
    with running_stack("--no-samples") as stack:
        return _measure(stack)


def _measure(stack: Stack) -> list[Result]:
    pid = stack.process.pid
    begun = time.perf_counter()
    samples: list[dict[str, Any]] = []

    def sample(label: str) -> None:
        samples.append(
            {
                "after": label,
                "rss_mib": round(tree_mib(pid, "VmRSS"), 1),
                "seconds": round(time.perf_counter() - begun, 1),
            }
        )

    sample("start")

    editor = requests.Session()
    editor.headers["Authorization"] = f"Bearer {stack.token()}"

    # 1. publishes
    articles: list[dict[str, Any]] = []
    started = time.perf_counter()
    for n in range(PUBLISHES):
        articles.append(_publish(stack, editor, n))
        if (n + 1) % SAMPLE_EVERY == 0:
            sample(f"{n + 1} publishes")
    publish_seconds = time.perf_counter() - started
    for article in articles:
        _wait_for(
            lambda a=article: requests.get(stack.site_url + a["url"], timeout=TIMEOUT).ok, what=article["url"]
        )
    live_seconds = time.perf_counter() - started
    sample("pages live")

    # 2. comments
    targets = [articles[n % len(articles)] for n in range(COMMENTS)]
    tokens = {}
    for article in {a["id"]: a for a in targets}.values():
        issued = editor.get(f"{stack.api_url}/articles/{article['id']}/comment-token", timeout=TIMEOUT)
        issued.raise_for_status()
        tokens[article["id"]] = issued.json()
    time.sleep(max(t["min_fill_seconds"] for t in tokens.values()) + 0.5)
    started = time.perf_counter()
    refused: list[str] = []
    for n, article in enumerate(targets):
        with requests.Session() as reader:
            reader.mount("http://", SourceAddress(reader_address(n)))
            posted = reader.post(
                f"{stack.api_url}/articles/{article['id']}/comments",
                json={
                    "name": f"Reader {n}",
                    "email": f"reader-{n}-{uuid.uuid4().hex[:6]}@example.com",
                    "website": "",
                    "body": f"Comment {n}: thank you for the reporting on this story.",
                    "token": tokens[article["id"]]["token"],
                },
                timeout=TIMEOUT,
            )
        if posted.status_code != 202:
            refused.append(f"{posted.status_code} {posted.text[:200]}")
        if (n + 1) % SAMPLE_EVERY == 0:
            sample(f"{n + 1} comments")
    if refused:
        raise RuntimeError(f"{len(refused)} comment(s) refused, e.g. {refused[0]}")
    _wait_for(lambda: _pending(stack, editor) >= COMMENTS, what="the moderation queue")
    comment_seconds = time.perf_counter() - started
    sample("comments queued")

    peak = tree_mib(pid, "VmHWM")
    half = next((s for s in samples if s["after"] == f"{PUBLISHES // 2} publishes"), samples[0])
    growth = samples[-1]["rss_mib"] - half["rss_mib"]
    return [
        Result(
            "peak RSS",
            peak,
            "MiB",
            target=1024,
            comment=f"VmHWM of the stack's process tree after {PUBLISHES} publishes + {COMMENTS} comments",
            details={"rss_samples": samples},
        ),
        Result(
            f"{PUBLISHES} publishes",
            publish_seconds,
            "s",
            comment=f"create + publish, one at a time; all pages live after {live_seconds:.1f} s",
        ),
        Result(
            f"{COMMENTS} comments",
            comment_seconds,
            "s",
            comment="posted one at a time until all are in the moderation queue",
        ),
        Result(
            "RSS growth, second half",
            growth,
            "MiB",
            comment=f"VmRSS from {half['after']} to the end (flat memory: small)",
        ),
    ]


def _publish(stack: Stack, editor: requests.Session, n: int) -> dict[str, Any]:
    created = editor.post(
        f"{stack.api_url}/articles",
        json={
            "headline": f"Memory benchmark story {n} {uuid.uuid4().hex[:6]}",
            "summary": "A story written by the memory benchmark.",
            "body": BODY,
            "tags": ["Benchmarks", f"Batch {n % 5}"],
        },
        timeout=TIMEOUT,
    )
    created.raise_for_status()
    published = editor.post(
        f"{stack.api_url}/articles/{created.json()['id']}/publish",
        headers={"If-Match": created.headers["ETag"]},
        timeout=TIMEOUT,
    )
    published.raise_for_status()
    article: dict[str, Any] = published.json()
    return article


def _pending(stack: Stack, editor: requests.Session) -> int:
    count, cursor = 0, None
    while True:
        params: dict[str, Any] = {"status": "pending", "limit": 100}
        if cursor:
            params["cursor"] = cursor
        page = editor.get(f"{stack.api_url}/comments", params=params, timeout=TIMEOUT)
        page.raise_for_status()
        body = page.json()
        count += len(body["items"])
        cursor = body.get("next_cursor")
        if not cursor:
            return count


def _wait_for(check: Any, *, what: object) -> None:
    deadline = time.monotonic() + WAIT
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"gave up waiting for {what} after {WAIT:.0f} s")
        time.sleep(0.1)
