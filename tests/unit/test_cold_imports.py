"""Cold starts stay small: importing a handler module loads no AWS SDK.

Every `functions/*/app.py` is imported in a fresh interpreter, with the function's folder and the layer's
sources on the path and the environment Lambda gives a function (tracing on), and the modules it loaded are
inspected. boto3 must not be among them, nor any part of botocore beyond the bare package: Powertools
imports `botocore/__init__.py` (a few lines) to register its user-agent hook, which is harmless; anything
more (`botocore.client`, `botocore.session` ...) means a client, a resource or an X-Ray patch is made at
import time. Nor may Powertools' OpenAPI models (pydantic models of the whole OpenAPI spec, ~90 ms): only
building an OpenAPI document needs them (the editor API's /api/openapi.json and /api/docs), and request
validation does not. bench/bench_imports.py measures what this costs; this test pins the property, not
timings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HANDLER_MODULES = sorted((ROOT / "functions").glob("*/app.py"))

# What Lambda sets for a python3.13 function with active tracing, and the template's variables.
LAMBDA_ENVIRONMENT = {
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
    "AWS_LAMBDA_FUNCTION_NAME": "newsdesk-cold-import-test",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_REGION": "ap-south-1",
    "AWS_DEFAULT_REGION": "ap-south-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "POWERTOOLS_SERVICE_NAME": "newsdesk",
    "POWERTOOLS_METRICS_NAMESPACE": "Newsdesk",
    "TABLE_NAME": "newsdesk-articles",
    "SITE_TIMEZONE": "Asia/Kolkata",
    "SITE_NAME": "Newsdesk",
    "SITE_LANGUAGE": "en",
    "SITE_URL": "https://news.example.com",
    "SITE_BUCKET": "newsdesk-site",
    "DISTRIBUTION_ID": "E2EXAMPLE",
    "REBUILD_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/123456789012/newsdesk-rebuild",
    "COMMENTS_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/123456789012/newsdesk-comments",
    "RENDER_DEAD_LETTER_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/123456789012/newsdesk-render-dlq",
    "COMMENTS_DEAD_LETTER_QUEUE_URL": "https://sqs.ap-south-1.amazonaws.com/123456789012/newsdesk-comment-dlq",
    "COMMENTS_MAC_KEY_ID": "arn:aws:kms:ap-south-1:123456789012:key/mac",
    "COMMENTS_DATA_KEY_ID": "arn:aws:kms:ap-south-1:123456789012:key/data",
    "PREVIEW_LINK_KEY_ID": "arn:aws:kms:ap-south-1:123456789012:key/preview",
    "ORIGIN_SECRETS": "sample-origin-secret-0123456789abcdef",
}

_CHILD = """
import json, sys
sys.path[:0] = [{task_root!r}, {layer!r}]
import app
print(json.dumps(sorted(sys.modules)))
"""
OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"


@cache
def modules_after_import(app_py: Path) -> list[str]:
    code = _CHILD.format(task_root=str(app_py.parent), layer=str(ROOT / "shared"))
    env = {**LAMBDA_ENVIRONMENT, "LAMBDA_TASK_ROOT": str(app_py.parent), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-I", "-B", "-c", code],
        cwd=app_py.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, f"importing {app_py.relative_to(ROOT)} failed:\n{proc.stderr}"
    modules: list[str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return modules


def aws_sdk_modules_after_import(app_py: Path) -> list[str]:
    return [name for name in modules_after_import(app_py) if name.split(".")[0] in ("boto3", "botocore")]


def test_there_are_handler_modules_to_check() -> None:
    assert HANDLER_MODULES, "no functions/*/app.py found"


@pytest.mark.parametrize("app_py", HANDLER_MODULES, ids=lambda p: p.parent.name)
def test_importing_a_handler_loads_no_aws_sdk(app_py: Path) -> None:
    # Given a handler module, and the environment Lambda gives it (tracing on)
    # When it is imported in a fresh interpreter, as a cold start does
    loaded = aws_sdk_modules_after_import(app_py)

    # Then neither boto3 nor any of botocore beyond its bare package has been imported
    assert [name for name in loaded if name != "botocore"] == []


@pytest.mark.parametrize("app_py", HANDLER_MODULES, ids=lambda p: p.parent.name)
def test_importing_a_handler_loads_no_openapi_models(app_py: Path) -> None:
    # Given a handler module, and the environment Lambda gives it
    # When it is imported in a fresh interpreter, as a cold start does
    loaded = modules_after_import(app_py)

    # Then Powertools' OpenAPI models are not among the modules loaded (they load with the first document)
    assert OPENAPI_MODELS not in loaded


@pytest.mark.parametrize("app_py", HANDLER_MODULES, ids=lambda p: p.parent.name)
def test_importing_a_handler_loads_no_parser_models(app_py: Path) -> None:
    # Given a handler module, and the environment Lambda gives it
    # When it is imported in a fresh interpreter, as a cold start does
    loaded = modules_after_import(app_py)

    # Then Powertools' parser models (pydantic models of every event source, which its batch utility loads
    # when pydantic was imported first) are not among the modules loaded: no handler parses with them
    assert [name for name in loaded if name.startswith("aws_lambda_powertools.utilities.parser")] == []
