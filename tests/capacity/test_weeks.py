"""ISO weeks and the exact spread of a quantity over them."""

from datetime import date
from decimal import Decimal

import pytest

from distretto.capacity.weeks import mondays, parse_week, spread, week_label


def test_weeks_cross_the_year_boundary_through_w53() -> None:
    # 2026 is a long ISO year: its last week is W53, which ends on Sunday 3 January 2027.
    weeks = mondays(date(2026, 12, 23), date(2027, 1, 12))
    assert [week_label(m) for m in weeks] == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert parse_week("2026-W53") == date(2026, 12, 28)
    assert parse_week("2027-W01") == date(2027, 1, 4)
    # 2025 ends with W52 (Monday 22 December); its next week is 2026-W01.
    assert [week_label(m) for m in mondays(date(2025, 12, 24), date(2026, 1, 2))] == [
        "2025-W52",
        "2026-W01",
    ]


@pytest.mark.parametrize("label", ["2027-W53", "2026-W00", "2026-W54", "2026W51", "26-W01"])
def test_weeks_that_do_not_exist_are_refused(label: str) -> None:
    with pytest.raises(ValueError):
        parse_week(label)


def test_a_single_week_when_delivery_is_in_the_award_week() -> None:
    assert mondays(date(2026, 12, 9), date(2026, 12, 10)) == [date(2026, 12, 7)]


@pytest.mark.parametrize(
    ("quantity", "parts", "expected"),
    [
        ("1000", 3, ["333.333", "333.333", "333.334"]),
        ("1001", 4, ["250.250", "250.250", "250.250", "250.250"]),
        ("1", 7, ["0.142", "0.142", "0.142", "0.142", "0.142", "0.142", "0.148"]),
        ("5", 1, ["5"]),
    ],
)
def test_spread_sums_exactly(quantity: str, parts: int, expected: list[str]) -> None:
    shares = spread(Decimal(quantity), parts)
    assert shares == [Decimal(e) for e in expected]
    assert sum(shares) == Decimal(quantity)
