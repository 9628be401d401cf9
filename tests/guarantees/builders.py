"""Builders for confidi tests: a credit_guarantee consortium, member firms, requests."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.consortia.builders import consortium, member_firm
from tests.helpers import Actor


def day(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


async def confidi(client: httpx.AsyncClient) -> tuple[Actor, int]:
    manager, made = await consortium(
        client, name="Confidi Tessile Pratese", kind="credit_guarantee"
    )
    return manager, int(made["id"])


async def member(client: httpx.AsyncClient, cid: int, manager: Actor) -> Actor:
    return await member_firm(client, cid, manager)


async def set_cap(
    client: httpx.AsyncClient, cid: int, manager: Actor, firm_id: int, cap: str
) -> httpx.Response:
    return await client.put(
        f"/consortia/{cid}/members/{firm_id}/cap", json={"cap": cap}, headers=manager.headers
    )


async def ask(
    client: httpx.AsyncClient, cid: int, owner: Actor, amount: str = "10000.00", **extra: Any
) -> httpx.Response:
    return await client.post(
        f"/consortia/{cid}/guarantees",
        json={"firm_id": owner.firm_id, "amount": amount, "purpose": "Anticipo fatture", **extra},
        headers=owner.headers,
    )


async def approve(
    client: httpx.AsyncClient,
    guarantee_id: int,
    manager: Actor,
    *,
    percent: str = "50",
    amount: str = "10000.00",
    expires_on: str | None = None,
) -> httpx.Response:
    return await client.post(
        f"/guarantees/{guarantee_id}/approve",
        json={
            "guaranteed_percent": percent,
            "amount": amount,
            "expires_on": expires_on or day(365),
        },
        headers=manager.headers,
    )
