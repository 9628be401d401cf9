"""Moderation: flags raised by users, warnings given to firms, external sign-in links."""

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from distretto.models.base import BigId, UTCDateTime, utcnow
from distretto.models.checks import in_values


class FlagTarget(enum.StrEnum):
    ORDER = "order"
    BID = "bid"
    REVIEW = "review"
    MESSAGE = "message"
    FIRM = "firm"
    FORUM_TOPIC = "forum_topic"
    FORUM_POST = "forum_post"


FLAG_TARGETS = tuple(target.value for target in FlagTarget)
FLAG_STATUSES = ("open", "resolved")
FLAG_ACTIONS = ("dismiss", "hide", "warn", "suspend")
# Resolutions that agree with the reporter: they raise the reporter's credibility.
UPHELD_ACTIONS = ("hide", "warn", "suspend")


class Flag(SQLModel, table=True):
    """A user's report that some content or firm breaks the district's rules."""

    __tablename__ = "flags"
    __table_args__ = (
        CheckConstraint(in_values("target_type", FlagTarget), name="target_type"),
        CheckConstraint("status IN ('open','resolved')", name="status"),
        CheckConstraint(
            "resolution IS NULL OR resolution IN ('dismiss','hide','warn','suspend')",
            name="resolution",
        ),
        # One open flag per reporter per target, whatever races the application loses.
        Index(
            "uq_flags_one_open_per_reporter",
            "target_type",
            "target_id",
            "reporter_user_id",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_flags_status_target", "status", "target_type", "target_id"),
        Index("ix_flags_reporter_status", "reporter_user_id", "status"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    target_type: str = Field(max_length=12)
    # Orders, bids, reviews and messages have 64-bit ids; firms fit as well.
    target_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    reporter_user_id: int = Field(sa_column=Column(ForeignKey("users.id"), nullable=False))
    reporter_firm_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("firms.id", ondelete="SET NULL"), nullable=True)
    )
    reason: str = Field(max_length=200)
    details: str = Field(default="", max_length=2000)
    status: str = Field(default="open", max_length=10)
    resolution: str | None = Field(default=None, max_length=10)
    resolved_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id"), nullable=True)
    )
    resolution_note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class FirmWarning(SQLModel, table=True):
    """A formal warning from the association; repeated warnings precede a suspension."""

    __tablename__ = "firm_warnings"

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    flag_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("flags.id", ondelete="SET NULL"), nullable=True),
    )
    issued_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id"), nullable=True)
    )
    reason: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OidcIdentity(SQLModel, table=True):
    """A user's account at an external OpenID Connect provider, linked to ours."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(sa_column=Column(String(40), nullable=False))
    subject: str = Field(sa_column=Column(String(255), nullable=False))
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
