"""The market, driven through its routes, heard live: bids stay between bidder and client."""

from contextlib import AsyncExitStack
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import Actor, firm_owner
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
