"""Firms, their members, phases of the chain and ownership groups."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import EnumText, UTCDateTime, one_of


class FirmRole(StrEnum):
    """A user's role in a firm."""

    OWNER = "owner"
    MANAGER = "manager"
    MEMBER = "member"


class SizeClass(StrEnum):
    """A firm's size class (EU definitions)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class FirmStatus(StrEnum):
    """Whether a firm may act on the platform."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


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
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Firm(SQLModel, table=True):
    __tablename__ = "firms"
    __table_args__ = (
        one_of("size_class", SizeClass),
        one_of("status", FirmStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160, index=True)
    # Italian: the 11 digits; other EU countries: the number with its country prefix.
    vat_number: str = Field(sa_column=Column(String(16), nullable=False, unique=True))
    # ISO 3166-1 alpha-2.
    country: str = Field(default="IT", max_length=2)
    region: str = Field(max_length=60, index=True)
    province: str | None = Field(default=None, max_length=2)
    # Billing data for invoices (FatturaPA CedentePrestatore / CessionarioCommittente).
    address: str | None = Field(default=None, max_length=200)
    postal_code: str | None = Field(default=None, max_length=10)
    city: str | None = Field(default=None, max_length=80)
    sdi_code: str | None = Field(default=None, max_length=7)
    pec: str | None = Field(default=None, max_length=254)
    fiscal_code: str | None = Field(default=None, max_length=16)
    rea: str | None = Field(default=None, max_length=20)
    size_class: SizeClass = Field(sa_type=EnumText(SizeClass, 10))
    description: str = Field(default="", max_length=4000)
    status: FirmStatus = Field(default=FirmStatus.ACTIVE, sa_type=EnumText(FirmStatus, 12))
    # A suspension with an end: the firm is active again once the clock passes it.
    suspended_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    verified: bool = Field(default=False)
    ownership_group_id: int | None = Field(
        default=None,
        sa_column=Column(
            ForeignKey("ownership_groups.id", ondelete="SET NULL"), nullable=True, index=True
        ),
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # Bumped by every PATCH; the ETag (kit.concurrency).
    revision: int = Field(default=1)


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
        one_of("role", FirmRole),
    )

    id: int | None = Field(default=None, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    role: FirmRole = Field(sa_type=EnumText(FirmRole, 10))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
