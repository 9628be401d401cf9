"""Builders for tariff tests: publishing a tariff as staff."""

from datetime import timedelta
from typing import Any

import httpx

from distretto.kit import clock
from tests.helpers import Actor


def day(days: int) -> str:
    return clock.district_date(clock.now() + timedelta(days=days)).isoformat()


def tariff_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "phase": "dyeing",
        "unit": "kg",
        "min_price": "3.00",
        "typical_price": "3.40",
        "valid_from": day(-30),
        "note": "Tintura in rocca, colori medi",
    }
    body.update(overrides)
    return body


async def publish(client: httpx.AsyncClient, staff: Actor, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/tariffs", json=tariff_body(**overrides), headers=staff.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def tariffs(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/tariffs", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
