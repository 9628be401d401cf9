"""Reviews: once per side, only on completed contracts, double-blind."""

import asyncio
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from distretto.models import ReputationScore, Review
from tests.contracts.builders import (
    NOW,
    Deal,
    count,
    deal,
    fixed_clock,
    insert_review,
    mark_disputed,
    set_contract,
)
from tests.helpers import add_member, make_staff, register

GOOD = {"quality": 4, "timeliness": 5, "communication": 3, "comment": "Lavoro pulito"}


async def _completed(client: httpx.AsyncClient, app: FastAPI, days_ago: float = 1) -> Deal:
    completed = NOW - timedelta(days=days_ago)
    return await deal(
        client,
        app,
        status="completed",
        delivered_at=completed - timedelta(days=1),
        completed_at=completed,
    )


def _reviewers(response: httpx.Response) -> list[int]:
    return sorted(r["reviewer_firm_id"] for r in response.json()["items"])


async def test_review_roles_and_once_only(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await _completed(client, app)
    with fixed_clock(app, NOW):
        by_client = await client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers)
        assert by_client.status_code == 201, by_client.text
        body = by_client.json()
        assert body["reviewee_firm_id"] == d.supplier.firm_id
        assert body["reviewee_role"] == "supplier" and body["comment"] == "Lavoro pulito"
        again = await client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers)
        assert again.status_code == 409
        manager = await add_member(client, d.client, "manager")
        assert (
            await client.post(f"{d.url}/reviews", json=GOOD, headers=manager.headers)
        ).status_code == 409
        by_supplier = await client.post(f"{d.url}/reviews", json=GOOD, headers=d.supplier.headers)
    assert by_supplier.json()["reviewee_role"] == "client"
    assert by_supplier.json()["reviewee_firm_id"] == d.client.firm_id
    assert await count(app, Review) == 2


@pytest.mark.parametrize("status", ["active", "delivered", "disputed", "cancelled"])
async def test_reviews_only_on_completed_contracts(
    client: httpx.AsyncClient, app: FastAPI, status: str
) -> None:
    d = await deal(client, app, status=status)
    response = await client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers)
    assert response.status_code == 409 and status in response.json()["detail"]
    assert await count(app, Review) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quality": 0}, "quality"),
        ({"timeliness": 6}, "timeliness"),
        ({"communication": "5"}, "communication"),
        ({"quality": 4.5}, "quality"),
        ({"quality": True}, "quality"),
        ({"comment": "x" * 2001}, "comment"),
        ({"stars": 5}, "stars"),
    ],
)
async def test_bad_review_is_422_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, change: dict, field: str
) -> None:
    d = await _completed(client, app)
    response = await client.post(
        f"{d.url}/reviews", json={**GOOD, **change}, headers=d.client.headers
    )
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    missing = await client.post(f"{d.url}/reviews", json={"quality": 3}, headers=d.client.headers)
    assert {e["field"] for e in missing.json()["errors"]} == {"timeliness", "communication"}
    assert await count(app, Review) == 0


async def test_double_blind_until_both_are_in(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await _completed(client, app, days_ago=3)
    with fixed_clock(app, NOW):
        await client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers)
        # The author reads its own review; the reviewed firm does not, yet.
        own = await client.get(f"{d.url}/reviews", headers=d.client.headers)
        assert _reviewers(own) == [d.client.firm_id]
        blind = await client.get(f"{d.url}/reviews", headers=d.supplier.headers)
        assert blind.json()["items"] == []
        assert blind.json()["released_at"].startswith("2026-06-26T10:00:00")  # +14 days
        # The unreleased review does not move the supplier's reputation either.
        assert await count(app, ReputationScore) == 0
        await client.post(f"{d.url}/reviews", json=GOOD, headers=d.supplier.headers)
        both = d.client.firm_id, d.supplier.firm_id
        for actor in (d.client, d.supplier):
            response = await client.get(f"{d.url}/reviews", headers=actor.headers)
            assert _reviewers(response) == sorted(both)
            assert response.json()["released_at"].startswith("2026-06-15T10:00:00")
    # Once released, both reviews count: both firms are rescored.
    assert await count(app, ReputationScore, ReputationScore.phase == "*") == 2


async def test_released_fourteen_days_after_completion(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await _completed(client, app, days_ago=13)
    await insert_review(app, d.contract_id, d.client.firm_id, created_at=NOW - timedelta(days=12))
    with fixed_clock(app, NOW):
        assert (await client.get(f"{d.url}/reviews", headers=d.supplier.headers)).json()[
            "items"
        ] == []
    await set_contract(app, d.contract_id, completed_at=NOW - timedelta(days=14, seconds=1))
    with fixed_clock(app, NOW):
        seen = await client.get(f"{d.url}/reviews", headers=d.supplier.headers)
    assert _reviewers(seen) == [d.client.firm_id]


async def test_hidden_review_is_seen_by_author_and_staff_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await _completed(client, app, days_ago=20)
    staff = await make_staff(app, await register(client))
    await insert_review(app, d.contract_id, d.client.firm_id, hidden=True)
    await insert_review(app, d.contract_id, d.supplier.firm_id)
    await mark_disputed(app, d.contract_id)  # staff read reviews only through a dispute
    with fixed_clock(app, NOW):
        supplier_view = await client.get(f"{d.url}/reviews", headers=d.supplier.headers)
        client_view = await client.get(f"{d.url}/reviews", headers=d.client.headers)
        staff_view = await client.get(f"{d.url}/reviews", headers=staff.headers)
    assert _reviewers(supplier_view) == [d.supplier.firm_id]
    assert _reviewers(client_view) == sorted([d.client.firm_id, d.supplier.firm_id])
    assert len(staff_view.json()["items"]) == 2


async def test_suspended_firm_cannot_review(client: httpx.AsyncClient, app: FastAPI) -> None:
    from tests.contracts.builders import set_firm

    d = await _completed(client, app)
    await set_firm(app, d.client.firm_id, status="suspended")
    response = await client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers)
    assert response.status_code == 403
    assert await count(app, Review) == 0


@pytest.mark.postgres_only
async def test_concurrent_reviews_by_one_firm_store_one(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await _completed(client, app)
    responses = await asyncio.gather(
        *[client.post(f"{d.url}/reviews", json=GOOD, headers=d.client.headers) for _ in range(10)]
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 9
    assert await count(app, Review) == 1
