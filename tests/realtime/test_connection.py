"""One connection's ordering rules, with the replay paused at will.

The socket is a stand-in (an in-memory transport); the outbox replay is a function the
test releases, so the interleaving of replay and live events is exact, not timing luck.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from starlette.websockets import WebSocket

from distretto.kit.events import OutboxEvent
from distretto.realtime.connection import LiveConnection, LiveLimits
from distretto.realtime.policies import Audience

NOW = datetime.now(UTC)
LIMITS = LiveLimits(
    send_queue=16, max_message_bytes=4096, heartbeat_seconds=60, lifetime_seconds=60
)
AUDIENCE = Audience(user_id=1, keys=frozenset({"firm:1"}), active_firm_ids=frozenset({1}))


def event(n: int) -> OutboxEvent:
    return OutboxEvent(n, "contract.updated", {"n": n}, NOW, ("firm:1",))


class MemorySocket:
    def __init__(self) -> None:
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sent: list[dict[str, Any]] = []
        self.changed = asyncio.Event()
        self.taken: asyncio.Queue[None] = asyncio.Queue()  # one item per message read

    def client_sends(self, message: dict[str, Any]) -> None:
        self.inbox.put_nowait({"type": "websocket.receive", "text": json.dumps(message)})

    async def receive(self) -> dict[str, Any]:
        message = await self.inbox.get()
        # The reader handles the message before the test, woken by this, runs again.
        self.taken.put_nowait(None)
        return message

    async def send_text(self, text: str) -> None:
        self.sent.append(json.loads(text))
        self.changed.set()

    async def close(self, code: int, reason: str) -> None:
        self.sent.append({"closed": code})

    async def until(self, count: int) -> list[dict[str, Any]]:
        async with asyncio.timeout(5):
            while len(self.sent) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.sent


class PausedOutbox:
    """The outbox as the replay sees it, answering only when released."""

    def __init__(self, events: list[OutboxEvent]) -> None:
        self.events = events
        self.released = asyncio.Event()
        self.asked = asyncio.Event()

    async def __call__(self, keys: frozenset[str], after: int, limit: int) -> list[OutboxEvent]:
        self.asked.set()
        await self.released.wait()
        return [e for e in self.events if e.id > after][:limit]


@asynccontextmanager
async def running(outbox: PausedOutbox) -> AsyncIterator[tuple[LiveConnection, MemorySocket]]:
    socket = MemorySocket()
    connection = LiveConnection(
        cast(WebSocket, socket),
        AUDIENCE,
        expires_at=NOW + timedelta(hours=1),
        limits=LIMITS,
        replay_source=outbox,
    )
    task = asyncio.create_task(connection.run())
    try:
        yield connection, socket
    finally:
        socket.inbox.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await task


async def test_live_events_arriving_during_a_replay_are_sent_once_after_it() -> None:
    outbox = PausedOutbox([event(1), event(2), event(3)])
    async with running(outbox) as (connection, socket):
        socket.client_sends({"type": "resume", "after": 0})
        await outbox.asked.wait()
        # While the replay reads the outbox, 2 and 3 (already in it) and 4 arrive live.
        for n in (2, 3, 4):
            connection.offer(event(n))
        outbox.released.set()
        sent = await socket.until(5)
    assert [m.get("id", m["type"]) for m in sent] == [1, 2, 3, "resumed", 4]
    assert sent[3] == {"type": "resumed", "last_id": 3}


async def test_a_second_resume_waits_for_the_first() -> None:
    outbox = PausedOutbox([event(1)])
    async with running(outbox) as (_, socket):
        socket.client_sends({"type": "resume", "after": 0})
        await outbox.asked.wait()
        socket.client_sends({"type": "resume", "after": 0})
        for _ in range(2):  # both resumes read (and answered) before the replay goes on
            await socket.taken.get()
        outbox.released.set()
        first = await socket.until(3)
        assert [m.get("id", m["type"]) for m in first] == [1, "resumed", "error"]
        assert "already" in first[2]["detail"]
        socket.client_sends({"type": "resume", "after": 0})  # allowed again now
        sent = await socket.until(5)
    assert [m.get("id", m["type"]) for m in sent[3:]] == [1, "resumed"]


async def test_live_events_at_or_below_the_last_sent_id_are_dropped() -> None:
    outbox = PausedOutbox([])
    async with running(outbox) as (connection, socket):
        for n in (5, 3, 5, 6):
            connection.offer(event(n))
        sent = await socket.until(2)
    assert [m["id"] for m in sent] == [5, 6]
