"""Fresh rows a write scenario consumes, inserted with COPY just before it runs.

Awarding and completing use up orders and contracts, so each run makes its own: the
seeded history stays as it was and every run starts from the same situation.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg

from bench.actors import Cast, FirmInfo
from bench.district import BID_COLUMNS, CONTRACT_COLUMNS, ORDER_COLUMNS
from bench.text import order_text

CENT = Decimal("0.01")


async def reserve_ids(conn: asyncpg.Connection, table: str, count: int) -> list[int]:
    rows = await conn.fetch(
        "SELECT nextval(pg_get_serial_sequence($1, 'id')) AS id FROM generate_series(1, $2)",
        table,
        count,
    )
    return [r["id"] for r in rows]


def eligible_bidders(cast: Cast, client: FirmInfo, phase: str) -> list[FirmInfo]:
    return [
        f
        for f in cast.by_phase.get(phase, [])
        if f.id != client.id
        and f.actors
        and (client.group_id is None or f.group_id != client.group_id)
    ]


def _clients(cast: Cast) -> list[FirmInfo]:
    return [f for f in cast.firms.values() if f.status == "active" and f.actors]


def _phase_for(
    rng: random.Random, cast: Cast, client: FirmInfo, bidders_needed: int
) -> tuple[str, list[FirmInfo]]:
    """A phase with enough eligible bidders for the client, and those bidders."""
    phases = sorted(p for p, firms in cast.by_phase.items() if len(firms) > bidders_needed)
    rng.shuffle(phases)
    for phase in phases:
        eligible = eligible_bidders(cast, client, phase)
        if len(eligible) >= bidders_needed:
            return phase, eligible
    raise RuntimeError(f"no phase has {bidders_needed} firms that may bid for firm {client.id}")


def _order_row(
    order_id: int,
    client: FirmInfo,
    phase: str,
    status: str,
    rng: random.Random,
    now: datetime,
) -> tuple:
    title, description, unit, quantity = order_text(rng, phase)
    deadline = now + timedelta(days=2)
    created = now - timedelta(days=3)
    return (
        order_id,
        client.id,
        client.actors[0].user_id,
        title,
        description,
        phase,
        quantity,
        unit,
        Decimal("10.00"),
        deadline,
        deadline.date() + timedelta(days=30),
        "public",
        None,
        False,
        client.region,
        status,
        1,
        False,
        created,
        created,
    )


def _bid_row(
    bid_id: int, order_row: tuple, firm: FirmInfo, status: str, rng: random.Random
) -> tuple:
    unit_price = Decimal(rng.uniform(8, 12)).quantize(CENT)
    quantity, due, created = order_row[6], order_row[10], order_row[18]
    return (
        bid_id,
        order_row[0],
        firm.id,
        firm.actors[0].user_id,
        unit_price,
        (unit_price * quantity).quantize(CENT),
        due - timedelta(days=2),
        "",
        status,
        1,
        False,
        created + timedelta(hours=1),
        created + timedelta(hours=1),
    )


@dataclass
class RacedOrder:
    order_id: int
    client: FirmInfo
    bid_ids: list[int]


async def award_orders(
    conn: asyncpg.Connection, cast: Cast, rng: random.Random, orders: int, bids_each: int
) -> list[RacedOrder]:
    """Open public orders with ``bids_each`` live bids from distinct eligible firms."""
    now = datetime.now(UTC)
    order_ids = await reserve_ids(conn, "orders", orders)
    bid_ids = iter(await reserve_ids(conn, "bids", orders * bids_each))
    order_rows, bid_rows, raced = [], [], []
    clients = _clients(cast)
    for order_id in order_ids:
        client = rng.choice(clients)
        phase, eligible = _phase_for(rng, cast, client, bids_each)
        row = _order_row(order_id, client, phase, "open", rng, now)
        order_rows.append(row)
        bidders = rng.sample(eligible, k=bids_each)
        ids = []
        for firm in bidders:
            bid_id = next(bid_ids)
            bid_rows.append(_bid_row(bid_id, row, firm, "active", rng))
            ids.append(bid_id)
        raced.append(RacedOrder(order_id, client, ids))
    await conn.copy_records_to_table("orders", records=order_rows, columns=list(ORDER_COLUMNS))
    await conn.copy_records_to_table("bids", records=bid_rows, columns=list(BID_COLUMNS))
    return raced


@dataclass
class RunningContract:
    contract_id: int
    client: FirmInfo
    supplier: FirmInfo


async def active_contracts(
    conn: asyncpg.Connection, cast: Cast, rng: random.Random, count: int
) -> list[RunningContract]:
    """Awarded orders whose contract is active, ready for deliver and accept."""
    now = datetime.now(UTC)
    order_ids = await reserve_ids(conn, "orders", count)
    bid_ids = await reserve_ids(conn, "bids", count)
    contract_ids = await reserve_ids(conn, "contracts", count)
    order_rows, bid_rows, contract_rows, running = [], [], [], []
    clients = _clients(cast)
    for order_id, bid_id, contract_id in zip(order_ids, bid_ids, contract_ids, strict=True):
        client = rng.choice(clients)
        phase, eligible = _phase_for(rng, cast, client, 1)
        supplier = rng.choice(eligible)
        order = _order_row(order_id, client, phase, "awarded", rng, now)
        bid = _bid_row(bid_id, order, supplier, "awarded", rng)
        order_rows.append(order)
        bid_rows.append(bid)
        due: date = order[10]
        contract_rows.append(
            (
                contract_id,
                order_id,
                bid_id,
                client.id,
                supplier.id,
                phase,
                order[6],
                order[7],
                bid[4],
                bid[5],
                due,
                "active",
                now - timedelta(days=1),
                *([None] * 9),
            )
        )
        running.append(RunningContract(contract_id, client, supplier))
    await conn.copy_records_to_table("orders", records=order_rows, columns=list(ORDER_COLUMNS))
    await conn.copy_records_to_table("bids", records=bid_rows, columns=list(BID_COLUMNS))
    await conn.copy_records_to_table(
        "contracts", records=contract_rows, columns=list(CONTRACT_COLUMNS)
    )
    return running


@dataclass(frozen=True)
class BidSlot:
    order_id: int
    firm_id: int
    user_id: int
    delivery_date: date


async def bid_slots(
    conn: asyncpg.Connection, cast: Cast, rng: random.Random, count: int
) -> list[BidSlot]:
    """(order, firm) pairs where a bid must succeed: an open public order the firm sees,
    in its phase, not its own or its group's, with no bid of the firm yet."""
    orders = await conn.fetch(
        "SELECT o.id, o.phase, o.client_firm_id, o.delivery_due FROM orders o "
        "WHERE o.status = 'open' AND o.visibility = 'public' AND NOT o.hidden "
        "AND o.bid_deadline > now() + interval '1 hour'"
    )
    taken = {
        (r["order_id"], r["firm_id"])
        for r in await conn.fetch(
            "SELECT b.order_id, b.firm_id FROM bids b JOIN orders o ON o.id = b.order_id "
            "WHERE o.status = 'open'"
        )
    }
    slots: list[BidSlot] = []
    # Spread the bids over every actor of every firm: rate limits are per person.
    turn: dict[int, int] = {}
    attempts = 0
    while len(slots) < count and attempts < count * 20:
        attempts += 1
        order = orders[rng.randrange(len(orders))]
        client = cast.firms[order["client_firm_id"]]
        candidates = cast.by_phase.get(order["phase"], [])
        if not candidates:
            continue
        firm = candidates[rng.randrange(len(candidates))]
        key = (order["id"], firm.id)
        if (
            key in taken
            or not firm.actors
            or firm.id == client.id
            or (client.group_id is not None and client.group_id == firm.group_id)
        ):
            continue
        taken.add(key)
        actors = firm.actors
        turn[firm.id] = turn.get(firm.id, -1) + 1
        actor = actors[turn[firm.id] % len(actors)]
        slots.append(
            BidSlot(order["id"], firm.id, actor.user_id, order["delivery_due"] - timedelta(days=1))
        )
    return slots
