"""Publish-to-live in the local stack: from the publish request to the page being served at its url.

Starts `newsdesk dev` (no samples) on free ports, creates drafts, then publishes them one at a time and
polls the page every 10 ms until the local origin serves it. The clock starts before the publish request
is sent, so the figure includes the API call, the stream poller, rendering and upload.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench import ROOT, Result

ARTICLES = 30
POLL = 0.01
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run() -> list[Result]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "AWS_"))}
    env.update(NEWSDESK_PORT=str(_free_port()), NEWSDESK_AWS_PORT=str(_free_port()))
    site = f"http://127.0.0.1:{env['NEWSDESK_PORT']}"
    with tempfile.TemporaryDirectory() as scratch:
        log = Path(scratch) / "dev.log"
        with log.open("wb") as sink:
            stack = subprocess.Popen(
                [sys.executable, "-m", "newsdesk_local.cli", "dev", "--no-samples"],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        try:
            samples = _measure(site, env, stack, log)
        finally:
            stack.terminate()
            try:
                stack.wait(timeout=20)
            except subprocess.TimeoutExpired:
                stack.kill()
    ms = [s * 1000 for s in samples]
    return [
        Result(
            "publish-to-live p50",
            statistics.median(ms),
            "ms",
            comment=f"{len(ms)} publishes, local stack, page polled every {POLL * 1000:.0f} ms",
            details={"samples_ms": ms},
        ),
        Result("publish-to-live p95", _percentile(ms, 0.95), "ms", target=1000, comment="aim ≤ 1 s"),
    ]


def _measure(site: str, env: dict[str, str], stack: subprocess.Popen[bytes], log: Path) -> list[float]:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if stack.poll() is not None:
            raise RuntimeError(f"the local stack exited:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(requests.ConnectionError):
            if requests.get(f"{site}/api/health", timeout=2).status_code == 200:
                break
        time.sleep(0.1)
    else:
        raise RuntimeError("the local stack did not start in time")
    token = (
        subprocess.run(
            [sys.executable, "-m", "newsdesk_local.cli", "token"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"
    body = "\n\n".join(
        ["A paragraph of reporting with **emphasis** and a [link](https://example.org/)."] * 20
    )
    drafts = []
    for n in range(ARTICLES):
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
