"""Declaring and reading a firm's capacity calendar."""

import httpx
from fastapi import FastAPI

from tests.capacity.builders import calendar, declare, entry, week
from tests.helpers import add_member, firm_owner, problem_fields, register


async def test_owner_and_manager_declare_and_everyone_signed_in_reads(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    dyer = await firm_owner(client, phases=["dyeing", "finishing"])
    manager = await add_member(client, dyer, "manager")
    declared = await declare(client, dyer, [entry(1, "1200"), entry(2, "800.5", unit=" KG")])
    assert [(i["week"], i["declared"], i["free"]) for i in declared["items"]] == [
        (week(1), "1200.000", "1200.000"),
        (week(2), "800.500", "800.500"),
    ]
    # PUT replaces the calendar from this week on: week 1 is gone, finishing is new.
    await declare(client, manager, [entry(2, "900"), entry(3, "300", phase="finishing", unit="m")])
    stranger = await register(client)
    seen = await calendar(client, stranger, dyer.firm_id)
    assert set(seen) == {("dyeing", "kg", week(2)), ("finishing", "m", week(3))}
    assert seen[("dyeing", "kg", week(2))]["declared"] == "900.000"
    assert seen[("dyeing", "kg", week(2))]["booked"] == "0.000"
    assert (await client.get(f"/firms/{dyer.firm_id}/capacity")).status_code == 401
    assert (await client.get("/firms/999999/capacity", headers=stranger.headers)).status_code == 404


async def test_only_owners_and_managers_of_the_firm_declare(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    dyer = await firm_owner(client, phases=["dyeing"])
    member = await add_member(client, dyer, "member")
    rival = await firm_owner(client, phases=["dyeing"])
    body = [entry(1, "100")]
    url = f"/firms/{dyer.firm_id}/capacity"
    assert (await client.put(url, json=body)).status_code == 401
    assert (await client.put(url, json=body, headers=member.headers)).status_code == 403
    assert (await client.put(url, json=body, headers=rival.headers)).status_code == 404
    assert await calendar(client, rival, dyer.firm_id) == {}


async def test_bad_declarations_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    dyer = await firm_owner(client, phases=["dyeing"])
    await declare(client, dyer, [entry(1, "500")])
    cases = [
        ([entry(1, "100"), entry(-1, "100")], "1.week"),
        ([entry(1, "100", phase="stitching")], "0.phase"),
        ([entry(1, "100", phase="alchemy")], "0.phase"),
        ([entry(1, "100"), entry(1, "200", unit="KG")], "1.week"),
        ([entry(200, "100")], "0.week"),
        ([{**entry(1, "100"), "week": "2027-W53"}], "0.week"),
        ([{**entry(1, "100"), "week": "next week"}], "0.week"),
        ([entry(1, "-5")], "0.quantity"),
        ([entry(1, "1.0005")], "0.quantity"),
    ]
    for body, field in cases:
        response = await client.put(
            f"/firms/{dyer.firm_id}/capacity", json=body, headers=dyer.headers
        )
        assert response.status_code == 422, (body, response.text)
        assert field in problem_fields(response), (body, response.json())
    seen = await calendar(client, dyer, dyer.firm_id)
    assert [i["declared"] for i in seen.values()] == ["500.000"]
