"""Who may do what on every contract route: 404 for what one may not see, 403 for what
one sees but may not do, 401 without a token."""

from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from tests.contracts.builders import NOW, deal
from tests.helpers import Actor, add_member, firm_owner, make_staff, register


@dataclass
class Cast:
    client: Actor
    supplier: Actor
    client_member: Actor
    competitor: Actor
    staff: Actor
    contract_id: int


async def _cast(client: httpx.AsyncClient, app: FastAPI, status: str) -> Cast:
    stamps = {}
    if status in ("delivered", "completed"):
        stamps["delivered_at"] = NOW - timedelta(days=3)
    if status == "completed":
        stamps["completed_at"] = NOW - timedelta(days=1)
    d = await deal(client, app, status=status, **stamps)
    return Cast(
        client=d.client,
        supplier=d.supplier,
        client_member=await add_member(client, d.client, "member"),
        competitor=await firm_owner(client, phases=["weaving"]),
        staff=await make_staff(app, await register(client)),
        contract_id=d.contract_id,
    )


ANON = "anonymous"
# Staff reach a contract only through a dispute (issue 15 #7): none of these contracts was
# disputed, so for staff they do not exist (404); tests/contracts/test_staff_access.py
# covers the disputed side.
# (method, path, body, contract status, {actor: expected status})
MATRIX = [
    (
        "GET",
        "",
        None,
        "active",
        {
            "client": 200,
            "supplier": 200,
            "client_member": 200,
            "competitor": 404,
            "staff": 404,
            ANON: 401,
        },
    ),
    (
        "POST",
        "/deliver",
        None,
        "active",
        {
            "competitor": 404,
            "client_member": 403,
            "client": 403,
            "staff": 404,
            ANON: 401,
            "supplier": 200,
        },
    ),
    (
        "POST",
        "/accept",
        None,
        "delivered",
        {
            "competitor": 404,
            "client_member": 403,
            "supplier": 403,
            "staff": 404,
            ANON: 401,
            "client": 200,
        },
    ),
    (
        "POST",
        "/dispute",
        {"reason": "Consegna incompleta"},
        "delivered",
        {"competitor": 404, "client_member": 403, "staff": 404, ANON: 401, "client": 200},
    ),
    (
        "GET",
        "/messages",
        None,
        "active",
        {
            "client": 200,
            "supplier": 200,
            "client_member": 200,
            "competitor": 404,
            "staff": 404,
            ANON: 401,
        },
    ),
    (
        "POST",
        "/messages",
        {"text": "Confermate la data di consegna?"},
        "active",
        {"competitor": 404, "staff": 404, ANON: 401, "client_member": 403, "supplier": 201},
    ),
    (
        "GET",
        "/reviews",
        None,
        "completed",
        {
            "client": 200,
            "supplier": 200,
            "client_member": 200,
            "competitor": 404,
            "staff": 404,
            ANON: 401,
        },
    ),
    (
        "POST",
        "/reviews",
        {"quality": 4, "timeliness": 5, "communication": 4},
        "completed",
        {"competitor": 404, "client_member": 403, "staff": 404, ANON: 401, "client": 201},
    ),
]


@pytest.mark.parametrize(
    ("method", "suffix", "body", "status", "expected"),
    MATRIX,
    ids=[f"{m} {s or '/'}" for m, s, *_ in MATRIX],
)
async def test_contract_route_matrix(
    client: httpx.AsyncClient,
    app: FastAPI,
    method: str,
    suffix: str,
    body: dict | None,
    status: str,
    expected: dict[str, int],
) -> None:
    cast = await _cast(client, app, status)
    url = f"/contracts/{cast.contract_id}{suffix}"
    # Refusals first, so a success does not change the state the others meet.
    for who, code in sorted(expected.items(), key=lambda item: item[1] < 300):
        headers = {} if who == ANON else getattr(cast, who).headers
        response = await client.request(method, url, json=body, headers=headers)
        assert response.status_code == code, f"{who}: {response.status_code} {response.text}"
        if code == 404:
            # Nothing about the contract reaches those who may not see it.
            assert "10000" not in response.text and "pezzi" not in response.text


async def test_unknown_contract_is_404_for_everyone(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    cast = await _cast(client, app, "active")
    for actor in (cast.client, cast.staff):
        for suffix in ("", "/messages", "/reviews"):
            assert (
                await client.get(f"/contracts/999999{suffix}", headers=actor.headers)
            ).status_code == 404
    too_big = await client.get(f"/contracts/{2**63}", headers=cast.client.headers)
    assert too_big.status_code == 422


async def test_contract_lists_hold_only_the_callers_firms(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    cast = await _cast(client, app, "active")
    mine = await client.get("/contracts", headers=cast.client_member.headers)
    assert [c["id"] for c in mine.json()["items"]] == [cast.contract_id]
    for outsider in (cast.competitor, cast.staff):
        response = await client.get("/contracts", headers=outsider.headers)
        assert response.status_code == 200 and response.json()["items"] == []
    # Naming someone else's firm does not widen the list.
    foreign = await client.get(
        "/contracts", params={"firm_id": cast.client.firm_id}, headers=cast.competitor.headers
    )
    assert foreign.json()["items"] == []
    assert (await client.get("/contracts")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/moderation/disputes", None),
        ("POST", "/moderation/contracts/{id}/resolve", {"outcome": "cancelled", "note": "No"}),
    ],
)
async def test_moderation_routes_are_staff_only(
    client: httpx.AsyncClient, app: FastAPI, method: str, path: str, body: dict | None
) -> None:
    cast = await _cast(client, app, "active")
    await client.post(
        f"/contracts/{cast.contract_id}/dispute",
        json={"reason": "Ritardo"},
        headers=cast.client.headers,
    )
    url = path.format(id=cast.contract_id)
    for actor in (cast.client, cast.supplier, cast.client_member, cast.competitor):
        response = await client.request(method, url, json=body, headers=actor.headers)
        assert response.status_code == 403, response.text
    assert (await client.request(method, url, json=body)).status_code == 401
    assert (
        await client.request(method, url, json=body, headers=cast.staff.headers)
    ).status_code == 200
