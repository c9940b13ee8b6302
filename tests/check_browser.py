"""Check that the browser tests can run: Chromium on PATH and the playwright package importable.

`make test` runs this before pytest so that a machine without a browser fails loudly, with the
commands that fix it, instead of silently skipping the browser tests.

    python -m tests.check_browser
"""

from __future__ import annotations

import importlib
import shutil
import sys


def problems() -> list[str]:
    found: list[str] = []
    if shutil.which("chromium") is None:
        found.append(
            "Chromium is not on PATH. Install Debian's package (as root, or with sudo):\n"
            "    apt-get update && apt-get install -y chromium"
        )
    try:
        importlib.import_module("playwright.sync_api")
    except ImportError as exc:
        found.append(
            f"The playwright Python package does not import ({exc}). Install the development tools:\n"
            '    .venv/bin/pip install -e ".[dev]"    (or: make install)'
        )
    return found


def main() -> int:
    found = problems()
    if not found:
        print(f"browser tests: chromium at {shutil.which('chromium')}, playwright importable")
        return 0
    print("The browser tests cannot run on this machine:\n", file=sys.stderr)
    for problem in found:
        print(f"- {problem}\n", file=sys.stderr)
    print("Fix the above and run `make test` again. (The tests are never skipped for this.)", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
