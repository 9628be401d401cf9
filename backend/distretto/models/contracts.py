"""Contracts (born of an award), their message threads, reviews and reputation."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import (
    BigId,
    EnumText,
    Money,
    Percent,
    Quantity,
    UnitPrice,
    UTCDateTime,
    one_of,
)
from distretto.models.trade import PaymentMethod, VatNature


class ContractStatus(StrEnum):
    """The life of a contract."""

    ACTIVE = "active"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    DISPUTED = "disputed"
    CANCELLED = "cancelled"


class DisputeOutcome(StrEnum):
    """Staff's decision on a dispute: the delivery stands, the contract is cancelled, or
    the parties settle with a price reduction (the contract completes at the lower price)."""

    COMPLETED = "completed"
    CANCELLED = "cancelled"
    SETTLED = "settled"


class PartyRole(StrEnum):
    """A firm's side of a contract: reviews and reputation are kept per side."""

    SUPPLIER = "supplier"
    CLIENT = "client"


class Contract(SQLModel, table=True):
    __tablename__ = "contracts"
    __table_args__ = (
        one_of("status", ContractStatus),
        one_of("dispute_outcome", DisputeOutcome, nullable=True),
        one_of("payment_method", PaymentMethod),
        one_of("vat_nature", VatNature, nullable=True),
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
    quantity: Decimal = Field(sa_type=Quantity)
    unit: str = Field(max_length=20)
    unit_price: Decimal = Field(sa_type=UnitPrice)
    total_price: Decimal = Field(sa_type=Money)
    # Fixed at the award: the order's VAT and tolerance, the awarded bid's payment terms.
    vat_rate: Decimal = Field(default=Decimal("22.00"), sa_type=Percent)
    vat_nature: VatNature | None = Field(default=None, sa_type=EnumText(VatNature, 6))
    payment_method: PaymentMethod = Field(
        default=PaymentMethod.BONIFICO, sa_type=EnumText(PaymentMethod, 10)
    )
    payment_days: int = Field(default=30)
    payment_end_of_month: bool = Field(default=False)
    delivery_tolerance_percent: Decimal = Field(default=Decimal("0.00"), sa_type=Percent)
    due_date: date = Field(sa_type=Date)
    status: ContractStatus = Field(
        default=ContractStatus.ACTIVE, sa_type=EnumText(ContractStatus, 12)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    disputed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    dispute_reason: str | None = Field(default=None, max_length=4000)
    dispute_opened_by_firm_id: int | None = Field(default=None)
    # Staff's decision: completed (supplier's delivery stands) or cancelled.
    dispute_outcome: DisputeOutcome | None = Field(
        default=None, sa_type=EnumText(DisputeOutcome, 12)
    )
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
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("contract_id", "reviewer_firm_id"),
        CheckConstraint("quality BETWEEN 1 AND 5", name="quality"),
        CheckConstraint("timeliness BETWEEN 1 AND 5", name="timeliness"),
        CheckConstraint("communication BETWEEN 1 AND 5", name="communication"),
        one_of("reviewee_role", PartyRole),
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
    reviewee_role: PartyRole = Field(sa_type=EnumText(PartyRole, 10))
    quality: int
    timeliness: int
    communication: int
    comment: str = Field(default="", max_length=2000)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


# --- Time rules of a contract, shared by the contracts feature and reputation ---------

# Double-blind reviews: each side's review stays hidden from the other until both are
# in, or until this long after completion, so neither can answer the other's review.
REVIEW_BLIND_PERIOD = timedelta(days=14)


def delivered_on_time(delivered_at: datetime, due_date: date) -> bool:
    """On time means delivered on or before the due date (UTC calendar day)."""
    return delivered_at.astimezone(UTC).date() <= due_date


def reviews_released_at(completed_at: datetime, review_times: list[datetime]) -> datetime:
    """When the reviews of a completed contract become visible to the other side."""
    deadline = completed_at + REVIEW_BLIND_PERIOD
    if len(review_times) >= 2:
        return min(deadline, max(review_times))
    return deadline
