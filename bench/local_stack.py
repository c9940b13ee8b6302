"""The local stack (`newsdesk dev`) as a subprocess for benchmarks: free ports, bounded waits, a token,
and the memory of its process tree read from /proc.

Not a benchmark itself (no `bench_` prefix): bench_live and bench_memory use it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

from bench import ROOT

START_TIMEOUT = 120.0  # the template transformed and deployed into moto; slow on a busy machine
STOP_TIMEOUT = 20.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Stack:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path

    @property
    def site_url(self) -> str:
        return f"http://127.0.0.1:{self.env['NEWSDESK_PORT']}"

    @property
    def api_url(self) -> str:
        return f"{self.site_url}/api"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def token(self, *args: str) -> str:
        """`newsdesk token ARGS` against this stack: the last line of its stdout."""
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk_local.cli", "token", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,  # a fresh interpreter signing in: slow on a busy machine
            check=True,
        )
        return done.stdout.strip().splitlines()[-1]


@contextlib.contextmanager
def running_stack(*args: str, log: Path | None = None, **settings: str) -> Iterator[Stack]:
    """`newsdesk dev ARGS` on free ports with NEWSDESK_* `settings`, healthy, stopped on exit (SIGTERM).

    Its saved state lives in a scratch directory unless NEWSDESK_STATE_DIR is given; its output goes to
    `log` if given (kept after the stack stops), else to a scratch file.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSDESK_", "AWS_"))}
    env.update(NEWSDESK_PORT=str(free_port()), NEWSDESK_AWS_PORT=str(free_port()))
    with tempfile.TemporaryDirectory() as scratch:
        env.update({"NEWSDESK_STATE_DIR": str(Path(scratch) / "state"), **settings})
        log = log or Path(scratch) / "dev.log"
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "newsdesk_local.cli", "dev", *args],
                env=env,
                cwd=ROOT,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        stack = Stack(process, env, log)
        try:
            _wait_until_healthy(stack)
            yield stack
        finally:
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=STOP_TIMEOUT)


def _wait_until_healthy(stack: Stack) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {stack.process.returncode}:\n{stack.output()}")
        with contextlib.suppress(requests.ConnectionError, requests.Timeout):
            healthy = requests.get(f"{stack.api_url}/health", timeout=2).status_code == 200
            if healthy and "Press Ctrl-C to stop." in stack.output():
                return
        time.sleep(0.1)
    raise RuntimeError(f"the local stack was not healthy within {START_TIMEOUT:.0f} s:\n{stack.output()}")


# ----- memory ------------------------------------------------------------------------------------------


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (Linux /proc)."""
    found = [pid]
    for current in found:
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                found.extend(int(child) for child in task.read_text().split())
    return found


def status_kib(pid: int, field: str) -> int:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM ...); 0 if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def tree_mib(pid: int, field: str) -> float:
    """The sum of `field` (VmHWM: peak resident set; VmRSS: current) over the process and its children."""
    return sum(status_kib(p, field) for p in process_tree(pid)) / 1024
