from __future__ import annotations

from typing import Any

import pytest

from tests import check_browser


def test_it_passes_when_chromium_and_playwright_are_there(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given chromium on PATH (playwright is a dev dependency, so it imports)
    monkeypatch.setattr(check_browser.shutil, "which", lambda name: f"/usr/bin/{name}")

    # When the check runs
    code = check_browser.main()

    # Then it passes and says where chromium is
    assert code == 0
    assert "/usr/bin/chromium" in capsys.readouterr().out


def test_it_fails_loudly_with_the_install_command_when_chromium_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given no chromium on PATH
    monkeypatch.setattr(check_browser.shutil, "which", lambda name: None)

    # When the check runs
    code = check_browser.main()

    # Then it fails and tells how to install chromium
    assert code == 1
    assert "apt-get install -y chromium" in capsys.readouterr().err


def test_it_fails_with_the_pip_command_when_playwright_does_not_import(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Given chromium on PATH but a playwright that cannot be imported
    monkeypatch.setattr(check_browser.shutil, "which", lambda name: f"/usr/bin/{name}")

    def no_playwright(name: str) -> Any:
        raise ImportError(f"No module named {name.split('.')[0]!r}")

    monkeypatch.setattr(check_browser.importlib, "import_module", no_playwright)

    # When the check runs
    code = check_browser.main()

    # Then it fails and tells how to install the development tools
    assert code == 1
    assert 'pip install -e ".[dev]"' in capsys.readouterr().err
