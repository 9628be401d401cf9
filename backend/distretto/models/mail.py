"""Email: per-user settings, saved searches, the mail queue; account tokens, invitations,
and the scheduler's run rows.

The mail queue (``emails``) is filled from the notifications the relay materialised (so
an email reaches exactly the people the in-app notification reached) and by account
flows (verification, reset, invitations). Each row has a ``key`` naming what it is for —
``event:<event>:<user>``, ``digest:<day>:<user>``, ``reset:<token>`` … — under a unique
constraint, so a relay restart or two processes queueing at once write one row, and a
row that is ``sent`` is never sent again.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, UTCDateTime, one_of
from distretto.models.firms import FirmRole


class MailMode(StrEnum):
    IMMEDIATE = "immediate"
    DAILY = "daily"
    OFF = "off"


class MailLanguage(StrEnum):
    IT = "it"
    EN = "en"
    ZH = "zh"


class EmailStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class AccountTokenPurpose(StrEnum):
    PASSWORD_RESET = "password_reset"
    VERIFY_EMAIL = "verify_email"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"


class MailSettings(SQLModel, table=True):
    """A user's choices; a user without a row gets the defaults (immediate, Italian,
    every kind)."""

    __tablename__ = "mail_settings"
    __table_args__ = (one_of("email", MailMode), one_of("language", MailLanguage))

    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    email: MailMode = Field(default=MailMode.IMMEDIATE, sa_type=EnumText(MailMode, 10))
    language: MailLanguage = Field(default=MailLanguage.IT, sa_type=EnumText(MailLanguage, 2))
    # kind -> wanted; a kind missing from the map is wanted.
    kinds: dict[str, bool] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class SavedSearch(SQLModel, table=True):
    __tablename__ = "saved_searches"
    __table_args__ = (Index("ix_saved_searches_phase", "phase"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    name: str = Field(max_length=80)
    phase: str | None = Field(default=None, max_length=40)
    region: str | None = Field(default=None, max_length=60)
    province: str | None = Field(default=None, max_length=4)
    q: str | None = Field(default=None, max_length=200)
    min_quantity: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Email(SQLModel, table=True):
    __tablename__ = "emails"
    __table_args__ = (
        one_of("status", EmailStatus),
        UniqueConstraint("key"),
        UniqueConstraint("user_id", "event_id"),
        UniqueConstraint("user_id", "digest_day"),
        Index("ix_emails_due", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    key: str = Field(sa_column=Column(String(120), nullable=False))
    user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=True)
    )
    to_address: str = Field(max_length=254)
    template: str = Field(max_length=40)
    # What the template needs beyond the user and the event (links, names); account
    # links carry a secret, so a sent row's context is emptied.
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    event_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("events.id", ondelete="CASCADE"), nullable=True),
    )
    digest_day: date | None = Field(default=None, sa_type=Date)
    status: EmailStatus = Field(default=EmailStatus.PENDING, sa_type=EnumText(EmailStatus, 10))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # A sender holds a row until then; after it a crashed sender's row is taken again.
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AccountToken(SQLModel, table=True):
    """A single-use link secret (only its SHA-256 is stored)."""

    __tablename__ = "account_tokens"
    __table_args__ = (one_of("purpose", AccountTokenPurpose),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    purpose: AccountTokenPurpose = Field(sa_type=EnumText(AccountTokenPurpose, 20))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    email: str = Field(max_length=254)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class FirmInvitation(SQLModel, table=True):
    __tablename__ = "firm_invitations"
    __table_args__ = (
        one_of("status", InvitationStatus),
        one_of("role", FirmRole),
        Index("ix_firm_invitations_firm_status", "firm_id", "status"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    email: str = Field(max_length=254)
    role: FirmRole = Field(sa_type=EnumText(FirmRole, 10))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    status: InvitationStatus = Field(
        default=InvitationStatus.PENDING, sa_type=EnumText(InvitationStatus, 10)
    )
    invited_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    accepted_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ScheduledRun(SQLModel, table=True):
    """One row per job and slot (a daily job's district day, ``2026-12-07``; a periodic
    job's interval number): inserting it is the lease, so however many processes tick,
    one of them runs the job for that slot."""

    __tablename__ = "scheduled_runs"
    __table_args__ = (PrimaryKeyConstraint("job", "slot"),)

    job: str = Field(sa_column=Column(String(60), nullable=False))
    slot: str = Field(sa_column=Column(String(40), nullable=False))
    started_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # "ok: 3" or the error, for whoever wonders whether last night's reminders went out.
    result: str | None = Field(default=None, max_length=500)
