"""The one rule for the price of a line, and the other amounts it leads to.

A total is **quantity times unit price, rounded half-up to the cent** (0.005 → 0.01), computed
once, on the server, from the exact decimals (quantities have up to 3 decimals, unit
prices up to 4, so the product is exact before the rounding). Every total the platform
stores or prints (bids, contracts, lots, invoices) comes from ``line_total``; never from
floats, never rounded twice.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
# Quantities: thousandths; unit prices: ten-thousandths of a euro.
QUANTITY_QUANTUM = Decimal("0.001")
UNIT_PRICE_QUANTUM = Decimal("0.0001")
PERCENT_QUANTUM = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """``amount`` rounded half-up to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: Decimal | int, unit_price: Decimal) -> Decimal:
    """quantity times unit price, half-up to the cent (the platform's one total rule)."""
    return to_cents(Decimal(quantity) * unit_price)


def vat_amount(taxable: Decimal, rate_percent: Decimal) -> Decimal:
    """The VAT on a taxable amount (already in cents) at ``rate_percent``, half-up."""
    return to_cents(taxable * rate_percent / 100)


def format_quantity(value: Decimal) -> str:
    """A quantity as the API writes it: up to 3 decimals, no trailing zeros ("1250.5")."""
    text = format(value.quantize(QUANTITY_QUANTUM, rounding=ROUND_HALF_UP), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_unit_price(value: Decimal) -> str:
    """A unit price as the API writes it: 2 to 4 decimals ("12.50", "0.035")."""
    text = format(value.quantize(UNIT_PRICE_QUANTUM, rounding=ROUND_HALF_UP), "f")
    whole, _, decimals = text.partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"
