"""The scheduler fires each job once across processes; the reminders reach the right
firms."""

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.app import jobs
from distretto.db import create_engine, create_sessionmaker, session_scope
from distretto.kit import clock
from distretto.kit.clock import DISTRICT_TIME
from distretto.kit.scheduling.repository import RunRepository
from distretto.kit.scheduling.scheduler import Job, JobBody, Scheduler
from distretto.mail.service import scheduled_jobs
from distretto.models import Event, EventAudience, FirmDocument, ScheduledRun
from tests.contracts.builders import insert_contract, insert_review
from tests.helpers import firm_owner
from tests.mail.smtp import deliver, smtp_server
from tests.market.builders import district, place_bid

MORNING = datetime(2031, 5, 10, 6, 5, tzinfo=UTC)


async def events(app: FastAPI, type_: str) -> list[tuple[dict[str, Any], set[str]]]:
    async with app.state.ctx.sessionmaker() as session:
        rows = (await session.scalars(select(Event).where(Event.type == type_))).all()
        found = []
        for row in rows:
            keys = await session.scalars(
                select(EventAudience.audience_key).where(EventAudience.event_id == row.id)
            )
            found.append((row.data, set(keys.all())))
        return found


def scheduler_of(app: FastAPI) -> Scheduler:
    ctx = app.state.ctx
    return Scheduler(scheduled_jobs(), lambda: session_scope(ctx.sessionmaker, None))


@pytest.fixture
async def second_process(app: FastAPI) -> AsyncIterator[Scheduler]:
    """A scheduler with its own engine and pool, as another app process has."""
    engine = create_engine(app.state.ctx.settings.database_url)
    sessions = create_sessionmaker(engine)
    yield Scheduler(scheduled_jobs(), lambda: session_scope(sessions, None))
    await engine.dispose()


async def post_closing_tomorrow(client: httpx.AsyncClient, owner: Any) -> dict[str, Any]:
    body = {
        "firm_id": owner.firm_id,
        "title": "Tintura in pezza, velluto a coste",
        "description": "Colore bordeaux",
        "phase": "dyeing",
        "quantity": 800,
        "unit": "m",
        "bid_deadline": (MORNING + timedelta(days=1, hours=10)).isoformat(),
        "delivery_due": (MORNING + timedelta(days=30)).date().isoformat(),
        "visibility": "public",
    }
    response = await client.post("/orders", json=body, headers=owner.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_reminder_jobs_fire_once_with_two_schedulers(
    client: httpx.AsyncClient, app: FastAPI, second_process: Scheduler
) -> None:
    d = await district(client, app)
    with clock.pinned(MORNING):
        order = await post_closing_tomorrow(client, d.client_owner)
        await place_bid(
            client,
            d.bidder,
            order["id"],
            delivery_date=(MORNING + timedelta(days=20)).date().isoformat(),
        )
        asked = await client.post(
            f"/orders/{order['id']}/questions",
            json={"text": "Che solidità al lavaggio serve?"},
            headers=d.rival.headers,
        )
        assert asked.status_code == 201, asked.text
        first, second = await asyncio.gather(scheduler_of(app).tick(), second_process.tick())
        again = await scheduler_of(app).tick()
    fired = [
        name
        for name in ("reminders.bid_deadline",)
        for result in (first, second)
        if result[name] is not None
    ]
    assert fired == ["reminders.bid_deadline"]
    assert all(v is None for v in again.values())
    reminders = await events(app, "reminder.bid_deadline")
    assert len(reminders) == 2
    to_client = [data for data, keys in reminders if keys == {f"firm:{d.client_owner.firm_id}"}]
    assert [data["bid_count"] for data in to_client] == [1]
    (others,) = [keys for data, keys in reminders if data["bid_count"] is None]
    assert others == {f"firm:{d.bidder.firm_id}", f"firm:{d.rival.firm_id}"}

    async with app.state.ctx.sessionmaker() as session:
        runs = (await session.scalars(select(ScheduledRun))).all()
    assert {(r.job, r.slot) for r in runs} >= {("reminders.bid_deadline", "2031-05-10")}
    # The next morning is a new slot.
    with clock.pinned(MORNING + timedelta(days=1)):
        tomorrow = await second_process.tick(["reminders.bid_deadline"])
    assert tomorrow == {"reminders.bid_deadline": 0}

    # The client's mail has the count; the bidders' mails do not.
    with smtp_server() as (box, url), clock.pinned(MORNING):
        await deliver(app, url)
    (client_mail,) = [m for m in box.to(d.client_owner.email) if "chiudono" in m.subject]
    assert "Offerte ricevute: 1" in client_mail.text
    (rival_mail,) = [m for m in box.to(d.rival.email) if "chiudono" in m.subject]
    assert "Offerte ricevute" not in rival_mail.text


async def test_a_failing_job_rolls_back_and_the_next_tick_runs_it(app: FastAPI) -> None:
    calls: list[str] = []

    async def flaky(session: AsyncSession, now: datetime) -> int:
        calls.append("run")
        if len(calls) == 1:
            raise RuntimeError("database hiccup")
        return 7

    ctx = app.state.ctx
    scheduler = Scheduler(
        [Job("test.flaky", flaky, every=timedelta(hours=1))],
        lambda: session_scope(ctx.sessionmaker, None),
    )
    assert await scheduler.tick() == {}  # failed: logged, not recorded
    assert await scheduler.tick() == {"test.flaky": 7}
    assert await scheduler.tick() == {"test.flaky": None}
    assert calls == ["run", "run"]
    with pytest.raises(ValueError):
        Job("test.bad", flaky)
    # 06:00 is Prato's: 05:05 UTC is 07:05 there (summer time), past it; 03:05 UTC is not.
    morning = Job("d", flaky, daily_at=time(6))
    assert morning.slot(MORNING - timedelta(hours=1)) == "2031-05-10"
    assert morning.slot(MORNING - timedelta(hours=3)) == "2031-05-09"


@pytest.mark.parametrize(
    ("sunday", "fires"),
    [
        (
            date(2027, 3, 28),  # 02:00 CET becomes 03:00 CEST: a day of 23 hours
            {
                "documents.expiring": ["Sat 05:30 CET", "Sun 05:30 CEST", "Mon 05:30 CEST"],
                "reminders.bid_deadline": ["Sat 06:00 CET", "Sun 06:00 CEST", "Mon 06:00 CEST"],
                "mail.daily_digest": ["Sat 06:30 CET", "Sun 06:30 CEST", "Mon 06:30 CEST"],
                # 02:30 does not exist that Sunday: the first tick after the jump fires it.
                "test.in_the_change": ["Sat 02:30 CET", "Sun 03:00 CEST", "Mon 02:30 CEST"],
            },
        ),
        (
            date(2027, 10, 31),  # 03:00 CEST goes back to 02:00 CET: a day of 25 hours
            {
                "documents.expiring": ["Sat 05:30 CEST", "Sun 05:30 CET", "Mon 05:30 CET"],
                "reminders.bid_deadline": ["Sat 06:00 CEST", "Sun 06:00 CET", "Mon 06:00 CET"],
                "mail.daily_digest": ["Sat 06:30 CEST", "Sun 06:30 CET", "Mon 06:30 CET"],
                # 02:30 comes twice that Sunday: it fires the first time only.
                "test.in_the_change": ["Sat 02:30 CEST", "Sun 02:30 CEST", "Mon 02:30 CET"],
            },
        ),
    ],
    ids=["march", "october"],
)
async def test_daily_jobs_fire_once_per_district_day_across_the_clock_change(
    app: FastAPI, sunday: date, fires: dict[str, list[str]]
) -> None:
    fired: dict[str, list[datetime]] = defaultdict(list)

    def recording(name: str) -> JobBody:
        async def run(session: AsyncSession, now: datetime) -> int:
            fired[name].append(now)
            return 0

        return run

    daily = [replace(job, run=recording(job.name)) for job in jobs() if job.daily_at]
    daily.append(Job("test.in_the_change", recording("test.in_the_change"), daily_at=time(2, 30)))
    ctx = app.state.ctx
    scheduler = Scheduler(daily, lambda: session_scope(ctx.sessionmaker, None))
    # Saturday to Monday in Prato, a tick every quarter of an hour; the first tick also
    # fires Friday's slots, never run in this database.
    start = datetime.combine(sunday - timedelta(days=1), time(), tzinfo=DISTRICT_TIME)
    first, end = start.astimezone(UTC), (start + timedelta(days=3)).astimezone(UTC)
    at = first
    while at < end:
        with clock.pinned(at):
            await scheduler.tick()
        at += timedelta(minutes=15)

    seen = {
        name: [f"{t.astimezone(DISTRICT_TIME):%a %H:%M %Z}" for t in times if t > first]
        for name, times in fired.items()
    }
    assert {name: seen[name] for name in fires} == fires
    # Every daily job: one run per district day, Friday's included, on every day's slot.
    days = [(sunday + timedelta(days=n)).isoformat() for n in range(-2, 2)]
    async with ctx.sessionmaker() as session:
        runs = (await session.scalars(select(ScheduledRun))).all()
    for job in daily:
        assert len(fired[job.name]) == 4
        assert sorted(r.slot for r in runs if r.job == job.name) == days


async def test_delivery_and_review_reminders(client: httpx.AsyncClient, app: FastAPI) -> None:
    buyer, maker = await firm_owner(client), await firm_owner(client)
    due = await insert_contract(
        app, buyer.firm_id, maker.firm_id, due_date=(MORNING + timedelta(days=3)).date()
    )
    await insert_contract(
        app, buyer.firm_id, maker.firm_id, due_date=(MORNING + timedelta(days=4)).date()
    )
    completed = await insert_contract(
        app,
        buyer.firm_id,
        maker.firm_id,
        status="completed",
        due_date=(MORNING - timedelta(days=5)).date(),
        completed_at=MORNING - timedelta(days=3, hours=2),
    )
    await insert_review(app, completed, buyer.firm_id)
    with clock.pinned(MORNING):
        fired = await scheduler_of(app).tick(["reminders.delivery_due", "reminders.review_pending"])
    assert fired == {"reminders.delivery_due": 1, "reminders.review_pending": 1}
    ((data, keys),) = await events(app, "reminder.delivery_due")
    assert data["contract_id"] == due and keys == {f"firm:{maker.firm_id}"}
    ((data, keys),) = await events(app, "reminder.review_pending")
    # The buyer already reviewed: only the maker is reminded.
    assert data["contract_id"] == completed and keys == {f"firm:{maker.firm_id}"}


async def test_expiring_credentials_are_mailed_once_from_the_documents_expiry(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    async with app.state.ctx.sessionmaker() as session:
        session.add(
            FirmDocument(
                firm_id=owner.firm_id,
                kind="durc",
                label="DURC",
                valid_until=(MORNING + timedelta(days=12)).date(),
                status="approved",
                filename="durc.pdf",
                content_type="application/pdf",
                size=1000,
                storage_key="test/durc-expiring",
                sha256="0" * 64,
            )
        )
        await session.commit()
    ctx = app.state.ctx
    every = Scheduler(jobs(), lambda: session_scope(ctx.sessionmaker, None))
    with clock.pinned(MORNING):
        first = await every.tick(["documents.expiring"])
        second = await every.tick(["documents.expiring"])
    assert first == {"documents.expiring": 1} and second == {"documents.expiring": None}
    with smtp_server() as (box, url), clock.pinned(MORNING):
        await deliver(app, url)
    (mail,) = box.to(owner.email)
    assert mail.subject == "Documento in scadenza: DURC"
    assert "scade il 22/05/2031" in mail.text


async def test_the_day_of_the_upgrade_fires_each_daily_job_once(app: FastAPI) -> None:
    """Slots were named by the UTC day and are named by the district day: both name the
    day a job fires, so an upgraded process skips the slot its predecessor ran, and a
    process not yet upgraded (a rolling deploy) skips the one the upgraded ran first."""
    fired: list[datetime] = []

    async def run(session: AsyncSession, now: datetime) -> int:
        fired.append(now)
        return 0

    ctx = app.state.ctx
    job = Job("test.reminders", run, daily_at=time(6))
    scheduler = Scheduler([job], lambda: session_scope(ctx.sessionmaker, None))
    # Before the upgrade: 06:00 UTC (07:00 in Prato) on 14 January ran that day's slot.
    async with session_scope(ctx.sessionmaker, None) as session:
        assert await RunRepository(session).claim(
            job.name, "2027-01-14", datetime(2027, 1, 14, 6, tzinfo=UTC)
        )
    at = datetime(2027, 1, 14, 12, tzinfo=UTC)
    while at < datetime(2027, 1, 15, 12, tzinfo=UTC):
        with clock.pinned(at):
            await scheduler.tick()
        at += timedelta(minutes=15)
    assert fired == [datetime(2027, 1, 15, 5, tzinfo=UTC)]  # 06:00 in Prato
    # An old process's tick at 06:00 UTC on the 15th finds that day's slot taken.
    async with session_scope(ctx.sessionmaker, None) as session:
        old_tick = datetime(2027, 1, 15, 6, tzinfo=UTC)
        assert not await RunRepository(session).claim(job.name, "2027-01-15", old_tick)
