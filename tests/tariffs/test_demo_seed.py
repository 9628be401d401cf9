"""The demo district has reference tariffs, below-tariff bids and capacity calendars."""

from collections import Counter

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from distretto.models import Bid, CapacityWeek
from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login


async def test_demo_tariffs_capacity_and_below_tariff_work(
    demo_client: httpx.AsyncClient, demo_app: FastAPI
) -> None:
    tariffs = (await demo_client.get("/tariffs")).json()["items"]
    pairs = {(t["phase"], t["unit"]) for t in tariffs}
    assert {("dyeing", "m"), ("stitching", "capi"), ("spinning", "kg")} <= pairs
    assert {("upper_stitching", "paia")} <= pairs
    dyeing = next(t for t in tariffs if (t["phase"], t["unit"]) == ("dyeing", "m"))
    assert [v["version"] for v in dyeing["history"]] == [2, 1]

    async with demo_app.state.ctx.sessionmaker() as session:
        below = await session.scalar(
            select(func.count()).select_from(Bid).where(Bid.below_tariff.is_(True))
        )
        priced = await session.scalar(
            select(func.count()).select_from(Bid).where(Bid.tariff_id.is_not(None))
        )
        slots = (await session.scalars(select(CapacityWeek))).all()
    assert below and priced and below < priced
    assert any(s.booked > 0 for s in slots)
    firms_per_phase = Counter(phase for phase, _ in {(s.phase, s.firm_id) for s in slots})
    busiest = firms_per_phase.most_common(1)[0][0]

    staff = await login(demo_client, "staff@distretto.example", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {staff['access_token']}"}
    report = (await demo_client.get("/moderation/below-tariff", headers=headers)).json()
    assert report["phases"] and report["items"]
    summary = await demo_client.get("/capacity/summary", params={"phase": busiest}, headers=headers)
    assert any(item["free"] is not None for item in summary.json()["items"])
