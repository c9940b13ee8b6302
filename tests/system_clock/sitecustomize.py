"""Sets this Python process's system clock to NEWSDESK_SYSTEM_CLOCK (ISO 8601 with an offset) and lets it
tick from there, as setting the machine's date would: wall-clock reads (time.time, datetime.now, ...)
move, the monotonic clock does not.

`make test-at WHEN=...` puts this folder on PYTHONPATH, so pytest, its workers and every local stack
the tests start (all Python) run at that moment. libfaketime cannot do this for CPython 3.11 on this
machine's libfaketime 0.9.10: faking the monotonic clock too (its default) makes every timed wait hang,
and leaving it alone makes every time.sleep fail with EINVAL (clock_nanosleep with TIMER_ABSTIME).
"""

import datetime as _dt
import os as _os
import time as _time

_moment = _os.environ.get("NEWSDESK_SYSTEM_CLOCK")
if _moment:
    import time_machine as _time_machine

    _when = _dt.datetime.fromisoformat(_moment)
    if _when.tzinfo is None:
        raise SystemExit("NEWSDESK_SYSTEM_CLOCK needs an offset, e.g. 2027-01-01T00:15:00+05:30")
    # The clock was set to _when at NEWSDESK_SYSTEM_CLOCK_SET_AT (real epoch seconds): a process started
    # later reads as much later, so every process of the run agrees on the time.
    _set_at = float(_os.environ.get("NEWSDESK_SYSTEM_CLOCK_SET_AT") or _time.time())
    _traveller = _time_machine.travel(_when + _dt.timedelta(seconds=_time.time() - _set_at), tick=True)
    _traveller.start()
