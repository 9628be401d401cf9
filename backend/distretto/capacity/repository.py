"""Every query of capacity calendars.

Arithmetic on quantities in SQL runs on the raw integer thousandths (``_raw``), so sums
and comparisons are exact on SQLite and PostgreSQL alike.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, and_, bindparam, case, func, text, type_coerce
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select, update

from distretto.kit.units import normalised_unit_column
from distretto.models import CapacityBooking, CapacityWeek, Firm, FirmPhase, Order
from distretto.models.capacity import SCALE, Thousandths

# Arbitrary fixed first key of the PostgreSQL advisory locks that serialise the calendar
# writes of one firm (the second key is the firm id).
CAPACITY_LOCK = 0x63617061


def _raw(column: Any) -> ColumnElement[int]:
    """A quantity column as its stored integer thousandths."""
    return type_coerce(column, BigInteger)


def _free_raw() -> ColumnElement[int]:
    declared, booked = _raw(CapacityWeek.declared), _raw(CapacityWeek.booked)
    return case((declared > booked, declared - booked), else_=0)


def fits_capacity_condition() -> ColumnElement[bool]:
    """For the board: the order's phase and unit have, in the firm's calendar, at least
    the order's quantity free in total over the weeks from ``capacity_from`` (this week's
    Monday) through the week of its ``delivery_due``; never the firm's own orders.

    Bound parameters: ``capacity_firm_id``, ``capacity_from``.
    """
    firm_id = bindparam("capacity_firm_id", type_=BigInteger)
    free_total = (
        select(func.coalesce(func.sum(_free_raw()), 0))
        .where(
            CapacityWeek.firm_id == firm_id,
            CapacityWeek.phase == Order.phase,
            CapacityWeek.unit == normalised_unit_column(Order.unit),
            CapacityWeek.week_start >= bindparam("capacity_from"),
            CapacityWeek.week_start <= Order.delivery_due,
        )
        .correlate(Order)
        .scalar_subquery()
    )
    return and_(free_total >= Order.quantity * SCALE, Order.client_firm_id != firm_id)


@dataclass(frozen=True)
class DistrictWeek:
    week_start: date
    unit: str
    free: Decimal
    firms: int


class CapacityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def lock_firm(self, firm_id: int) -> None:
        """Serialise the calendar writes of one firm (declarations and bookings) until the
        transaction ends, so they never wait on each other's rows in opposite orders.
        SQLite's BEGIN IMMEDIATE already serialises every writer."""
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key, :firm_id)"),
                {"key": CAPACITY_LOCK, "firm_id": firm_id},
            )

    async def firm_exists(self, firm_id: int) -> bool:
        return (await self.session.scalar(select(Firm.id).where(Firm.id == firm_id))) is not None

    async def firm_phases(self, firm_id: int) -> set[str]:
        rows = await self.session.scalars(
            select(FirmPhase.phase_code).where(FirmPhase.firm_id == firm_id)
        )
        return set(rows.all())

    async def firm_weeks(self, firm_id: int, first: date, last: date | None) -> list[CapacityWeek]:
        stmt = select(CapacityWeek).where(
            CapacityWeek.firm_id == firm_id, CapacityWeek.week_start >= first
        )
        if last is not None:
            stmt = stmt.where(CapacityWeek.week_start <= last)
        stmt = stmt.order_by(
            col(CapacityWeek.week_start), col(CapacityWeek.phase), col(CapacityWeek.unit)
        ).execution_options(populate_existing=True)
        return list((await self.session.scalars(stmt)).all())

    async def replace_declarations(
        self,
        firm_id: int,
        declared: dict[tuple[str, str, date], Decimal],
        first: date,
        now: datetime,
    ) -> None:
        """The firm's declared capacity from ``first`` on becomes exactly ``declared``;
        what awards booked stays."""
        await self.session.execute(
            update(CapacityWeek)
            .where(col(CapacityWeek.firm_id) == firm_id, col(CapacityWeek.week_start) >= first)
            .values(declared=Decimal(0), updated_at=now)
            .execution_options(synchronize_session=False)
        )
        insert = self._insert()
        for (phase, unit, monday), quantity in sorted(declared.items()):
            stmt = insert(CapacityWeek).values(
                firm_id=firm_id,
                phase=phase,
                unit=unit,
                week_start=monday,
                declared=quantity,
                booked=Decimal(0),
                updated_at=now,
            )
            await self.session.execute(
                stmt.on_conflict_do_update(
                    index_elements=["firm_id", "phase", "unit", "week_start"],
                    set_={"declared": stmt.excluded.declared, "updated_at": now},
                )
            )
        # Slots left empty (nothing declared, nothing booked) are not kept.
        await self.session.execute(
            CapacityWeek.__table__.delete().where(
                CapacityWeek.firm_id == firm_id,
                CapacityWeek.week_start >= first,
                _raw(CapacityWeek.declared) == 0,
                _raw(CapacityWeek.booked) == 0,
            )
        )

    async def book(
        self, firm_id: int, phase: str, unit: str, monday: date, quantity: Decimal, now: datetime
    ) -> tuple[Decimal, Decimal]:
        """Add ``quantity`` to the week's booked capacity in one atomic statement (a slot
        with nothing declared is created at zero); the slot's (declared, booked) after."""
        insert = self._insert()
        stmt = insert(CapacityWeek).values(
            firm_id=firm_id,
            phase=phase,
            unit=unit,
            week_start=monday,
            declared=Decimal(0),
            booked=quantity,
            updated_at=now,
        )
        table = CapacityWeek.__table__
        stmt = stmt.on_conflict_do_update(
            index_elements=["firm_id", "phase", "unit", "week_start"],
            set_={
                "booked": type_coerce(
                    _raw(table.c.booked) + _raw(stmt.excluded.booked), Thousandths
                ),
                "updated_at": now,
            },
        ).returning(table.c.declared, table.c.booked)
        declared, booked = (await self.session.execute(stmt)).one()
        return declared, booked

    async def add_bookings(self, bookings: list[CapacityBooking]) -> None:
        self.session.add_all(bookings)
        await self.session.flush()

    async def keeps_calendar(self, firm_id: int, phase: str, unit: str) -> bool:
        """Whether the firm ever declared capacity for this phase and unit."""
        stmt = select(CapacityWeek.id).where(
            CapacityWeek.firm_id == firm_id,
            CapacityWeek.phase == phase,
            CapacityWeek.unit == unit,
            _raw(CapacityWeek.declared) > 0,
        )
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def district_free(
        self, phase: str, unit: str | None, first: date, last: date
    ) -> list[DistrictWeek]:
        """Per week and unit: the free capacity of the firms that have some, and how many
        firms that is."""
        free = _free_raw()
        stmt = (
            select(
                CapacityWeek.week_start,
                CapacityWeek.unit,
                func.sum(free),
                func.count(func.distinct(CapacityWeek.firm_id)),
            )
            .join(Firm, Firm.id == CapacityWeek.firm_id)
            .where(
                CapacityWeek.phase == phase,
                CapacityWeek.week_start >= first,
                CapacityWeek.week_start <= last,
                free > 0,
                Firm.status == "active",
            )
            .group_by(CapacityWeek.week_start, CapacityWeek.unit)
        )
        if unit is not None:
            stmt = stmt.where(CapacityWeek.unit == unit)
        rows = await self.session.execute(stmt)
        return [
            DistrictWeek(r[0], r[1], (Decimal(int(r[2])) / SCALE), int(r[3])) for r in rows.all()
        ]
