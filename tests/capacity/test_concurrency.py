"""Concurrent awards and declarations keep the calendar's arithmetic exact."""

import asyncio
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.capacity.repository import CapacityRepository
from distretto.capacity.weeks import monday_of
from distretto.kit import clock
from distretto.models import CapacityBooking, CapacityWeek
from tests.capacity.builders import calendar, declare, entry
from tests.market.builders import day, district, place_bid, post_order

CONCURRENT = 20


@pytest.mark.postgres_only
async def test_concurrent_awards_to_one_supplier_book_exactly(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await declare(client, d.bidder, [entry(w, "5000") for w in range(0, 4)])
    awards = []
    for i in range(CONCURRENT):
        order = await post_order(client, d.client_owner, quantity=1000 + i, delivery_due=day(30))
        bid = await place_bid(client, d.bidder, order["id"], delivery_date=day(20))
        awards.append((order["id"], bid["id"]))

    async def award(order_id: int, bid_id: int) -> int:
        response = await client.post(
            f"/orders/{order_id}/award", json={"bid_id": bid_id}, headers=d.client_owner.headers
        )
        return response.status_code

    async def redeclare() -> int:
        response = await client.put(
            f"/firms/{d.bidder.firm_id}/capacity",
            json=[entry(w, "5000") for w in range(0, 4)],
            headers=d.bidder.headers,
        )
        return response.status_code

    codes = await asyncio.gather(*(award(o, b) for o, b in awards), redeclare(), redeclare())
    assert codes == [201] * CONCURRENT + [200, 200]
    expected = sum(Decimal(1000 + i) for i in range(CONCURRENT))
    seen = await calendar(client, d.bidder, d.bidder.firm_id)
    assert sum(Decimal(v["booked"]) for v in seen.values()) == expected
    async with app.state.ctx.sessionmaker() as session:
        bookings = (await session.scalars(select(CapacityBooking))).all()
    assert sum(b.quantity for b in bookings) == expected
    # The declarations raced the awards (no deadlock, no 500) and kept what they declared.
    assert {v["declared"] for v in seen.values()} == {"5000.000"}


@pytest.mark.postgres_only
async def test_the_booking_statement_alone_adds_exactly(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The atomic ``booked = booked + q`` on its own, without the per-firm lock: no
    concurrent increment is lost, on a slot that does not exist yet either."""
    d = await district(client, app)
    now = clock.now()
    monday = monday_of(now.date())

    async def book(i: int) -> None:
        async with app.state.ctx.sessionmaker() as session:
            await CapacityRepository(session).book(
                d.bidder.firm_id, "dyeing", "kg", monday, Decimal(f"{i}.125"), now
            )
            await session.commit()

    await asyncio.gather(*(book(i) for i in range(CONCURRENT)))
    async with app.state.ctx.sessionmaker() as session:
        [slot] = (await session.scalars(select(CapacityWeek))).all()
    assert slot.booked == sum(Decimal(f"{i}.125") for i in range(CONCURRENT))
    assert slot.declared == Decimal(0)
