"""Builders for contract and reputation tests: contracts inserted as the award leaves them.

Contracts (with the order and the winning bid they come from) are written straight to
the database, in any state and with any timestamps, so the tests can set up a year of
history or a contract completed 15 days ago without waiting for the calendar.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, update

from distretto.kit.clock import get_clock
from distretto.models import Bid, Contract, Firm, Order, Review
from tests.helpers import Actor, firm_owner

NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


@contextmanager
def fixed_clock(app: FastAPI, at: datetime) -> Iterator[None]:
    """Every request inside the block sees ``at`` as the server's time."""
    app.dependency_overrides[get_clock] = lambda: lambda: at
    try:
        yield
    finally:
        app.dependency_overrides.pop(get_clock, None)


async def insert_contract(
    app: FastAPI,
    client_firm_id: int,
    supplier_firm_id: int,
    *,
    phase: str = "weaving",
    quantity: int = 1000,
    unit_price: str = "10.00",
    due_date: date | None = None,
    status: str = "active",
    created_at: datetime | None = None,
    **stamps: Any,
) -> int:
    """An awarded order, its winning bid and the contract; ``stamps`` set contract fields."""
    created = created_at or NOW - timedelta(days=40)
    due = due_date or (created + timedelta(days=30)).date()
    price = Decimal(unit_price)
    async with app.state.ctx.sessionmaker() as session:
        order = Order(
            client_firm_id=client_firm_id,
            title=f"Lavorazione {phase} {quantity} pezzi",
            phase=phase,
            quantity=quantity,
            unit="pezzi",
            bid_deadline=created - timedelta(days=1),
            delivery_due=due,
            region="Toscana",
            status="awarded",
            created_at=created - timedelta(days=10),
        )
        session.add(order)
        await session.flush()
        bid = Bid(
            order_id=order.id,
            firm_id=supplier_firm_id,
            unit_price=price,
            total_price=price * quantity,
            delivery_date=due,
            status="awarded",
            created_at=created - timedelta(days=5),
        )
        session.add(bid)
        await session.flush()
        contract = Contract(
            order_id=order.id,
            bid_id=bid.id,
            client_firm_id=client_firm_id,
            supplier_firm_id=supplier_firm_id,
            phase=phase,
            quantity=quantity,
            unit="pezzi",
            unit_price=price,
            total_price=price * quantity,
            due_date=due,
            status=status,
            created_at=created,
            **stamps,
        )
        session.add(contract)
        await session.commit()
        assert contract.id is not None
        return contract.id


async def completed_contract(
    app: FastAPI,
    client_firm_id: int,
    supplier_firm_id: int,
    *,
    completed_at: datetime,
    days_late: int = 0,
    **fields: Any,
) -> int:
    """A contract delivered ``days_late`` days after its due date, then accepted."""
    due = (completed_at - timedelta(days=2)).date()
    delivered = datetime.combine(due, datetime.min.time(), tzinfo=UTC) + timedelta(
        days=days_late, hours=12
    )
    return await insert_contract(
        app,
        client_firm_id,
        supplier_firm_id,
        status="completed",
        due_date=due,
        created_at=completed_at - timedelta(days=40),
        delivered_at=min(delivered, completed_at),
        completed_at=completed_at,
        **fields,
    )


async def insert_review(
    app: FastAPI,
    contract_id: int,
    reviewer_firm_id: int,
    *,
    stars: tuple[int, int, int] = (5, 5, 5),
    created_at: datetime | None = None,
    hidden: bool = False,
) -> int:
    async with app.state.ctx.sessionmaker() as session:
        contract = await session.get(Contract, contract_id)
        assert contract is not None
        by_client = reviewer_firm_id == contract.client_firm_id
        review = Review(
            contract_id=contract_id,
            reviewer_firm_id=reviewer_firm_id,
            reviewee_firm_id=contract.supplier_firm_id if by_client else contract.client_firm_id,
            reviewee_role="supplier" if by_client else "client",
            quality=stars[0],
            timeliness=stars[1],
            communication=stars[2],
            comment="",
            hidden=hidden,
            created_at=created_at or NOW,
        )
        session.add(review)
        await session.commit()
        assert review.id is not None
        return review.id


async def set_contract(app: FastAPI, contract_id: int, **values: Any) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Contract).where(Contract.id == contract_id).values(**values))
        await session.commit()


async def set_firm(app: FastAPI, firm_id: int, **values: Any) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Firm).where(Firm.id == firm_id).values(**values))
        await session.commit()


async def count(app: FastAPI, model: Any, *where: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        stmt = select(func.count()).select_from(model)
        if where:
            stmt = stmt.where(*where)
        return int(await session.scalar(stmt) or 0)


@dataclass
class Deal:
    """A contract between two firms, with each firm's owner."""

    contract_id: int
    client: Actor
    supplier: Actor

    @property
    def url(self) -> str:
        return f"/contracts/{self.contract_id}"


async def deal(
    client: httpx.AsyncClient, app: FastAPI, status: str = "active", **fields: Any
) -> Deal:
    buyer = await firm_owner(client, phases=["apparel"])
    maker = await firm_owner(client, phases=["weaving"])
    contract_id = await insert_contract(app, buyer.firm_id, maker.firm_id, status=status, **fields)
    return Deal(contract_id, buyer, maker)


async def mark_disputed(app: FastAPI, contract_id: int) -> None:
    """Record that the contract went through a dispute: staff may read it from then on."""
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(Contract).where(Contract.id == contract_id).values(disputed_at=NOW)
        )
        await session.commit()
