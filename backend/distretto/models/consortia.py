"""Consortia and who belongs to them (firms as members, users as managers).

Defined with the foundation because market visibility (consortium orders) and
``GET /me`` depend on membership.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.models.base import UTCDateTime, utcnow

CONSORTIUM_KINDS = ("export", "marketing", "training", "general")
MEMBER_STATUSES = ("pending", "active", "left", "rejected")


class Consortium(SQLModel, table=True):
    __tablename__ = "consortia"
    __table_args__ = (
        CheckConstraint("kind IN ('export','marketing','training','general')", name="kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160, unique=True)
    description: str = Field(default="", max_length=4000)
    kind: str = Field(max_length=12)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ConsortiumMember(SQLModel, table=True):
    __tablename__ = "consortium_members"
    __table_args__ = (
        UniqueConstraint("consortium_id", "firm_id"),
        CheckConstraint("status IN ('pending','active','left','rejected')", name="status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    status: str = Field(default="pending", max_length=10)
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
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
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
