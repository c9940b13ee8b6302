"""The one clock of Newsdesk.

Everything that needs the current time (dates of publication, render receipts, comment windows, form
tokens, ids that sort by time) asks this module, never `datetime.now()` or `time.time()` directly. On AWS
it reads the system clock; tests set it once (`use`) and every part of the product sees the same moment,
so the suite gives the same answers on any day, at any hour, in any time zone.

Standard library only: the comment intake imports it and keeps its cold start small.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

Clock = Callable[[], dt.datetime]


def system_now() -> dt.datetime:
    """The system's time, aware, in UTC."""
    return dt.datetime.now(dt.UTC)


_source: Clock = system_now


def utc_now() -> dt.datetime:
    """The current moment, aware, in UTC."""
    return _source()


def epoch_seconds() -> float:
    """The current moment in seconds since the Unix epoch."""
    return _source().timestamp()


def use(source: Clock | None) -> Clock:
    """Make `source` the clock of the whole product (None: the system clock). Returns the previous one."""
    global _source
    previous = _source
    _source = source or system_now
    return previous


class FrozenClock:
    """A clock that stands still until told to move: `advance(minutes=5)`, `set(moment)`.

    Thread-safe, so handlers run from worker threads in a test read the same moment.
    """

    def __init__(self, at: dt.datetime) -> None:
        self._lock = threading.Lock()
        self._at = _aware(at)

    def __call__(self) -> dt.datetime:
        with self._lock:
            return self._at

    def epoch_seconds(self) -> float:
        return self().timestamp()

    def set(self, at: dt.datetime) -> None:
        with self._lock:
            self._at = _aware(at)

    def advance(self, delta: dt.timedelta | None = None, **parts: float) -> dt.datetime:
        """Move forward by `delta` or by timedelta keyword parts (`seconds=20`); returns the new moment."""
        step = (delta or dt.timedelta()) + dt.timedelta(**parts)
        if step < dt.timedelta():
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._at += step
            return self._at


def _aware(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("the clock needs an aware datetime")
    return at.astimezone(dt.UTC)
