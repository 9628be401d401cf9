import httpx
import pytest
from sqlalchemy import func, select

from distretto.models import AuditEntry, User
from tests.helpers import PASSWORD, login, problem_fields, register


async def _user_count(app) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def test_register_then_me(client: httpx.AsyncClient) -> None:
    actor = await register(client, "Anna.Rossi@Example.it", full_name="Anna Rossi", via_http=True)
    me = await client.get("/me", headers=actor.headers)
    assert me.status_code == 200
    body = me.json()
    assert body["email"] == "anna.rossi@example.it"
    assert body["full_name"] == "Anna Rossi"
    assert body["is_staff"] is False
    assert body["memberships"] == [] and body["consortia"] == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "password": PASSWORD, "full_name": "X"}, "email"),
        ({"email": "a@example.it", "password": "short", "full_name": "X"}, "password"),
        ({"email": "a@example.it", "password": PASSWORD, "full_name": ""}, "full_name"),
        ({"email": "a@example.it", "password": PASSWORD, "full_name": "x" * 121}, "full_name"),
        ({"email": "a@example.it", "password": 1234567890123, "full_name": "X"}, "password"),
        ({"email": "a@example.it", "full_name": "X"}, "password"),
    ],
)
async def test_register_rejects_bad_input_and_writes_nothing(
    client: httpx.AsyncClient,
    app,
    payload: dict,
    field: str,
) -> None:
    response = await client.post("/auth/register", json=payload)
    assert response.status_code == 422
    assert field in problem_fields(response)
    body = response.json()
    assert body["status"] == 422 and body["title"] and body["detail"]
    assert await _user_count(app) == 0


async def test_duplicate_email_conflicts_case_insensitively(client: httpx.AsyncClient) -> None:
    await register(client, "dup@example.it", via_http=True)
    again = await client.post(
        "/auth/register", json={"email": "DUP@example.it", "password": PASSWORD, "full_name": "B"}
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")


async def test_wrong_password_is_401_and_audited(client: httpx.AsyncClient, app) -> None:
    await register(client, "p@example.it")
    response = await client.post(
        "/auth/token", data={"username": "p@example.it", "password": "wrong-password!"}
    )
    assert response.status_code == 401
    async with app.state.ctx.sessionmaker() as session:
        actions = (await session.scalars(select(AuditEntry.action))).all()
    assert "auth.login_failed" in actions


async def test_repeated_failures_are_rate_limited(client: httpx.AsyncClient, app) -> None:
    await register(client, "rl@example.it")
    limit = app.state.ctx.settings.login_attempts_per_window
    for _ in range(limit):
        r = await client.post(
            "/auth/token", data={"username": "rl@example.it", "password": "nope-nope-nope"}
        )
        assert r.status_code == 401
    blocked = await client.post(
        "/auth/token", data={"username": "rl@example.it", "password": PASSWORD}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) > 0


@pytest.mark.parametrize("token", ["garbage", "a.b.c", ""])
async def test_bad_token_is_401(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_expired_and_foreign_tokens_are_401(client: httpx.AsyncClient, app) -> None:
    from datetime import UTC, datetime, timedelta

    from distretto.auth.security import TokenService
    from distretto.config import Settings

    actor = await register(client)
    tokens = app.state.ctx.tokens
    expired = tokens.mint_access(actor.user_id, datetime.now(UTC) - timedelta(hours=2))
    assert (
        await client.get("/me", headers={"Authorization": f"Bearer {expired}"})
    ).status_code == 401
    other = TokenService(Settings(secret_key="another-secret-key-0123456789-abcdef"))
    forged = other.mint_access(actor.user_id)
    assert (
        await client.get("/me", headers={"Authorization": f"Bearer {forged}"})
    ).status_code == 401
    assert (await client.get("/me")).status_code == 401


async def test_refresh_rotates_and_works_once(client: httpx.AsyncClient) -> None:
    actor = await register(client)
    first = await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})
    assert first.status_code == 200
    new_pair = first.json()
    assert new_pair["refresh_token"] != actor.refresh_token
    reused = await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})
    assert reused.status_code == 401
    # Reuse revokes the whole family: the rotated token is dead too.
    after = await client.post("/auth/refresh", json={"refresh_token": new_pair["refresh_token"]})
    assert after.status_code == 401


async def test_logout_revokes_refresh_token(client: httpx.AsyncClient) -> None:
    actor = await register(client)
    out = await client.post(
        "/auth/logout", json={"refresh_token": actor.refresh_token}, headers=actor.headers
    )
    assert out.status_code == 204
    again = await client.post("/auth/refresh", json={"refresh_token": actor.refresh_token})
    assert again.status_code == 401


async def test_login_is_case_insensitive_on_email(client: httpx.AsyncClient) -> None:
    await register(client, "case@example.it")
    tokens = await login(client, "CASE@example.it", via_http=True)
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] > 0
