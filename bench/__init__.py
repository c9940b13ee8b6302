"""Newsdesk benchmarks.

`python -m bench` (or `make bench`) imports every module `bench/bench_*.py`, calls its `run()`, prints
one table of the `Result`s they return and writes them to `bench/results/latest.json`.
See bench/README.md for how to add a benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "bench"
CACHE_DIR = BENCH_DIR / ".cache"
RESULTS_DIR = BENCH_DIR / "results"


@dataclass(frozen=True)
class Result:
    """One figure a benchmark measured.

    `target` is the bound the figure should respect: an upper bound when `better` is "lower" (times,
    ratios), a lower bound when it is "higher" (throughput). `details` holds anything worth keeping in
    the JSON (samples, percentiles, versions); it is not printed.
    """

    name: str
    value: float
    unit: str
    target: float | None = None
    better: Literal["lower", "higher"] = "lower"
    comment: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool | None:
        """Whether the target is met; None when there is no target."""
        if self.target is None:
            return None
        return self.value <= self.target if self.better == "lower" else self.value >= self.target
