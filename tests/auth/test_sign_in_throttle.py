"""Sign-in: the same work for unknown accounts, and throttling per (account, address)
with exponential backoff, so nobody can lock the owner out of their own account."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.kit import clock as kit_clock
from tests.helpers import PASSWORD, register

WRONG = "not-the-password"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Any:
    c = Clock()
    with kit_clock.pinned(lambda: c.now):
        yield c


@pytest.fixture
async def from_address(app: FastAPI) -> AsyncIterator[Any]:
    """A client whose requests come from a given address."""
    clients: list[httpx.AsyncClient] = []

    def open_(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 40000))
        c = httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")
        clients.append(c)
        return c

    yield open_
    for c in clients:
        await c.aclose()


async def _sign_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/token", data={"username": email, "password": password})


async def test_unknown_accounts_cost_one_password_verification(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answering an unknown email without hashing told an attacker which emails exist
    (~30 ms against ~500 ms): every refusal does the same argon2 verification."""
    await register(client, "known@example.it")
    hasher = app.state.ctx.hasher
    verified: list[str] = []
    original = type(hasher).verify

    def counting(self: Any, stored: str, password: str) -> bool:
        verified.append(stored.split("$")[1])
        return original(self, stored, password)

    monkeypatch.setattr(type(hasher), "verify", counting)
    for email in ("known@example.it", "nobody@example.it"):
        verified.clear()
        assert (await _sign_in(client, email, WRONG)).status_code == 401
        assert verified == ["argon2id"], email


async def test_failures_from_one_address_do_not_lock_the_owner_out(
    client: httpx.AsyncClient, app: FastAPI, from_address: Any, clock: Clock
) -> None:
    await register(client, "owner@example.it")
    attacker, owner = from_address("203.0.113.9"), from_address("198.51.100.7")
    for _ in range(app.state.ctx.settings.login_attempts_per_window + 3):
        await _sign_in(attacker, "owner@example.it", WRONG)
    assert (await _sign_in(attacker, "owner@example.it", PASSWORD)).status_code == 429
    # The owner, from their own address, signs in at once.
    assert (await _sign_in(owner, "owner@example.it", PASSWORD)).status_code == 200


async def test_backoff_doubles_and_then_lets_the_right_password_in(
    client: httpx.AsyncClient, app: FastAPI, from_address: Any, clock: Clock
) -> None:
    await register(client, "slow@example.it")
    here = from_address("192.0.2.44")
    free = app.state.ctx.settings.login_attempts_per_window
    for _ in range(free - 1):
        assert (await _sign_in(here, "slow@example.it", WRONG)).status_code == 401
    waits = []
    for _ in range(4):
        assert (await _sign_in(here, "slow@example.it", WRONG)).status_code == 401
        refused = await _sign_in(here, "slow@example.it", PASSWORD)
        assert refused.status_code == 429
        assert refused.json()["code"] == "auth.too_many_attempts"
        waits.append(int(refused.headers["retry-after"]))
        clock.advance(waits[-1])
    assert waits == [waits[0] * 2**i for i in range(4)] and waits[0] >= 1
    # The wait is over: the right password works, and clears the count.
    assert (await _sign_in(here, "slow@example.it", PASSWORD)).status_code == 200
    assert (await _sign_in(here, "slow@example.it", WRONG)).status_code == 401
    assert (await _sign_in(here, "slow@example.it", PASSWORD)).status_code == 200
