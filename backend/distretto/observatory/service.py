"""District statistics for everyone, anonymised.

A cell (a phase in a month, a phase's price or punctuality) is published only when at
least ``MIN_FIRMS`` distinct firms stand behind it on every side it describes: orders need
that many clients, contracts that many clients and suppliers, delivery punctuality that
many suppliers. In each month the cells too small to publish are pooled into one
"other phases" cell (phase ``OTHER``), itself published only under the same rule, so
the monthly totals stay meaningful without exposing any small cell.
"""

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit import clock
from distretto.kit.money import UNIT_PRICE_QUANTUM
from distretto.observatory import schemas
from distretto.observatory.repository import ObservatoryRepository

MIN_FIRMS = 3
OTHER = "*"


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


@dataclass
class _Cell:
    """A count and the firms behind it, on the client side and (for contracts) supplier."""

    count: int = 0
    clients: set[int] = field(default_factory=set)
    suppliers: set[int] | None = None

    def add(self, count: int, client: int, supplier: int | None = None) -> None:
        self.count += count
        self.clients.add(client)
        if supplier is not None:
            self.suppliers = (self.suppliers or set()) | {supplier}

    def merge(self, other: "_Cell") -> None:
        self.count += other.count
        self.clients |= other.clients
        if other.suppliers is not None:
            self.suppliers = (self.suppliers or set()) | other.suppliers

    @property
    def publishable(self) -> bool:
        sides = [self.clients] + ([self.suppliers] if self.suppliers is not None else [])
        return all(len(side) >= MIN_FIRMS for side in sides)


def _month_cells(cells: dict[tuple[str, str], _Cell]) -> list[schemas.MonthCell]:
    """Publish the big cells; pool each month's small ones into an OTHER cell."""
    out: list[schemas.MonthCell] = []
    pooled: dict[str, _Cell] = defaultdict(_Cell)
    for (phase, month), cell in cells.items():
        if cell.publishable:
            out.append(
                schemas.MonthCell(phase=phase, month=month, count=cell.count, suppressed=False)
            )
        else:
            pooled[month].merge(cell)
    for month, cell in pooled.items():
        out.append(
            schemas.MonthCell(
                phase=OTHER,
                month=month,
                count=cell.count if cell.publishable else None,
                suppressed=not cell.publishable,
            )
        )
    return sorted(out, key=lambda c: (c.month, c.phase == OTHER, c.phase))


def _total(cells: Iterable[_Cell]) -> int | None:
    everything = _Cell()
    for cell in cells:
        everything.merge(cell)
    return everything.count if everything.publishable else None


def _median(prices: list[Decimal]) -> Decimal:
    # Unit prices have up to four decimals (fabric by the metre at 0.035 EUR).
    return Decimal(statistics.median(prices)).quantize(UNIT_PRICE_QUANTUM, rounding=ROUND_HALF_UP)


def price_cell_hidden(rows: Iterable[tuple[Decimal, int, int]]) -> bool:
    """The small-cell rule for prices: (unit price, client, supplier) rows need at least
    ``MIN_FIRMS`` distinct clients and as many distinct suppliers."""
    rows = list(rows)
    return min(len({r[1] for r in rows}), len({r[2] for r in rows})) < MIN_FIRMS


def publishable_median(rows: Iterable[tuple[Decimal, int, int]]) -> Decimal | None:
    """The median unit price of (unit price, client, supplier) rows, or None under the
    small-cell rule (reference tariffs show it beside the association's prices)."""
    rows = list(rows)
    return None if price_cell_hidden(rows) else _median([r[0] for r in rows])


async def summary(
    session: AsyncSession, months: int, now: datetime | None = None
) -> schemas.ObservatorySummary:
    now = now or clock.now()
    since = month_start(now, months)
    repo = ObservatoryRepository(session)

    order_cells: dict[tuple[str, str], _Cell] = defaultdict(_Cell)
    for phase, month, client, count in await repo.orders_per_firm_month(since):
        order_cells[(phase, month)].add(count, client)
    contract_cells: dict[tuple[str, str], _Cell] = defaultdict(_Cell)
    for phase, month, client, supplier, count in await repo.contracts_per_firm_month(since):
        contract_cells[(phase, month)].add(count, client, supplier)

    by_phase_unit: dict[tuple[str, str], list[tuple[Decimal, int, int]]] = defaultdict(list)
    for phase, unit, price, client, supplier in await repo.contract_prices(since):
        by_phase_unit[(phase, unit)].append((price, client, supplier))
    prices = []
    for (phase, unit), rows in sorted(by_phase_unit.items()):
        hidden = price_cell_hidden(rows)
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
        total_orders=_total(order_cells.values()),
        total_contracts=_total(contract_cells.values()),
        orders=_month_cells(order_cells),
        contracts=_month_cells(contract_cells),
        prices=prices,
        on_time=on_time,
    )
