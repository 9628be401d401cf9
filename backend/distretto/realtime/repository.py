"""All SQL of the live district: outbox reads, audience resolution, notifications."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    literal,
    union,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from distretto.kit import clock
from distretto.kit.events import OutboxEvent
from distretto.kit.repository import Repository
from distretto.models import (
    Event,
    EventAudience,
    Firm,
    FirmPhase,
    Membership,
    Notification,
    OutboxCursor,
    User,
)
from distretto.models.base import UTCDateTime
from distretto.models.firms import FirmStatus
from distretto.realtime.policies import AudienceSpec


class EventRepository(Repository):
    async def latest_id(self) -> int:
        return int(await self.session.scalar(select(func.max(Event.id))) or 0)

    async def visible_after(
        self, keys: frozenset[str], after: int, limit: int
    ) -> list[OutboxEvent]:
        """Events addressed to any of ``keys`` with id > ``after``, oldest first."""
        addressed = select(EventAudience.event_id).where(
            col(EventAudience.audience_key).in_(keys), col(EventAudience.event_id) > after
        )
        rows = await self.session.scalars(
            select(Event)
            .where(col(Event.id) > after, col(Event.id).in_(addressed))
            .order_by(Event.id)
            .limit(limit)
        )
        return await self._with_audiences(list(rows.all()))

    async def after(
        self, after: int, limit: int, *, before: int | None = None
    ) -> list[OutboxEvent]:
        """Every event with ``after`` < id (< ``before``), oldest first, whoever it is for."""
        stmt = select(Event).where(col(Event.id) > after)
        if before is not None:
            stmt = stmt.where(col(Event.id) < before)
        rows = await self.session.scalars(stmt.order_by(Event.id).limit(limit))
        return await self._with_audiences(list(rows.all()))

    async def _with_audiences(self, rows: Sequence[Event]) -> list[OutboxEvent]:
        if not rows:
            return []
        keys: dict[int | None, list[str]] = {row.id: [] for row in rows}
        audience = await self.session.execute(
            select(EventAudience.event_id, EventAudience.audience_key).where(
                col(EventAudience.event_id).in_(keys)
            )
        )
        for event_id, key in audience.all():
            keys[event_id].append(key)
        return [
            OutboxEvent(row.id, row.type, row.data, row.created_at, tuple(sorted(keys[row.id])))
            for row in rows
        ]


class AudienceRepository(Repository):
    async def active_firm_phases(self, firm_ids: Sequence[int]) -> list[str]:
        if not firm_ids:
            return []
        rows = await self.session.scalars(
            select(FirmPhase.phase_code)
            .join(Firm, Firm.id == FirmPhase.firm_id)
            .where(col(FirmPhase.firm_id).in_(firm_ids), Firm.status == FirmStatus.ACTIVE)
            .distinct()
        )
        return list(rows.all())

    async def suspended_among(self, firm_ids: Sequence[int]) -> set[int]:
        if not firm_ids:
            return set()
        rows = await self.session.scalars(
            select(Firm.id).where(col(Firm.id).in_(firm_ids), Firm.status == FirmStatus.SUSPENDED)
        )
        return set(rows.all())

    def _among(self, column: Any, ids: frozenset[int]) -> ColumnElement[bool]:
        """``column IN ids``; on PostgreSQL one array parameter, however many ids (an
        order matching 5,000 saved searches addresses 5,000 users: 5,000 parameters to
        render, bind and plan otherwise)."""
        if self.session.get_bind().dialect.name == "postgresql":
            return column == any_(bindparam(None, sorted(ids), type_=ARRAY(Integer)))
        return col(column).in_(ids)

    def recipients(self, spec: AudienceSpec, as_of: datetime) -> Select[Any] | None:
        """Active users an audience reached at ``as_of``: the SQL mirror of
        ``policies.audience_keys`` (someone who joined a firm later is not included)."""
        parts: list[Select[Any]] = []
        member_then = col(Membership.created_at) <= as_of
        if spec.user_ids:
            parts.append(select(User.id).where(self._among(User.id, spec.user_ids)))
        if spec.firm_ids:
            parts.append(
                select(Membership.user_id).where(
                    self._among(Membership.firm_id, spec.firm_ids), member_then
                )
            )
        if spec.phases:
            parts.append(
                select(Membership.user_id)
                .join(Firm, Firm.id == Membership.firm_id)
                .join(FirmPhase, FirmPhase.firm_id == Firm.id)
                .where(
                    Firm.status == FirmStatus.ACTIVE,
                    col(FirmPhase.phase_code).in_(spec.phases),
                    member_then,
                )
            )
        if spec.staff:
            parts.append(select(User.id).where(User.is_staff == True))  # noqa: E712
        if not parts:
            return None
        reached = union(*parts).subquery()
        return select(User.id).where(
            col(User.id).in_(select(reached.c[0])),
            User.is_active == True,  # noqa: E712
            col(User.deleted_at).is_(None),
        )


class NotificationRepository(Repository):
    # --- the relay's cursor ---------------------------------------------------------------

    async def cursor(self, name: str) -> int:
        value = await self.session.scalar(
            select(OutboxCursor.last_event_id).where(OutboxCursor.name == name)
        )
        return int(value or 0)

    async def lock_cursor(self, name: str, *, wait: bool) -> int | None:
        """Take the relay's row lock (held to COMMIT) and return the position under it.

        ``wait=False``: None at once if another transaction holds the lock (PostgreSQL's
        ``SKIP LOCKED``). On SQLite the transaction's ``BEGIN IMMEDIATE`` already excludes
        other writers, so the lock is always free by the time we ask.
        """
        locked = (
            select(OutboxCursor.last_event_id)
            .where(OutboxCursor.name == name)
            .with_for_update(skip_locked=not wait)
        )
        row = (await self.session.execute(locked)).first()
        if row is None:
            exists = await self.session.scalar(
                select(OutboxCursor.name).where(OutboxCursor.name == name)
            )
            if exists is not None:
                return None  # skipped: another transaction holds it
            # The very first run: create the row, then lock it as every later run does.
            dialect = self.session.get_bind().dialect.name
            insert = pg_insert if dialect == "postgresql" else sqlite_insert
            await self.session.execute(
                insert(OutboxCursor)
                .values(name=name, last_event_id=0, updated_at=clock.now())
                .on_conflict_do_nothing(index_elements=["name"])
            )
            row = (await self.session.execute(locked)).first()
        return None if row is None else int(row[0])

    async def advance_cursor(self, name: str, event_id: int) -> None:
        await self.session.execute(
            update(OutboxCursor)
            .where(OutboxCursor.name == name)
            .values(last_event_id=event_id, updated_at=clock.now())
        )

    # --- writing ----------------------------------------------------------------------------

    async def add_for_events(self, writes: Sequence[tuple[OutboxEvent, str, Select[Any]]]) -> None:
        """The notifications of each (event, title, recipients), in one INSERT … SELECT."""
        if not writes:
            return
        selects = [
            recipients.with_only_columns(
                User.id,
                literal(event.id),
                literal(event.type),
                literal(title),
                literal(event.created_at, UTCDateTime()),
            )
            for event, title, recipients in writes
        ]
        rows: Any = selects[0]
        if len(selects) > 1:
            rows = union_all(*selects)
        await self.session.execute(
            Notification.__table__.insert().from_select(
                ["user_id", "event_id", "type", "title", "created_at"], rows
            )
        )

    # --- reading and marking ----------------------------------------------------------------

    def readable(self, user_id: int, *, unread_only: bool) -> Any:
        stmt = (
            select(Notification, Event)
            .join(Event, Event.id == Notification.event_id)
            .where(Notification.user_id == user_id)
        )
        if unread_only:
            stmt = stmt.where(col(Notification.read_at).is_(None))
        return stmt

    async def page(
        self, stmt: Select[Any], before_event_id: int | None, limit: int
    ) -> list[tuple[Notification, Event]]:
        """Newest first by event id (the unique index per user), ``limit`` rows."""
        if before_event_id is not None:
            stmt = stmt.where(Notification.event_id < before_event_id)
        rows = await self.session.execute(
            stmt.order_by(col(Notification.event_id).desc()).limit(limit)
        )
        return [(n, e) for n, e in rows.all()]

    async def mark_read(self, user_id: int, ids: Sequence[int] | None, now: datetime) -> int:
        """Mark the user's unread notifications read (all of them when ``ids`` is None)."""
        stmt = update(Notification).where(
            Notification.user_id == user_id, col(Notification.read_at).is_(None)
        )
        if ids is not None:
            stmt = stmt.where(col(Notification.id).in_(ids))
        result = await self.session.execute(stmt.values(read_at=now))
        return int(result.rowcount or 0)

    async def unread_count(self, user_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(Notification)
                .where(Notification.user_id == user_id, col(Notification.read_at).is_(None))
            )
            or 0
        )
