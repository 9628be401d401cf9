"""Field types every feature's request and response bodies share.

They lived in ``market.schemas``; reference tariffs and capacity calendars read the same
units, phases, prices and dates, and the market calls those features, so the types moved
below all of them (``market.schemas`` re-exports them under their old names).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

from distretto.kit.money import (
    format_quantity,
    format_unit_price,
)

# The largest amount a ``Money`` column (NUMERIC(14, 2)) holds.
MAX_AMOUNT = Decimal("999999999999.99")
CENT = Decimal("0.01")


def _whole_number(value: Any) -> Any:
    """JSON has one kind of number: 4 and 4.0 are the same integer to a JSON Schema (and
    to a client generating input from it); "4" and true are not integers."""
    if isinstance(value, bool | str):
        raise ValueError("must be a whole number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# For an ``int`` field: put after its ``Field`` bounds.
WholeNumber = BeforeValidator(_whole_number)


@dataclass(frozen=True)
class NotBlank:
    """Publishes what ``strip_whitespace`` with a ``min_length`` accepts: the length counts
    after the surrounding blanks are cut, so "  a" is one character, which the bare
    ``minLength`` of the schema does not say. Put after the ``StringConstraints``."""

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        published = handler(schema)
        shortest = published.get("minLength", 0)
        if shortest == 1:
            published["pattern"] = r"\S"
        elif shortest > 1:
            published["pattern"] = rf"^\s*\S[\s\S]{{{shortest - 2},}}\S\s*$"
        return published


Unit = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20), NotBlank()
]
PhaseCode = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NotBlank()
]


def _decimal_text_pattern(maximum: Decimal, places: int) -> str:
    """Decimal text up to ``maximum``, exactly, for the two kinds of maximum the fields use:
    all nines ("999.99": any number up to that many digits) or a digit and zeros ("20",
    "100000": fewer digits, or a smaller leading digit, or the maximum with zero decimals)."""
    step = Decimal(1).scaleb(-places)
    text = str(int(maximum))
    decimals = f"(\\.[0-9]{{1,{places}}})?"
    if maximum == Decimal(10) ** len(text) - step:
        return f"[0-9]{{1,{len(text)}}}{decimals}"
    lead, rest = int(text[0]), len(text) - 1
    if maximum != lead * Decimal(10) ** rest:
        raise ValueError(f"no exact pattern for a maximum of {maximum}")
    shorter = [f"[0-9]{{1,{rest}}}{decimals}"] if rest else []
    smaller_lead = [f"[1-{lead - 1}][0-9]{{{rest}}}{decimals}"] if lead > 1 else []
    exact = [f"{text}(\\.0{{1,{places}}})?"]
    return "(" + "|".join(shorter + smaller_lead + exact) + ")"


@dataclass(frozen=True)
class DecimalIn:
    """A decimal field as a client may send it, which the published schema states exactly
    (a client generating input from the schema must not be refused): a JSON number between
    0 (excluded when ``positive``) and ``maximum`` in steps of ``places`` decimals, or its
    decimal text (no exponent, no sign: the same pattern is enforced here). Normalised to
    ``places`` decimals, so "1250" and 1250.0 are the same request (idempotency compares
    requests). Use as ``Annotated[Decimal, DecimalIn(...)]``."""

    maximum: Decimal
    places: int
    positive: bool
    # A lower ceiling a service names with a code of its own (the confidi's 80 %): the
    # schema states it, the service refuses above it.
    published_maximum: Decimal | None = None

    def _text_pattern(self) -> str:
        return _decimal_text_pattern(self.maximum, self.places)

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        # A sign passes here so that "-5" is refused by the bound, whose code names the
        # rule (validation.greater_than); the published pattern has no sign.
        text = re.compile("-?" + self._text_pattern())
        step = Decimal(1).scaleb(-self.places)

        def decimal_text(value: Any) -> Any:
            if isinstance(value, str) and not text.fullmatch(value):
                raise ValueError(f"is not a number with at most {self.places} decimals")
            return value

        zero = Decimal(0)
        checked = core_schema.decimal_schema(
            gt=zero if self.positive else None,
            ge=None if self.positive else zero,
            le=self.maximum,
            decimal_places=self.places,
        )
        return core_schema.no_info_after_validator_function(
            lambda value: value.quantize(step),
            core_schema.no_info_before_validator_function(decimal_text, checked),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        maximum = self.published_maximum or self.maximum
        number: dict[str, Any] = {"type": "number", "maximum": float(maximum)}
        number["exclusiveMinimum" if self.positive else "minimum"] = 0
        number["multipleOf"] = float(Decimal(1).scaleb(-self.places))
        # The published pattern also says "not zero"; the check above leaves zero to
        # ``gt=0``, whose refusal names the rule (validation.greater_than).
        not_zero = "(?=.*[1-9])" if self.positive else ""
        pattern = _decimal_text_pattern(maximum, self.places)
        text = {"type": "string", "pattern": f"^{not_zero}{pattern}$"}
        return {"anyOf": [number, text]}


# Accepted as "1250.00", "1250.5" or 1250.5; never more precise than cents.
MoneyIn = Annotated[Decimal, DecimalIn(MAX_AMOUNT, 2, positive=True)]
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
# The largest unit price a ``UnitPrice`` column (NUMERIC(14, 4)) holds.
MAX_UNIT_PRICE = Decimal("9999999999.9999")
# Accepted as "1250.5", 1250.5 or 1250; never more precise than thousandths.
QuantityIn = Annotated[Decimal, DecimalIn(MAX_QUANTITY, 3, positive=True)]
QuantityOut = Annotated[Decimal, PlainSerializer(format_quantity, return_type=str)]
# A unit price: "0.035", "12.5"; up to 4 decimals (fabric is priced in fractions of a cent).
UnitPriceIn = Annotated[Decimal, DecimalIn(MAX_UNIT_PRICE, 4, positive=True)]
UnitPriceOut = Annotated[Decimal, PlainSerializer(format_unit_price, return_type=str)]
# A percentage with up to 2 decimals ("22.00", "5").
PercentIn = Annotated[Decimal, DecimalIn(Decimal(100), 2, positive=False)]
PercentOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]
