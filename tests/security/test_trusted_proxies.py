"""Whose X-Forwarded-For is believed: only an explicit list of proxies (default: none).

A client-written X-Forwarded-For used to pass for the caller's address (the deploy set
uvicorn's FORWARDED_ALLOW_IPS to "*"): it defeated the per-address sign-in limit and
was written to the audit log. These run the app behind uvicorn with the options
``distretto serve`` uses, in the deploy's environment.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select

from distretto.cli import server_options
from distretto.models import AuditEntry
from tests.helpers import register


@asynccontextmanager
async def behind_uvicorn(app: FastAPI) -> AsyncIterator[str]:
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        lifespan="off",
        log_level="warning",
        **server_options(app.state.ctx.settings),
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/api/v1"
    finally:
        server.should_exit = True
        await task


async def _failed_login_ips(app: FastAPI) -> list[str | None]:
    async with app.state.ctx.sessionmaker() as session:
        stmt = select(AuditEntry.ip).where(AuditEntry.action == "auth.login_failed")
        return list((await session.scalars(stmt.order_by(AuditEntry.id))).all())


async def _fail_login(base: str, forwarded: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base) as c:
        return await c.post(
            "/auth/token",
            data={"username": "who@example.it", "password": "not-the-password"},
            headers={"X-Forwarded-For": forwarded},
        )


async def test_forwarded_for_from_an_untrusted_client_is_ignored(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "*")  # what the deploy used to set
    await register(client, "who@example.it")
    async with behind_uvicorn(app) as base:
        for n in range(3):
            assert (await _fail_login(base, f"198.51.100.{n}")).status_code == 401
    assert await _failed_login_ips(app) == ["127.0.0.1"] * 3


async def test_a_listed_proxy_is_believed_up_to_the_first_untrusted_hop(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.state.ctx.settings, "trusted_proxies", ["127.0.0.1", "10.0.0.0/8"])
    await register(client, "who@example.it")
    async with behind_uvicorn(app) as base:
        # The client wrote the first entry itself; the ingress (10.1.2.3) appended the
        # address it saw; nginx on 127.0.0.1 connected to us.
        await _fail_login(base, "6.6.6.6, 203.0.113.5, 10.1.2.3")
        await _fail_login(base, "not-an-address")
    assert await _failed_login_ips(app) == ["203.0.113.5", "127.0.0.1"]
