"""Access tokens are checked in full; refresh tokens rotate and a reused one ends the
whole sign-in."""

import base64
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey
from sqlalchemy import select

from distretto.models import AuditEntry, RefreshToken
from tests.helpers import login, register

SECRET = "test-secret-key-with-enough-length-0123456789"  # tests/conftest.py settings


def _claims(user_id: int, **overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "iss": "distretto",
        "aud": "distretto-api",
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "typ": "access",
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _hs(claims: dict[str, Any], alg: str = "HS256", secret: str = SECRET) -> str:
    return jwt.encode({"alg": alg}, claims, OctKey.import_key(secret.encode()), algorithms=[alg])


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


async def _status(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/me", headers={"Authorization": f"Bearer {token}"})).status_code


async def test_a_well_formed_token_passes(client: httpx.AsyncClient) -> None:
    """The forged variants below differ from this one in one respect each."""
    user = await register(client)
    assert await _status(client, _hs(_claims(user.user_id))) == 200


async def test_alg_none_is_refused(client: httpx.AsyncClient) -> None:
    user = await register(client)
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(user.user_id))}."
    assert await _status(client, unsigned) == 401


async def test_other_algorithms_are_refused(client: httpx.AsyncClient) -> None:
    user = await register(client)
    claims = _claims(user.user_id)
    # The right secret but another HMAC: only HS256 is allowed.
    assert await _status(client, _hs(claims, "HS512")) == 401
    # An RSA-signed token (whose public key an attacker might hope we trust).
    rsa = RSAKey.generate_key(2048)
    assert await _status(client, jwt.encode({"alg": "RS256"}, claims, rsa)) == 401
    # Our secret with a tampered payload.
    genuine = _hs(claims).split(".")
    tampered = _b64({**claims, "sub": str(user.user_id + 1)})
    assert await _status(client, f"{genuine[0]}.{tampered}.{genuine[2]}") == 401


@pytest.mark.parametrize(
    "override",
    [
        {"aud": "another-api"},
        {"iss": "someone-else"},
        {"typ": "refresh"},
        {"typ": None},
        # Far ahead: parameters are computed at collection, long before a slow suite runs.
        {"nbf": int((datetime.now(UTC) + timedelta(days=3650)).timestamp())},
        {"exp": int((datetime.now(UTC) - timedelta(minutes=1)).timestamp())},
        {"exp": None},
        {"sub": None},
    ],
    ids=[
        "wrong-audience",
        "wrong-issuer",
        "wrong-type",
        "no-type",
        "not-yet-valid",
        "expired",
        "no-expiry",
        "no-subject",
    ],
)
async def test_claims_are_checked(client: httpx.AsyncClient, override: dict[str, Any]) -> None:
    user = await register(client)
    assert await _status(client, _hs(_claims(user.user_id, **override))) == 401


async def test_a_token_for_a_deleted_user_is_refused(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert (await client.delete("/me", headers=user.headers)).status_code == 204
    assert await _status(client, _hs(_claims(user.user_id))) == 401


async def test_refresh_reuse_revokes_the_family_only(client: httpx.AsyncClient, app: Any) -> None:
    user = await register(client)
    other_device = await login(client, user.email, via_http=True)  # a second, separate sign-in
    rotated = await client.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert rotated.status_code == 200
    fresh = rotated.json()["refresh_token"]

    # The old token shows up again: someone copied it.
    stolen = await client.post("/auth/refresh", json={"refresh_token": user.refresh_token})
    assert stolen.status_code == 401
    # Every token of that sign-in is dead, the legitimate rotated one included...
    assert (await client.post("/auth/refresh", json={"refresh_token": fresh})).status_code == 401
    # ...but the other device keeps its session.
    elsewhere = await client.post(
        "/auth/refresh", json={"refresh_token": other_device["refresh_token"]}
    )
    assert elsewhere.status_code == 200
    async with app.state.ctx.sessionmaker() as session:
        reuse = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "auth.refresh_reuse")
            )
        ).all()
        revoked = (
            await session.scalars(
                select(RefreshToken.revoked_at).where(RefreshToken.user_id == user.user_id)
            )
        ).all()
    assert [(a.actor_user_id, a.target_id) for a in reuse] == [(user.user_id, str(user.user_id))]
    assert sum(r is not None for r in revoked) == 2  # the stolen family: old + rotated
