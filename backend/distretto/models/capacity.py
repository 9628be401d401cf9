"""Capacity calendars: what a phase firm can still take on, per phase, unit and ISO week.

One row per firm, phase, unit and week holds both the declared capacity and what awards
have booked of it, so a booking is one atomic ``UPDATE … SET booked = booked + q`` (exact
under concurrent awards) and the free capacity never has to be recomputed from history.
Quantities are kept in thousandths in integer columns: SQLite has no exact decimal type,
and integer sums are exact on every database.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime

QUANTUM = Decimal("0.001")
SCALE = 1000


class Thousandths(TypeDecorator[Decimal]):
    """A quantity with up to three decimals, stored as an integer count of thousandths."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        scaled = Decimal(value) * SCALE
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than three decimals")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return (Decimal(int(value)) / SCALE).quantize(QUANTUM)


class CapacityWeek(SQLModel, table=True):
    __tablename__ = "capacity_weeks"
    __table_args__ = (
        UniqueConstraint("firm_id", "phase", "unit", "week_start", name="uq_capacity_weeks_slot"),
        CheckConstraint("declared >= 0", name="declared_not_negative"),
        CheckConstraint("booked >= 0", name="booked_not_negative"),
        # The district summary and the board filter read one phase over a range of weeks.
        Index("ix_capacity_weeks_phase_week", "phase", "week_start"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    phase: str = Field(sa_column=Column(String(40), ForeignKey("phases.code"), nullable=False))
    unit: str = Field(max_length=20)
    # The Monday of the ISO week.
    week_start: date = Field(sa_type=Date)
    declared: Decimal = Field(default=Decimal(0), sa_type=Thousandths)
    booked: Decimal = Field(default=Decimal(0), sa_type=Thousandths)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class CapacityBooking(SQLModel, table=True):
    """What one contract booked in one week (the calendar's ``booked`` is their sum)."""

    __tablename__ = "capacity_bookings"
    __table_args__ = (
        UniqueConstraint("contract_id", "week_start", name="uq_capacity_bookings_week"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_capacity_bookings_firm_week", "firm_id", "week_start"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(BigId, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    phase: str = Field(sa_column=Column(String(40), ForeignKey("phases.code"), nullable=False))
    unit: str = Field(max_length=20)
    week_start: date = Field(sa_type=Date)
    quantity: Decimal = Field(sa_type=Thousandths)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
