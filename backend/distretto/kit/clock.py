"""The server's one clock.

Everything that needs the time asks here: rules that stamp times (a delivery, an
acceptance) or compute with them (reputation's recency weights), column defaults, the seed.
A check (tests/architecture/test_clock.py) forbids ``datetime.now``/``utcnow``/``date.today``
anywhere else in the backend, so a test that pins the instant pins it everywhere::

    with clock.pinned(datetime(2026, 3, 1, 9, tzinfo=UTC)):
        ...

Request handlers may take the clock as a dependency (``clock: ClockDep``) and pass ``now``
on; ``app.dependency_overrides[get_clock]`` still replaces it for one app.

This module imports nothing from distretto: the tables' column defaults use it too.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

Clock = Callable[[], datetime]

# Instants are UTC; calendar dates are the district's. A tariff "in force from today", a
# DDT dated today, this week's capacity: the people who type those dates live in Italy,
# and from 00:00 to 01:00 (02:00 in summer) their day is already the next UTC one.
DISTRICT_TIME = ZoneInfo("Europe/Rome")


def system_clock() -> datetime:
    return datetime.now(UTC)


_current: Clock = system_clock


def now() -> datetime:
    """The current instant (UTC-aware) from the installed clock."""
    return _current()


def district_date(instant: datetime) -> date:
    """The calendar date in the district at ``instant``."""
    return instant.astimezone(DISTRICT_TIME).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The district's calendar day ``day`` as the UTC instants [start, end): midnight to
    midnight in Europe/Rome, 23 or 25 hours on the days the clocks change."""
    start = datetime.combine(day, time(), tzinfo=DISTRICT_TIME)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=DISTRICT_TIME)
    return start.astimezone(UTC), end.astimezone(UTC)


def today() -> date:
    """Today's date in the district, from the same clock."""
    return district_date(now())


@contextmanager
def pinned(at: datetime | Clock) -> Iterator[None]:
    """Install a fixed instant (or another clock) for the duration of the block."""
    global _current
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("pin the clock to a UTC-aware instant")
        fixed = at
        clock: Clock = lambda: fixed  # noqa: E731
    else:
        clock = at
    previous, _current = _current, clock
    try:
        yield
    finally:
        _current = previous


# async: FastAPI runs a plain ``def`` dependency in its thread pool, a thread hop (and a
# futex wake-up of another thread) on every request that takes the clock.
async def get_clock() -> Clock:
    """The clock as a request dependency (reads whatever is installed at call time)."""
    return now


ClockDep = Annotated[Clock, Depends(get_clock)]
