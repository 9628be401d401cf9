"""Builders for capacity tests: ISO week labels relative to today, declarations."""

from datetime import timedelta
from typing import Any

import httpx

from distretto.capacity.weeks import monday_of, week_label
from distretto.kit import clock
from tests.helpers import Actor


def week(offset: int) -> str:
    """The ISO week ``offset`` weeks from the current one."""
    today = clock.today()
    return week_label(monday_of(today) + timedelta(weeks=offset))


def entry(offset: int, quantity: str, phase: str = "dyeing", unit: str = "kg") -> dict[str, Any]:
    return {"phase": phase, "week": week(offset), "quantity": quantity, "unit": unit}


async def declare(
    client: httpx.AsyncClient,
    actor: Actor,
    entries: list[dict[str, Any]],
    firm_id: int | None = None,
) -> dict[str, Any]:
    response = await client.put(
        f"/firms/{firm_id or actor.firm_id}/capacity", json=entries, headers=actor.headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def calendar(
    client: httpx.AsyncClient, viewer: Actor, firm_id: int
) -> dict[tuple[str, str, str], dict[str, Any]]:
    response = await client.get(f"/firms/{firm_id}/capacity", headers=viewer.headers)
    assert response.status_code == 200, response.text
    return {(i["phase"], i["unit"], i["week"]): i for i in response.json()["items"]}
