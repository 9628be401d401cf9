"""Reminders and the daily digest count the district's days, not UTC's.

From midnight to 01:00 in Prato (02:00 in summer) the UTC date is still the day before,
and a UTC day runs from 01:00 (02:00) to 01:00 (02:00) in Prato: each instant below is
one where a UTC count picks a different day than the people reminded live by.
"""

from datetime import UTC, date, datetime, time, timedelta

import httpx
import pytest
from fastapi import FastAPI

from distretto.kit import clock
from distretto.kit.clock import DISTRICT_TIME, district_date
from distretto.kit.scheduling.scheduler import JobBody
from distretto.mail import reminders
from distretto.mail.service import queue_daily_digests
from distretto.models import Event, Notification, Order
from tests.contracts.builders import insert_contract
from tests.helpers import firm_owner, register
from tests.mail.smtp import emails
from tests.mail.test_delivery import choose
from tests.mail.test_scheduler import events

# 00:30 on Friday 15 January in Prato: UTC is still on the 14th.
WINTER_NIGHT = datetime(2027, 1, 14, 23, 30, tzinfo=UTC)
# 00:30 on Saturday 10 July in Prato (summer time): UTC is still on the 9th.
SUMMER_NIGHT = datetime(2027, 7, 9, 22, 30, tzinfo=UTC)
# The reminders' and the digest's own hours in summer: 06:05 and 06:35 in Prato, when
# the UTC date agrees but a UTC day still starts at 02:00 in Prato.
SUMMER_REMINDERS = datetime(2027, 7, 10, 4, 5, tzinfo=UTC)
SUMMER_DIGEST = datetime(2027, 7, 10, 4, 35, tzinfo=UTC)


def prato(day: date, hour: int, minute: int) -> datetime:
    """The instant of a wall-clock time in Prato."""
    return datetime.combine(day, time(hour, minute), tzinfo=DISTRICT_TIME).astimezone(UTC)


async def run(app: FastAPI, job: JobBody, now: datetime) -> int:
    async with app.state.ctx.sessionmaker() as session:
        with clock.pinned(now):
            done = await job(session, now)
        await session.commit()
    return done


@pytest.mark.parametrize("now", [WINTER_NIGHT, SUMMER_REMINDERS], ids=["winter-night", "summer"])
async def test_bid_deadline_reminders_are_for_orders_closing_tomorrow_in_prato(
    client: httpx.AsyncClient, app: FastAPI, now: datetime
) -> None:
    owner = await firm_owner(client)
    today = district_date(now)
    tomorrow = today + timedelta(days=1)
    closing = {
        "today at noon": prato(today, 12, 0),
        "tomorrow just after midnight": prato(tomorrow, 0, 15),
        "tomorrow just before midnight": prato(tomorrow, 23, 45),
        "the day after just after midnight": prato(tomorrow + timedelta(days=1), 0, 15),
    }
    ids: dict[str, int] = {}
    async with app.state.ctx.sessionmaker() as session:
        for name, deadline in closing.items():
            order = Order(
                client_firm_id=owner.firm_id,
                title=f"Ordine che chiude {name}",
                phase="dyeing",
                quantity=500,
                unit="kg",
                bid_deadline=deadline,
                delivery_due=tomorrow + timedelta(days=30),
                region="Toscana",
                status="open",
            )
            session.add(order)
            await session.flush()
            assert order.id is not None
            ids[name] = order.id
        await session.commit()

    assert await run(app, reminders.bid_deadlines, now) == 2
    reminded = {data["order_id"] for data, _ in await events(app, "reminder.bid_deadline")}
    assert reminded == {ids["tomorrow just after midnight"], ids["tomorrow just before midnight"]}


async def test_delivery_reminders_are_for_contracts_due_in_three_days_in_prato(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer, maker = await firm_owner(client), await firm_owner(client)
    # 10 July in Prato, 9 July in UTC.
    today = district_date(SUMMER_NIGHT)
    due = await insert_contract(
        app, buyer.firm_id, maker.firm_id, due_date=today + timedelta(days=3)
    )
    await insert_contract(app, buyer.firm_id, maker.firm_id, due_date=today + timedelta(days=2))

    assert await run(app, reminders.deliveries_due, SUMMER_NIGHT) == 1
    ((data, keys),) = await events(app, "reminder.delivery_due")
    assert data["contract_id"] == due and data["due_date"] == "2027-07-13"
    assert keys == {f"firm:{maker.firm_id}"}


async def test_review_reminders_are_for_contracts_completed_three_days_ago_in_prato(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer, maker = await firm_owner(client), await firm_owner(client)
    # 15 January in Prato: three days ago is 12 January there.
    three_days_ago = district_date(WINTER_NIGHT) - timedelta(days=3)
    completed = {
        "the evening before": prato(three_days_ago - timedelta(days=1), 23, 30),
        "just after midnight": prato(three_days_ago, 0, 30),
        "late in the evening": prato(three_days_ago, 23, 30),
        "just after the next midnight": prato(three_days_ago + timedelta(days=1), 0, 30),
    }
    ids = {
        name: await insert_contract(
            app,
            buyer.firm_id,
            maker.firm_id,
            status="completed",
            due_date=three_days_ago,
            completed_at=at,
        )
        for name, at in completed.items()
    }

    # Neither party reviewed: both are reminded of each of the two contracts.
    assert await run(app, reminders.reviews_pending, WINTER_NIGHT) == 4
    reminded = {data["contract_id"] for data, _ in await events(app, "reminder.review_pending")}
    assert reminded == {ids["just after midnight"], ids["late in the evening"]}


@pytest.mark.parametrize("now", [WINTER_NIGHT, SUMMER_DIGEST], ids=["winter-night", "summer"])
async def test_the_digest_groups_yesterday_in_prato_and_is_dated_by_it(
    client: httpx.AsyncClient, app: FastAPI, now: datetime
) -> None:
    reader = await register(client)
    await choose(client, reader, email="daily")
    today = district_date(now)
    yesterday = today - timedelta(days=1)
    happened = {
        "the evening before yesterday": prato(yesterday - timedelta(days=1), 23, 30),
        "yesterday just after midnight": prato(yesterday, 0, 30),
        "yesterday just before midnight": prato(yesterday, 23, 30),
        "today just after midnight": prato(today, 0, 15),
    }
    ids: dict[str, int] = {}
    async with app.state.ctx.sessionmaker() as session:
        for name, at in happened.items():
            event = Event(type="bid.created", data={"order_id": 1}, created_at=at)
            session.add(event)
            await session.flush()
            assert event.id is not None
            ids[name] = event.id
            session.add(
                Notification(
                    user_id=reader.user_id,
                    event_id=event.id,
                    type=event.type,
                    title=name,
                    created_at=at,
                )
            )
        await session.commit()

    assert await run(app, queue_daily_digests, now) == 1
    (digest,) = [e for e in await emails(app) if e.template == "digest"]
    assert digest.digest_day == yesterday
    assert digest.key == f"digest:{yesterday.isoformat()}:{reader.user_id}"
    assert digest.context["event_ids"] == [
        ids["yesterday just after midnight"],
        ids["yesterday just before midnight"],
    ]
