"""The district's free capacity: no figure unless at least 3 firms stand behind it."""

from typing import Any

import httpx
from fastapi import FastAPI

from tests.capacity.builders import declare, entry, week
from tests.helpers import Actor, firm_owner, register
from tests.market.builders import suspend


async def _summary(client: httpx.AsyncClient, viewer: Actor, **params: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/capacity/summary",
        params={"phase": "dyeing", "unit": "kg", **params},
        headers=viewer.headers,
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def test_two_firms_give_no_figure_three_do(client: httpx.AsyncClient, app: FastAPI) -> None:
    dyers = [await firm_owner(client, phases=["dyeing"]) for _ in range(3)]
    reader = await register(client)
    await declare(client, dyers[0], [entry(1, "1000"), entry(2, "400")])
    await declare(client, dyers[1], [entry(1, "500")])
    items = await _summary(client, reader, to=week(2))
    assert [i["week"] for i in items] == [week(0), week(1), week(2)]
    assert all(i["free"] is None and i["firms"] is None and i["suppressed"] for i in items)

    await declare(client, dyers[2], [entry(1, "250.5")])
    by_week = {i["week"]: i for i in await _summary(client, reader, to=week(2))}
    assert by_week[week(1)]["free"] == "1750.500" and by_week[week(1)]["firms"] == 3
    assert by_week[week(1)]["suppressed"] is False
    # Week 2 still has a single firm behind it.
    assert by_week[week(2)]["free"] is None


async def test_firms_without_free_capacity_do_not_count(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    dyers = [await firm_owner(client, phases=["dyeing"]) for _ in range(3)]
    for dyer in dyers[:2]:
        await declare(client, dyer, [entry(1, "100")])
    await declare(client, dyers[2], [entry(1, "0")])
    [item] = await _summary(client, dyers[0], **{"from": week(1), "to": week(1)})
    assert item["free"] is None
    # A suspended firm is out of the market: its capacity is no offer.
    await declare(client, dyers[2], [entry(1, "100")])
    await suspend(app, dyers[2].firm_id)
    [item] = await _summary(client, dyers[0], **{"from": week(1), "to": week(1)})
    assert item["free"] is None


async def test_summary_needs_a_signed_in_user_and_a_sane_window(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    reader = await register(client)
    assert (await client.get("/capacity/summary", params={"phase": "dyeing"})).status_code == 401
    bad = [
        {"phase": "alchemy"},
        {"phase": "dyeing", "from": week(3), "to": week(1)},
        {"phase": "dyeing", "from": week(0), "to": week(60)},
        {"phase": "dyeing", "from": "2027-W53"},
        {"phase": "dyeing", "to": "someday"},
    ]
    for params in bad:
        response = await client.get("/capacity/summary", params=params, headers=reader.headers)
        assert response.status_code == 422, (params, response.text)
    missing = await client.get("/capacity/summary", headers=reader.headers)
    assert missing.status_code == 422
    default = await client.get(
        "/capacity/summary", params={"phase": "dyeing", "unit": "kg"}, headers=reader.headers
    )
    assert len(default.json()["items"]) == 12
