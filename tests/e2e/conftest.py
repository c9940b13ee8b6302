"""The local stack as a subprocess (`python -m newsdesk_local.cli dev`) on free ports, and its tokens.

One stack serves the whole session; every wait is bounded, and the process is always stopped (SIGINT,
then SIGKILL if it does not stop in time).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
# Generous: on 2 busy cores the transform, the deploy and four sample publishes take a while.
START_TIMEOUT = 120.0
STOP_TIMEOUT = 40.0  # a stack saves its state and joins its pollers; a busy machine slows both
COMMAND_TIMEOUT = 90.0  # a CLI command on 2 busy cores (it is 1-2 s on an idle machine)
READY_LINE = "Press Ctrl-C to stop."


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningStack:
    process: subprocess.Popen[bytes]
    env: dict[str, str]
    log: Path
    site_url: str

    @property
    def api_url(self) -> str:
        return f"{self.site_url}/api"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def token(self, *args: str) -> str:
        """`newsdesk token ARGS` against this stack: the last line of its output."""
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk_local.cli", "token", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, f"newsdesk token failed:\n{done.stderr}"
        return done.stdout.strip().splitlines()[-1]

    def stop(self, sig: int = signal.SIGINT) -> int:
        """Stop the stack (SIGINT like Ctrl-C, or SIGTERM); kill it if it takes too long. The exit code."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        return int(self.process.returncode)


def _die_with_parent() -> None:
    """Linux: the stack gets SIGTERM if the test run itself is killed, so no stack outlives it."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stack_env(**overrides: str) -> dict[str, str]:
    # The stack's own settings are the test's to give; the system clock of `make test-at` is the run's.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("NEWSDESK_", "AWS_")) or k.startswith("NEWSDESK_SYSTEM_CLOCK")
    }
    env.update(
        {
            "NEWSDESK_PORT": str(free_port()),
            "NEWSDESK_AWS_PORT": str(free_port()),
            # The CDN's lifetimes (a minute for listings) are checked in tests/local/test_edge_cache.py;
            # here a page reads as the bucket has it.
            "NEWSDESK_CDN_TTL_CAP": "0",
            **overrides,
        }
    )
    return env


def start_stack(log: Path, *args: str, **overrides: str) -> RunningStack:
    """`newsdesk dev ARGS`, healthy. It keeps its state next to its log unless NEWSDESK_STATE_DIR is given
    (never in the repository's .newsdesk/state, which is the developer's)."""
    env = stack_env(**{"NEWSDESK_STATE_DIR": str(log.parent / "state"), **overrides})
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "newsdesk_local.cli", "dev", *args],
            env=env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
    stack = RunningStack(process, env, log, f"http://127.0.0.1:{env['NEWSDESK_PORT']}")
    try:
        wait_until_healthy(stack)
    except BaseException:
        stack.stop()
        raise
    return stack


def wait_until_healthy(stack: RunningStack) -> None:
    """GET /api/health answers 200 and the stack has printed its banner (the samples are in)."""
    deadline = time.monotonic() + START_TIMEOUT
    healthy = False
    while time.monotonic() < deadline:
        if stack.process.poll() is not None:
            pytest.fail(f"the local stack exited with {stack.process.returncode}:\n{stack.output()}")
        with contextlib.suppress(requests.ConnectionError):
            healthy = healthy or requests.get(f"{stack.api_url}/health", timeout=2).status_code == 200
        if healthy and READY_LINE in stack.output():
            return
        time.sleep(0.1)
    pytest.fail(f"the local stack was not healthy within {START_TIMEOUT} s:\n{stack.output()}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("stack") / "dev.log")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def editor_token(stack: RunningStack) -> str:
    return stack.token()


@pytest.fixture(scope="session")
def reader_token(stack: RunningStack) -> str:
    return stack.token("--group", "readers")


@pytest.fixture(scope="session")
def groupless_token(stack: RunningStack) -> str:
    return stack.token("--no-group")


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session
