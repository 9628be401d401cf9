"""The market, driven through its routes, heard live: bids stay between bidder and client."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import Actor, firm_owner
from tests.market.builders import consortium_with
from tests.realtime.builders import BARRIER, barrier, live


async def _post(client: httpx.AsyncClient, actor: Actor, path: str, body: dict[str, Any]) -> Any:
    response = await client.post(path, json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return response.json()


def _order(firm_id: int, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "firm_id": firm_id,
        "title": "Tintura filo cardato blu navy",
        "description": "Lana rigenerata, solidità alla luce 5",
        "phase": "dyeing",
        "quantity": 2000,
        "unit": "kg",
        "bid_deadline": (now + timedelta(days=7)).isoformat(),
        "delivery_due": (now + timedelta(days=40)).date().isoformat(),
        "visibility": "public",
        **overrides,
    }


def _bid(firm_id: int, unit_price: str) -> dict[str, Any]:
    delivery = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    return {"firm_id": firm_id, "unit_price": unit_price, "delivery_date": delivery}


async def test_a_competitor_never_hears_of_another_firms_bid(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    buyer = await firm_owner(client, phases=["weaving"])
    bidder = await firm_owner(client, phases=["dyeing"])
    competitor = await firm_owner(client, phases=["dyeing"])
    outsider = await firm_owner(client, phases=["stitching"])
    people = {"buyer": buyer, "bidder": bidder, "competitor": competitor, "outsider": outsider}

    async with AsyncExitStack() as stack:
        sockets = {
            name: await stack.enter_async_context(live(live_server, actor.token))
            for name, actor in people.items()
        }
        order = await _post(client, buyer, "/orders", _order(buyer.firm_id))
        winning = await _post(
            client, bidder, f"/orders/{order['id']}/bids", _bid(bidder.firm_id, "3.05")
        )
        losing = await _post(
            client, competitor, f"/orders/{order['id']}/bids", _bid(competitor.firm_id, "3.40")
        )
        await _post(client, buyer, f"/orders/{order['id']}/award", {"bid_id": winning["id"]})
        await barrier(app, people.values())
        heard = {name: await socket.events_until(BARRIER) for name, socket in sockets.items()}

    def kinds(name: str) -> list[str]:
        return [m["type"] for m in heard[name]]

    assert kinds("outsider") == []
    assert kinds("buyer")[:3] == ["order.created", "bid.created", "bid.created"]
    assert {"order.awarded", "contract.created"} <= set(kinds("buyer"))
    assert "bid.rejected" not in kinds("buyer")
    assert kinds("bidder")[:2] == ["order.created", "bid.created"]
    assert {"order.awarded", "contract.created"} <= set(kinds("bidder"))
    assert "bid.rejected" not in kinds("bidder")
    assert kinds("competitor")[:2] == ["order.created", "bid.created"]
    assert "bid.rejected" in kinds("competitor") and "contract.created" not in kinds("competitor")

    # What each bidder heard of bids was its own bid only; the price of the winning bid
    # reached nobody but the two parties to it.
    for name, bid in (("bidder", winning), ("competitor", losing)):
        bids = [m["data"] for m in heard[name] if m["type"] == "bid.created"]
        assert [b["bid_id"] for b in bids] == [bid["id"]]
    for message in heard["competitor"]:
        assert message["data"].get("bid_id") != winning["id"]
        assert "3.05" not in str(message["data"])
    # Every message arrived once and in rising id order.
    for messages in heard.values():
        ids = [m["id"] for m in messages]
        assert ids == sorted(set(ids))


async def test_a_consortium_order_is_heard_live_by_its_members_in_the_phase(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    """Same rule as the REST read: active members of the consortium see the order; those
    working in its phase are called to bid (told), nobody outside the consortium is."""
    buyer = await firm_owner(client, phases=["weaving"])
    member = await firm_owner(client, phases=["dyeing"])
    member_elsewhere = await firm_owner(client, phases=["stitching"])
    outsider = await firm_owner(client, phases=["dyeing"])
    consortium_id = await consortium_with(
        app,
        {buyer.firm_id: "active", member.firm_id: "active", member_elsewhere.firm_id: "active"},
    )
    people = {"member": member, "elsewhere": member_elsewhere, "outsider": outsider}
    async with AsyncExitStack() as stack:
        sockets = {
            name: await stack.enter_async_context(live(live_server, actor.token))
            for name, actor in people.items()
        }
        order = await _post(
            client,
            buyer,
            "/orders",
            _order(buyer.firm_id, visibility="consortium", consortium_id=consortium_id),
        )
        await barrier(app, people.values())
        heard = {name: await socket.events_until(BARRIER) for name, socket in sockets.items()}
    created = [m for m in heard["member"] if m["type"] == "order.created"]
    assert [m["data"]["order_id"] for m in created] == [order["id"]]
    assert heard["outsider"] == [] and heard["elsewhere"] == []
    for name, actor in people.items():
        read = await client.get(f"/orders/{order['id']}", headers=actor.headers)
        assert read.status_code == (404 if name == "outsider" else 200), name
