from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

MAX_IDS_PER_CALL = 500


class EventOut(BaseModel):
    id: int
    type: str
    data: dict[str, Any]
    created_at: datetime


class NotificationOut(BaseModel):
    id: int
    event_id: int
    type: str
    title: str
    data: dict[str, Any]
    created_at: datetime
    read: bool
    read_at: datetime | None


class MarkRead(BaseModel):
    """Either ``{"ids": [...]}`` or ``{"all": true}`` (the service checks it is one of them)."""

    model_config = ConfigDict(extra="forbid")

    ids: list[Annotated[int, Field(gt=0, lt=2**63)]] | None = Field(
        default=None, min_length=1, max_length=MAX_IDS_PER_CALL
    )
    all: bool | None = None


class MarkReadOut(BaseModel):
    marked: int
    unread: int


class UnreadCount(BaseModel):
    unread: int
