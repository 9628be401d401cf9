"""The raw ceiling (``bench/raw.py``) answers the hot reads with exactly what the app
answers: the ratio app / raw compares the same work (issue 18)."""

import asyncio
import json
from typing import Any

import httpx
import pytest
from bench.raw import RawCeiling
from fastapi import FastAPI

from tests.market.builders import consortium_with, district, place_bid, post_order


async def _raw_get(raw: RawCeiling, path: str, query: str) -> tuple[int, Any]:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [],
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await raw(scope, receive, send)
    return sent[0]["status"], json.loads(sent[1]["body"])


@pytest.mark.postgres_only
async def test_the_raw_ceiling_serves_the_same_pages_as_the_app(
    client: httpx.AsyncClient, app: FastAPI, database_url: str
) -> None:
    d = await district(client, app)
    consortium = await consortium_with(
        app, {d.client_owner.firm_id: "active", d.bidder.firm_id: "active"}
    )
    orders = [
        await post_order(client, d.client_owner, title="Tessuto di vigogna blu"),
        await post_order(
            client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
        ),
        await post_order(client, d.client_owner, visibility="consortium", consortium_id=consortium),
        await post_order(client, d.outsider, phase="lasting", target_unit_price="12.5"),
        await post_order(client, d.client_owner, status="draft"),
    ]
    await place_bid(client, d.bidder, orders[0]["id"])
    raw = RawCeiling(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})
    life = asyncio.create_task(raw({"type": "lifespan"}, inbox.get, outbox.put))
    assert (await outbox.get())["type"] == "lifespan.startup.complete"
    try:
        for actor in (d.client_owner, d.bidder, d.rival, d.outsider):
            viewer = ",".join(str(f) for f in sorted(actor.firm_ids))
            for query in ("status=open&limit=2", "status=open&limit=20&q=vigogna"):
                page = await client.get(f"/orders?{query}", headers=actor.headers)
                assert await _raw_get(raw, "/orders", f"{query}&viewer={viewer}") == (
                    200,
                    page.json(),
                )
                cursor = page.json()["next_cursor"]
                if cursor:
                    deeper = await client.get(
                        f"/orders?{query}&cursor={cursor}", headers=actor.headers
                    )
                    assert await _raw_get(
                        raw, "/orders", f"{query}&cursor={cursor}&viewer={viewer}"
                    ) == (200, deeper.json())
            for order in orders:
                one = await client.get(f"/orders/{order['id']}", headers=actor.headers)
                status, body = await _raw_get(raw, f"/orders/{order['id']}", f"viewer={viewer}")
                assert status == one.status_code
                if status == 200:
                    assert body == one.json()
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        await life
