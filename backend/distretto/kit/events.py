"""Writing outbox events inside the current transaction.

``emit`` adds the event and its audience rows; the session dependency publishes the
collected events to the live channel only after the transaction commits.
"""

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel, ConfigDict
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.models.events import Event, EventAudience

OUTBOX_KEY = "outbox_events"
STAFF = "staff"
# Arbitrary fixed key of the PostgreSQL advisory lock that orders outbox writers.
OUTBOX_WRITE_LOCK = 0x6F7574626F78
# The session transaction that holds the outbox lock (``_serialize_outbox_writers``).
_OUTBOX_LOCKED_BY = "outbox_locked_by"


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

    @cached_property
    def text(self) -> str:
        """The envelope as JSON text, encoded once: fan-out sends this same string to
        every socket the event reaches."""
        return json.dumps(self.envelope(), separators=(",", ":"), default=str)


class EventPayload(BaseModel):
    """The typed payload of one kind of event; each feature declares its own in ``events.py``.

    A subclass names its wire type once::

        class TariffPublished(EventPayload):
            TYPE: ClassVar[str] = "tariff.published"
            tariff_id: int
            phase: str

    and is emitted with ``await emit(session, TariffPublished(...), audience)``. Every
    subclass registers itself in ``EVENT_TYPES`` so the wire types are known in one place
    (and can be published in the API schema).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    TYPE: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        type_ = cls.__dict__.get("TYPE")
        if type_ is None:
            return
        if type_ in EVENT_TYPES and EVENT_TYPES[type_] is not cls:
            raise TypeError(f"event type {type_!r} declared twice")
        EVENT_TYPES[type_] = cls


EVENT_TYPES: dict[str, type[EventPayload]] = {}


class EventSink(Protocol):
    async def publish(self, events: Sequence[OutboxEvent]) -> None: ...


async def emit(
    session: AsyncSession, payload: EventPayload, audience: Iterable[str]
) -> OutboxEvent:
    """Write one event and who may hear it, in the caller's transaction.

    The session dependency publishes it to the live channel once the transaction commits.
    """
    return await write_outbox_event(
        session, payload.TYPE, payload.model_dump(mode="json"), audience
    )


async def write_outbox_event(
    session: AsyncSession, type_: str, data: dict[str, Any], audience: Iterable[str]
) -> OutboxEvent:
    """The outbox write under ``emit``, for the live channel's own transport tests (which
    send arbitrary data). Features emit typed payloads; an architecture test keeps this
    out of their code."""
    keys = tuple(sorted(set(audience)))
    await _serialize_outbox_writers(session)
    row = Event(type=type_, data=data)
    session.add(row)
    await session.flush()
    assert row.id is not None
    session.add_all([EventAudience(event_id=row.id, audience_key=k) for k in keys])
    await session.flush()
    published = OutboxEvent(row.id, row.type, row.data, row.created_at, keys)
    session.info.setdefault(OUTBOX_KEY, []).append(published)
    return published


async def _serialize_outbox_writers(session: AsyncSession) -> None:
    """Make events become visible in id order, so "everything after id N" never skips one.

    Ids come from a sequence: on PostgreSQL a transaction holding id 10 could commit after
    one holding id 11, and a client that already saw 11 would never ask for 10. Holding one
    transaction-scoped lock from a transaction's first event to its COMMIT orders commits
    by id (the lock is re-entrant; it is released at COMMIT or ROLLBACK). SQLite needs
    nothing: ``BEGIN IMMEDIATE`` already serialises every writer.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    # Taken once per transaction: a request emitting three events (an award) would
    # otherwise ask for the lock it already holds twice more, a round trip each.
    transaction = session.get_transaction()
    if transaction is not None and session.info.get(_OUTBOX_LOCKED_BY) is transaction:
        return
    await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": OUTBOX_WRITE_LOCK})
    # A lock taken inside a savepoint is let go if the savepoint is rolled back: only one
    # taken at the top level is known to last until COMMIT.
    if not session.in_nested_transaction():
        session.info[_OUTBOX_LOCKED_BY] = session.get_transaction()
