"""A contract awarded through the API, with the trade terms a test asks for."""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import Actor
from tests.market.builders import District, district, place_bid, post_order


@dataclass
class Awarded:
    d: District
    contract: dict[str, Any]

    @property
    def supplier(self) -> Actor:
        return self.d.bidder

    @property
    def client(self) -> Actor:
        return self.d.client_owner

    @property
    def url(self) -> str:
        return f"/contracts/{self.contract['id']}"


async def awarded(
    client: httpx.AsyncClient,
    app: FastAPI,
    *,
    quantity: str = "1000",
    tolerance: str = "5",
    unit_price: str = "1.25",
    bid: dict[str, Any] | None = None,
    **order: Any,
) -> Awarded:
    d = await district(client, app)
    posted = await post_order(
        client, d.client_owner, quantity=quantity, delivery_tolerance_percent=tolerance, **order
    )
    placed = await place_bid(client, d.bidder, posted["id"], unit_price=unit_price, **(bid or {}))
    response = await client.post(
        f"/orders/{posted['id']}/award",
        json={"bid_id": placed["id"]},
        headers=d.client_owner.headers,
    )
    assert response.status_code == 201, response.text
    return Awarded(d, response.json())


async def lot(
    client: httpx.AsyncClient, a: Awarded, quantity: str, ddt: str, **extra: Any
) -> httpx.Response:
    body = {"quantity": quantity, "ddt_number": ddt, "ddt_date": "2026-01-10"} | extra
    return await client.post(f"{a.url}/deliveries", json=body, headers=a.supplier.headers)


async def check(
    client: httpx.AsyncClient, a: Awarded, lot_id: int, accepted: str, rejected: str = "0"
) -> httpx.Response:
    return await client.post(
        f"{a.url}/deliveries/{lot_id}/accept",
        json={"accepted_quantity": accepted, "rejected_quantity": rejected},
        headers=a.client.headers,
    )
