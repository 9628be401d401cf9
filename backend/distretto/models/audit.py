"""Append-only audit log of staff actions and security-relevant events.

The database itself refuses UPDATE and DELETE on ``audit_log`` (triggers created by
migration 0005), so not even a bug or a compromised app process can rewrite history.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_log"
    # Staff read a target's history ("everything that happened to firm 12").
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id", "id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60, index=True)
    target_type: str | None = Field(default=None, max_length=30)
    target_id: str | None = Field(default=None, max_length=60)
    reason: str = Field(default="", max_length=2000)
    ip: str | None = Field(default=None, max_length=64)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
