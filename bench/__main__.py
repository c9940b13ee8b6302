"""Run the benchmarks: `python -m bench [NAME ...] [--list] [--strict] [--output PATH]`.

Every module `bench/bench_<name>.py` that defines `run() -> list[Result]` is a benchmark. NAME selects
benchmarks by `<name>` (e.g. `python -m bench imports`); without names all run, in alphabetical order.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib
import json
import pkgutil
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench
from bench import RESULTS_DIR, ROOT, Result

PREFIX = "bench_"


def discover() -> dict[str, str]:
    """Short name -> module name of every benchmark module in the bench package."""
    return {
        info.name.removeprefix(PREFIX): f"bench.{info.name}"
        for info in sorted(pkgutil.iter_modules(bench.__path__), key=lambda i: i.name)
        if info.name.startswith(PREFIX) and not info.ispkg
    }


def _load(module_name: str) -> Callable[[], list[Result]]:
    module = importlib.import_module(module_name)
    run = getattr(module, "run", None)
    if not callable(run):
        raise TypeError(f"{module_name} has no run() function")
    return run


def _format_value(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def print_table(rows: list[tuple[str, Result]]) -> None:
    headers = ("benchmark", "result", "value", "unit", "target", "", "comment")
    table = [
        (
            bench_name,
            r.name,
            _format_value(r.value),
            r.unit,
            "" if r.target is None else ("≤ " if r.better == "lower" else "≥ ") + _format_value(r.target),
            {True: "ok", False: "MISS", None: ""}[r.ok],
            r.comment,
        )
        for bench_name, r in rows
    ]
    widths = [max(len(str(cell)) for cell in col) for col in zip(headers, *table, strict=True)]
    right = {2, 4}  # value and target columns

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in table:
        print(line(row))


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a result misses its target")
    parser.add_argument("--output", type=Path, default=RESULTS_DIR / "latest.json", help="JSON report path")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        for name, module in available.items():
            print(f"{name:<20} {module}")
        return 0
    unknown = [n for n in args.names if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; available: {', '.join(available)}")
    selected = {n: available[n] for n in (args.names or available)}

    rows: list[tuple[str, Result]] = []
    runs: dict[str, dict[str, Any]] = {}
    for name, module_name in selected.items():
        print(f"bench: running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            results = list(_load(module_name)())
        except Exception as exc:
            traceback.print_exc()
            runs[name] = {"module": module_name, "error": f"{type(exc).__name__}: {exc}"}
            continue
        finally:
            elapsed = time.perf_counter() - started
        runs[name] = {"module": module_name, "seconds": round(elapsed, 3)}
        rows.extend((name, r) for r in results)

    if rows:
        print_table(rows)
    report = {
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "git_commit": _git_commit(),
        "host": {
            "python": platform.python_version(),
            "machine": platform.machine(),
            "system": platform.system(),
        },
        "benchmarks": runs,
        "results": [{"benchmark": name, **dataclasses.asdict(r), "ok": r.ok} for name, r in rows],
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print(
        f"bench: wrote {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}"
    )

    failed = [n for n, r in runs.items() if "error" in r]
    missed = [f"{n}/{r.name}" for n, r in rows if r.ok is False]
    if failed:
        print(f"bench: {len(failed)} benchmark(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    if missed:
        print(f"bench: {len(missed)} result(s) miss their target: {', '.join(missed)}", file=sys.stderr)
        return 1 if args.strict else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
