"""Transactional outbox: every state change others must hear about writes a row here.

Audience keys say who may receive an event, resolved at write time by the same rules
as the REST reads: ``user:ID``, ``firm:ID``, ``phase:CODE`` (firms working in that phase),
``staff``. Ids rise monotonically, so a
client resumes by asking for everything after the last id it saw.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime


class Event(SQLModel, table=True):
    __tablename__ = "events"

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    type: str = Field(max_length=60)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class EventAudience(SQLModel, table=True):
    __tablename__ = "event_audience"
    __table_args__ = (Index("ix_event_audience_key_event", "audience_key", "event_id"),)

    event_id: int = Field(
        sa_column=Column(BigId, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    )
    audience_key: str = Field(sa_column=Column(String(40), primary_key=True))
