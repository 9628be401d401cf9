"""The acceptance's per-firm update stores exactly what the daily full recompute stores.

``refresh_firms`` (run by every acceptance) reads only the two firms' history and the
district means in force; ``recompute_all`` reads everything. Over a mixed history —
several firms in both roles, cancelled and lost contracts, lots, reviews released,
still blind, hidden or written after the instant, contracts concluded after it — the
rows an acceptance leaves must be the very rows a full recompute at that instant writes.
"""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.auth.viewer_cache import ViewerCache
from distretto.models import DeliveryLot, ReputationScore, ReputationSnapshot
from distretto.reputation.service import recompute_all
from tests.contracts.builders import (
    NOW,
    completed_contract,
    count,
    fixed_clock,
    insert_contract,
    insert_review,
)
from tests.helpers import Actor, firm_owner
from tests.market.builders import statements


async def _lots(app: FastAPI, contract_id: int, rng: random.Random) -> None:
    async with app.state.ctx.sessionmaker() as session:
        for n in range(rng.randint(1, 3)):
            quantity = Decimal(rng.randint(100, 500))
            rejected = Decimal(rng.choice((0, 0, 25)))
            session.add(
                DeliveryLot(
                    contract_id=contract_id,
                    quantity=quantity,
                    ddt_number=f"DDT-{contract_id}-{n}",
                    ddt_date=NOW.date(),
                    status=rng.choice(("accepted", "accepted", "pending")),
                    accepted_quantity=quantity - rejected,
                    rejected_quantity=rejected,
                    on_time=rng.random() < 0.7,
                )
            )
        await session.commit()


async def _history(app: FastAPI, firms: list[Actor], rng: random.Random) -> None:
    for _ in range(70):
        buyer, maker = rng.sample(firms, 2)
        concluded = NOW - timedelta(days=rng.uniform(-3, 700))
        if rng.random() < 0.12:
            await insert_contract(
                app,
                buyer.firm_id,
                maker.firm_id,
                phase=rng.choice(("weaving", "dyeing")),
                status="cancelled",
                cancelled_at=concluded,
                dispute_outcome="cancelled",
                dispute_opened_by_firm_id=buyer.firm_id,
                delivered_at=concluded - timedelta(days=3) if rng.random() < 0.5 else None,
            )
            continue
        contract_id = await completed_contract(
            app,
            buyer.firm_id,
            maker.firm_id,
            completed_at=concluded,
            days_late=rng.choice((0, 0, 0, 4)),
            phase=rng.choice(("weaving", "dyeing", "stitching")),
            unit_price=f"{rng.randint(2, 40)}.{rng.randint(0, 99):02d}",
            dispute_outcome="completed" if rng.random() < 0.08 else None,
        )
        if rng.random() < 0.25:
            await _lots(app, contract_id, rng)
        for author in (buyer, maker):
            # Written soon (released when both are in), late, after NOW, or never.
            delay = rng.choice((1.0, 2.0, 20.0, 900.0, None))
            if delay is not None:
                await insert_review(
                    app,
                    contract_id,
                    author.firm_id,
                    stars=(rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5)),
                    created_at=concluded + timedelta(hours=delay),
                    hidden=rng.random() < 0.1,
                )


async def _stored(app: FastAPI) -> list[tuple[Any, ...]]:
    async with app.state.ctx.sessionmaker() as session:
        rows = await session.execute(
            select(
                ReputationScore.firm_id,
                ReputationScore.role,
                ReputationScore.phase,
                ReputationScore.score,
                ReputationScore.contracts,
                ReputationScore.components,
                ReputationScore.formula_version,
                ReputationScore.updated_at,
            ).order_by(ReputationScore.firm_id, ReputationScore.role, ReputationScore.phase)
        )
        return [tuple(row) for row in rows]


async def _recompute(app: FastAPI) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await recompute_all(session, NOW)
        await session.commit()


async def test_acceptances_store_what_a_full_recompute_stores(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    rng = random.Random(18)
    firms = [await firm_owner(client) for _ in range(5)]
    await _history(app, firms, rng)
    pending = []
    for _ in range(4):
        buyer, maker = rng.sample(firms, 2)
        contract_id = await insert_contract(
            app,
            buyer.firm_id,
            maker.firm_id,
            status="delivered",
            due_date=NOW.date(),
            delivered_at=NOW - timedelta(days=1),
        )
        pending.append((contract_id, buyer))
    # The day's district means, as the daily job leaves them before the acceptances.
    await _recompute(app)
    counts = []
    # Every request reads its viewer, as in the pinned count.
    usual_viewers, app.state.viewers = app.state.viewers, ViewerCache(ttl=0)
    try:
        with fixed_clock(app, NOW):
            for contract_id, buyer in pending:
                async with statements(app) as accepting:
                    accepted = await client.post(
                        f"/contracts/{contract_id}/accept", headers=buyer.headers
                    )
                assert accepted.status_code == 200, accepted.text
                counts.append(len(accepting))
    finally:
        app.state.viewers = usual_viewers
    # A long history costs no extra statement: the count of tests/contracts/
    # test_request_cost.py's acceptance of two new firms' first contract, less the lot
    # update (these contracts were delivered without a lot).
    postgres = app.state.ctx.engine.dialect.name == "postgresql"
    assert counts == [16 if postgres else 17] * len(pending), counts
    incremental = await _stored(app)
    points = await count(app, ReputationSnapshot)
    await _recompute(app)
    assert await _stored(app) == incremental
    assert {row[0] for row in incremental} == {firm.firm_id for firm in firms}
    # Nothing the recompute stored moved an overall score, so it added no history point.
    assert await count(app, ReputationSnapshot) == points
