"""Faults at scale: the throttling test of the comment worker, played with 1,000 comments.

`tests/comments/test_faults.py` runs in `make test` with 200 comments (a fifth of the worker's DynamoDB
calls throttled, a twentieth of the messages delivered twice) and asserts that every comment is stored
exactly once or dead-lettered. This benchmark runs the very same test, assertions and all, with
`NEWSDESK_FAULT_COMMENTS` (default 1,000), and reports how long it took; it fails if the test fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench import ROOT, Result

COMMENTS = int(os.environ.get("BENCH_FAULT_COMMENTS", "1000"))
TEST = "tests/comments/test_faults.py"


def run() -> list[Result]:
    env = {**os.environ, "NEWSDESK_FAULT_COMMENTS": str(COMMENTS)}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "1800", TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"{TEST} with {COMMENTS} comments failed:\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
        )
    return [
        Result(
            f"throttled worker, {COMMENTS:,} comments",
            seconds,
            "s",
            comment="every comment stored once or dead-lettered (the suite's test, at scale)",
            details={"comments": COMMENTS, "pytest": done.stdout.strip().splitlines()[-1:]},
        )
    ]
