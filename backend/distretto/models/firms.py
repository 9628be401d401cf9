"""Firms, their members, phases of the chain and ownership groups."""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.models.base import UTCDateTime, utcnow

FIRM_ROLES = ("owner", "manager", "member")
SIZE_CLASSES = ("micro", "small", "medium", "large")
FIRM_STATUSES = ("active", "suspended")


class Phase(SQLModel, table=True):
    """A phase of the district's production chain (dyeing, stitching, …)."""

    __tablename__ = "phases"

    code: str = Field(primary_key=True, max_length=40)
    name: str = Field(max_length=80)
    name_it: str = Field(max_length=80)
    parent: str | None = Field(
        default=None, sa_column=Column(String(40), ForeignKey("phases.code"), nullable=True)
    )
    position: int = Field(default=0)


class OwnershipGroup(SQLModel, table=True):
    """Firms with one owner: their bids on each other and reviews of each other do not count."""

    __tablename__ = "ownership_groups"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Firm(SQLModel, table=True):
    __tablename__ = "firms"
    __table_args__ = (
        CheckConstraint("size_class IN ('micro','small','medium','large')", name="size_class"),
        CheckConstraint("status IN ('active','suspended')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160, index=True)
    vat_number: str = Field(sa_column=Column(String(11), nullable=False, unique=True))
    region: str = Field(max_length=60, index=True)
    province: str | None = Field(default=None, max_length=2)
    size_class: str = Field(max_length=10)
    description: str = Field(default="", max_length=4000)
    status: str = Field(default="active", max_length=12)
    # A suspension with an end: the firm is active again once the clock passes it.
    suspended_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified: bool = Field(default=False)
    ownership_group_id: int | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("ownership_groups.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class FirmPhase(SQLModel, table=True):
    __tablename__ = "firm_phases"

    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True)
    )
    phase_code: str = Field(
        sa_column=Column(String(40), ForeignKey("phases.code"), primary_key=True, index=True)
    )


class Membership(SQLModel, table=True):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("firm_id", "user_id"),
        CheckConstraint("role IN ('owner','manager','member')", name="role"),
    )

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: str = Field(max_length=10)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
