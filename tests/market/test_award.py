"""The award: one bid wins, a contract is born, the others are told."""

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import Bid, Contract
from tests.helpers import problem_fields
from tests.market.builders import (
    bid_statuses,
    contract_rows,
    count,
    day,
    district,
    events_of,
    execute,
    pass_deadline,
    place_bid,
    post_order,
    suspend,
)

# The contract fields API.md promises in the award's answer (``id`` aside).
CONTRACT_FIELDS = (
    "order_id",
    "bid_id",
    "client_firm_id",
    "supplier_firm_id",
    "phase",
    "quantity",
    "unit_price",
    "total_price",
    "due_date",
    "status",
    "delivered_at",
    "completed_at",
)


async def _award(
    client: httpx.AsyncClient, actor, order_id: int, bid_id: int, **headers: str
) -> httpx.Response:
    return await client.post(
        f"/orders/{order_id}/award", json={"bid_id": bid_id}, headers={**actor.headers, **headers}
    )


async def test_award_creates_the_contract_and_rejects_the_others(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity=300, unit="m")
    winner = await place_bid(
        client, d.bidder, order["id"], unit_price="12.34", delivery_date=day(25)
    )
    loser = await place_bid(client, d.rival, order["id"], unit_price="11.99")
    gone = await place_bid(client, d.outsider, order["id"], unit_price="10.01")
    await client.post(f"/bids/{gone['id']}/withdraw", headers=d.outsider.headers)

    response = await _award(client, d.client_owner, order["id"], winner["id"])
    assert response.status_code == 201, response.text
    contract = response.json()
    assert {k: contract[k] for k in CONTRACT_FIELDS} == {
        "order_id": order["id"],
        "bid_id": winner["id"],
        "client_firm_id": d.client_owner.firm_id,
        "supplier_firm_id": d.bidder.firm_id,
        "phase": "dyeing",
        "quantity": "300",
        "unit_price": "12.34",
        "total_price": "3702.00",
        "due_date": day(25),
        "status": "active",
        "delivered_at": None,
        "completed_at": None,
    }
    # The award hands over to the contract: the same body its own route returns.
    for party in (d.client_owner, d.bidder):
        same = await client.get(f"/contracts/{contract['id']}", headers=party.headers)
        assert same.status_code == 200 and same.json() == contract
    [row] = await contract_rows(app, order["id"])
    assert row.id == contract["id"] and row.due_date.isoformat() == day(25)
    assert await bid_statuses(app, order["id"]) == {
        winner["id"]: "awarded",
        loser["id"]: "rejected",
        gone["id"]: "withdrawn",
    }
    seen = (await client.get(f"/orders/{order['id']}", headers=d.rival.headers)).json()
    assert seen["status"] == "awarded"

    [(awarded, audience)] = await events_of(app, "order.awarded", order["id"])
    assert audience == {
        f"firm:{d.client_owner.firm_id}",
        f"firm:{d.bidder.firm_id}",
        f"firm:{d.rival.firm_id}",
    }
    assert awarded["winning_bid_id"] == winner["id"]
    assert "12.34" not in str(awarded) and "3702" not in str(awarded)
    [(rejected, to_loser)] = await events_of(app, "bid.rejected", order["id"])
    assert rejected["bid_id"] == loser["id"] and to_loser == {f"firm:{d.rival.firm_id}"}
    [(created, parties)] = await events_of(app, "contract.created", order["id"])
    assert created["contract_id"] == contract["id"] and created["total_price"] == "3702.00"
    assert parties == {f"firm:{d.client_owner.firm_id}", f"firm:{d.bidder.firm_id}"}

    # Exactly once: any later award is a conflict, whatever bid it names.
    again = await _award(client, d.client_owner, order["id"], loser["id"])
    assert again.status_code == 409
    assert len(await contract_rows(app, order["id"])) == 1


async def test_award_after_the_deadline_is_how_sealed_bids_are_compared(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, sealed=True)
    bid = await place_bid(client, d.bidder, order["id"])
    await pass_deadline(app, order["id"])
    response = await _award(client, d.client_owner, order["id"], bid["id"])
    assert response.status_code == 201


async def test_only_a_live_active_bid_of_this_order_can_win(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    other = await post_order(client, d.client_owner)
    stale = await place_bid(client, d.bidder, order["id"])
    withdrawn = await place_bid(client, d.rival, order["id"])
    await client.post(f"/bids/{withdrawn['id']}/withdraw", headers=d.rival.headers)
    elsewhere = await place_bid(client, d.outsider, other["id"])
    moderated = await place_bid(client, d.outsider, order["id"])
    await execute(app, update(Bid).where(Bid.id == moderated["id"]).values(hidden=True))
    await client.patch(
        f"/orders/{order['id']}", json={"quantity": 2500}, headers=d.client_owner.headers
    )
    unconfirmed = await _award(client, d.client_owner, order["id"], stale["id"])
    assert unconfirmed.status_code == 409 and "confirm" in unconfirmed.json()["detail"]
    assert (await _award(client, d.client_owner, order["id"], withdrawn["id"])).status_code == 409
    # Another order's bid, no bid, a bid moderation hid from the client: none is a choice.
    for foreign in (elsewhere["id"], 999_999, moderated["id"]):
        refused = await _award(client, d.client_owner, order["id"], foreign)
        assert refused.status_code == 422 and "bid_id" in problem_fields(refused)
    bad = await client.post(
        f"/orders/{order['id']}/award", json={"bid_id": "first"}, headers=d.client_owner.headers
    )
    assert bad.status_code == 422 and "bid_id" in problem_fields(bad)
    # Nothing moved: the order is still open, the bid still waiting for confirmation.
    assert (await client.get(f"/orders/{order['id']}", headers=d.client_owner.headers)).json()[
        "status"
    ] == "open"
    await client.post(f"/bids/{stale['id']}/confirm", headers=d.bidder.headers)
    assert (await _award(client, d.client_owner, order["id"], stale["id"])).status_code == 201


async def test_who_may_award(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    invited = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    bid = await place_bid(client, d.bidder, order["id"])
    hidden_bid = await place_bid(client, d.bidder, invited["id"])
    assert (
        await client.post(f"/orders/{order['id']}/award", json={"bid_id": bid["id"]})
    ).status_code == 401
    assert (await _award(client, d.rival, order["id"], bid["id"])).status_code == 403
    assert (await _award(client, d.rival, invited["id"], hidden_bid["id"])).status_code == 404
    assert (await _award(client, d.bidder, order["id"], bid["id"])).status_code == 403
    assert (await _award(client, d.staff, order["id"], bid["id"])).status_code == 403
    assert (await _award(client, d.client_member, order["id"], bid["id"])).status_code == 403
    await suspend(app, d.client_owner.firm_id)
    refused = await _award(client, d.client_owner, order["id"], bid["id"])
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]
    assert await count(app, Contract, Contract.order_id == order["id"]) == 0


async def test_a_suspended_supplier_cannot_be_awarded(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    await suspend(app, d.bidder.firm_id)
    response = await _award(client, d.client_owner, order["id"], bid["id"])
    assert response.status_code == 409
    assert await count(app, Contract, Contract.order_id == order["id"]) == 0


async def test_cancelled_and_draft_orders_cannot_be_awarded(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    await client.post(f"/orders/{order['id']}/cancel", headers=d.client_owner.headers)
    assert (await _award(client, d.client_owner, order["id"], bid["id"])).status_code == 409
    draft = await post_order(client, d.client_owner, status="draft")
    assert (await _award(client, d.client_owner, draft["id"], bid["id"])).status_code == 422


async def test_idempotent_award(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    first_bid = await place_bid(client, d.bidder, order["id"])
    second_bid = await place_bid(client, d.rival, order["id"])
    key = {"Idempotency-Key": "award-2026-0001"}
    first = await _award(client, d.client_owner, order["id"], first_bid["id"], **key)
    assert first.status_code == 201
    replay = await _award(client, d.client_owner, order["id"], first_bid["id"], **key)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    changed = await _award(client, d.client_owner, order["id"], second_bid["id"], **key)
    assert changed.status_code == 422 and "Idempotency-Key" in problem_fields(changed)
    assert len(await contract_rows(app, order["id"])) == 1
    assert len(await events_of(app, "contract.created", order["id"])) == 1
