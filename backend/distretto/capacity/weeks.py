"""ISO weeks ("2026-W51") and the even spread of a quantity over them."""

import re
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from distretto.models.capacity import QUANTUM

WEEK_PATTERN = r"^\d{4}-W\d{2}$"
_WEEK = re.compile(WEEK_PATTERN)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def parse_week(label: str) -> date:
    """The Monday of an ISO week label; ValueError for a malformed or missing week
    (W53 exists only in long ISO years)."""
    if not _WEEK.match(label):
        raise ValueError(f"{label!r} is not an ISO week like 2026-W51")
    year, week = int(label[:4]), int(label[6:])
    return date.fromisocalendar(year, week, 1)


def week_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def mondays(first: date, last: date) -> list[date]:
    """The Mondays of every ISO week from ``first``'s to ``last``'s, inclusive."""
    start, end = monday_of(first), monday_of(last)
    count = (end - start).days // 7 + 1
    return [start + timedelta(weeks=i) for i in range(max(count, 1))]


def spread(quantity: Decimal, parts: int) -> list[Decimal]:
    """``quantity`` split into ``parts`` shares of thousandths that sum to it exactly:
    each share rounded down, the remainder on the last (the delivery week)."""
    share = (quantity / parts).quantize(QUANTUM, rounding=ROUND_DOWN)
    shares = [share] * parts
    shares[-1] = quantity - share * (parts - 1)
    return shares
