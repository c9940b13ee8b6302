"""Unit tests: pure Python, no AWS and no network."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _offline(no_network: None) -> None:
    """Every unit test runs with outbound connections refused."""
