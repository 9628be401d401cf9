"""Per-user notifications materialised from the outbox, and the relay's cursor.

A notification is one outbox event addressed to one user (resolved from the event's
audience when the relay processes it), with its own read mark. The relay advances
``outbox_cursors`` in the same transaction as the rows it writes, so every event becomes
notifications exactly once, whichever process does the work.
"""

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime


class Notification(SQLModel, table=True):
    __tablename__ = "notifications"
    __table_args__ = (
        # One notification per user and event; also the index of the newest-first list.
        UniqueConstraint("user_id", "event_id"),
        Index(
            "ix_notifications_unread",
            "user_id",
            "event_id",
            sqlite_where=text("read_at IS NULL"),
            postgresql_where=text("read_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    event_id: int = Field(
        sa_column=Column(BigId, ForeignKey("events.id", ondelete="CASCADE"), nullable=False)
    )
    type: str = Field(max_length=60)
    title: str = Field(max_length=200)
    # When the event happened (not when the relay got to it).
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxCursor(SQLModel, table=True):
    """How far a relay over the outbox has got (one row per relay, e.g. ``notifications``)."""

    __tablename__ = "outbox_cursors"

    name: str = Field(sa_column=Column(String(40), primary_key=True))
    last_event_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False))
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
