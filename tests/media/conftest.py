"""Media tests: the editor function and the renditions function against moto (in process), the site
bucket made as template.yaml makes it."""

from __future__ import annotations

import sys
import uuid
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from tests.conftest import EDITOR_API_APP, REGION, ROOT, create_preview_link_key, load_function
from tests.handlers.client import EditorApi

MEDIA_APP = ROOT / "functions" / "media" / "app.py"


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """moto runs in-process (presigned uploads too, through `requests`): nothing here needs the network."""


@pytest.fixture
def site_bucket(aws: None, monkeypatch: pytest.MonkeyPatch) -> str:
    import boto3

    name = f"newsdesk-site-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", region_name=REGION).create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"}
    )
    monkeypatch.setenv("SITE_BUCKET", name)
    return name


@pytest.fixture
def media_api(
    editor_env: str, articles_table: str, site_bucket: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[ModuleType]:
    monkeypatch.setenv("PREVIEW_LINK_KEY_ID", create_preview_link_key())
    module = load_function(EDITOR_API_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)


@pytest.fixture
def api(media_api: ModuleType, lambda_context: Any) -> EditorApi:
    return EditorApi(media_api.lambda_handler, lambda_context)


@pytest.fixture
def media_function(editor_env: str, articles_table: str, site_bucket: str) -> Iterator[ModuleType]:
    module = load_function(MEDIA_APP)
    try:
        yield module
    finally:
        sys.modules.pop(module.__name__, None)
