"""Writing outbox events inside the current transaction.

``emit`` adds the event and its audience rows; the session dependency publishes the
collected events to the live channel only after the transaction commits.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.models.events import Event, EventAudience

OUTBOX_KEY = "outbox_events"
STAFF = "staff"


def user_key(user_id: int) -> str:
    return f"user:{user_id}"


def firm_key(firm_id: int) -> str:
    return f"firm:{firm_id}"


def phase_key(phase_code: str) -> str:
    """Every active firm working in this phase (used for public ``order.created``)."""
    return f"phase:{phase_code}"


@dataclass(frozen=True)
class OutboxEvent:
    id: int
    type: str
    data: dict[str, Any]
    created_at: datetime
    audience: tuple[str, ...]

    def envelope(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "data": self.data,
            "created_at": self.created_at.isoformat(),
        }


class EventSink(Protocol):
    async def publish(self, events: Sequence[OutboxEvent]) -> None: ...


async def emit(
    session: AsyncSession, type_: str, data: dict[str, Any], audience: Iterable[str]
) -> OutboxEvent:
    keys = tuple(sorted(set(audience)))
    row = Event(type=type_, data=data)
    session.add(row)
    await session.flush()
    assert row.id is not None
    session.add_all([EventAudience(event_id=row.id, audience_key=k) for k in keys])
    await session.flush()
    published = OutboxEvent(row.id, row.type, row.data, row.created_at, keys)
    session.info.setdefault(OUTBOX_KEY, []).append(published)
    return published
