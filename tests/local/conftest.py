"""Tests of the local stack's parts: in-process moto or pure Python, never the network."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsdesk_local.template import load_template


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Every test here runs with outbound connections refused."""


@pytest.fixture
def snippet(tmp_path: Path) -> Any:
    """Load a template snippet (YAML with CloudFormation tags) the way template.yaml is loaded."""

    def load(text: str) -> dict[str, Any]:
        path = tmp_path / f"template-{len(list(tmp_path.iterdir()))}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_template(path)

    return load
