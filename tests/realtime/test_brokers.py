"""Brokers and the dispatcher: order, completeness and recovery of live fan-out."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import httpx
from fastapi import FastAPI

from distretto.db import session_scope
from distretto.kit.events import OutboxEvent, firm_key, write_outbox_event
from distretto.realtime.broker import (
    RESUBSCRIBED,
    BrokerItem,
    InProcessBroker,
    RedisBroker,
    decode,
    encode,
)
from tests.helpers import firm_owner
from tests.realtime.builders import BARRIER, barrier, live, redis_server


async def _write_unpublished(app: FastAPI, count: int, audience: list[str]) -> list[OutboxEvent]:
    """Commit events without publishing them (as a CLI command or a crashed request would)."""
    async with session_scope(app.state.sessionmaker, None) as session:
        return [
            await write_outbox_event(session, "contract.updated", {"n": n}, audience)
            for n in range(count)
        ]


async def test_publishes_out_of_commit_order_still_arrive_in_id_order_once(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    me = await firm_owner(client)
    async with live(live_server, me.token) as socket:
        first, second, third = await _write_unpublished(app, 3, [firm_key(me.firm_id)])
        sink = app.state.event_sink
        await sink.publish([third])  # the gap below it is read back from the outbox
        await sink.publish([first])  # late copies: already delivered
        await sink.publish([second, first])
        await barrier(app, [me])
        assert [m["id"] for m in await socket.events_until(BARRIER)] == [
            first.id,
            second.id,
            third.id,
        ]


async def test_events_nobody_published_arrive_through_the_outbox_poll(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    me = await firm_owner(client)
    async with live(live_server, me.token) as socket:
        (event,) = await _write_unpublished(app, 1, [firm_key(me.firm_id)])
        assert (await socket.next(within=8))["id"] == event.id


def test_wire_format_round_trips() -> None:
    one = OutboxEvent(7, "bid.created", {"n": 1}, datetime.now(UTC), ("firm:1", "staff"))
    assert decode(encode([one])) == [one]


@asynccontextmanager
async def _subscribed(broker: RedisBroker) -> AsyncIterator[asyncio.Queue[BrokerItem]]:
    received: asyncio.Queue[BrokerItem] = asyncio.Queue()

    async def pump() -> None:
        async for item in broker.subscribe():
            received.put_nowait(item)

    await broker.start()
    task = asyncio.create_task(pump())
    try:
        yield received
    finally:
        task.cancel()
        await broker.close()


async def _next(queue: asyncio.Queue[BrokerItem], within: float = 10) -> BrokerItem:
    async with asyncio.timeout(within):
        return await queue.get()


async def test_redis_broker_survives_a_redis_restart() -> None:
    at = datetime.now(UTC)
    events = {n: OutboxEvent(n, "contract.updated", {"n": n}, at, ("firm:1",)) for n in (1, 2, 3)}

    async with redis_server() as redis:
        broker = RedisBroker(redis.url, f"distretto-test-{uuid.uuid4().hex[:8]}")
        async with _subscribed(broker) as received:
            assert await _next(received) is RESUBSCRIBED
            await broker.publish([events[1]])
            assert await _next(received) == [events[1]]

            await redis.kill()
            # Redis is gone: publishing neither fails nor hangs; this process gets it anyway.
            async with asyncio.timeout(3):
                await broker.publish([events[2]])
            assert await _next(received) == [events[2]]

            await redis.start()
            # The subscriber comes back by itself and says so (the dispatcher then
            # reads back from the outbox whatever it missed meanwhile).
            assert await _next(received, within=15) is RESUBSCRIBED
            await broker.publish([events[3]])
            assert await _next(received) == [events[3]]


async def test_settled_waits_until_the_subscriber_has_handled_every_batch() -> None:
    # The test harness relies on it before emptying the outbox under a running app.
    broker = InProcessBroker()
    handled: list[int] = []
    release = asyncio.Event()

    async def slow_subscriber() -> None:
        async for item in broker.subscribe():
            await release.wait()
            assert isinstance(item, list)
            handled.extend(event.id for event in item)

    task = asyncio.create_task(slow_subscriber())
    one = OutboxEvent(1, "bid.created", {}, datetime.now(UTC), ("firm:1",))
    two = OutboxEvent(2, "bid.created", {}, datetime.now(UTC), ("firm:1",))
    await broker.publish([one])
    await broker.publish([two])
    settled = asyncio.create_task(broker.settled())
    await asyncio.sleep(0.05)
    assert not settled.done()
    release.set()
    async with asyncio.timeout(5):
        await settled
    assert handled == [1, 2]
    task.cancel()
