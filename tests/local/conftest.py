"""Tests of the local stack's parts: in-process moto, pure Python, or a server of the test's own on the
loopback interface; never the network beyond this machine."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsdesk_local import emulator
from newsdesk_local.template import load_template


def _on_this_machine(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket
    host = str(address[0])
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test here runs with connections beyond the loopback interface refused."""
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(address: Any) -> None:
        raise RuntimeError(
            f"This test tried to connect to {address!r}; only loopback connections are allowed."
        )

    def local_connect(sock: socket.socket, address: Any) -> None:
        if not _on_this_machine(address):
            refuse(address)
        connect(sock, address)

    def local_connect_ex(sock: socket.socket, address: Any) -> int:
        if not _on_this_machine(address):
            refuse(address)
        return connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", local_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", local_connect_ex)


@pytest.fixture
def snippet(tmp_path: Path) -> Any:
    """Load a template snippet (YAML with CloudFormation tags) the way template.yaml is loaded."""

    def load(text: str) -> dict[str, Any]:
        path = tmp_path / f"template-{len(list(tmp_path.iterdir()))}.yaml"
        path.write_text(text, encoding="utf-8")
        return load_template(path)

    return load


@pytest.fixture
def corrected() -> Iterator[None]:
    """moto with newsdesk_local.emulator's corrections, as the local stack runs it (taken off afterwards
    if this fixture put them on)."""
    applied = emulator.install()
    try:
        yield
    finally:
        if applied:
            emulator.uninstall()


@pytest.fixture
def limits(monkeypatch: pytest.MonkeyPatch) -> emulator.Limits:
    """The emulator's limits, for a test to lower; put back after it."""
    for name in ("stream_retention", "stream_records", "iterator_lifetime", "clock"):
        monkeypatch.setattr(emulator.LIMITS, name, getattr(emulator.LIMITS, name))
    return emulator.LIMITS


class FakeClock:
    """A monotonic clock a test moves forward by hand (time travel has no real counterpart)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now
