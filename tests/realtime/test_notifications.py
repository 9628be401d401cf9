"""Per-user notifications: made from the outbox once, for whom the event reached then."""

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from distretto.kit.events import STAFF, firm_key, phase_key
from distretto.models import Notification
from distretto.realtime.relay import CURSOR, NotificationRelay, materialise_pending
from distretto.realtime.repository import NotificationRepository
from tests.helpers import Actor, add_member, firm_owner, make_staff, problem_fields, register
from tests.realtime.builders import publish


async def _notifications(
    client: httpx.AsyncClient, actor: Actor, query: str = ""
) -> dict[str, Any]:
    response = await client.get(f"/notifications{query}", headers=actor.headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _unread(client: httpx.AsyncClient, actor: Actor) -> int:
    response = await client.get("/notifications/unread-count", headers=actor.headers)
    assert response.status_code == 200, response.text
    return int(response.json()["unread"])


async def _rows(app: FastAPI) -> int:
    async with app.state.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Notification)) or 0)


async def test_notifications_reach_the_audience_and_are_marked_read(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["weaving"])
    colleague = await add_member(client, owner, "member")
    bidder = await firm_owner(client, phases=["dyeing"])
    event = await publish(
        app, "bid.created", {"bid_id": 7, "order_id": 42}, [firm_key(owner.firm_id)]
    )

    for person in (owner, colleague):
        page = await _notifications(client, person)
        assert len(page["items"]) == 1 and page["next_cursor"] is None
        item = page["items"][0]
        assert item["event_id"] == event.id and item["type"] == "bid.created"
        assert item["title"] == "New bid on order #42"
        assert item["data"] == {"bid_id": 7, "order_id": 42}
        assert item["read"] is False and item["read_at"] is None
        assert await _unread(client, person) == 1
    assert (await _notifications(client, bidder))["items"] == []

    marked = await client.post(
        "/notifications/read", json={"ids": [item["id"]]}, headers=colleague.headers
    )
    assert marked.status_code == 200 and marked.json() == {"marked": 1, "unread": 0}
    assert (await _notifications(client, colleague, "?unread=true"))["items"] == []
    read = (await _notifications(client, colleague))["items"][0]
    assert read["read"] is True and read["read_at"] is not None
    # Each person's read marks are their own.
    assert await _unread(client, owner) == 1
    # Someone else's notification ids are ignored, not revealed.
    owners_id = (await _notifications(client, owner))["items"][0]["id"]
    stranger = await client.post(
        "/notifications/read", json={"ids": [owners_id]}, headers=bidder.headers
    )
    assert stranger.json() == {"marked": 0, "unread": 0}
    assert await _unread(client, owner) == 1


async def test_mark_all_read_pages_and_titles(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    staff = await make_staff(app, await register(client))
    for n in range(23):
        await publish(
            app,
            "order.created",
            {"order_id": n, "phase": "dyeing", "title": f"Lotto {n}"},
            [phase_key("dyeing")],
        )
    await publish(app, "flag.created", {"target_type": "order", "target_id": 3}, [STAFF])

    first = await _notifications(client, owner)
    assert [i["title"] for i in first["items"][:2]] == [
        "New order for dyeing: Lotto 22",
        "New order for dyeing: Lotto 21",
    ]
    assert len(first["items"]) == 20 and first["next_cursor"]
    second = await _notifications(client, owner, f"?cursor={first['next_cursor']}")
    assert [i["data"]["order_id"] for i in second["items"]] == [2, 1, 0]
    assert second["next_cursor"] is None
    assert (await _notifications(client, staff))["items"][0]["title"] == (
        "New report to moderate: order #3"
    )

    everything = await client.post("/notifications/read", json={"all": True}, headers=owner.headers)
    assert everything.json() == {"marked": 23, "unread": 0}
    assert await _unread(client, staff) == 1


async def test_recipients_are_those_the_event_reached_when_it_happened(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    await publish(
        app, "contract.updated", {"contract_id": 1, "status": "active"}, [firm_key(owner.firm_id)]
    )
    newcomer = await add_member(client, owner, "member")
    later = await publish(
        app,
        "contract.updated",
        {"contract_id": 1, "status": "delivered"},
        [firm_key(owner.firm_id)],
    )
    items = (await _notifications(client, newcomer))["items"]
    assert [i["event_id"] for i in items] == [later.id]
    assert items[0]["title"] == "Contract #1 is now delivered"
    assert await _unread(client, owner) == 2


async def test_the_relay_materialises_in_the_background(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    await publish(app, "firm.verified", {"firm_id": owner.firm_id}, [firm_key(owner.firm_id)])
    # Nobody reads: the relay, woken by live fan-out, writes the row by itself.
    async with asyncio.timeout(10):
        while True:
            if await _rows(app):
                break
            await asyncio.sleep(0.05)
    assert await _rows(app) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "ids"),
        ({"ids": []}, "ids"),
        ({"ids": [0]}, "ids.0"),
        ({"ids": ["x"]}, "ids.0"),
        ({"ids": list(range(1, 502))}, "ids"),
        ({"ids": [1], "all": True}, "ids"),
        ({"all": False}, "all"),
        ({"all": True, "every": True}, "every"),
    ],
)
async def test_mark_read_refuses_bad_bodies(
    client: httpx.AsyncClient,
    app: FastAPI,
    body: dict[str, Any],
    field: str,
) -> None:
    owner = await firm_owner(client)
    await publish(app, "firm.verified", {}, [firm_key(owner.firm_id)])
    response = await client.post("/notifications/read", json=body, headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await _unread(client, owner) == 1


async def test_notification_routes_need_a_signed_in_user(client: httpx.AsyncClient) -> None:
    assert (await client.get("/notifications")).status_code == 401
    assert (await client.get("/notifications/unread-count")).status_code == 401
    assert (await client.post("/notifications/read", json={"all": True})).status_code == 401
    me = await register(client)
    bad_cursor = await client.get("/notifications?cursor=zzz", headers=me.headers)
    assert bad_cursor.status_code == 422 and "cursor" in problem_fields(bad_cursor)


@pytest.mark.postgres_only
async def test_concurrent_readers_materialise_each_notification_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owners = [await firm_owner(client, phases=["dyeing"]) for _ in range(4)]
    for n in range(40):
        await publish(
            app,
            "order.created",
            {"order_id": n, "phase": "dyeing", "title": "x"},
            [phase_key("dyeing")],
        )
    pages = await asyncio.gather(
        *(_notifications(client, o, "?limit=100") for o in owners for _ in range(3))
    )
    assert all(len(page["items"]) == 40 for page in pages)
    assert await _rows(app) == 4 * 40


@pytest.mark.postgres_only
async def test_the_relay_skips_a_held_cursor_and_a_read_waits_for_it(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    # The cursor row exists, as it does in any district that has run once.
    async with app.state.sessionmaker() as session:
        await NotificationRepository(session).lock_cursor(CURSOR, wait=True)
        await session.commit()
    async with app.state.sessionmaker() as holder:
        assert await NotificationRepository(holder).lock_cursor(CURSOR, wait=True) is not None
        event = await publish(
            app, "firm.verified", {"firm_id": owner.firm_id}, [firm_key(owner.firm_id)]
        )
        # A background pass (another worker's, say) gives up at once: no pooled
        # connection parked behind the lock.
        async with app.state.sessionmaker() as other, asyncio.timeout(5):
            assert await materialise_pending(other, wait_for_lock=False) is None
            await other.commit()
        # A read waits, so it cannot answer without what committed before it began.
        read = asyncio.create_task(_notifications(client, owner))
        await asyncio.sleep(0.5)
        assert not read.done()
        await holder.commit()
    page = await read
    assert [item["event_id"] for item in page["items"]] == [event.id]
    assert await _rows(app) == 1


async def test_notifications_another_process_wrote_are_announced_as_written(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """A worker's mail queue follows its relay; when an app process's relay writes the
    notifications first, the worker's relay still tells the queue at its next look."""
    owner = await firm_owner(client)
    written = asyncio.Event()
    # Woken by hand only (no poll in the test's time): it cannot write the row itself.
    relay = NotificationRelay(app.state.sessionmaker, poll_seconds=60, settle_seconds=0)
    relay.on_written(written.set)
    relay.start()
    try:
        relay.wake()
        async with asyncio.timeout(5):
            await written.wait()  # its first look is news to it, as to a new worker
        written.clear()
        relay.wake()
        await asyncio.sleep(0.3)
        assert not written.is_set()  # nothing new at the second
        await publish(app, "firm.verified", {"firm_id": owner.firm_id}, [firm_key(owner.firm_id)])
        # Another relay writes the row (this process's background one may come first).
        async with app.state.sessionmaker() as other:
            await materialise_pending(other)
            await other.commit()
        assert await _rows(app) == 1
        relay.wake()
        async with asyncio.timeout(5):
            await written.wait()
    finally:
        await relay.stop()
    assert await _rows(app) == 1
