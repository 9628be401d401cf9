"""Reputation in the running system: ranking rules, incremental updates, the public read."""

from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.cli import recompute_database
from distretto.config import Settings
from distretto.models import ReputationDistrictMean, ReputationScore, ReputationSnapshot
from distretto.reputation.service import recompute_all
from tests.contracts.builders import (
    NOW,
    completed_contract,
    count,
    fixed_clock,
    insert_contract,
    insert_review,
)
from tests.helpers import Actor, create_firm, firm_owner, make_staff, register

GOOD = {"quality": 4, "timeliness": 4, "communication": 4}
PERFECT = {"quality": 5, "timeliness": 5, "communication": 5}


async def _supplier_score(client: httpx.AsyncClient, firm_id: int) -> float | None:
    body = (await client.get(f"/firms/{firm_id}/reputation")).json()
    return body["as_supplier"]["score"]


async def _scored(client: httpx.AsyncClient, firm_id: int) -> float:
    """The supplier score of a firm that must have one."""
    score = await _supplier_score(client, firm_id)
    assert score is not None, f"firm {firm_id} has no supplier score"
    return score


async def _reviewed(
    app: FastAPI, client_id: int, supplier_id: int, days_ago: float, stars: tuple, **kw: Any
) -> int:
    """A contract concluded ``days_ago``, reviewed by both sides (so the reviews count)."""
    completed = NOW - timedelta(days=days_ago)
    contract_id = await completed_contract(
        app, client_id, supplier_id, completed_at=completed, **kw
    )
    at = completed + timedelta(hours=2)
    await insert_review(app, contract_id, client_id, stars=stars, created_at=at)
    await insert_review(app, contract_id, supplier_id, stars=(4, 4, 4), created_at=at)
    return contract_id


async def _recompute_at(app: FastAPI, now: Any = NOW) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await recompute_all(session, now)
        await session.commit()


async def _district(client: httpx.AsyncClient, app: FastAPI, buyer: int) -> None:
    """Three ordinary suppliers with a year of mixed history, as districts really are."""
    for index in range(3):
        ordinary = await firm_owner(client, phases=["dyeing"])
        for n in range(10):
            await _reviewed(
                app,
                buyer,
                ordinary.firm_id,
                days_ago=20 + 30 * n + index,
                stars=(3 + n % 2, 3, 4),
                days_late=5 if n % 3 == 0 else 0,
                phase="dyeing",
            )
        lost = await insert_contract(
            app,
            buyer,
            ordinary.firm_id,
            phase="dyeing",
            status="cancelled",
            cancelled_at=NOW - timedelta(days=50 + index),
            dispute_outcome="cancelled",
            dispute_opened_by_firm_id=buyer,
            delivered_at=NOW - timedelta(days=60),
        )
        assert lost


async def test_one_perfect_contract_ranks_below_forty_good_ones(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    await _district(client, app, buyer.firm_id)
    perfect = await firm_owner(client, phases=["dyeing"])
    good = await firm_owner(client, phases=["dyeing"])
    await _reviewed(app, buyer.firm_id, perfect.firm_id, days_ago=10, stars=(5, 5, 5))
    for n in range(40):
        await _reviewed(app, buyer.firm_id, good.firm_id, days_ago=5 + 8 * n, stars=(4, 4, 4))
    await _recompute_at(app)
    assert await _scored(client, good.firm_id) > await _scored(client, perfect.firm_id)


async def _deliver_accept_review(
    client: httpx.AsyncClient, app: FastAPI, buyer: Actor, supplier_id: int, stars: dict
) -> None:
    contract_id = await insert_contract(
        app,
        buyer.firm_id,
        supplier_id,
        status="delivered",
        due_date=NOW.date(),
        delivered_at=NOW - timedelta(days=1),
    )
    url = f"/contracts/{contract_id}"
    assert (await client.post(f"{url}/accept", headers=buyer.headers)).status_code == 200
    review = await client.post(f"{url}/reviews", json=stars, headers=buyer.headers)
    assert review.status_code == 201


async def test_perfect_newcomer_below_good_veteran_through_the_api(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """A young district (everything concluded today): the prior is the baseline."""
    buyer = await firm_owner(client, phases=["apparel"])
    perfect = await firm_owner(client, phases=["dyeing"])
    good = await firm_owner(client, phases=["dyeing"])
    with fixed_clock(app, NOW):
        await _deliver_accept_review(client, app, buyer, perfect.firm_id, PERFECT)
        for _ in range(40):
            await _deliver_accept_review(client, app, buyer, good.firm_id, GOOD)
    # Reviews count once released: 14 days later, recomputed by the daily job.
    await _recompute_at(app, NOW + timedelta(days=15))
    perfect_score = await _supplier_score(client, perfect.firm_id)
    good_score = await _supplier_score(client, good.firm_id)
    assert perfect_score is not None and good_score is not None
    assert good_score > perfect_score


async def test_late_deliveries_and_lost_disputes_lower_the_score(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    suppliers = {name: await firm_owner(client) for name in ("clean", "late", "later", "lost")}
    for name, supplier in suppliers.items():
        for n in range(8):
            late = {"late": 1, "later": 3}.get(name, 0)
            await _reviewed(
                app,
                buyer.firm_id,
                supplier.firm_id,
                days_ago=10 + 20 * n,
                stars=(4, 4, 4),
                days_late=4 if n < late else 0,
            )
    await insert_contract(
        app,
        buyer.firm_id,
        suppliers["lost"].firm_id,
        status="cancelled",
        cancelled_at=NOW - timedelta(days=30),
        dispute_outcome="cancelled",
        dispute_opened_by_firm_id=buyer.firm_id,
    )
    await _recompute_at(app)
    scores = {name: await _scored(client, s.firm_id) for name, s in suppliers.items()}
    assert scores["clean"] > scores["late"] > scores["later"]
    assert scores["clean"] > scores["lost"]
    lost = (await client.get(f"/firms/{suppliers['lost'].firm_id}/reputation")).json()
    parts = lost["components"]["as_supplier"]
    assert parts["disputes_lost"] == 1 and parts["rejected_deliveries"] == 0
    assert lost["as_supplier"]["contracts"] == 9


async def test_rejected_delivery_and_client_lost_dispute(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    buyer = await firm_owner(client, phases=["apparel"])
    fair_buyer = await firm_owner(client, phases=["apparel"])
    supplier = await firm_owner(client)
    rejected = await insert_contract(
        app,
        buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        delivered_at=NOW - timedelta(days=2),
    )
    upheld = await insert_contract(
        app,
        buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        delivered_at=NOW - timedelta(days=2),
    )
    plain = await insert_contract(
        app,
        fair_buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        delivered_at=NOW - timedelta(days=2),
    )
    with fixed_clock(app, NOW):
        for contract_id, outcome in ((rejected, "cancelled"), (upheld, "completed")):
            await client.post(
                f"/contracts/{contract_id}/dispute",
                json={"reason": "Tessuto non conforme"},
                headers=buyer.headers,
            )
            resolved = await client.post(
                f"/moderation/contracts/{contract_id}/resolve",
                json={"outcome": outcome, "note": "Perizia"},
                headers=staff.headers,
            )
            assert resolved.status_code == 200
        await client.post(f"/contracts/{plain}/accept", headers=fair_buyer.headers)
    supplier_parts = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()
    assert supplier_parts["components"]["as_supplier"]["rejected_deliveries"] == 1
    assert supplier_parts["components"]["as_supplier"]["disputes_lost"] == 1
    disputing = (await client.get(f"/firms/{buyer.firm_id}/reputation")).json()["as_client"]
    fair = (await client.get(f"/firms/{fair_buyer.firm_id}/reputation")).json()["as_client"]
    assert disputing["contracts"] == 2 and fair["contracts"] == 1
    assert disputing["score"] < fair["score"]


async def test_reviews_between_group_firms_change_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    family = await firm_owner(client, phases=["dyeing"])
    supplier_id = family.firm_id
    await create_firm(client, family, phases=["apparel"])
    sister_id = family.firm_ids[1]
    grouped = await client.post(
        "/ownership-groups",
        json={"name": "Famiglia Rossi", "firm_ids": family.firm_ids},
        headers=family.headers,
    )
    assert grouped.status_code == 201
    for n in range(3):
        await _reviewed(app, buyer.firm_id, supplier_id, days_ago=30 + n, stars=(3, 3, 3))
    await _recompute_at(app)
    before = (await client.get(f"/firms/{supplier_id}/reputation")).json()

    # The sister firm orders from the supplier and raves about it, through the API.
    sisterly = await insert_contract(
        app,
        sister_id,
        supplier_id,
        status="delivered",
        due_date=NOW.date() - timedelta(days=9),
        delivered_at=NOW - timedelta(days=1),
    )
    url = f"/contracts/{sisterly}"
    with fixed_clock(app, NOW):
        assert (await client.post(f"{url}/accept", headers=family.headers)).status_code == 200
        payload = {**PERFECT, "firm_id": sister_id}
        assert (
            await client.post(f"{url}/reviews", json=payload, headers=family.headers)
        ).status_code == 201
        back = {**PERFECT, "firm_id": supplier_id}
        assert (
            await client.post(f"{url}/reviews", json=back, headers=family.headers)
        ).status_code == 201
    after = (await client.get(f"/firms/{supplier_id}/reputation")).json()
    await _recompute_at(app)
    recomputed = (await client.get(f"/firms/{supplier_id}/reputation")).json()
    for body in (after, recomputed):
        assert body["as_supplier"] == before["as_supplier"]
    sister = (await client.get(f"/firms/{sister_id}/reputation")).json()
    assert sister["as_client"] == {"score": None, "contracts": 0, "by_phase": {}}


async def test_grouping_two_firms_drops_their_mutual_contracts_at_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    family = await firm_owner(client, phases=["dyeing"])
    supplier_id = family.firm_id
    await create_firm(client, family, phases=["apparel"])
    sister_id = family.firm_ids[1]
    for n in range(3):
        await _reviewed(app, sister_id, supplier_id, days_ago=20 + n, stars=(5, 5, 5))
    await _recompute_at(app)
    assert (await _supplier_score(client, supplier_id)) is not None

    with fixed_clock(app, NOW):
        grouped = await client.post(
            "/ownership-groups",
            json={"name": "Famiglia Bianchi", "firm_ids": family.firm_ids},
            headers=family.headers,
        )
    assert grouped.status_code == 201

    # No daily recompute in between: the group's own contracts no longer count.
    supplier = (await client.get(f"/firms/{supplier_id}/reputation")).json()
    assert supplier["as_supplier"] == {"score": None, "contracts": 0, "by_phase": {}}
    sister = (await client.get(f"/firms/{sister_id}/reputation")).json()
    assert sister["as_client"] == {"score": None, "contracts": 0, "by_phase": {}}


async def _stored_scores(app: FastAPI) -> list[tuple]:
    async with app.state.ctx.sessionmaker() as session:
        rows = (
            await session.scalars(
                select(ReputationScore).order_by(
                    ReputationScore.firm_id, ReputationScore.role, ReputationScore.phase
                )
            )
        ).all()
        return [
            (
                r.firm_id,
                r.role,
                r.phase,
                r.score,
                r.contracts,
                r.components,
                r.formula_version,
                r.updated_at,
            )
            for r in rows
        ]


async def test_incremental_updates_equal_a_full_recompute(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    buyers = [await firm_owner(client, phases=["apparel"]) for _ in range(2)]
    suppliers = [await firm_owner(client, phases=["dyeing", "finishing"]) for _ in range(3)]
    # A year of history, concluded before today.
    for n in range(12):
        buyer, supplier = buyers[n % 2], suppliers[n % 3]
        await _reviewed(
            app,
            buyer.firm_id,
            supplier.firm_id,
            days_ago=3 + 29 * n,
            stars=(2 + n % 4, 4, 3),
            days_late=n % 4,
            phase=("dyeing", "finishing")[n % 2],
            unit_price=f"{5 + n}.50",
        )
    # The daily job ran this morning: today's district means are in force.
    await _recompute_at(app, NOW - timedelta(hours=4))
    # Today's work, through the API at a fixed instant: completions, reviews, disputes.
    open_ones = []
    for n in range(6):
        buyer, supplier = buyers[n % 2], suppliers[n % 3]
        contract_id = await insert_contract(
            app,
            buyer.firm_id,
            supplier.firm_id,
            status="delivered",
            phase="finishing",
            due_date=NOW.date() - timedelta(days=n % 3),
            delivered_at=NOW - timedelta(days=1),
        )
        open_ones.append((contract_id, buyer, supplier))
    with fixed_clock(app, NOW):
        for index, (contract_id, buyer, supplier) in enumerate(open_ones):
            url = f"/contracts/{contract_id}"
            if index < 4:
                assert (
                    await client.post(f"{url}/accept", headers=buyer.headers)
                ).status_code == 200
                for actor in (buyer, supplier)[: 1 + index % 2]:
                    review = await client.post(f"{url}/reviews", json=GOOD, headers=actor.headers)
                    assert review.status_code == 201
            else:
                await client.post(
                    f"{url}/dispute", json={"reason": "Difetti"}, headers=buyer.headers
                )
                outcome = ("completed", "cancelled")[index % 2]
                resolved = await client.post(
                    f"/moderation/contracts/{contract_id}/resolve",
                    json={"outcome": outcome, "note": "Verificato"},
                    headers=staff.headers,
                )
                assert resolved.status_code == 200
    incremental = await _stored_scores(app)
    snapshots = await count(app, ReputationSnapshot)
    assert len({row[0] for row in incremental}) == 5
    await _recompute_at(app)
    assert await _stored_scores(app) == incremental
    assert await count(app, ReputationSnapshot) == snapshots
    assert await count(app, ReputationDistrictMean) == 2


async def test_updates_never_compute_district_means(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """Before the first daily job the prior sits at the published baselines; the daily
    job's means then hold until the next one, whatever the day's completions."""
    buyer = await firm_owner(client, phases=["apparel"])
    supplier = await firm_owner(client)
    await _reviewed(app, buyer.firm_id, supplier.firm_id, days_ago=30, stars=(2, 2, 2))
    contract_id = await insert_contract(
        app,
        buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        due_date=NOW.date(),
        delivered_at=NOW - timedelta(hours=5),
    )
    with fixed_clock(app, NOW):
        await client.post(f"/contracts/{contract_id}/accept", headers=buyer.headers)
    assert await count(app, ReputationDistrictMean) == 0
    parts = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()["components"]
    supplier_parts = parts["as_supplier"]
    assert supplier_parts["district"] == {"as_of": None, "contracts": 0}
    assert supplier_parts["signals"]["review_quality"]["prior_centre"] == 0.75

    await _recompute_at(app, NOW + timedelta(hours=1))
    later = await insert_contract(
        app,
        buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        due_date=NOW.date(),
        delivered_at=NOW - timedelta(hours=5),
    )
    with fixed_clock(app, NOW + timedelta(hours=2)):
        await client.post(f"/contracts/{later}/accept", headers=buyer.headers)
    parts = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()["components"]
    district = parts["as_supplier"]["district"]
    assert district == {"as_of": "2026-06-15T00:00:00+00:00", "contracts": 1}
    # The district's own poor reviews pull its centre below the baseline.
    assert parts["as_supplier"]["signals"]["review_quality"]["prior_centre"] < 0.75
    assert await count(app, ReputationDistrictMean) == 2


async def test_reputation_read_explains_the_parts(client: httpx.AsyncClient, app: FastAPI) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    supplier = await firm_owner(client, phases=["dyeing"])
    newcomer = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()
    assert newcomer["as_supplier"] == {"score": None, "contracts": 0, "by_phase": {}}
    assert newcomer["components"]["as_supplier"] is None and newcomer["history"] == []
    assert newcomer["formula_version"] == "2026.1"
    assert (await client.get(f"/firms/{supplier.firm_id}")).json()["reputation"] is None

    await _reviewed(
        app, buyer.firm_id, supplier.firm_id, days_ago=40, stars=(5, 4, 4), phase="dyeing"
    )
    contract_id = await insert_contract(
        app,
        buyer.firm_id,
        supplier.firm_id,
        status="delivered",
        phase="finishing",
        due_date=NOW.date(),
        delivered_at=NOW - timedelta(hours=3),
    )
    with fixed_clock(app, NOW):
        await client.post(f"/contracts/{contract_id}/accept", headers=buyer.headers)
    body = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()
    as_supplier = body["as_supplier"]
    assert as_supplier["contracts"] == 2 and 0 <= as_supplier["score"] <= 100
    assert set(as_supplier["by_phase"]) == {"dyeing", "finishing"}
    assert all(p["contracts"] == 1 for p in as_supplier["by_phase"].values())
    parts = body["components"]["as_supplier"]
    assert parts["on_time_rate"] == 1.0 and parts["review_averages"]["count"] == 1
    assert parts["review_averages"]["quality"] == 5.0
    points = sum(s["points"] for s in parts["signals"].values())
    assert abs(points - as_supplier["score"]) < 0.1
    formula = body["components"]["formula"]
    assert formula["half_life_days"] == 365 and formula["prior_contracts"] == 5
    # Only the acceptance went through the service: one point in the chart.
    assert [(h["role"], h["score"], h["contracts"]) for h in body["history"]] == [
        ("supplier", as_supplier["score"], 2)
    ]
    profile = (await client.get(f"/firms/{supplier.firm_id}")).json()
    assert profile["reputation"] == {
        "supplier_score": as_supplier["score"],
        "supplier_contracts": 2,
        "client_score": None,
        "client_contracts": 0,
    }
    directory = (await client.get("/firms", params={"phase": "apparel"})).json()["items"]
    assert directory[0]["reputation"]["client_contracts"] == 2
    assert (await client.get("/firms/999999/reputation")).status_code == 404


async def test_history_grows_when_the_score_moves(client: httpx.AsyncClient, app: FastAPI) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    supplier = await firm_owner(client)
    for day in (3, 2, 1):
        contract_id = await insert_contract(
            app,
            buyer.firm_id,
            supplier.firm_id,
            status="delivered",
            due_date=NOW.date() - timedelta(days=day),
            delivered_at=NOW - timedelta(days=day + 1),
        )
        with fixed_clock(app, NOW - timedelta(days=day)):
            await client.post(f"/contracts/{contract_id}/accept", headers=buyer.headers)
    history = (await client.get(f"/firms/{supplier.firm_id}/reputation")).json()["history"]
    supplier_points = [h for h in history if h["role"] == "supplier"]
    assert [h["contracts"] for h in supplier_points] == [1, 2, 3]
    assert supplier_points == sorted(supplier_points, key=lambda h: h["at"])


async def test_recompute_command_reports_a_summary(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    supplier = await firm_owner(client)
    await _reviewed(app, buyer.firm_id, supplier.firm_id, days_ago=12, stars=(4, 4, 5))
    summary = await recompute_database(settings)
    assert "2 firms scored from 1 concluded contracts" in summary
    assert await count(app, ReputationScore, ReputationScore.phase == "*") == 2


@pytest.mark.postgres_only
async def test_concurrent_completions_for_one_client_lose_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    import asyncio

    buyer = await firm_owner(client, phases=["apparel"])
    suppliers = [await firm_owner(client) for _ in range(8)]
    contract_ids = [
        await insert_contract(
            app,
            buyer.firm_id,
            s.firm_id,
            status="delivered",
            due_date=NOW.date(),
            delivered_at=NOW - timedelta(days=1),
        )
        for s in suppliers
    ]
    await _recompute_at(app, NOW - timedelta(hours=1))  # the daily job
    with fixed_clock(app, NOW):
        responses = await asyncio.gather(
            *[client.post(f"/contracts/{c}/accept", headers=buyer.headers) for c in contract_ids]
        )
        # The same acceptance racing itself happens exactly once.
        twice = await asyncio.gather(
            *[client.post(f"/contracts/{contract_ids[0]}/accept", headers=buyer.headers)] * 5
        )
    assert all(r.status_code == 200 for r in responses)
    assert all(r.status_code == 409 for r in twice)
    incremental = await _stored_scores(app)
    client_rows = [r for r in incremental if r[0] == buyer.firm_id and r[2] == "*"]
    assert client_rows[0][4] == 8
    await _recompute_at(app)
    assert await _stored_scores(app) == incremental
