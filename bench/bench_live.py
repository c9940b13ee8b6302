"""Publish-to-live in the local stack: from the publish request to the page being served at its url.

Starts `newsdesk dev` (no samples) on free ports, creates drafts, then publishes them one at a time and
polls the page every 10 ms until the local origin serves it. The clock starts before the publish request
is sent, so the figure includes the API call, the stream poller, rendering and upload.

The first publish after the stack starts is the renderer's cold start (its first pages compile the
templates and fill the process's caches, as the first invocation of a new Lambda container does): it is
reported on its own line, and the percentiles are over the publishes after it.
"""

from __future__ import annotations

import os
import re
import statistics
import time

import requests

from bench import Result
from bench.local_stack import Stack, running_stack

ARTICLES = 30
POLL = 0.01


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# The stack's log line for each renderer invocation (newsdesk_local.pollers): "<mapping> ← 1 record(s): ok in
# 123 ms". Its share of publish-to-live says what dominates: the renderer, or the path around it.
RENDERED = re.compile(r" \S*Render\S* ← \d+ record\(s\): ok in (\d+) ms")


def run() -> list[Result]:
    # The poll asks for the page before it exists: the local CDN (as CloudFront) would keep that 404 for
    # ErrorCachingMinTTL. Publish-to-live is the pipeline's, so the CDN keeps nothing here.
    with running_stack("--no-samples", NEWSDESK_CDN_TTL_CAP="0") as stack:
        cold, *samples = _measure(stack)
        renders = [float(ms) for ms in RENDERED.findall(stack.output())]
    ms = [s * 1000 for s in samples]
    render_p50 = statistics.median(renders) if renders else float("nan")
    render_p95 = _percentile(renders, 0.95) if renders else float("nan")
    load = os.getloadavg()
    return [
        Result(
            "first publish after start",
            cold * 1000,
            "ms",
            comment="the renderer's cold start: templates compiled, caches filled",
        ),
        Result(
            "publish-to-live p50",
            statistics.median(ms),
            "ms",
            comment=f"{len(ms)} publishes, local stack, page polled every {POLL * 1000:.0f} ms; "
            f"renderer invocation p50 {render_p50:.0f} ms",
            details={"samples_ms": ms, "renderer_ms": renders, "load_average": load},
        ),
        Result(
            "publish-to-live p95",
            _percentile(ms, 0.95),
            "ms",
            target=1000,
            comment=f"aim ≤ 1 s; renderer p95 {render_p95:.0f} ms; load average {load[0]:.1f}",
        ),
    ]


def _measure(stack: Stack) -> list[float]:
    site = stack.site_url
    token = stack.token()
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    body = "\n\n".join(
        ["A paragraph of reporting with **emphasis** and a [link](https://example.org/)."] * 20
    )
    drafts = []
    for n in range(ARTICLES + 1):  # the first is the cold start
        created = http.post(
            f"{site}/api/articles",
            json={
                "headline": f"Benchmark story number {n}",
                "body": body,
                "tags": ["Benchmarks", f"Batch {n % 3}"],
            },
            timeout=10,
        )
        created.raise_for_status()
        drafts.append(created.json()["id"])
    samples = []
    for article_id in drafts:
        started = time.perf_counter()
        published = http.post(f"{site}/api/articles/{article_id}/publish", timeout=10)
        published.raise_for_status()
        url = site + published.json()["url"]
        while requests.get(url, timeout=5).status_code != 200:
            if time.perf_counter() - started > 30:
                raise RuntimeError(f"{url} was not live after 30 s")
            time.sleep(POLL)
        samples.append(time.perf_counter() - started)
    return samples
