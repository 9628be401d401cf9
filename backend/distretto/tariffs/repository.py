"""Every query of reference tariffs. Tariffs are public: nothing here is scoped by viewer
except the below-tariff report, which only staff reach (the router requires it)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, literal, or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col, select

from distretto.kit.units import normalised_unit_column
from distretto.models import Bid, Contract, Firm, ReferenceTariff

REPORT_LIMIT = 200


@dataclass(frozen=True)
class ObservedPrice:
    phase: str
    unit: str
    unit_price: Decimal
    client_firm_id: int
    supplier_firm_id: int


@dataclass(frozen=True)
class PhaseAmounts:
    phase: str
    total_price: Decimal
    unit_price: Decimal
    quantity: Decimal
    min_price: Decimal


@dataclass(frozen=True)
class BelowTariffRow:
    contract: Contract
    min_price: Decimal
    client_firm_name: str
    supplier_firm_name: str


def in_force_condition(phase: Any, unit: Any, on: Any) -> ColumnElement[bool]:
    """Picks the ``ReferenceTariff`` row in force on ``on`` for a phase and a unit as typed
    (columns of an enclosing statement, or values): the newest version whose period has
    begun, unless its ``valid_until`` has passed. Usable as a join condition, so the
    market reads an order and its tariff in one statement."""
    version = aliased(ReferenceTariff, name="tariff_version")
    newest = (
        select(version.id)
        .where(
            version.phase == phase,
            version.unit == normalised_unit_column(unit),
            version.valid_from <= on,
        )
        .order_by(col(version.version).desc())
        .limit(1)
        .scalar_subquery()
    )
    return and_(
        ReferenceTariff.id == newest,
        or_(col(ReferenceTariff.valid_until).is_(None), col(ReferenceTariff.valid_until) >= on),
    )


class TariffRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def versions(self, phase: str | None = None) -> list[ReferenceTariff]:
        stmt = select(ReferenceTariff)
        if phase:
            stmt = stmt.where(ReferenceTariff.phase == phase)
        stmt = stmt.order_by(
            col(ReferenceTariff.phase), col(ReferenceTariff.unit), col(ReferenceTariff.version)
        )
        return list((await self.session.scalars(stmt)).all())

    async def latest_version(self, phase: str, unit: str) -> int:
        stmt = select(func.max(ReferenceTariff.version)).where(
            ReferenceTariff.phase == phase, ReferenceTariff.unit == unit
        )
        return int(await self.session.scalar(stmt) or 0)

    async def add(self, tariff: ReferenceTariff) -> bool:
        """Insert a version; False when a concurrent publication took its number."""
        try:
            async with self.session.begin_nested():
                self.session.add(tariff)
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def in_force(self, phase: str, unit: str, on: date) -> ReferenceTariff | None:
        stmt = select(ReferenceTariff).where(
            in_force_condition(literal(phase), literal(unit), literal(on))
        )
        return (await self.session.scalars(stmt)).first()

    async def observed_prices(self, since: datetime, phase: str | None) -> list[ObservedPrice]:
        """The unit prices of contracts awarded since, as the observatory reads them."""
        unit = normalised_unit_column(Contract.unit)
        stmt = select(
            Contract.phase,
            unit,
            Contract.unit_price,
            Contract.client_firm_id,
            Contract.supplier_firm_id,
        ).where(Contract.created_at >= since, Contract.status != "cancelled")
        if phase:
            stmt = stmt.where(Contract.phase == phase)
        rows = await self.session.execute(stmt)
        return [ObservedPrice(r[0], r[1], r[2], r[3], r[4]) for r in rows.all()]

    async def below_tariff_awards(
        self, since: datetime | None, until: datetime | None, phase: str | None
    ) -> tuple[list[BelowTariffRow], list[PhaseAmounts]]:
        """Contracts whose winning bid was below the tariff minimum: the newest rows, and
        the amounts of all of them."""
        client = aliased(Firm, name="client_firm")
        supplier = aliased(Firm, name="supplier_firm")
        conditions = [col(Bid.below_tariff).is_(True)]
        if since is not None:
            conditions.append(Contract.created_at >= since)
        if until is not None:
            conditions.append(Contract.created_at < until)
        if phase:
            conditions.append(Contract.phase == phase)
        where = and_(*conditions)
        base = (
            select(Contract, ReferenceTariff.min_price, client.name, supplier.name)
            .join(Bid, Bid.id == Contract.bid_id)
            .join(ReferenceTariff, ReferenceTariff.id == Bid.tariff_id)
            .join(client, client.id == Contract.client_firm_id)
            .join(supplier, supplier.id == Contract.supplier_firm_id)
            .where(where)
        )
        rows = await self.session.execute(
            base.order_by(col(Contract.id).desc()).limit(REPORT_LIMIT + 1)
        )
        listed = [BelowTariffRow(r[0], r[1], r[2], r[3]) for r in rows.all()]
        # The totals in Python, over every matching award: SQLite would sum money as floats.
        amounts = await self.session.execute(
            select(
                Contract.phase,
                Contract.total_price,
                Contract.unit_price,
                Contract.quantity,
                ReferenceTariff.min_price,
            )
            .join(Bid, Bid.id == Contract.bid_id)
            .join(ReferenceTariff, ReferenceTariff.id == Bid.tariff_id)
            .where(where)
        )
        return listed, [PhaseAmounts(r[0], r[1], r[2], r[3], r[4]) for r in amounts.all()]
