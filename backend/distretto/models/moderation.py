"""Moderation: flags raised by users, warnings given to firms, external sign-in links."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    text,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, UTCDateTime, one_of


class FlagTarget(StrEnum):
    """What a flag reports."""

    ORDER = "order"
    BID = "bid"
    REVIEW = "review"
    MESSAGE = "message"
    FIRM = "firm"


class FlagStatus(StrEnum):
    """Whether staff still have to decide a flag."""

    OPEN = "open"
    RESOLVED = "resolved"


class FlagResolution(StrEnum):
    """What staff decided about a flag."""

    DISMISS = "dismiss"
    HIDE = "hide"
    WARN = "warn"
    SUSPEND = "suspend"


# Resolutions that agree with the reporter: they raise the reporter's credibility.
UPHELD_ACTIONS = (FlagResolution.HIDE, FlagResolution.WARN, FlagResolution.SUSPEND)


class Flag(SQLModel, table=True):
    """A user's report that some content or firm breaks the district's rules."""

    __tablename__ = "flags"
    __table_args__ = (
        one_of("target_type", FlagTarget),
        one_of("status", FlagStatus),
        one_of("resolution", FlagResolution, nullable=True),
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
    target_type: FlagTarget = Field(sa_type=EnumText(FlagTarget, 10))
    # Orders, bids, reviews and messages have 64-bit ids; firms fit as well.
    target_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    reporter_user_id: int = Field(sa_column=Column(ForeignKey("users.id"), nullable=False))
    reporter_firm_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("firms.id", ondelete="SET NULL"), nullable=True)
    )
    reason: str = Field(max_length=200)
    details: str = Field(default="", max_length=2000)
    status: FlagStatus = Field(default=FlagStatus.OPEN, sa_type=EnumText(FlagStatus, 10))
    resolution: FlagResolution | None = Field(default=None, sa_type=EnumText(FlagResolution, 10))
    resolved_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id"), nullable=True)
    )
    resolution_note: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
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
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
