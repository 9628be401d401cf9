"""Field types every feature's request and response bodies share.

They lived in ``market.schemas``; reference tariffs and capacity calendars read the same
units, phases, prices and dates, and the market calls those features, so the types moved
below all of them (``market.schemas`` re-exports them under their old names).
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

from distretto.kit.money import (
    PERCENT_QUANTUM,
    QUANTITY_QUANTUM,
    UNIT_PRICE_QUANTUM,
    format_quantity,
    format_unit_price,
)

# The largest amount a ``Money`` column (NUMERIC(14, 2)) holds.
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")

Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
PhaseCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
# Accepted as "1250.00", "1250.5" or 1250.5; never more precise than cents. Normalised to
# cents so "1250" and 1250.0 are the same request (idempotency compares requests).
# The schema says exactly what is accepted (a client generating input from it must not be
# refused): a positive number in cents, or its decimal text (no exponent, no sign).
# The published pattern also says "not zero"; the check here leaves zero to ``gt=0``,
# whose refusal names the rule (validation.greater_than).
AMOUNT_TEXT = r"^(?=.*[1-9])[0-9]{1,12}(\.[0-9]{1,2})?$"
_DECIMAL_TEXT = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")


def _amount_text(value: Any) -> Any:
    if isinstance(value, str) and not _DECIMAL_TEXT.fullmatch(value):
        raise ValueError("is not an amount in cents such as 1250.50")
    return value


MoneyIn = Annotated[
    Decimal,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=2),
    BeforeValidator(_amount_text),
    AfterValidator(lambda v: v.quantize(CENT)),
    WithJsonSchema(
        {
            "anyOf": [
                {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": float(MAX_AMOUNT),
                    "multipleOf": 0.01,
                },
                {"type": "string", "pattern": AMOUNT_TEXT},
            ]
        }
    ),
]
# Always two decimals in JSON, whatever the database returned.
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


def as_utc(value: datetime) -> datetime:
    """A timestamp without an offset is read as UTC, the platform's clock."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_date(value: Any) -> Any:
    """Dates may come as "2026-12-01" or as a full ISO timestamp; take the UTC date then."""
    if isinstance(value, datetime):
        return as_utc(value).date()
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            return as_utc(datetime.fromisoformat(value.strip())).date()
        except ValueError:
            return value  # let the date parser explain what is wrong
    return value


CalendarDate = Annotated[date, BeforeValidator(_utc_date)]


# --- Trade conventions (issue 13): quantities to the thousandth, prices to 1/100 cent -----

MAX_QUANTITY = Decimal("100000000")
# Accepted as "1250.5", 1250.5 or 1250; never more precise than thousandths.
QuantityIn = Annotated[
    Decimal,
    Field(gt=0, le=MAX_QUANTITY, decimal_places=3),
    AfterValidator(lambda v: v.quantize(QUANTITY_QUANTUM)),
]
QuantityOut = Annotated[Decimal, PlainSerializer(format_quantity, return_type=str)]
# A unit price: "0.035", "12.5"; up to 4 decimals (fabric is priced in fractions of a cent).
UnitPriceIn = Annotated[
    Decimal,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=4),
    AfterValidator(lambda v: v.quantize(UNIT_PRICE_QUANTUM)),
]
UnitPriceOut = Annotated[Decimal, PlainSerializer(format_unit_price, return_type=str)]
# A percentage with up to 2 decimals ("22.00", "5").
PercentIn = Annotated[
    Decimal,
    Field(ge=0, le=100, decimal_places=2),
    AfterValidator(lambda v: v.quantize(PERCENT_QUANTUM)),
]
PercentOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]
