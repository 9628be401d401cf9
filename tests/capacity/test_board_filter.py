"""The board's "fits my capacity" filter."""

from typing import Any

import httpx
from fastapi import FastAPI

from tests.capacity.builders import declare, entry
from tests.helpers import add_member, problem_fields
from tests.market.builders import day, district, place_bid, post_order


async def _fitting(
    client: httpx.AsyncClient, headers: dict[str, str], firm_id: int, **params: Any
) -> list[int]:
    response = await client.get(
        "/orders",
        params={"fits_capacity": "true", "firm_id": firm_id, **params},
        headers=headers,
    )
    assert response.status_code == 200, response.text
    return [o["id"] for o in response.json()["items"]]


async def test_orders_the_firm_has_the_free_capacity_for(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    # 600 kg a week for the next five weeks: 3000 kg before an order due in 5 weeks.
    await declare(client, d.bidder, [entry(w, "600") for w in range(0, 5)])
    fits = await post_order(client, d.client_owner, quantity=2400, unit="Kg", delivery_due=day(30))
    too_big = await post_order(client, d.client_owner, quantity=5000, delivery_due=day(30))
    # Only the weeks before delivery count: one week of capacity before this one is due.
    too_soon = await post_order(
        client, d.client_owner, quantity=2400, bid_deadline=day(1), delivery_due=day(2)
    )
    other_unit = await post_order(client, d.client_owner, quantity=100, unit="m")
    other_phase = await post_order(client, d.client_owner, quantity=100, phase="weaving")
    own = await post_order(client, d.bidder, quantity=100)
    everything = {fits["id"], too_big["id"], too_soon["id"], other_unit["id"], other_phase["id"]}
    assert everything | {own["id"]} <= set(
        o["id"] for o in (await client.get("/orders", headers=d.bidder.headers)).json()["items"]
    )

    member = d.bidder_member
    assert await _fitting(client, member.headers, d.bidder.firm_id) == [fits["id"]]
    # Combined with the other filters (status, phase, search) as usual.
    assert await _fitting(client, member.headers, d.bidder.firm_id, phase="weaving") == []
    assert await _fitting(client, member.headers, d.bidder.firm_id, status="open") == [fits["id"]]


async def test_booked_capacity_is_no_longer_free(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    await declare(client, d.bidder, [entry(w, "1000") for w in range(0, 5)])
    earlier = await post_order(client, d.client_owner, quantity=3000, delivery_due=day(30))
    later = await post_order(client, d.client_owner, quantity=3000, delivery_due=day(30))
    assert set(await _fitting(client, d.bidder.headers, d.bidder.firm_id)) == {
        earlier["id"],
        later["id"],
    }
    bid = await place_bid(client, d.bidder, earlier["id"], delivery_date=day(28))
    awarded = await client.post(
        f"/orders/{earlier['id']}/award", json={"bid_id": bid["id"]}, headers=d.client_owner.headers
    )
    assert awarded.status_code == 201
    assert await _fitting(client, d.bidder.headers, d.bidder.firm_id) == []


async def test_only_members_of_the_firm_filter_by_its_capacity(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await declare(client, d.bidder, [entry(0, "5000")])
    url = "/orders"
    params = {"fits_capacity": "true", "firm_id": d.bidder.firm_id}
    assert (await client.get(url, params=params)).status_code == 401
    assert (await client.get(url, params=params, headers=d.rival.headers)).status_code == 404
    assert (await client.get(url, params=params, headers=d.staff.headers)).status_code == 404
    missing = await client.get(url, params={"fits_capacity": "true"}, headers=d.rival.headers)
    assert missing.status_code == 422 and "firm_id" in problem_fields(missing)
    manager = await add_member(client, d.bidder, "manager")
    assert (await client.get(url, params=params, headers=manager.headers)).status_code == 200
