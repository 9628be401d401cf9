"""Reference tariffs: publish a version, read the ones in force, price a bid against them,
report the awards below them.

Which version holds on a day: the most recently published version whose ``valid_from``
has come supersedes every earlier one; if its ``valid_until`` has passed, no tariff holds
for that phase and unit until a new version is published.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.firms.service import unknown_phase_codes
from distretto.kit import audit
from distretto.kit.clock import district_date
from distretto.kit.errors import Conflict, Invalid
from distretto.kit.events import emit, phase_key
from distretto.kit.money import to_cents
from distretto.kit.units import normalise_unit
from distretto.models import ReferenceTariff
from distretto.observatory.service import month_start, price_cell_hidden, publishable_median
from distretto.tariffs import schemas
from distretto.tariffs.events import TariffPublished
from distretto.tariffs.repository import REPORT_LIMIT, ObservedPrice, TariffRepository

# The market prices a bid in the statement that reads the order: the join condition
# picking the tariff in force is this feature's public API.
from distretto.tariffs.repository import in_force_condition as in_force_condition

# The observed median covers the last 12 calendar months, as the observatory's summary.
OBSERVED_MONTHS = 12
CENT = Decimal("0.01")


def in_force(tariff: ReferenceTariff | None, on: date) -> ReferenceTariff | None:
    """``tariff`` (the newest version started by ``on``) if its period still holds."""
    if tariff is None or (tariff.valid_until is not None and tariff.valid_until < on):
        return None
    return tariff


def _version_out(tariff: ReferenceTariff, superseded_from: date | None) -> schemas.TariffVersionOut:
    assert tariff.id is not None
    return schemas.TariffVersionOut(
        id=tariff.id,
        phase=tariff.phase,
        unit=tariff.unit,
        version=tariff.version,
        min_price=tariff.min_price,
        typical_price=tariff.typical_price,
        valid_from=tariff.valid_from,
        valid_until=tariff.valid_until,
        note=tariff.note,
        created_at=tariff.created_at,
        superseded_from=superseded_from,
    )


async def publish(
    session: AsyncSession, staff: Viewer, data: schemas.TariffIn, now: datetime
) -> schemas.TariffVersionOut:
    unit = normalise_unit(data.unit)
    if await unknown_phase_codes(session, [data.phase]):
        raise Invalid(
            "phase",
            f"unknown phase code: {data.phase}",
            code="phase.unknown",
            params={"phase": data.phase},
        )
    if data.typical_price < data.min_price:
        raise Invalid(
            "typical_price", "must not be below min_price", code="tariff.typical_below_min"
        )
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise Invalid("valid_until", "must not be before valid_from", code="tariff.period_reversed")
    repo = TariffRepository(session)
    tariff = ReferenceTariff(
        phase=data.phase,
        unit=unit,
        version=await repo.latest_version(data.phase, unit) + 1,
        min_price=data.min_price,
        typical_price=data.typical_price,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        note=data.note,
        published_by_user_id=staff.user_id,
        created_at=now,
    )
    if not await repo.add(tariff):
        raise Conflict(
            "Another version of this tariff was published at the same moment; reload and retry",
            code="tariff.version_taken",
        )
    assert tariff.id is not None
    await audit.record(
        session,
        "tariff.published",
        actor_user_id=staff.user_id,
        target_type="tariff",
        target_id=tariff.id,
        phase=tariff.phase,
        unit=unit,
        version=tariff.version,
        min_price=f"{tariff.min_price:.2f}",
        typical_price=f"{tariff.typical_price:.2f}",
        valid_from=tariff.valid_from.isoformat(),
        valid_until=tariff.valid_until.isoformat() if tariff.valid_until else None,
    )
    await emit(
        session,
        TariffPublished(
            tariff_id=tariff.id,
            phase=tariff.phase,
            unit=unit,
            version=tariff.version,
            min_price=f"{tariff.min_price:.2f}",
            typical_price=f"{tariff.typical_price:.2f}",
            valid_from=tariff.valid_from.isoformat(),
            valid_until=tariff.valid_until.isoformat() if tariff.valid_until else None,
        ),
        {phase_key(tariff.phase)},
    )
    return _version_out(tariff, None)


async def current(session: AsyncSession, phase: str | None, now: datetime) -> schemas.TariffList:
    repo = TariffRepository(session)
    today = district_date(now)
    by_pair: dict[tuple[str, str], list[ReferenceTariff]] = defaultdict(list)
    for tariff in await repo.versions(phase):
        by_pair[(tariff.phase, tariff.unit)].append(tariff)
    observed: dict[tuple[str, str], list[ObservedPrice]] = defaultdict(list)
    for price in await repo.observed_prices(month_start(now, OBSERVED_MONTHS), phase):
        observed[(price.phase, price.unit)].append(price)
    items = []
    for pair, versions in sorted(by_pair.items()):
        started = [v for v in versions if v.valid_from <= today]
        holding = in_force(started[-1] if started else None, today)
        if holding is None:
            continue
        history = [
            _version_out(v, versions[i + 1].valid_from if i + 1 < len(versions) else None)
            for i, v in enumerate(versions)
        ]
        rows = [(p.unit_price, p.client_firm_id, p.supplier_firm_id) for p in observed[pair]]
        hidden = price_cell_hidden(rows)
        this = next(h for h in history if h.id == holding.id)
        items.append(
            schemas.TariffOut(
                **this.model_dump(),
                observed_median=publishable_median(rows),
                observed_contracts=None if hidden else len(rows),
                history=list(reversed(history)),
            )
        )
    return schemas.TariffList(items=items)


@dataclass(frozen=True)
class PriceCheck:
    """How a bid's unit price stands against the tariff in force (if any)."""

    tariff_id: int | None
    below_tariff: bool


def price_check(tariff: ReferenceTariff | None, unit_price: Decimal) -> PriceCheck:
    """A bid's unit price against the tariff in force (read with its order, or by
    ``check_price``): below when under the minimum."""
    if tariff is None:
        return PriceCheck(None, False)
    return PriceCheck(tariff.id, unit_price < tariff.min_price)


async def check_price(
    session: AsyncSession, phase: str, unit: str, unit_price: Decimal, on: date
) -> PriceCheck:
    """Price a bid against the tariff holding on ``on`` for the order's phase and unit."""
    return price_check(await TariffRepository(session).in_force(phase, unit, on), unit_price)


def _day_start(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min, tzinfo=UTC)


async def below_tariff_report(
    session: AsyncSession, phase: str | None, since: date | None, until: date | None
) -> schemas.BelowTariffReport:
    """Awards below the tariff minimum; ``until`` is inclusive."""
    end = None if until is None else _day_start(until + timedelta(days=1))
    rows, amounts = await TariffRepository(session).below_tariff_awards(
        _day_start(since), end, phase
    )
    totals: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"awards": Decimal(0), "total": Decimal(0), "shortfall": Decimal(0)}
    )
    for a in amounts:
        cell = totals[a.phase]
        cell["awards"] += 1
        cell["total"] += a.total_price
        cell["shortfall"] += (a.min_price - a.unit_price) * a.quantity
    phases = [
        schemas.BelowTariffPhase(
            phase=name,
            awards=int(cell["awards"]),
            total_amount=cell["total"].quantize(CENT),
            shortfall=to_cents(cell["shortfall"]),
        )
        for name, cell in sorted(totals.items())
    ]
    items = []
    for row in rows[:REPORT_LIMIT]:
        c = row.contract
        assert c.id is not None
        items.append(
            schemas.BelowTariffAward(
                contract_id=c.id,
                order_id=c.order_id,
                phase=c.phase,
                unit=c.unit,
                quantity=c.quantity,
                unit_price=c.unit_price,
                min_price=row.min_price,
                total_price=c.total_price,
                client_firm_id=c.client_firm_id,
                client_firm_name=row.client_firm_name,
                supplier_firm_id=c.supplier_firm_id,
                supplier_firm_name=row.supplier_firm_name,
                awarded_at=c.created_at,
            )
        )
    return schemas.BelowTariffReport(phases=phases, items=items, truncated=len(rows) > REPORT_LIMIT)
