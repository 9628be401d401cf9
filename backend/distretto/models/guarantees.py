"""Credit guarantees of a confidi (a consortium of kind ``credit_guarantee``): a member
firm's request, the manager's decision, and the per-firm cap on live exposure."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, Money, UTCDateTime, one_of

# A guaranteed share in percent with two decimals (50.00, 62.50).
PERCENT = Numeric(5, 2)
# A confidi backs at most this share of a loan (the rest stays the bank's risk).
MAX_GUARANTEED_PERCENT = Decimal("80")


class GuaranteeStatus(StrEnum):
    """Where a guarantee request stands."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    # Set by the scheduled sweep once ``expires_on`` is reached; reads compute the same
    # from the clock, so a guarantee stops counting on its expiry day even before.
    EXPIRED = "expired"


class GuaranteeCap(SQLModel, table=True):
    """How much exposure the confidi accepts for one member firm; approvals lock this row."""

    __tablename__ = "guarantee_caps"
    __table_args__ = (
        UniqueConstraint("consortium_id", "firm_id"),
        CheckConstraint("cap >= 0", name="cap_not_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    cap: Decimal = Field(sa_type=Money)
    set_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Guarantee(SQLModel, table=True):
    __tablename__ = "guarantees"
    __table_args__ = (
        one_of("status", GuaranteeStatus),
        CheckConstraint("requested_amount > 0", name="requested_amount_positive"),
        CheckConstraint(
            "guaranteed_percent IS NULL OR "
            f"(guaranteed_percent > 0 AND guaranteed_percent <= {MAX_GUARANTEED_PERCENT})",
            name="percent_range",
        ),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
        Index("ix_guarantees_consortium", "consortium_id", "id"),
        Index("ix_guarantees_firm_status", "firm_id", "status"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    # An advance on this receivable (the firm is its supplier); None: a working-capital line.
    contract_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("contracts.id", ondelete="SET NULL"), nullable=True),
    )
    requested_amount: Decimal = Field(sa_type=Money)
    purpose: str = Field(max_length=2000)
    status: GuaranteeStatus = Field(
        default=GuaranteeStatus.PENDING, sa_type=EnumText(GuaranteeStatus, 10)
    )
    requested_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    # The decision: the loan amount backed, the share guaranteed, until when.
    amount: Decimal | None = Field(default=None, sa_type=Money)
    guaranteed_percent: Decimal | None = Field(default=None, sa_type=PERCENT)
    expires_on: date | None = Field(default=None, sa_type=Date)
    reject_reason: str | None = Field(default=None, max_length=2000)
    decided_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expired_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
