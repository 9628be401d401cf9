"""The relay writes a whole batch of events' notifications in one statement (issue 18):
a bid every few milliseconds must not cost it a round trip each."""

from typing import Any, cast

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.db import session_scope
from distretto.kit.events import firm_key, user_key, write_outbox_event
from distretto.models import Notification
from distretto.realtime.relay import materialise_pending
from tests.helpers import add_member, firm_owner
from tests.market.builders import statements


async def test_a_batch_of_events_is_one_insert_with_every_recipient(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["weaving"])
    colleague = await add_member(client, owner, "member")
    other = await firm_owner(client, phases=["dyeing"])
    relay = app.state.realtime.relay
    await relay.stop()  # the background relay must not take these events first
    try:
        async with session_scope(app.state.sessionmaker, None) as session:
            events = [
                await write_outbox_event(session, "bid.created", {"bid_id": 1, "order_id": 9}, a)
                for a in (
                    [firm_key(owner.firm_id)],
                    [user_key(other.user_id)],
                    [firm_key(owner.firm_id), user_key(other.user_id)],
                )
            ]
        async with app.state.sessionmaker() as session:
            async with statements(app) as executed:
                done = await materialise_pending(session)
            await session.commit()
    finally:
        relay.start()
    assert done is not None and done >= 3
    inserts = [sql for sql, _ in executed if sql.startswith("INSERT INTO notifications")]
    assert len(inserts) == 1, inserts
    async with app.state.sessionmaker() as session:
        rows = (
            await session.execute(
                select(Notification.event_id, Notification.user_id).where(
                    Notification.event_id.in_([e.id for e in events])
                )
            )
        ).all()
    first, second, third = (e.id for e in events)
    assert sorted(rows) == sorted(
        [
            (first, owner.user_id),
            (first, colleague.user_id),
            (second, other.user_id),
            (third, owner.user_id),
            (third, colleague.user_id),
            (third, other.user_id),
        ]
    )


async def test_a_malformed_event_is_notified_and_does_not_stop_the_relay(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """An event whose data is not an object (the bench's raw writer once stored a JSON
    string) used to raise in the title and roll the batch back, forever."""
    owner = await firm_owner(client, phases=["weaving"])
    relay = app.state.realtime.relay
    await relay.stop()
    try:
        async with session_scope(app.state.sessionmaker, None) as session:
            malformed = await write_outbox_event(
                session,
                "bid.created",
                cast(dict[str, Any], '{"order_id": 9}'),
                [firm_key(owner.firm_id)],
            )
            after = await write_outbox_event(
                session, "bid.created", {"bid_id": 2, "order_id": 9}, [firm_key(owner.firm_id)]
            )
        async with app.state.sessionmaker() as session:
            await materialise_pending(session)
            await session.commit()
    finally:
        relay.start()
    async with app.state.sessionmaker() as session:
        titles = dict(
            (
                await session.execute(
                    select(Notification.event_id, Notification.title).where(
                        Notification.event_id.in_([malformed.id, after.id])
                    )
                )
            ).all()
        )
    assert titles == {malformed.id: "Bid created", after.id: "New bid on order #9"}
