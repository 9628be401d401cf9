"""A bad client gets a clean close and the server keeps serving everybody else."""

import asyncio
import logging
import socket
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import col
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from distretto.config import Settings
from distretto.kit.events import firm_key
from distretto.models import User
from tests.helpers import Actor, firm_owner, make_staff, register
from tests.realtime.builders import LiveClient, live, own_server, publish, suspend_in_db


async def still_served(app: FastAPI, bystander: LiveClient, actor: Actor) -> None:
    event = await publish(app, "contract.updated", {"check": True}, [firm_key(actor.firm_id)])
    assert (await bystander.next())["id"] == event.id


async def refused(base: str, token: str | None) -> int:
    url = f"{base}/api/v1/ws" + (f"?token={token}" if token is not None else "")
    with pytest.raises(InvalidStatus) as refusal:
        async with connect(url):
            pass
    return refusal.value.response.status_code


async def test_bad_tokens_are_refused_before_the_handshake(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    bystander_actor = await firm_owner(client)
    victim = await register(client)
    tokens = app.state.tokens
    expired = tokens.mint_access(victim.user_id, now=datetime.now(UTC) - timedelta(hours=2))
    async with app.state.sessionmaker() as session:
        await session.execute(
            update(User).where(col(User.id) == victim.user_id).values(is_active=False)
        )
        await session.commit()
    disabled = tokens.mint_access(victim.user_id)

    async with live(live_server, bystander_actor.token) as bystander:
        too_long = victim.token + "." + "x" * 4096
        for token in (
            None,
            "",
            "not-a-jwt",
            victim.token[:-3] + "abc",
            expired,
            disabled,
            too_long,
        ):
            # The server closes with 1008 before accepting; over HTTP that is a 403.
            assert await refused(live_server, token) == 403
        await still_served(app, bystander, bystander_actor)


async def test_oversized_flooding_or_binary_clients_are_closed(
    client: httpx.AsyncClient, app: FastAPI, live_server: str, settings: Settings
) -> None:
    actor = await firm_owner(client)
    async with live(live_server, actor.token) as bystander:
        async with live(live_server, actor.token) as big:
            await big.send("x" * (settings.ws_max_message_bytes + 1))
            assert (await big.closed())[0] == 1009

        async with live(live_server, actor.token) as flood:
            for _ in range(40):
                await flood.send({"type": "ping"})
            code, reason = await flood.closed()
            assert code == 1008 and "too many" in reason

        async with live(live_server, actor.token) as binary:
            await binary.ws.send(b"\x00\x01")
            assert (await binary.closed())[0] == 1003

        await still_served(app, bystander, actor)


async def test_socket_closes_when_the_token_expires(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    actor = await firm_owner(client)
    tokens = app.state.tokens
    # A token minted so that it has about two seconds left.
    short = tokens.mint_access(
        actor.user_id, now=datetime.now(UTC) - tokens.access_ttl + timedelta(seconds=2)
    )
    async with live(live_server, short) as socket_:
        code, reason = await socket_.closed(within=6)
    assert code == 4001 and "expired" in reason


async def test_heartbeats_and_lifetime_cap(client: httpx.AsyncClient, settings: Settings) -> None:
    actor = await firm_owner(client)
    async with (
        own_server(settings, ws_heartbeat_seconds=0.2, ws_lifetime_seconds=1.5) as (app, base),
        live(base, actor.token) as socket_,
    ):
        assert await socket_.next(heartbeats=True) == {"type": "heartbeat"}
        event = await publish(app, "contract.updated", {}, [firm_key(actor.firm_id)])
        assert (await socket_.next())["id"] == event.id
        code, reason = await socket_.closed(within=5)
        assert code == 4000 and "reconnect" in reason


async def test_suspension_closes_the_socket_at_the_next_heartbeat(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    actor = await firm_owner(client)
    async with own_server(settings, ws_heartbeat_seconds=0.3) as (app, base):
        async with live(base, actor.token) as socket_:
            # Suspended by a path that announced nothing: the heartbeat check finds it.
            await suspend_in_db(app, actor.firm_id)
            code, reason = await socket_.closed(within=5)
            assert code == 4003 and "suspended" in reason
        # Reconnecting works: the firm's own affairs still flow, and it is not closed again.
        async with live(base, actor.token) as again:
            event = await publish(app, "contract.updated", {}, [firm_key(actor.firm_id)])
            assert (await again.next())["id"] == event.id
            for _ in range(3):
                assert await again.next(heartbeats=True) == {"type": "heartbeat"}


async def test_suspension_by_staff_closes_members_sockets_after_telling_them(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    actor = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    async with live(live_server, actor.token) as member, live(live_server, staff.token) as desk:
        response = await client.post(
            f"/moderation/firms/{actor.firm_id}/suspend",
            json={"reason": "Fatture false segnalate da tre committenti"},
            headers=staff.headers,
        )
        assert response.status_code == 200, response.text
        told = await member.next()
        assert told["type"] == "firm.suspended" and told["data"]["firm_id"] == actor.firm_id
        assert (await member.closed())[0] == 4003
        # Staff heard it too and stay connected.
        assert (await desk.next())["id"] == told["id"]
        await desk.send({"type": "ping"})
        assert await desk.next() == {"type": "pong"}


def _tiny_receive_buffer() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return sock


async def test_a_slow_client_is_dropped_without_slowing_the_others(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    actor = await firm_owner(client)
    audience = [firm_key(actor.firm_id)]
    bulk = "x" * 100_000
    async with own_server(settings, ws_send_queue=8) as (app, base):
        sock = _tiny_receive_buffer()
        host, port = base.removeprefix("ws://").split(":")
        sock.connect((host, int(port)))
        # max_queue=1: the client library stops reading the socket after one message.
        async with (
            live(base, actor.token, sock=sock, max_queue=1) as slow,
            live(base, actor.token) as fast,
        ):
            hub = app.state.realtime.hub
            assert len(hub) == 2
            # In step with the fast client: it is never behind, whatever the machine's load,
            # while the slow one stops reading and falls behind until it is dropped.
            written = []
            async with asyncio.timeout(60):
                for _ in range(100):
                    written.append(await publish(app, "message.created", {"bulk": bulk}, audience))
                    assert (await fast.next())["id"] == written[-1].id
            # The slow one was cut off: it gets what was already on the wire, then the end.
            received = 0
            code = None
            try:
                while True:
                    await slow.next(within=10)
                    received += 1
            except ConnectionClosed as ended:  # cleanly (1013) or cut off (no close frame)
                code = ended.rcvd.code if ended.rcvd else None
            assert received < len(written)
            assert code in (1013, None)
            # Its connection is gone from the server; the fast one is still there.
            assert len(hub) == 1


async def test_metrics_count_connections_and_deliveries(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    actor = await firm_owner(client)
    async with live(live_server, actor.token) as socket_:
        await publish(app, "contract.updated", {}, [firm_key(actor.firm_id)])
        await socket_.next()
        metrics = (await client.get("http://test/metrics")).text
    assert "distretto_ws_connections 1.0" in metrics
    assert "distretto_ws_events_delivered_total" in metrics
    assert "distretto_ws_clients_dropped_total" in metrics


async def test_tokens_never_reach_the_server_logs(app: FastAPI) -> None:
    # The filter is installed when an app starts (``app`` is running). uvicorn's loggers
    # do not propagate once a server configured them, so listen on them directly.
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn.access")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        loggers[0].warning(
            '%s - "WebSocket %s" 403', "10.0.0.7:5000", "/api/v1/ws?token=eyJhbGciOi.secret"
        )
        loggers[1].warning(
            '%s - "%s %s HTTP/%s" %d', "10.0.0.7", "GET", "/api/v1/ws?x=1&token=abc&y=2", "1.1", 403
        )
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert lines == [
        '10.0.0.7:5000 - "WebSocket /api/v1/ws?token=[redacted]" 403',
        '10.0.0.7 - "GET /api/v1/ws?x=1&token=[redacted]&y=2 HTTP/1.1" 403',
    ]
