"""Two real app processes sharing PostgreSQL and Redis: an event caused through one reaches
clients of the other, and a Redis restart loses nothing a resuming client asks for."""

import asyncio
import os
import sys
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from distretto.config import Settings
from tests.helpers import Actor, firm_owner
from tests.realtime.builders import WAIT, LiveClient, free_port, live, redis_server

pytestmark = [pytest.mark.postgres_only, pytest.mark.slow]

DISTRETTO = Path(sys.executable).with_name("distretto")
LIVE_PUSH = 1.0  # seconds: well under the 2 s outbox poll, so only the broker can be this fast


@dataclass
class AppProcess:
    http: str
    ws: str
    output: deque[str]

    async def metric(self, name: str) -> float:
        async with httpx.AsyncClient() as client:
            text = (await client.get(f"{self.http}/metrics")).text
        values = [float(line.split()[-1]) for line in text.splitlines() if line.startswith(name)]
        return sum(values)


async def _drain(stream: asyncio.StreamReader, into: deque[str]) -> None:
    # Keep reading, or the server blocks once the pipe is full; keep the tail for failures.
    while line := await stream.readline():
        into.append(line.decode(errors="replace"))


@asynccontextmanager
async def app_process(
    settings: Settings, redis_url: str, namespace: str
) -> AsyncIterator[AppProcess]:
    """``distretto serve`` in a subprocess on a port the OS hands out."""
    port = free_port()
    env = os.environ | {
        "DISTRETTO_ENVIRONMENT": "test",
        "DISTRETTO_DATABASE_URL": settings.database_url,
        "DISTRETTO_REDIS_URL": redis_url,
        "DISTRETTO_REDIS_NAMESPACE": namespace,
        "DISTRETTO_SECRET_KEY": settings.secret_key,
    }
    process = await asyncio.create_subprocess_exec(
        str(DISTRETTO), "serve", "--host", "127.0.0.1", "--port", str(port),
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    running = AppProcess(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}", deque(maxlen=200))
    drain = asyncio.create_task(_drain(process.stdout, running.output))
    try:
        async with asyncio.timeout(60), httpx.AsyncClient() as client:
            while True:
                try:
                    if (await client.get(f"{running.http}/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.returncode is None, "".join(running.output)
                await asyncio.sleep(0.2)
        yield running
    finally:
        process.terminate()
        try:
            async with asyncio.timeout(15):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
        await drain


def _order(firm_id: int, n: int) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "firm_id": firm_id,
        "title": f"Tintura lotto {n}",
        "phase": "dyeing",
        "quantity": 500,
        "unit": "kg",
        "bid_deadline": (now + timedelta(days=5)).isoformat(),
        "delivery_due": (now + timedelta(days=30)).date().isoformat(),
        "visibility": "public",
    }


async def _post_order(base: str, buyer: Actor, n: int) -> int:
    async with httpx.AsyncClient(base_url=f"{base}/api/v1") as http:
        response = await http.post("/orders", json=_order(buyer.firm_id, n), headers=buyer.headers)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


async def _order_arrives(socket: LiveClient, order_id: int, within: float) -> int:
    message = await socket.next(within=within)
    assert message["type"] == "order.created" and message["data"]["order_id"] == order_id
    return int(message["id"])


async def _subscribed(process: AppProcess, times: int) -> None:
    async with asyncio.timeout(30):
        while True:
            if await process.metric("distretto_broker_subscriptions_total") >= times:
                return
            await asyncio.sleep(0.2)


async def test_events_cross_processes_and_survive_a_redis_restart(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    buyer = await firm_owner(client, phases=["weaving"])
    supplier = await firm_owner(client, phases=["dyeing"])
    namespace = f"distretto-test-{uuid.uuid4().hex[:8]}"
    async with (
        redis_server() as redis,
        app_process(settings, redis.url, namespace) as a,
        app_process(settings, redis.url, namespace) as b,
    ):
        await _subscribed(a, 1)
        await _subscribed(b, 1)
        # `distretto serve` bounds frames in the protocol layer too.
        async with live(a.ws, supplier.token) as big:
            await big.send("x" * (settings.ws_max_message_bytes + 1))
            assert (await big.closed())[0] == 1009
        async with live(a.ws, supplier.token) as stays:
            # Caused through B, heard on A at broker speed.
            async with live(a.ws, supplier.token) as leaves:
                for n in range(3):
                    order_id = await _post_order(b.http, buyer, n)
                    started = time.monotonic()
                    last_seen = await _order_arrives(leaves, order_id, WAIT)
                    assert time.monotonic() - started < LIVE_PUSH
                    await _order_arrives(stays, order_id, WAIT)

            await redis.kill()
            missed = [await _post_order(b.http, buyer, n) for n in range(3, 6)]
            # Redis is down: A still hears of them, from the outbox, a little later.
            for order_id in missed:
                await _order_arrives(stays, order_id, WAIT)

            await redis.start()
            await _subscribed(a, 2)
            await _subscribed(b, 2)
            order_id = await _post_order(b.http, buyer, 6)
            missed.append(order_id)
            started = time.monotonic()
            await _order_arrives(stays, order_id, WAIT)
            assert time.monotonic() - started < LIVE_PUSH  # Redis fan-out is back

        # The client that left during the outage resumes, on either process.
        for process in (a, b):
            async with live(process.ws, supplier.token) as back:
                replayed = await back.resume(last_seen)
                assert [m["data"]["order_id"] for m in replayed] == missed
                assert [m["id"] for m in replayed] == sorted({m["id"] for m in replayed})
        async with httpx.AsyncClient(base_url=f"{b.http}/api/v1") as http:
            page = (await http.get(f"/events?after={last_seen}", headers=supplier.headers)).json()
        assert [item["data"]["order_id"] for item in page["items"]] == missed
