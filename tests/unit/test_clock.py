"""The product's one clock: tests freeze it, and nothing in the product or the tests reads the system's."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from newsdesk import clock as product_clock
from newsdesk.clock import FrozenClock, epoch_seconds, utc_now
from tests.conftest import BOUNDARIES, ROOT, SITE_TZ, TEST_NOW, at_every_boundary


def test_the_suite_freezes_the_product_clock_at_the_test_moment(clock: FrozenClock) -> None:
    # Given the autouse clock of the suite
    # When the product asks the time twice
    first, second = utc_now(), utc_now()

    # Then it gets the test's moment, in UTC, both times; epoch seconds agree with it
    assert first == second == TEST_NOW
    assert first.tzinfo is dt.UTC
    assert epoch_seconds() == TEST_NOW.timestamp()


@pytest.mark.clock("2027-01-01T00:15:00+05:30")
def test_a_marker_sets_the_moment(clock: FrozenClock) -> None:
    assert utc_now() == dt.datetime(2026, 12, 31, 18, 45, tzinfo=dt.UTC)


@at_every_boundary
def test_boundary_moments_are_played_by_indirect_parametrization(clock: FrozenClock) -> None:
    # Then the product sees one of the boundary moments, and the site's calendar is what its name says
    assert utc_now() in BOUNDARIES.values()
    local = utc_now().astimezone(SITE_TZ)
    assert (local.hour, local.minute) in {(0, 15), (23, 59), (14, 0)}


def test_advance_moves_forward_and_never_back(clock: FrozenClock) -> None:
    # When the clock is advanced by a timedelta and by keyword parts
    clock.advance(dt.timedelta(minutes=1))
    moved = clock.advance(seconds=30)

    # Then both steps count, and a step backwards is refused
    assert moved == utc_now() == TEST_NOW + dt.timedelta(minutes=1, seconds=30)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(seconds=-1)
    assert utc_now() == moved


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        FrozenClock(dt.datetime(2026, 11, 20, 12, 0))


def test_use_returns_the_previous_clock_and_none_means_the_system_clock(clock: FrozenClock) -> None:
    # Given the frozen clock of the suite
    # When the system clock is put back for a moment
    previous = product_clock.use(None)
    try:
        system = utc_now()
    finally:
        product_clock.use(previous)

    # Then that was the system clock, and the frozen one is back
    assert previous is clock
    assert abs(system - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert utc_now() == TEST_NOW


# ----- nobody reads the system clock --------------------------------------------------------------------

# Calls that read the wall clock. time.monotonic / perf_counter (durations, deadlines) are fine.
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("dt", "now"),
}
# The clock itself, and the tests that talk to a separate process (the local stack, a browser), whose
# own clock is the system's.
ALLOWED = {"shared/newsdesk/clock.py"}
SEPARATE_PROCESSES = ("tests/e2e/", "tests/browser/")


def wall_clock_reads(source: str) -> list[int]:
    """The lines of `source` that read the wall clock."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "ULID" and not node.args:
            found.append(node.lineno)  # ULID() takes its time from the system clock
        if isinstance(func, ast.Attribute):
            owner = func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, func.attr) in WALL_CLOCK_CALLS:
                found.append(node.lineno)
    return sorted(found)


def reads_in(files: list[Path]) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{line}"
        for path in files
        for line in wall_clock_reads(path.read_text(encoding="utf-8"))
    ]


def python_files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def test_nothing_in_the_product_reads_the_system_clock() -> None:
    # Given every module of the product and of the functions
    files = [p for p in python_files("shared", "functions") if str(p.relative_to(ROOT)) not in ALLOWED]

    # Then none reads the wall clock except through newsdesk.clock
    assert reads_in(files) == []


def test_no_in_process_test_reads_the_system_clock() -> None:
    # Given every test that runs the product in this process
    files = [p for p in python_files("tests") if not str(p.relative_to(ROOT)).startswith(SEPARATE_PROCESSES)]

    # Then each places its data relative to the frozen clock, never to the real date
    assert reads_in([p for p in files if p.name != "test_clock.py"]) == []


def test_the_scan_finds_wall_clock_reads() -> None:
    # Given a module with each kind of wall-clock read (the scan must not pass vacuously)
    sample = (
        "import datetime as dt, time\nfrom ulid import ULID\n"
        "a = dt.datetime.now(dt.UTC)\nb = time.time()\nc = dt.date.today()\nd = ULID()\n"
        "e = time.monotonic()\nf = ULID.from_datetime(a)\n"
    )

    # Then every read is found, and durations and explicit moments are not
    assert wall_clock_reads(sample) == [3, 4, 5, 6]
