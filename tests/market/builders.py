"""Builders for market tests: a small district (client, bidders), orders, bids, the few
facts tests set directly in the database (a passed deadline, a suspension), and a
recorder of the SQL statements a request runs."""

import contextlib
import contextvars
import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import event, func, select, update

from distretto.models import (
    Bid,
    Consortium,
    ConsortiumMember,
    Contract,
    Event,
    EventAudience,
    Firm,
    Order,
    OwnershipGroup,
)
from tests.helpers import Actor, add_member, firm_owner, register

_names = itertools.count(1)


def now() -> datetime:
    return datetime.now(UTC)


def moment(**delta: float) -> str:
    return (now() + timedelta(**delta)).isoformat()


def day(days: int) -> str:
    return (now() + timedelta(days=days)).date().isoformat()


def order_body(firm_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "firm_id": firm_id,
        "title": f"Tintura filo cardato, lotto {next(_names)}",
        "description": "Colore blu navy su lana rigenerata; solidità alla luce 5",
        "phase": "dyeing",
        "quantity": 2000,
        "unit": "kg",
        "target_unit_price": "3.20",
        "bid_deadline": moment(days=7),
        "delivery_due": day(40),
        "visibility": "public",
    }
    body.update(overrides)
    return body


def bid_body(firm_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "firm_id": firm_id,
        "unit_price": "3.15",
        "delivery_date": day(35),
        "notes": "Tintoria in bagno, campionatura in 5 giorni",
    }
    body.update(overrides)
    return body


async def post_order(client: httpx.AsyncClient, actor: Actor, **overrides: Any) -> dict[str, Any]:
    firm_id = overrides.pop("firm_id", actor.firm_id)
    response = await client.post(
        "/orders", json=order_body(firm_id, **overrides), headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def place_bid(
    client: httpx.AsyncClient, actor: Actor, order_id: int, **overrides: Any
) -> dict[str, Any]:
    firm_id = overrides.pop("firm_id", actor.firm_id)
    response = await client.post(
        f"/orders/{order_id}/bids", json=bid_body(firm_id, **overrides), headers=actor.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


@dataclass
class District:
    """A client (owner + manager + plain member), two dyers, a competitor, staff, anon."""

    client_owner: Actor
    client_member: Actor
    bidder: Actor
    bidder_member: Actor
    rival: Actor
    outsider: Actor
    staff: Actor


async def district(client: httpx.AsyncClient, app: FastAPI) -> District:
    from tests.helpers import make_staff

    client_owner = await firm_owner(client, phases=["weaving"])
    client_member = await add_member(client, client_owner, "member")
    bidder = await firm_owner(client, phases=["dyeing"])
    bidder_member = await add_member(client, bidder, "member")
    rival = await firm_owner(client, phases=["dyeing"])
    outsider = await firm_owner(client, phases=["lasting"], region="Marche", province="FM")
    staff = await make_staff(app, await register(client))
    return District(client_owner, client_member, bidder, bidder_member, rival, outsider, staff)


# --- Facts set directly in the database ---------------------------------------------------


async def execute(app: FastAPI, statement: Any) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(statement)
        await session.commit()


async def pass_deadline(app: FastAPI, order_id: int) -> None:
    await execute(
        app,
        update(Order).where(Order.id == order_id).values(bid_deadline=now() - timedelta(hours=1)),
    )


async def suspend(app: FastAPI, firm_id: int, status: str = "suspended") -> None:
    await execute(app, update(Firm).where(Firm.id == firm_id).values(status=status))


async def hide_order(app: FastAPI, order_id: int) -> None:
    await execute(app, update(Order).where(Order.id == order_id).values(hidden=True))


async def same_group(app: FastAPI, *firm_ids: int) -> None:
    async with app.state.ctx.sessionmaker() as session:
        group = OwnershipGroup(name=f"Gruppo {next(_names)}")
        session.add(group)
        await session.flush()
        await session.execute(
            update(Firm).where(Firm.id.in_(firm_ids)).values(ownership_group_id=group.id)
        )
        await session.commit()


async def consortium_with(app: FastAPI, members: dict[int, str]) -> int:
    """A consortium whose member firms have the given status (active, pending, left)."""
    async with app.state.ctx.sessionmaker() as session:
        consortium = Consortium(name=f"Consorzio Export {next(_names)}", kind="export")
        session.add(consortium)
        await session.flush()
        assert consortium.id is not None
        session.add_all(
            [
                ConsortiumMember(consortium_id=consortium.id, firm_id=firm_id, status=status)
                for firm_id, status in members.items()
            ]
        )
        await session.commit()
        return consortium.id


async def count(app: FastAPI, model: Any, *where: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        stmt = select(func.count()).select_from(model)
        for condition in where:
            stmt = stmt.where(condition)
        return int(await session.scalar(stmt) or 0)


async def contract_rows(app: FastAPI, order_id: int) -> list[Contract]:
    async with app.state.ctx.sessionmaker() as session:
        return list(
            (await session.scalars(select(Contract).where(Contract.order_id == order_id))).all()
        )


async def bid_statuses(app: FastAPI, order_id: int) -> dict[int, str]:
    async with app.state.ctx.sessionmaker() as session:
        rows = await session.execute(select(Bid.id, Bid.status).where(Bid.order_id == order_id))
        return {bid_id: status for bid_id, status in rows.all()}


async def events_of(
    app: FastAPI, type_: str, order_id: int
) -> list[tuple[dict[str, Any], set[str]]]:
    """Each event of this type about this order, with its audience keys, oldest first."""
    async with app.state.ctx.sessionmaker() as session:
        events = (
            await session.scalars(select(Event).where(Event.type == type_).order_by(Event.id))
        ).all()
        result = []
        for event in events:
            if event.data.get("order_id") != order_id:
                continue
            keys = (
                await session.scalars(
                    select(EventAudience.audience_key).where(EventAudience.event_id == event.id)
                )
            ).all()
            result.append((event.data, set(keys)))
        return result


# --- What a request costs the database ------------------------------------------------------

_recording: contextvars.ContextVar[list[tuple[str, Any]] | None] = contextvars.ContextVar(
    "recording_statements", default=None
)


def _record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
    recorded = _recording.get()
    # BEGIN is SQLite's BEGIN IMMEDIATE (db.py); asyncpg begins without a statement.
    if recorded is not None and not statement.startswith("BEGIN"):
        recorded.append((statement, parameters))


@contextlib.asynccontextmanager
async def statements(app: FastAPI) -> AsyncIterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) run inside the block by this task: the
    app's background tasks run in contexts of their own and are not counted."""
    engine = app.state.ctx.engine.sync_engine
    recorded: list[tuple[str, Any]] = []
    token = _recording.set(recorded)
    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield recorded
    finally:
        event.remove(engine, "before_cursor_execute", _record)
        _recording.reset(token)
