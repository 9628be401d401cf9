"""Access tokens are short, and revocable: logout and a revoked refresh family end them at
once (a jti/family revocation list consulted on every request, shared through Redis)."""

import httpx
import pytest
from fastapi import FastAPI

from distretto.app import create_app
from distretto.config import Settings
from tests.helpers import PASSWORD, register


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_access_tokens_are_short_by_default() -> None:
    assert Settings().access_token_minutes <= 5


async def test_logout_ends_the_access_token_at_once(client: httpx.AsyncClient) -> None:
    actor = await register(client)
    other_session = await client.post(
        "/auth/token", data={"username": actor.email, "password": PASSWORD}
    )
    assert other_session.status_code == 200
    assert (await client.get("/me", headers=actor.headers)).status_code == 200
    out = await client.post(
        "/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers
    )
    assert out.status_code == 204
    assert (await client.get("/me", headers=actor.headers)).status_code == 401
    # Another sign-in of the same person (another device) is not signed out.
    other = other_session.json()["access_token"]
    assert (await client.get("/me", headers=_bearer(other))).status_code == 200


async def test_a_revoked_refresh_family_ends_its_access_tokens(client: httpx.AsyncClient) -> None:
    actor = await register(client)
    rotated = await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})
    assert rotated.status_code == 200
    fresh_access = rotated.json()["access_token"]
    # The old refresh token shown again: stolen. The whole family is revoked...
    reused = await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})
    assert reused.status_code == 401
    # ...and with it every access token minted for it, the thief's and the victim's.
    assert (await client.get("/me", headers=_bearer(fresh_access))).status_code == 401
    assert (await client.get("/me", headers=actor.headers)).status_code == 401


@pytest.mark.postgres_only
async def test_revocations_are_shared_between_processes(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings
) -> None:
    """A second app on the same Redis (another process) refuses the token too."""
    assert settings.redis_url is not None

    actor = await register(client)
    await client.post(
        "/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers
    )
    second = create_app(settings)
    async with second.router.lifespan_context(second):
        transport = httpx.ASGITransport(app=second)
        async with httpx.AsyncClient(transport=transport, base_url="http://t/api/v1") as c:
            assert (await c.get("/me", headers=actor.headers)).status_code == 401
