"""`newsdesk rebuild` against the running local stack."""

from __future__ import annotations

import subprocess
import sys

import pytest
import requests

from tests.e2e.conftest import COMMAND_TIMEOUT, ROOT, RunningStack

pytestmark = pytest.mark.e2e


def test_rebuild_rerenders_the_site_and_reports_completion(
    stack: RunningStack, http: requests.Session
) -> None:
    # Given a running stack with its sample articles live
    assert http.get(f"{stack.site_url}/", timeout=5).status_code == 200

    # When the whole site is rebuilt
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk_local.cli", "rebuild", "--timeout", "60"],
        env=stack.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT * 3,
        check=False,
    )

    # Then every chunk completes, the progress bar reached 100%, and the site still answers
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr
    assert "finished" in done.stderr
    home = http.get(f"{stack.site_url}/", timeout=5)
    assert home.status_code == 200
    assert "Latest news" in home.text


def test_rebuild_without_a_running_stack_says_so(stack: RunningStack) -> None:
    # Given the environment of a stack whose emulator port nobody listens on
    env = {**stack.env, "NEWSDESK_AWS_PORT": "9"}

    # When a rebuild is asked for
    done = subprocess.run(
        [sys.executable, "-m", "newsdesk_local.cli", "rebuild", "--timeout", "5"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT * 3,
        check=False,
    )

    # Then it fails with a message that names the missing local stack
    assert done.returncode == 1
    assert "newsdesk dev" in done.stderr
