"""Bids below the tariff minimum: marked for the bidder and the client, in events, and
in the staff report of awards."""

import httpx
from fastapi import FastAPI

from tests.market.builders import district, events_of, pass_deadline, place_bid, post_order
from tests.tariffs.builders import day, publish


async def test_a_bid_below_the_minimum_is_marked_for_bidder_and_client(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await publish(client, d.staff, phase="dyeing", unit="kg", min_price="3.00")
    order = await post_order(client, d.client_owner, unit="KG")
    low = await place_bid(client, d.bidder, order["id"], unit_price="2.90")
    fair = await place_bid(client, d.rival, order["id"], unit_price="3.00")
    assert low["below_tariff"] is True
    assert fair["below_tariff"] is False

    seen_by_client = (
        await client.get(f"/orders/{order['id']}/bids", headers=d.client_owner.headers)
    ).json()["items"]
    assert {b["id"]: b["below_tariff"] for b in seen_by_client} == {
        low["id"]: True,
        fair["id"]: False,
    }
    own = (await client.get(f"/bids/{low['id']}", headers=d.bidder_member.headers)).json()
    assert own["below_tariff"] is True
    [(created, audience)] = [
        e for e in await events_of(app, "bid.created", order["id"]) if e[0]["bid_id"] == low["id"]
    ]
    assert created["below_tariff"] is True
    assert audience == {f"firm:{d.client_owner.firm_id}", f"firm:{d.bidder.firm_id}"}


async def test_revising_prices_the_bid_anew(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    await publish(client, d.staff, min_price="3.00")
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="3.20")
    assert bid["below_tariff"] is False
    revised = await client.patch(
        f"/bids/{bid['id']}", json={"unit_price": "2.75"}, headers=d.bidder.headers
    )
    assert revised.status_code == 200 and revised.json()["below_tariff"] is True
    [(updated, _)] = await events_of(app, "bid.updated", order["id"])
    assert updated["below_tariff"] is True


async def test_no_tariff_or_another_unit_means_not_below(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, unit="kg")
    assert (await place_bid(client, d.bidder, order["id"], unit_price="0.50"))[
        "below_tariff"
    ] is False
    await publish(client, d.staff, unit="m", min_price="3.00")
    other = await post_order(client, d.client_owner, unit="kg")
    assert (await place_bid(client, d.bidder, other["id"], unit_price="0.50"))[
        "below_tariff"
    ] is False


async def test_the_mark_is_fixed_at_bid_time(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="2.00")
    await publish(client, d.staff, min_price="3.00")
    again = (await client.get(f"/bids/{bid['id']}", headers=d.bidder.headers)).json()
    assert again["below_tariff"] is False


async def test_sealed_bids_hide_the_mark_from_the_client_until_the_deadline(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await publish(client, d.staff, min_price="3.00")
    order = await post_order(client, d.client_owner, sealed=True)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="2.50")
    assert bid["below_tariff"] is True
    [seen] = (
        await client.get(f"/orders/{order['id']}/bids", headers=d.client_owner.headers)
    ).json()["items"]
    assert seen["amounts_hidden"] is True and seen["below_tariff"] is None
    [(created, _)] = await events_of(app, "bid.created", order["id"])
    assert "below_tariff" not in created
    await pass_deadline(app, order["id"])
    [seen] = (
        await client.get(f"/orders/{order['id']}/bids", headers=d.client_owner.headers)
    ).json()["items"]
    assert seen["below_tariff"] is True


async def test_staff_report_awards_below_the_minimum_by_phase(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await publish(client, d.staff, min_price="3.00")
    below = await post_order(client, d.client_owner, quantity=1000)
    fair = await post_order(client, d.client_owner, quantity=500)
    low_bid = await place_bid(client, d.bidder, below["id"], unit_price="2.80")
    fair_bid = await place_bid(client, d.bidder, fair["id"], unit_price="3.10")
    for order, bid in ((below, low_bid), (fair, fair_bid)):
        awarded = await client.post(
            f"/orders/{order['id']}/award",
            json={"bid_id": bid["id"]},
            headers=d.client_owner.headers,
        )
        assert awarded.status_code == 201, awarded.text

    report = await client.get("/moderation/below-tariff", headers=d.staff.headers)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["phases"] == [
        {"phase": "dyeing", "awards": 1, "total_amount": "2800.00", "shortfall": "200.00"}
    ]
    [item] = body["items"]
    assert item["order_id"] == below["id"]
    assert item["unit_price"] == "2.80" and item["min_price"] == "3.00"
    assert item["supplier_firm_id"] == d.bidder.firm_id
    assert body["truncated"] is False
    other_phase = await client.get(
        "/moderation/below-tariff", params={"phase": "stitching"}, headers=d.staff.headers
    )
    assert other_phase.json() == {"phases": [], "items": [], "truncated": False}

    for person in (d.client_owner, d.bidder):
        refused = await client.get("/moderation/below-tariff", headers=person.headers)
        assert refused.status_code == 403
    assert (await client.get("/moderation/below-tariff")).status_code == 401


async def test_only_the_tariff_in_force_prices_a_bid(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await publish(
        client,
        d.staff,
        min_price="5.00",
        typical_price="5.50",
        valid_from=day(-90),
        valid_until=day(-1),
    )
    await publish(client, d.staff, min_price="4.00", typical_price="4.50", valid_from=day(5))
    order = await post_order(client, d.client_owner)
    # The first version has expired, the second has not begun: no tariff holds today.
    assert (await place_bid(client, d.bidder, order["id"], unit_price="2.00"))[
        "below_tariff"
    ] is False
    await publish(client, d.staff, min_price="2.50", typical_price="3.00", valid_from=day(0))
    other = await post_order(client, d.client_owner)
    assert (await place_bid(client, d.bidder, other["id"], unit_price="2.00"))[
        "below_tariff"
    ] is True
