"""Schemathesis over the API's own OpenAPI document, against the local stack, as an editor.

Every operation of /api/openapi.json (editor routes with a real editor token from the stack's Cognito,
the public comment intake, health and docs) is called with generated input, valid and invalid: none may
answer 5xx, and every answer must be one the document lists, in the media type and schema it says.

The run has its own stack (it creates, edits, publishes and deletes whatever it likes), deterministic
generation (no examples database, nothing written in the repository) and a budget: about 40 seconds in
`make test`, more through `make fuzz` (NEWSDESK_FUZZ_SECONDS, NEWSDESK_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, start_stack

pytestmark = pytest.mark.e2e

CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
)
SECONDS = int(os.environ.get("NEWSDESK_FUZZ_SECONDS", "40"))
EXAMPLES = int(os.environ.get("NEWSDESK_FUZZ_EXAMPLES", "5"))
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.fixture(scope="module")
def fuzzed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    running = start_stack(tmp_path_factory.mktemp("fuzzed-stack") / "dev.log")
    try:
        yield running
    finally:
        running.stop()


def schemathesis(stack: RunningStack, workdir: Path, *options: str) -> dict[str, Any]:
    """`schemathesis run` against the stack's document; its JSON report."""
    report = workdir / "report.json"
    done = subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            f"{stack.api_url}/openapi.json",
            "--url",
            stack.site_url,
            "--checks",
            ",".join(CHECKS),
            "--generation-deterministic",  # the same cases every run, and no examples database
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
            "--report",
            "json",
            "--report-json-path",
            str(report),
            *options,
        ],
        cwd=workdir,  # whatever it writes stays out of the repository
        env={**os.environ, "SCHEMATHESIS_TELEMETRY": "false"},
        capture_output=True,
        text=True,
        timeout=SECONDS + 120,
        check=False,
    )
    assert report.exists(), f"schemathesis wrote no report:\n{done.stdout}\n{done.stderr}"
    result: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    result["output"] = done.stdout
    return result


def test_no_generated_request_gets_a_server_error_or_an_undocumented_answer(
    fuzzed_stack: RunningStack, tmp_path: Path
) -> None:
    # Given the stack's OpenAPI document and an editor's bearer token
    token = fuzzed_stack.token()

    # When schemathesis calls every operation with generated input for the budget
    result = schemathesis(
        fuzzed_stack,
        tmp_path,
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(EXAMPLES),
        "--max-time",
        str(SECONDS),
    )

    # Then every operation was tested and nothing failed a check
    operations = result["operations"]
    cases = result["test_cases"]
    print(
        f"\nschemathesis: {operations['tested']} operations, {cases['generated']} test cases, "
        f"{result['running_time']:.0f} s, {cases['with_failures']} with failures ({result['stop_reason']})"
    )
    assert result["failures"] == [], result["output"][-6000:]
    assert result["errors"] == [], result["output"][-6000:]
    assert operations["tested"] == operations["total"] > 0
    assert cases["generated"] > operations["total"]
    # and the token was applied: schemathesis also sends each secured operation one case without it (a
    # 401), and warns of an operation that only ever got 401s. On a busy machine the time budget can run
    # out after that probe for the last operation or two, but a token that never worked would leave every
    # secured operation (nearly all of them) in the warning.
    unauthorized = result["warnings"].get("missing_auth") or []
    assert len(unauthorized) <= 2, result["warnings"]
