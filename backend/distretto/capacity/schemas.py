"""Request and response bodies of capacity calendars."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from distretto.capacity.weeks import WEEK_PATTERN
from distretto.kit.fields import DecimalIn, PhaseCode, Unit

MAX_QUANTITY = Decimal("1000000000")
WeekLabel = Annotated[str, StringConstraints(strip_whitespace=True, pattern=WEEK_PATTERN)]
QuantityIn = Annotated[Decimal, DecimalIn(MAX_QUANTITY, 3, positive=False)]
# Quantities go out as decimal strings with three decimals ("1250.000").
QuantityOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.3f}", return_type=str)]


class CapacityEntryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: PhaseCode
    week: WeekLabel = Field(description='an ISO week, "2026-W51"')
    quantity: QuantityIn = Field(description="capacity offered in the week, in ``unit``")
    unit: Unit


class CapacityWeekOut(BaseModel):
    phase: str
    unit: str
    week: str
    week_start: date
    declared: QuantityOut
    booked: QuantityOut
    free: QuantityOut = Field(description="declared - booked, never below zero")
    overbooked: QuantityOut = Field(description="booked beyond the declared capacity")


class FirmCapacityOut(BaseModel):
    firm_id: int
    items: list[CapacityWeekOut]


class SummaryWeekOut(BaseModel):
    week: str
    week_start: date
    unit: str
    free: QuantityOut | None = Field(
        description="the district's free capacity; null when fewer than min_firms firms "
        "have free capacity behind the figure"
    )
    firms: int | None
    suppressed: bool


class CapacitySummaryOut(BaseModel):
    phase: str
    min_firms: int
    items: list[SummaryWeekOut]
