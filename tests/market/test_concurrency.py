"""Races decided by the database: 20 simultaneous awards, 20 simultaneous bids.

Real parallelism needs PostgreSQL (the app's pool gives each request its own
connection); on SQLite the same tests pass because writers are serialised.
"""

import asyncio
from collections import Counter

import httpx
from fastapi import FastAPI

from distretto.models import Bid
from distretto.models.market import LIVE_BID_STATUSES
from tests.helpers import create_firm, firm_owner
from tests.market.builders import bid_body, contract_rows, count, district, place_bid, post_order

RACERS = 20


async def test_twenty_simultaneous_awards_make_one_contract(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    # Twenty bids from twenty firms (one owner keeps the set-up quick).
    supplier = await firm_owner(client, phases=["dyeing"])
    for _ in range(RACERS - 1):
        await create_firm(client, supplier, phases=["dyeing"])
    bids = [
        await place_bid(client, supplier, order["id"], firm_id=firm_id)
        for firm_id in supplier.firm_ids
    ]

    responses = await asyncio.gather(
        *(
            client.post(
                f"/orders/{order['id']}/award",
                json={"bid_id": bid["id"]},
                headers=d.client_owner.headers,
            )
            for bid in bids
        )
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: RACERS - 1}, [r.text for r in responses]
    [winner] = [r.json() for r in responses if r.status_code == 201]
    [contract] = await contract_rows(app, order["id"])
    assert contract.id == winner["id"] and contract.bid_id == winner["bid_id"]
    awarded = await count(app, Bid, Bid.order_id == order["id"], Bid.status == "awarded")
    rejected = await count(app, Bid, Bid.order_id == order["id"], Bid.status == "rejected")
    assert (awarded, rejected) == (1, RACERS - 1)


async def test_twenty_simultaneous_bids_of_one_firm_leave_one_live_bid(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    responses = await asyncio.gather(
        *(
            client.post(
                f"/orders/{order['id']}/bids",
                json=bid_body(d.bidder.firm_id, unit_price=f"3.{index:02d}"),
                headers=d.bidder.headers,
            )
            for index in range(RACERS)
        )
    )
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 1, 409: RACERS - 1}, [r.text for r in responses]
    live = await count(
        app,
        Bid,
        Bid.order_id == order["id"],
        Bid.firm_id == d.bidder.firm_id,
        Bid.status.in_(LIVE_BID_STATUSES),
    )
    assert live == 1


async def test_twin_requests_with_one_idempotency_key_create_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    headers = {"Idempotency-Key": "double-click", **d.bidder.headers}
    responses = await asyncio.gather(
        *(
            client.post(
                f"/orders/{order['id']}/bids", json=bid_body(d.bidder.firm_id), headers=headers
            )
            for _ in range(5)
        )
    )
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert await count(app, Bid, Bid.order_id == order["id"]) == 1
