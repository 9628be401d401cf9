"""Redis is an accelerator, never a single point of failure.

A Redis of the test's own (a redis-server on a port from the OS, never the shared one)
is killed under a running app: sign-in, bids and the revocation check keep answering
(rate limits fall back to per-process counts, live fan-out to the outbox poll), /readyz
says ``degraded`` and why, and once Redis is back the app uses it again without a
restart, the first request on an old connection included.
"""

import asyncio
import shutil
import socket
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

import httpx
import pytest
from fastapi import FastAPI
from redis.asyncio import Redis

from distretto.app import create_app
from distretto.config import Settings
from tests.helpers import PASSWORD, firm_owner, register
from tests.market.builders import bid_body, post_order

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def own_redis(port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                subprocess.run(["sleep", "0.02"], check=True)
        yield process
    finally:
        process.kill()
        process.wait()


@asynccontextmanager
async def app_on(settings: Settings, port: int) -> AsyncIterator[httpx.AsyncClient]:
    own = settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{port}/0",
            "redis_namespace": f"outage-{uuid.uuid4().hex[:8]}",
        }
    )
    app = create_app(own)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as c:
            yield c


async def _sign_in(c: httpx.AsyncClient, email: str, password: str) -> int:
    response = await c.post("/auth/token", data={"username": email, "password": password})
    return response.status_code


async def test_the_app_survives_redis_going_away_and_uses_it_again(
    app: FastAPI, settings: Settings
) -> None:
    """(``app``: the session's app is started first, as the clean-up after the test needs.)"""
    port = _free_port()
    with own_redis(port) as first:
        async with app_on(settings, port) as c:
            client_firm = await firm_owner(c, phases=["weaving"])
            supplier = await firm_owner(c, phases=["dyeing"])
            order = await post_order(c, client_firm)
            assert (await c.get("http://t/readyz")).json() == {"status": "ready"}

            first.kill()
            first.wait()
            assert await _sign_in(c, supplier.email, PASSWORD) == 200
            assert await _sign_in(c, supplier.email, "not-the-password") == 401
            bid = await c.post(
                f"/orders/{order['id']}/bids",
                json=bid_body(supplier.firm_id),
                headers=supplier.headers,
            )
            assert bid.status_code == 201, bid.text
            assert (await c.get("/me", headers=supplier.headers)).status_code == 200
            ready = await c.get("http://t/readyz")
            assert ready.status_code == 200
            assert ready.json()["status"] == "degraded"
            assert any("redis" in reason.lower() for reason in ready.json()["reasons"])

            with own_redis(port):
                # The first request after Redis returns, on a connection from before.
                await asyncio.sleep(1.5)
                late = await register(c)
                assert await _sign_in(c, late.email, "not-the-password") == 401
                async with Redis(port=port) as direct:
                    keys = [k.decode() async for k in direct.scan_iter(match="*login:fail*")]
                assert keys, "the rate limit went back to Redis"
                statuses = []
                for _ in range(50):  # within 10 s
                    statuses.append((await c.get("http://t/readyz")).json()["status"])
                    if statuses[-1] == "ready":
                        break
                    await asyncio.sleep(0.2)
                assert statuses[-1] == "ready", statuses
