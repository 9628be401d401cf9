"""Builders for live-district tests: real servers, websocket clients, a small district,
and committed outbox events (written exactly as a request writes them)."""

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI
from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import col
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from distretto.app import create_app
from distretto.config import Settings
from distretto.db import create_sessionmaker, session_scope
from distretto.kit.events import OutboxEvent, user_key, write_outbox_event
from distretto.models import Firm
from tests.helpers import Actor, add_member, create_firm, firm_owner, make_staff, register

BARRIER = "test.barrier"
WAIT = 10.0


@asynccontextmanager
async def serve(app: FastAPI, *, lifespan: bool = False) -> AsyncIterator[str]:
    """A real uvicorn server for ``app`` on a free loopback port; yields its ws:// base.

    ``lifespan=False`` serves an app whose lifespan already runs (the session's ``app``).
    """
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="on" if lifespan else "off",
        ws_per_message_deflate=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(WAIT):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@asynccontextmanager
async def own_server(settings: Settings, **overrides: Any) -> AsyncIterator[tuple[FastAPI, str]]:
    """A second app with its own limits (same database), served for real."""
    app = create_app(settings.model_copy(update=overrides))
    async with serve(app, lifespan=True) as base:
        yield app, base


@asynccontextmanager
async def tiny_pool(app: FastAPI, *, checkout_seconds: float = 0.2) -> AsyncIterator[AsyncEngine]:
    """The app's socket reads (handshake audience, replay pages, suspension check) go
    through a pool of ONE connection, whose checkout gives up after ``checkout_seconds``;
    yields its engine, so a test can hold that connection and exhaust the pool."""
    realtime = app.state.realtime
    engine = create_async_engine(
        app.state.ctx.settings.database_url,
        pool_size=1,
        max_overflow=0,
        pool_timeout=checkout_seconds,
    )
    usual = realtime.sessionmaker
    realtime.sessionmaker = create_sessionmaker(engine)
    try:
        yield engine
    finally:
        realtime.sessionmaker = usual
        await engine.dispose()


class StatementLog:
    """The SQL an engine runs, as it runs it, for counting queries of one kind."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self._engine = engine.sync_engine

    def _record(self, *args: Any) -> None:
        self.statements.append(str(args[2]))  # (conn, cursor, statement, ...)

    def __enter__(self) -> "StatementLog":
        event.listen(self._engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._record)

    def count(self, predicate: Any) -> int:
        return sum(1 for statement in self.statements if predicate(statement))


class LiveClient:
    """A websocket client that reads events, skipping heartbeats unless asked for them."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.ws.send(message if isinstance(message, str) else json.dumps(message))

    async def next(self, *, within: float = WAIT, heartbeats: bool = False) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                message = json.loads(await self.ws.recv())
                if heartbeats or message.get("type") != "heartbeat":
                    return dict(message)

    async def events_until(self, message_type: str) -> list[dict[str, Any]]:
        """Every event before the first message of ``message_type`` (which is consumed)."""
        seen = []
        while (message := await self.next())["type"] != message_type:
            seen.append(message)
        return seen

    async def resume(self, after: int) -> list[dict[str, Any]]:
        """Ask for everything after ``after``; returns the replayed events."""
        await self.send({"type": "resume", "after": after})
        return await self.events_until("resumed")

    async def closed(self, *, within: float = WAIT) -> tuple[int | None, str]:
        """Wait for the server to close; returns its close code and reason."""
        try:
            async with asyncio.timeout(within):
                while True:
                    await self.ws.recv()
        except ConnectionClosed as closed:
            frame = closed.rcvd
            return (frame.code, frame.reason) if frame else (None, "")


@asynccontextmanager
async def live(base: str, token: str, **options: Any) -> AsyncIterator[LiveClient]:
    async with connect(f"{base}/api/v1/ws?token={token}", max_size=None, **options) as ws:
        yield LiveClient(ws)


async def publish(
    app: FastAPI, type_: str, data: dict[str, Any], audience: Iterable[str]
) -> OutboxEvent:
    """Emit one event in its own transaction and publish it after COMMIT, like a request."""
    return (await publish_many(app, [(type_, data, audience)]))[0]


async def publish_many(
    app: FastAPI, events: Sequence[tuple[str, dict[str, Any], Iterable[str]]]
) -> list[OutboxEvent]:
    written = []
    async with session_scope(app.state.sessionmaker, app.state.event_sink) as session:
        for type_, data, audience in events:
            written.append(await write_outbox_event(session, type_, data, audience))
    return written


async def barrier(app: FastAPI, actors: Iterable[Actor]) -> OutboxEvent:
    """An event for everybody: once a client reads it, it has read everything before it."""
    return await publish(app, BARRIER, {}, [user_key(a.user_id) for a in actors])


async def suspend_in_db(app: FastAPI, firm_id: int) -> None:
    """Suspend a firm without any event, as if by a path that forgot to announce it."""
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(Firm).where(col(Firm.id) == firm_id).values(status="suspended")
        )
        await session.commit()


@dataclass
class District:
    client: Actor  # final firm, weaving; posts orders
    client_colleague: Actor  # a second user of the client firm
    bidder: Actor  # dyeing
    competitor: Actor  # dyeing, bids against the bidder
    outsider: Actor  # stitching: no business with any of it
    suspended: Actor  # dyeing, but its firm is suspended
    staff: Actor  # association staff, no firm
    loner: Actor  # signed in, no firm at all

    @property
    def everyone(self) -> list[Actor]:
        return [
            self.client,
            self.client_colleague,
            self.bidder,
            self.competitor,
            self.outsider,
            self.suspended,
            self.staff,
            self.loner,
        ]

    def name_of(self, user_id: int) -> str:
        for name, actor in vars(self).items():
            if actor.user_id == user_id:
                return name
        raise KeyError(user_id)


async def district(client: httpx.AsyncClient, app: FastAPI) -> District:
    owner = await firm_owner(client, phases=["weaving"])
    colleague = await add_member(client, owner, "manager")
    suspended = await firm_owner(client, phases=["dyeing"])
    await suspend_in_db(app, suspended.firm_id)
    staff = await make_staff(app, await register(client))
    bidder = await register(client)
    await create_firm(client, bidder, phases=["dyeing", "finishing"])
    return District(
        client=owner,
        client_colleague=colleague,
        bidder=bidder,
        competitor=await firm_owner(client, phases=["dyeing"]),
        outsider=await firm_owner(client, phases=["stitching"]),
        suspended=suspended,
        staff=staff,
        loner=await register(client),
    )


def free_port() -> int:
    """A port the OS has just handed out (bind to port 0), never one from a fixed range:
    another Redis or server on the box may hold any port we would pick ourselves."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    """A throwaway redis-server of our own, to kill and restart (never the shared one)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        async with asyncio.timeout(WAIT):
            while True:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                except OSError:
                    await asyncio.sleep(0.05)
                    continue
                writer.close()
                await writer.wait_closed()
                return

    async def kill(self) -> None:
        if self._process is not None:
            self._process.kill()
            await self._process.wait()
            self._process = None


@asynccontextmanager
async def redis_server() -> AsyncIterator[RedisServer]:
    server = RedisServer(free_port())
    await server.start()
    try:
        yield server
    finally:
        await server.kill()
