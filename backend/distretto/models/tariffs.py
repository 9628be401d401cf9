"""Reference tariffs: the association's minimum and typical price for a phase and unit.

A tariff is never edited: publishing again for the same phase and unit adds a version,
which supersedes the earlier ones from its ``valid_from`` on.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, Money, UTCDateTime


class ReferenceTariff(SQLModel, table=True):
    __tablename__ = "reference_tariffs"
    __table_args__ = (
        # Two staff publishing at once for one phase and unit: one of them gets a 409.
        UniqueConstraint("phase", "unit", "version", name="uq_reference_tariffs_version"),
        CheckConstraint("min_price > 0", name="min_price_positive"),
        CheckConstraint("typical_price >= min_price", name="typical_not_below_min"),
        CheckConstraint("valid_until IS NULL OR valid_until >= valid_from", name="valid_period"),
        Index("ix_reference_tariffs_phase_unit", "phase", "unit", "version"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    phase: str = Field(sa_column=Column(String(40), ForeignKey("phases.code"), nullable=False))
    unit: str = Field(max_length=20)
    version: int
    min_price: Decimal = Field(sa_type=Money)
    typical_price: Decimal = Field(sa_type=Money)
    valid_from: date = Field(sa_type=Date)
    valid_until: date | None = Field(default=None, sa_type=Date, nullable=True)
    note: str = Field(default="", max_length=2000)
    published_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
