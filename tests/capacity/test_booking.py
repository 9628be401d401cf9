"""An award books the supplier's capacity over the weeks up to delivery."""

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.capacity import service
from distretto.models import CapacityBooking, CapacityWeek, Contract, Event
from tests.capacity.builders import calendar, declare, entry, week
from tests.helpers import Actor
from tests.market.builders import day, district, place_bid, post_order
from tests.observatory.builders import market_row


async def _award(client: httpx.AsyncClient, owner: Actor, order_id: int, bid_id: int) -> None:
    response = await client.post(
        f"/orders/{order_id}/award",
        json={"bid_id": bid_id},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text


async def test_an_award_spreads_the_quantity_over_the_weeks_to_delivery(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await declare(client, d.bidder, [entry(w, "1000") for w in range(0, 6)])
    order = await post_order(client, d.client_owner, quantity=2000, unit="KG")
    bid = await place_bid(client, d.bidder, order["id"], delivery_date=day(14))
    await _award(client, d.client_owner, order["id"], bid["id"])

    seen = await calendar(client, d.rival, d.bidder.firm_id)
    booked = {k[2]: Decimal(v["booked"]) for k, v in seen.items() if Decimal(v["booked"])}
    assert sum(booked.values()) == Decimal(2000)
    # From the award's week through the delivery week, evenly, the remainder last.
    weeks = sorted(booked)
    assert weeks[0] == week(0) and len(weeks) in (3, 4)
    assert len(set(list(booked.values())[:-1])) == 1
    for label, amount in booked.items():
        assert Decimal(seen[("dyeing", "kg", label)]["free"]) == Decimal(1000) - amount
    async with app.state.ctx.sessionmaker() as session:
        rows = (await session.scalars(select(CapacityBooking))).all()
    assert sum(r.quantity for r in rows) == Decimal(2000)
    assert {r.unit for r in rows} == {"kg"}


async def test_overbooking_is_allowed_shown_and_announced_to_the_supplier(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await declare(client, d.bidder, [entry(0, "100"), entry(1, "100")])
    order = await post_order(client, d.client_owner, quantity=1000)
    bid = await place_bid(client, d.bidder, order["id"], delivery_date=day(1))
    await _award(client, d.client_owner, order["id"], bid["id"])
    seen = await calendar(client, d.bidder, d.bidder.firm_id)
    booked = [v for v in seen.values() if Decimal(v["booked"])]
    assert sum(Decimal(v["booked"]) for v in booked) == Decimal(1000)
    for slot in booked:
        assert slot["free"] == "0.000"
        assert Decimal(slot["overbooked"]) == Decimal(slot["booked"]) - Decimal(slot["declared"])
    async with app.state.ctx.sessionmaker() as session:
        [event] = (
            await session.scalars(select(Event).where(Event.type == "capacity.overbooked"))
        ).all()
    assert event.data["firm_id"] == d.bidder.firm_id
    assert event.data["phase"] == "dyeing" and event.data["unit"] == "kg"
    inbox = (await client.get("/notifications", headers=d.bidder.headers)).json()["items"]
    assert "capacity.overbooked" in {n["type"] for n in inbox}
    client_inbox = (await client.get("/notifications", headers=d.client_owner.headers)).json()
    assert "capacity.overbooked" not in {n["type"] for n in client_inbox["items"]}


async def test_a_firm_without_a_calendar_is_booked_but_not_alarmed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity=300)
    bid = await place_bid(client, d.bidder, order["id"])
    await _award(client, d.client_owner, order["id"], bid["id"])
    seen = await calendar(client, d.bidder, d.bidder.firm_id)
    assert sum(Decimal(v["booked"]) for v in seen.values()) == Decimal(300)
    async with app.state.ctx.sessionmaker() as session:
        assert not (
            await session.scalars(select(Event).where(Event.type == "capacity.overbooked"))
        ).all()


async def test_booking_across_the_iso_year_boundary(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order_id = await market_row(
        app,
        client_firm_id=d.client_owner.firm_id,
        supplier_firm_id=d.bidder.firm_id,
        at=datetime(2026, 12, 15, tzinfo=UTC),
        unit="kg",
        quantity=1001,
        due=date(2027, 1, 12),
    )
    awarded_at = datetime(2026, 12, 23, 9, tzinfo=UTC)
    async with app.state.ctx.sessionmaker() as session:
        contract = (
            await session.scalars(select(Contract).where(Contract.order_id == order_id))
        ).one()
        await service.book_award(session, contract, awarded_at)
        await session.commit()
        slots = (
            await session.scalars(select(CapacityWeek).order_by(CapacityWeek.week_start))
        ).all()
    assert [(s.week_start.isoformat(), s.booked) for s in slots] == [
        ("2026-12-21", Decimal("250.250")),
        ("2026-12-28", Decimal("250.250")),
        ("2027-01-04", Decimal("250.250")),
        ("2027-01-11", Decimal("250.250")),
    ]
    # Those weeks are past for this test's clock; asked for, the W53 slot is there.
    response = await client.get(
        f"/firms/{d.bidder.firm_id}/capacity",
        params={"from": "2026-W52", "to": "2027-W01"},
        headers=d.rival.headers,
    )
    assert [i["week"] for i in response.json()["items"]] == ["2026-W52", "2026-W53", "2027-W01"]
