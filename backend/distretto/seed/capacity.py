"""Demo capacity calendars: each phase firm declares, for the next 12 weeks, what it can
still take on in its main phases (less in the weeks around Christmas and in August, when
the district closes), and the contracts in progress book it up to their delivery."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from distretto.capacity.repository import CapacityRepository
from distretto.capacity.service import book_award
from distretto.capacity.weeks import monday_of
from distretto.kit.clock import district_date, system_clock
from distretto.kit.units import normalise_unit
from distretto.models import Contract
from distretto.seed.market_catalogue import CATALOGUE
from distretto.seed.world import DemoWorld

WEEKS = 12
# ISO weeks in which the district mostly stops: the August closure and Christmas.
SLOW_WEEKS = {32, 33, 34, 52, 53, 1}


def _weekly(quantity: tuple[int, int], share: float) -> Decimal:
    """A believable weekly capacity: a share of a typical order, in round fifties."""
    typical = (quantity[0] + quantity[1]) / 2
    return Decimal(max(50, round(typical * share / 50) * 50))


async def seed_capacity(world: DemoWorld) -> None:
    session, rng = world.session, world.rng
    now = system_clock()
    this_week = monday_of(district_date(now))
    repo = CapacityRepository(session)
    for firm in world.firms:
        if firm in world.final_firms:
            continue
        phases = [p for p in firm.phases if p in CATALOGUE][:2]
        declared: dict[tuple[str, str, date], Decimal] = {}
        for phase in phases:
            work = CATALOGUE[phase][0]
            unit = normalise_unit(work.unit)
            base = _weekly(work.quantity, rng.uniform(0.4, 1.1))
            for offset in range(WEEKS):
                monday = this_week + timedelta(weeks=offset)
                if rng.random() < 0.1:
                    continue  # a week already full with the firm's own clients
                factor = 0.3 if monday.isocalendar()[1] in SLOW_WEEKS else rng.uniform(0.8, 1.2)
                declared[(phase, unit, monday)] = Decimal(round(float(base) * factor / 50) * 50)
        declared = {key: quantity for key, quantity in declared.items() if quantity > 0}
        if declared:
            await repo.replace_declarations(firm.id, declared, this_week, now)
    # The contracts still being worked on hold part of their suppliers' weeks.
    active = (
        await session.scalars(
            select(Contract).where(
                Contract.status == "active", Contract.due_date >= district_date(now)
            )
        )
    ).all()
    for contract in active:
        await book_award(session, contract, now)
    await session.flush()
