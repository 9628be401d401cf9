"""Contracts (born of an award), their message threads, reviews and reputation."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from distretto.models.base import BigId, Money, UTCDateTime, utcnow

CONTRACT_STATUSES = ("active", "delivered", "completed", "disputed", "cancelled")


class DisputeOutcome(enum.StrEnum):
    """Staff's decision on a dispute: the delivery stands, the contract is cancelled, or
    the parties settle with a price reduction (the contract completes at the lower price)."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    SETTLED = "settled"


_OUTCOMES = ",".join(f"'{o.value}'" for o in DisputeOutcome)


class Contract(SQLModel, table=True):
    __tablename__ = "contracts"
    __table_args__ = (
        CheckConstraint(
            "status IN ('active','delivered','completed','disputed','cancelled')", name="status"
        ),
        CheckConstraint(
            f"dispute_outcome IS NULL OR dispute_outcome IN ({_OUTCOMES})",
            name="dispute_outcome",
        ),
        Index("ix_contracts_client", "client_firm_id", "id"),
        Index("ix_contracts_supplier", "supplier_firm_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    # unique: an order is awarded exactly once, whatever races the application loses.
    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id"), nullable=False, unique=True)
    )
    bid_id: int = Field(sa_column=Column(BigId, ForeignKey("bids.id"), nullable=False, unique=True))
    client_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    supplier_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    phase: str = Field(sa_column=Column(String(40), ForeignKey("phases.code"), nullable=False))
    quantity: int
    unit: str = Field(max_length=20)
    unit_price: Decimal = Field(sa_type=Money)
    total_price: Decimal = Field(sa_type=Money)
    due_date: date = Field(sa_type=Date)
    status: str = Field(default="active", max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disputed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispute_reason: str | None = Field(default=None, max_length=4000)
    dispute_opened_by_firm_id: int | None = Field(default=None)
    # Staff's decision: completed (supplier's delivery stands) or cancelled.
    dispute_outcome: str | None = Field(default=None, max_length=12)
    dispute_resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispute_note: str | None = Field(default=None, max_length=4000)
    # A settlement's discount on total_price (the client pays total_price - reduction).
    price_reduction: Decimal | None = Field(default=None, sa_type=Money)


class ContractMessage(SQLModel, table=True):
    __tablename__ = "contract_messages"
    __table_args__ = (Index("ix_contract_messages_contract", "contract_id", "id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(BigId, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    text: str = Field(max_length=4000)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("contract_id", "reviewer_firm_id"),
        CheckConstraint("quality BETWEEN 1 AND 5", name="quality"),
        CheckConstraint("timeliness BETWEEN 1 AND 5", name="timeliness"),
        CheckConstraint("communication BETWEEN 1 AND 5", name="communication"),
        CheckConstraint("reviewee_role IN ('supplier','client')", name="reviewee_role"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(
            BigId, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    reviewer_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    reviewee_firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id"), nullable=False, index=True)
    )
    reviewee_role: str = Field(max_length=10)
    quality: int
    timeliness: int
    communication: int
    comment: str = Field(default="", max_length=2000)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReputationScore(SQLModel, table=True):
    """Current score of a firm in one role, overall (phase '*') or in one phase."""

    __tablename__ = "reputation_scores"

    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True)
    )
    role: str = Field(sa_column=Column(String(10), primary_key=True))
    phase: str = Field(sa_column=Column(String(40), primary_key=True))
    score: float | None = Field(default=None)
    contracts: int = Field(default=0)
    components: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    formula_version: str = Field(max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReputationSnapshot(SQLModel, table=True):
    """The overall score after each change, for the chart of a firm's score over time."""

    __tablename__ = "reputation_snapshots"
    __table_args__ = (Index("ix_reputation_snapshots_firm", "firm_id", "role", "at"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    role: str = Field(max_length=10)
    score: float | None = Field(default=None)
    contracts: int = Field(default=0)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ReputationDistrictMean(SQLModel, table=True):
    """The district's mean of each reputation signal as of the start of a UTC day.

    Written by the daily recompute; every score computed until the next one shrinks
    toward the latest row, so an update made for one contract and a full recompute at
    the same instant agree exactly.
    """

    __tablename__ = "reputation_district_means"

    formula_version: str = Field(sa_column=Column(String(20), primary_key=True))
    role: str = Field(sa_column=Column(String(10), primary_key=True))
    as_of: datetime = Field(sa_column=Column(UTCDateTime, primary_key=True))
    means: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    contracts: int = Field(default=0)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
