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
from sqlalchemy import ARRAY, BigInteger, String, bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit import clock
from distretto.models.base import UTCDateTime
from distretto.models.events import Event, EventAudience

OUTBOX_KEY = "outbox_events"
STAFF = "staff"
# Arbitrary fixed key of the PostgreSQL advisory lock that orders outbox writers.
OUTBOX_WRITE_LOCK = 0x6F7574626F78


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
    if session.get_bind().dialect.name == "postgresql":
        event_id, created_at = await _write_ordered(session, type_, data, keys)
    else:
        # SQLite needs no ordering lock: ``BEGIN IMMEDIATE`` already serialises writers.
        row = Event(type=type_, data=data)
        session.add(row)
        await session.flush()
        assert row.id is not None
        session.add_all([EventAudience(event_id=row.id, audience_key=k) for k in keys])
        await session.flush()
        event_id, created_at = row.id, row.created_at
    published = OutboxEvent(event_id, type_, data, created_at, keys)
    session.info.setdefault(OUTBOX_KEY, []).append(published)
    return published


# Events become visible in id order, so "everything after id N" never skips one. Ids come
# from a sequence: a transaction holding id 10 could commit after one holding id 11, and
# a client that already saw 11 would never ask for 10. A transaction-scoped lock, taken
# before the id is drawn and held to COMMIT, orders commits by id (it is re-entrant, and
# released at COMMIT or ROLLBACK). The lock, the event and its audience are one statement:
# the INSERT reads its row from the lock's CTE, so the lock is held before ``nextval``.
_ORDERED_WRITE = text(
    """
    WITH ordered AS (SELECT pg_advisory_xact_lock(CAST(:lock_key AS bigint))),
    event AS (
        INSERT INTO events (type, data, created_at)
        SELECT CAST(:type AS varchar), CAST(:data AS json), CAST(:created_at AS timestamptz)
        FROM ordered
        RETURNING id
    ),
    audience AS (
        INSERT INTO event_audience (event_id, audience_key)
        SELECT event.id, key FROM event, unnest(CAST(:keys AS varchar[])) AS key
    )
    SELECT id FROM event
    """
).bindparams(
    bindparam("lock_key", type_=BigInteger),
    bindparam("type", type_=String),
    bindparam("data", type_=Event.__table__.c.data.type),  # type: ignore[attr-defined]
    bindparam("created_at", type_=UTCDateTime()),
    bindparam("keys", type_=ARRAY(String)),
)


async def _write_ordered(
    session: AsyncSession, type_: str, data: dict[str, Any], keys: tuple[str, ...]
) -> tuple[int, datetime]:
    created_at = clock.now()
    event_id = await session.scalar(
        _ORDERED_WRITE,
        {
            "lock_key": OUTBOX_WRITE_LOCK,
            "type": type_,
            "data": data,
            "created_at": created_at,
            "keys": list(keys),
        },
    )
    assert event_id is not None
    return int(event_id), created_at
