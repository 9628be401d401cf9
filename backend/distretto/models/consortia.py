"""Consortia and who belongs to them (firms as members, users as managers), plus what
they run for their members: shared trade-fair booths, campaigns and quality seals.

Consortia and membership are defined with the foundation because market visibility
(consortium orders) and ``GET /me`` depend on membership.
"""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Numeric,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import EnumText, Money, UTCDateTime, one_of

# Square metres with two decimals (a booth corner of 7.25 m² is normal).
AREA = Numeric(10, 2)


class ConsortiumKind(StrEnum):
    """Why a consortium exists."""

    EXPORT = "export"
    MARKETING = "marketing"
    TRAINING = "training"
    GENERAL = "general"
    # A confidi: backs its member firms' bank credit within a cap per firm (guarantees/).
    CREDIT_GUARANTEE = "credit_guarantee"


class MemberStatus(StrEnum):
    """Where a firm stands with a consortium."""

    PENDING = "pending"
    ACTIVE = "active"
    LEFT = "left"
    REJECTED = "rejected"


class Consortium(SQLModel, table=True):
    __tablename__ = "consortia"
    __table_args__ = (one_of("kind", ConsortiumKind),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160, unique=True)
    description: str = Field(default="", max_length=4000)
    kind: ConsortiumKind = Field(sa_type=EnumText(ConsortiumKind, 16))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # Bumped by every PATCH; the ETag (kit.concurrency).
    revision: int = Field(default=1)


class ConsortiumMember(SQLModel, table=True):
    __tablename__ = "consortium_members"
    __table_args__ = (
        UniqueConstraint("consortium_id", "firm_id"),
        one_of("status", MemberStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    status: MemberStatus = Field(default=MemberStatus.PENDING, sa_type=EnumText(MemberStatus, 10))
    requested_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ConsortiumManager(SQLModel, table=True):
    __tablename__ = "consortium_managers"
    __table_args__ = (UniqueConstraint("consortium_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


# --- Shared marketing: trade fairs, campaigns, quality seals -------------------------------


class CostSplit(StrEnum):
    """How a trade fair's cost is shared among its participants."""

    EQUAL = "equal"
    BY_AREA = "by_area"


class TradeFairStatus(StrEnum):
    """Whether a trade fair still takes sign-ups."""

    OPEN = "open"
    CLOSED = "closed"


class TradeFair(SQLModel, table=True):
    """A shared booth the consortium books at a fair; member firms sign up and split its cost."""

    __tablename__ = "trade_fairs"
    __table_args__ = (
        one_of("cost_split", CostSplit),
        one_of("status", TradeFairStatus),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("total_cost > 0", name="total_cost_positive"),
        CheckConstraint("booth_area_m2 > 0", name="booth_area_positive"),
        CheckConstraint("max_firms > 0", name="max_firms_positive"),
        Index("ix_trade_fairs_consortium", "consortium_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False)
    )
    created_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    name: str = Field(max_length=200)
    venue: str = Field(max_length=200)
    city: str = Field(max_length=100)
    country: str = Field(max_length=60)
    starts_on: date = Field(sa_type=Date)
    ends_on: date = Field(sa_type=Date)
    signup_deadline: datetime = Field(sa_type=UTCDateTime)
    total_cost: Decimal = Field(sa_type=Money)
    booth_area_m2: Decimal = Field(sa_type=AREA)
    cost_split: CostSplit = Field(sa_type=EnumText(CostSplit, 10))
    max_firms: int
    status: TradeFairStatus = Field(
        default=TradeFairStatus.OPEN, sa_type=EnumText(TradeFairStatus, 10)
    )
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class TradeFairParticipation(SQLModel, table=True):
    __tablename__ = "trade_fair_participations"
    __table_args__ = (
        UniqueConstraint("trade_fair_id", "firm_id"),
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area_positive"),
    )

    id: int | None = Field(default=None, primary_key=True)
    trade_fair_id: int = Field(
        sa_column=Column(
            ForeignKey("trade_fairs.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    area_m2: Decimal | None = Field(default=None, sa_type=AREA)
    signed_up_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Campaign(SQLModel, table=True):
    """A collective marketing campaign; its budget is shared equally by participating firms."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint("budget > 0", name="budget_positive"),
        Index("ix_campaigns_consortium", "consortium_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False)
    )
    created_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=8000)
    budget: Decimal = Field(sa_type=Money)
    starts_on: date = Field(sa_type=Date)
    ends_on: date = Field(sa_type=Date)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class CampaignParticipation(SQLModel, table=True):
    __tablename__ = "campaign_participations"
    __table_args__ = (UniqueConstraint("campaign_id", "firm_id"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(
        sa_column=Column(ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    joined_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class QualitySeal(SQLModel, table=True):
    """A collective brand the consortium grants to member firms meeting its criteria."""

    __tablename__ = "quality_seals"
    __table_args__ = (
        UniqueConstraint("consortium_id", "name"),
        CheckConstraint(
            "min_reputation IS NULL OR (min_reputation >= 0 AND min_reputation <= 100)",
            name="min_reputation_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(max_length=160)
    description: str = Field(default="", max_length=4000)
    min_reputation: float | None = Field(default=None)
    require_verified: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class SealGrant(SQLModel, table=True):
    __tablename__ = "seal_grants"
    __table_args__ = (UniqueConstraint("seal_id", "firm_id"),)

    id: int | None = Field(default=None, primary_key=True)
    seal_id: int = Field(
        sa_column=Column(
            ForeignKey("quality_seals.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    granted_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    granted_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
