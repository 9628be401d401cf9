"""The one total rule (quantity times unit price, half-up to the cent) and the due date
payment terms give, across month ends and leap years."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distretto.kit.money import format_quantity, format_unit_price, line_total, vat_amount
from distretto.kit.terms import due_date

quantities = st.decimals(min_value="0.001", max_value="100000000", places=3)
unit_prices = st.decimals(min_value="0.0001", max_value="99999", places=4)


@given(quantities, unit_prices)
def test_a_total_is_the_half_up_cent_of_the_exact_product(q: Decimal, p: Decimal) -> None:
    total = line_total(q, p)
    exact = q * p  # exact: at most 7 decimals, well within the context's precision
    assert total == total.quantize(Decimal("0.01"))
    assert abs(total - exact) <= Decimal("0.005")
    # Half-up: exactly half a cent goes up, anything less goes down.
    cents_below = (exact * 100).to_integral_value(rounding="ROUND_FLOOR")
    remainder = exact * 100 - cents_below
    assert total * 100 == (cents_below + 1 if remainder >= Decimal("0.5") else cents_below)


@given(quantities, unit_prices)
def test_the_rule_is_not_bankers_rounding(q: Decimal, p: Decimal) -> None:
    assert line_total(q, p) == (q * p).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize(
    ("quantity", "price", "total"),
    [
        ("1250.5", "0.035", "43.77"),  # 43.7675
        ("1", "0.005", "0.01"),  # half a cent goes up
        ("1", "0.0149", "0.01"),
        ("3", "0.0125", "0.04"),  # 0.0375
        ("18500", "1.2345", "22838.25"),
        ("0.001", "0.0001", "0.00"),
    ],
)
def test_known_totals(quantity: str, price: str, total: str) -> None:
    assert line_total(Decimal(quantity), Decimal(price)) == Decimal(total)


def test_vat_is_half_up_on_the_taxable_amount() -> None:
    assert vat_amount(Decimal("43.77"), Decimal("22.00")) == Decimal("9.63")  # 9.6294
    assert vat_amount(Decimal("0.25"), Decimal("22")) == Decimal("0.06")  # 0.055
    assert vat_amount(Decimal("100.00"), Decimal("0")) == Decimal("0.00")


@pytest.mark.parametrize(
    ("value", "text"),
    [("1250.500", "1250.5"), ("300", "300"), ("0.001", "0.001"), ("18500.000", "18500")],
)
def test_quantities_are_written_without_trailing_zeros(value: str, text: str) -> None:
    assert format_quantity(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [("0.035", "0.035"), ("12.5", "12.50"), ("3", "3.00"), ("1.2345", "1.2345")],
)
def test_unit_prices_keep_two_to_four_decimals(value: str, text: str) -> None:
    assert format_unit_price(Decimal(value)) == text


@pytest.mark.parametrize(
    ("invoice", "days", "eom", "due"),
    [
        (date(2026, 1, 15), 60, False, date(2026, 3, 16)),
        (date(2026, 1, 15), 60, True, date(2026, 3, 31)),
        (date(2026, 12, 31), 30, False, date(2027, 1, 30)),
        (date(2026, 12, 31), 60, True, date(2027, 3, 31)),
        (date(2026, 1, 31), 30, True, date(2026, 3, 31)),  # 2 March → end of March
        (date(2026, 1, 29), 30, True, date(2026, 2, 28)),  # 28 Feb 2026, not a leap year
        (date(2028, 1, 29), 30, True, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2028, 1, 30), 30, False, date(2028, 2, 29)),
        (date(2027, 1, 30), 30, False, date(2027, 3, 1)),
        (date(2028, 2, 29), 120, True, date(2028, 6, 30)),
        (date(2026, 11, 30), 90, True, date(2027, 2, 28)),
    ],
)
def test_due_dates(invoice: date, days: int, eom: bool, due: date) -> None:
    assert due_date(invoice, days, eom) == due


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(30, 120))
def test_end_of_month_is_the_last_day_of_the_plain_due_dates_month(d: date, days: int) -> None:
    plain, eom = due_date(d, days, False), due_date(d, days, True)
    assert (eom.year, eom.month) == (plain.year, plain.month) and eom >= plain
    assert date.fromordinal(eom.toordinal() + 1).day == 1
