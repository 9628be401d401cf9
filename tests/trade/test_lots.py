"""Deliveries in lots: recorded by the supplier with their DDT, checked by the client,
the contract complete when the accepted quantity reaches the order's within tolerance."""

import asyncio
from datetime import date
from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import Contract, DeliveryLot
from tests.market.builders import count
from tests.trade.builders import awarded, check, lot


async def _contract(app: FastAPI) -> Contract:
    async with app.state.ctx.sessionmaker() as session:
        return (await session.scalars(select(Contract))).one()


async def test_lots_sum_exactly_and_complete_the_contract(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="1250.5", tolerance="0", unit_price="0.035")
    first = await lot(client, a, "400.125", "DDT 101/26")
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["status"] == "pending" and body["quantity"] == "400.125"
    assert body["ddt_number"] == "DDT 101/26" and body["ddt_date"] == "2026-01-10"
    assert body["delivered_at"] is not None
    second = (await lot(client, a, "850.375", "DDT 102/26")).json()
    # 400.125 + 850.375 = 1250.5 exactly: not 1250.4999… as floats would make it.
    assert (await check(client, a, body["id"], "400.125")).status_code == 200
    mid = await client.get(a.url, headers=a.client.headers)
    assert mid.json()["status"] == "active" and mid.json()["accepted_quantity"] == "400.125"
    done = await check(client, a, second["id"], "850.375")
    assert done.status_code == 200 and done.json()["status"] == "accepted"
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    assert contract["status"] == "completed" and contract["accepted_quantity"] == "1250.5"
    assert contract["delivered_at"] is not None and contract["completed_at"] is not None
    listed = await client.get(f"{a.url}/deliveries", headers=a.supplier.headers)
    assert [x["ddt_number"] for x in listed.json()] == ["DDT 101/26", "DDT 102/26"]
    assert sum(Decimal(x["accepted_quantity"]) for x in listed.json()) == Decimal("1250.5")


async def test_tolerance_completes_short_and_refuses_beyond(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="1000", tolerance="5")
    over = await lot(client, a, "1050.001", "DDT 1")
    assert over.status_code == 409 and over.json()["code"] == "lot.over_delivery"
    assert over.json()["params"] == {"delivered": "1050.001", "allowed": "1050", "quantity": "1000"}
    assert await count(app, DeliveryLot) == 0
    first = (await lot(client, a, "900", "DDT 1")).json()
    too_much = await lot(client, a, "150.5", "DDT 2")  # 1050.5 > 1050
    assert too_much.status_code == 409
    await check(client, a, first["id"], "900")
    assert (await _contract(app)).status == "active"  # 900 < 950
    second = (await lot(client, a, "50", "DDT 2")).json()
    await check(client, a, second["id"], "50")
    assert (await _contract(app)).status == "completed"  # 950 = 1000 - 5%


async def test_rejected_quantities_do_not_count_and_may_be_sent_again(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    first = (await lot(client, a, "100", "DDT 7")).json()
    assert (await lot(client, a, "1", "DDT 8")).status_code == 409  # pending counts whole
    checked = await check(client, a, first["id"], "80", "20")
    assert checked.json()["accepted_quantity"] == "80"
    assert checked.json()["rejected_quantity"] == "20"
    assert (await _contract(app)).status == "active"
    resent = await lot(client, a, "20", "DDT 9")
    assert resent.status_code == 201
    await check(client, a, resent.json()["id"], "20")
    assert (await _contract(app)).status == "completed"


async def test_lot_check_refusals(client: httpx.AsyncClient, app: FastAPI) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    first = (await lot(client, a, "60", "DDT 1")).json()
    mismatch = await check(client, a, first["id"], "50", "5")
    assert mismatch.status_code == 422 and mismatch.json()["code"] == "lot.quantities_mismatch"
    by_supplier = await client.post(
        f"{a.url}/deliveries/{first['id']}/accept",
        json={"accepted_quantity": "60"},
        headers=a.supplier.headers,
    )
    assert by_supplier.status_code == 403
    by_client = await client.post(
        f"{a.url}/deliveries",
        json={"quantity": "1", "ddt_number": "X", "ddt_date": "2026-01-01"},
        headers=a.client.headers,
    )
    assert by_client.status_code == 403
    outsider = await client.get(f"{a.url}/deliveries", headers=a.d.outsider.headers)
    assert outsider.status_code == 404
    future = await lot(client, a, "1", "DDT 2", ddt_date="2999-01-01")
    assert future.status_code == 422 and future.json()["code"] == "lot.ddt_date_future"
    again = await lot(client, a, "1", "DDT 1")
    assert again.status_code == 409 and again.json()["code"] == "lot.duplicate_ddt"
    assert (await check(client, a, first["id"], "60")).status_code == 200
    twice = await check(client, a, first["id"], "60")
    assert twice.status_code == 409 and twice.json()["code"] == "lot.not_pending"
    missing = await check(client, a, 987654, "1")
    assert missing.status_code == 404 and missing.json()["code"] == "lot.not_found"
    assert (await lot(client, a, "0", "DDT 3")).status_code == 422
    assert (await lot(client, a, "1.0001", "DDT 3")).status_code == 422


async def test_a_disputed_lot_sends_the_contract_to_staff(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    first = (await lot(client, a, "100", "DDT 5/26")).json()
    disputed = await client.post(
        f"{a.url}/deliveries/{first['id']}/dispute",
        json={"reason": "Colore fuori tolleranza, delta E 2,5"},
        headers=a.client.headers,
    )
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    assert contract["status"] == "disputed"
    assert contract["dispute_reason"].startswith("DDT 5/26: Colore")
    # No more lots while staff decide.
    closed = await lot(client, a, "1", "DDT 6/26")
    assert closed.status_code == 409 and closed.json()["code"] == "lot.contract_not_open"


async def test_the_old_one_step_flow_is_one_lot(client: httpx.AsyncClient, app: FastAPI) -> None:
    a = await awarded(client, app, quantity="300")
    first = (await lot(client, a, "100", "DDT 1")).json()
    await check(client, a, first["id"], "100")
    delivered = await client.post(f"{a.url}/deliver", headers=a.supplier.headers)
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    lots = (await client.get(f"{a.url}/deliveries", headers=a.client.headers)).json()
    assert [x["quantity"] for x in lots] == ["100", "200"]  # the outstanding rest
    accepted = await client.post(f"{a.url}/accept", headers=a.client.headers)
    assert accepted.status_code == 200 and accepted.json()["status"] == "completed"
    assert accepted.json()["accepted_quantity"] == "300"


async def test_a_late_lot_is_recorded_late(client: httpx.AsyncClient, app: FastAPI) -> None:
    from sqlalchemy import update

    a = await awarded(client, app, quantity="10", tolerance="0")
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Contract).values(due_date=date(2020, 1, 1)))
        await session.commit()
    late = (await lot(client, a, "10", "DDT 1")).json()
    assert late["on_time"] is False
    await check(client, a, late["id"], "10")
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    assert contract["status"] == "completed" and contract["on_time"] is False


async def test_concurrent_lots_never_exceed_the_tolerance(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    responses = await asyncio.gather(*[lot(client, a, "60", f"DDT {i}") for i in range(4)])
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert await count(app, DeliveryLot) == 1


async def test_concurrent_checks_of_one_lot_count_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    first = (await lot(client, a, "100", "DDT 1")).json()
    responses = await asyncio.gather(*[check(client, a, first["id"], "100") for _ in range(3)])
    assert sorted(r.status_code for r in responses) == [200, 409, 409]
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    assert contract["status"] == "completed" and contract["accepted_quantity"] == "100"


async def test_concurrent_last_lots_complete_the_contract_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="0")
    one = (await lot(client, a, "50", "DDT 1")).json()
    two = (await lot(client, a, "50", "DDT 2")).json()
    responses = await asyncio.gather(
        check(client, a, one["id"], "50"), check(client, a, two["id"], "50")
    )
    assert [r.status_code for r in responses] == [200, 200]
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    assert contract["status"] == "completed" and contract["accepted_quantity"] == "100"
