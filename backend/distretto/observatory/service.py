"""District statistics for everyone, anonymised.

A cell (a phase in a month, a phase's price or punctuality) is published only when at
least ``MIN_FIRMS`` distinct firms stand behind it on every side it describes: orders need
that many clients, contracts that many clients and suppliers, delivery punctuality that
many suppliers. Smaller cells are returned as suppressed, with no numbers.
"""

import statistics
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.observatory import schemas
from distretto.observatory.repository import ObservatoryRepository

MIN_FIRMS = 3
CENT = Decimal("0.01")


def month_start(now: datetime, months_back: int) -> datetime:
    """The first instant (UTC) of the month ``months_back - 1`` months before ``now``'s."""
    index = now.year * 12 + (now.month - 1) - (months_back - 1)
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def month_labels(since: datetime, now: datetime) -> list[str]:
    labels = []
    year, month = since.year, since.month
    while (year, month) <= (now.year, now.month):
        labels.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return labels


def _median(prices: list[Decimal]) -> Decimal:
    return Decimal(statistics.median(prices)).quantize(CENT)


async def summary(
    session: AsyncSession, months: int, now: datetime | None = None
) -> schemas.ObservatorySummary:
    now = now or datetime.now(UTC)
    since = month_start(now, months)
    repo = ObservatoryRepository(session)

    orders = [
        schemas.MonthCell(
            phase=phase,
            month=month,
            count=count if clients >= MIN_FIRMS else None,
            suppressed=clients < MIN_FIRMS,
        )
        for phase, month, count, clients in await repo.orders_per_month(since)
    ]
    contracts = []
    for phase, month, count, clients, suppliers in await repo.contracts_per_month(since):
        hidden = min(clients, suppliers) < MIN_FIRMS
        contracts.append(
            schemas.MonthCell(
                phase=phase, month=month, count=None if hidden else count, suppressed=hidden
            )
        )

    by_phase_unit: dict[tuple[str, str], list[tuple[Decimal, int, int]]] = defaultdict(list)
    for phase, unit, price, client, supplier in await repo.contract_prices(since):
        by_phase_unit[(phase, unit)].append((price, client, supplier))
    prices = []
    for (phase, unit), rows in sorted(by_phase_unit.items()):
        hidden = min(len({r[1] for r in rows}), len({r[2] for r in rows})) < MIN_FIRMS
        prices.append(
            schemas.PriceCell(
                phase=phase,
                unit=unit,
                median_unit_price=None if hidden else _median([r[0] for r in rows]),
                contracts=None if hidden else len(rows),
                suppressed=hidden,
            )
        )

    on_time = []
    for phase, deliveries, punctual, suppliers in sorted(await repo.deliveries(since)):
        hidden = suppliers < MIN_FIRMS
        on_time.append(
            schemas.OnTimeCell(
                phase=phase,
                on_time_rate=None if hidden else round(punctual / deliveries, 4),
                deliveries=None if hidden else deliveries,
                suppressed=hidden,
            )
        )

    return schemas.ObservatorySummary(
        generated_at=now,
        since=since,
        months=month_labels(since, now),
        min_firms=MIN_FIRMS,
        orders=sorted(orders, key=lambda c: (c.month, c.phase)),
        contracts=sorted(contracts, key=lambda c: (c.month, c.phase)),
        prices=prices,
        on_time=on_time,
    )
