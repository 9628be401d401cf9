"""Sign-in through an external OpenID Connect provider, end to end.

The browser is played by hand: each redirect is followed explicitly, so every leg
(our login route, the provider's authorize endpoint, our callback) is checked.
"""

import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from distretto.models import AuditEntry, OidcIdentity, User
from tests.helpers import PASSWORD, login, register
from tests.sso.provider import KEY_ID, LocalProvider, ProviderUser

CLIENT_ID = "distretto-web"
CLIENT_SECRET = "client-secret-for-tests-0123456789"
PUBLIC = "http://distretto.test"
CALLBACK = f"{PUBLIC}/api/v1/auth/oidc/sso/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[LocalProvider]:
    running = LocalProvider(CLIENT_ID, CLIENT_SECRET)
    running.client.redirect_uris = [CALLBACK]
    running.start()
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def fresh_provider_user(provider: LocalProvider) -> None:
    provider.user = ProviderUser("subject-1", "giulia@lanificio.example.it")
    provider.id_token_overrides = {}
    provider.signing_key = provider.key


@pytest.fixture
def configure(app: FastAPI) -> Iterator[Any]:
    """Point the running app's settings at a provider for one test (the sign-in reads
    them per request), rather than starting a second app with its own workers."""
    settings = app.state.ctx.settings
    saved = {
        field: getattr(settings, field)
        for field in ("oidc_issuer", "oidc_client_id", "oidc_client_secret", "public_base_url")
    }

    def _configure(issuer: str) -> None:
        settings.oidc_issuer = issuer
        settings.oidc_client_id = CLIENT_ID
        settings.oidc_client_secret = CLIENT_SECRET
        settings.public_base_url = PUBLIC

    yield _configure
    for field, value in saved.items():
        setattr(settings, field, value)


@pytest.fixture
def sso_app(app: FastAPI, provider: LocalProvider, configure: Any) -> FastAPI:
    configure(provider.issuer)
    return app


@pytest.fixture
async def web(sso_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Our app as the browser sees it (it keeps cookies)."""
    transport = httpx.ASGITransport(app=sso_app)
    async with httpx.AsyncClient(transport=transport, base_url=f"{PUBLIC}/api/v1") as c:
        yield c


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    """The same browser talking to the provider over the network."""
    async with httpx.AsyncClient(timeout=10) as c:
        yield c


def _fragment(location: str) -> dict[str, str]:
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{PUBLIC}/sso", location
    return {k: v[0] for k, v in parse_qs(parts.fragment).items()}


async def _to_provider(web: httpx.AsyncClient) -> str:
    start = await web.get("/auth/oidc/sso/login")
    assert start.status_code == 302, start.text
    assert start.headers["cache-control"] == "no-store"
    cookie = start.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/api/v1/auth/oidc/" in cookie
    return str(start.headers["location"])


async def _sign_in(web: httpx.AsyncClient, browser: httpx.AsyncClient) -> dict[str, str]:
    authorize = await browser.get(await _to_provider(web))
    assert authorize.status_code == 302, authorize.text
    back = authorize.headers["location"]
    assert back.startswith(CALLBACK + "?")
    done = await web.get(back)
    assert done.status_code == 303, done.text
    assert done.headers["cache-control"] == "no-store"
    return _fragment(done.headers["location"])


async def _count(app: FastAPI, model: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _audit(app: FastAPI, action: str) -> list[AuditEntry]:
    async with app.state.ctx.sessionmaker() as session:
        return list(
            (await session.scalars(select(AuditEntry).where(AuditEntry.action == action))).all()
        )


async def test_providers_are_listed_only_when_configured(
    client: httpx.AsyncClient, provider: LocalProvider, configure: Any
) -> None:
    assert (await client.get("/auth/providers")).json() == []
    assert (await client.get("/auth/oidc/sso/login")).status_code == 404
    configure(provider.issuer)
    listed = await client.get("/auth/providers")
    assert listed.json() == [{"name": "sso", "login_url": f"{PUBLIC}/api/v1/auth/oidc/sso/login"}]
    assert (await client.get("/auth/oidc/other/login")).status_code == 404
    assert (await client.get("/auth/oidc/other/callback")).status_code == 404


async def test_round_trip_registers_a_new_user(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, sso_app: FastAPI, provider: LocalProvider
) -> None:
    authorize_url = await _to_provider(web)
    query = parse_qs(urlsplit(authorize_url).query)
    assert authorize_url.startswith(f"{provider.issuer}/authorize?")
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"]
    assert query["nonce"] and query["state"] and query["redirect_uri"] == [CALLBACK]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}

    tokens = await _sign_in(web, browser)
    assert tokens["token_type"] == "bearer" and int(tokens["expires_in"]) > 0
    # PKCE: the code was redeemed with the verifier behind the challenge.
    assert provider.token_requests[-1]["code_verifier"]
    me = await web.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == "giulia@lanificio.example.it"
    assert me.json()["full_name"] == "Giulia Bardazzi"
    refreshed = await web.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    [entry] = await _audit(sso_app, "auth.sso_login")
    assert entry.details["account"] == "registered"
    # No password exists for this account: password sign-in is impossible.
    assert (
        await web.post(
            "/auth/token", data={"username": "giulia@lanificio.example.it", "password": PASSWORD}
        )
    ).status_code == 401


async def test_verified_email_links_an_existing_account(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, sso_app: FastAPI, provider: LocalProvider
) -> None:
    existing = await register(web, "Giulia@Lanificio.example.it")
    tokens = await _sign_in(web, browser)
    me = (
        await web.get("/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    ).json()
    assert me["id"] == existing.user_id
    assert await _count(sso_app, User) == 1
    [entry] = await _audit(sso_app, "auth.sso_login")
    assert entry.details["account"] == "linked"
    # The password still works alongside the link.
    await login(web, existing.email)
    # Next time the subject alone finds the account, even with a new address.
    provider.user = ProviderUser("subject-1", "giulia.new@lanificio.example.it")
    again = await _sign_in(web, browser)
    me = (await web.get("/me", headers={"Authorization": f"Bearer {again['access_token']}"})).json()
    assert me["id"] == existing.user_id
    assert await _count(sso_app, OidcIdentity) == 1


async def test_unverified_email_never_links_nor_registers(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, sso_app: FastAPI, provider: LocalProvider
) -> None:
    victim = await register(web, "owner@tessitura.example.it")
    provider.user = ProviderUser("attacker", "owner@tessitura.example.it", email_verified=False)
    refused = await _sign_in(web, browser)
    assert refused["error"] == "email_not_verified" and "access_token" not in refused
    provider.user = ProviderUser("someone", "new@tessitura.example.it", email_verified=False)
    assert (await _sign_in(web, browser))["error"] == "email_not_verified"
    assert await _count(sso_app, OidcIdentity) == 0
    assert await _count(sso_app, User) == 1
    assert victim.user_id
    failures = await _audit(sso_app, "auth.sso_failed")
    assert [f.reason for f in failures] == ["email_not_verified", "email_not_verified"]


@pytest.mark.parametrize(
    "override",
    [
        {"aud": ["another-client"]},
        {"iss": "http://127.0.0.1:9/evil"},
        {"nonce": "a-nonce-from-another-sign-in"},
        {"exp": int(time.time()) - 3600},
    ],
    ids=["audience", "issuer", "nonce", "expired"],
)
async def test_bad_id_tokens_are_refused(
    web: httpx.AsyncClient,
    browser: httpx.AsyncClient,
    sso_app: FastAPI,
    provider: LocalProvider,
    override: dict[str, Any],
) -> None:
    provider.id_token_overrides = override
    outcome = await _sign_in(web, browser)
    assert outcome["error"] == "invalid_id_token" and "access_token" not in outcome
    assert await _count(sso_app, User) == 0


async def test_forged_signature_is_refused(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, sso_app: FastAPI, provider: LocalProvider
) -> None:
    provider.signing_key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID})
    assert (await _sign_in(web, browser))["error"] == "invalid_id_token"
    assert await _count(sso_app, User) == 0


async def test_state_must_match_the_cookie(
    web: httpx.AsyncClient, browser: httpx.AsyncClient, sso_app: FastAPI
) -> None:
    authorize = await browser.get(await _to_provider(web))
    back = authorize.headers["location"]
    code = parse_qs(urlsplit(back).query)["code"][0]
    forged = await web.get("/auth/oidc/sso/callback", params={"code": code, "state": "forged"})
    assert _fragment(forged.headers["location"])["error"] == "state_mismatch"
    # A callback in a browser that never started the sign-in (no cookie).
    transport = httpx.ASGITransport(app=sso_app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as stranger:
        replay = await stranger.get(back)
    assert _fragment(replay.headers["location"])["error"] == "login_expired"
    assert await _count(sso_app, User) == 0


async def test_provider_refusal_is_passed_on(web: httpx.AsyncClient, sso_app: FastAPI) -> None:
    state = parse_qs(urlsplit(await _to_provider(web)).query)["state"][0]
    denied = await web.get(
        "/auth/oidc/sso/callback",
        params={"state": state, "error": "access_denied", "error_description": "User said no"},
    )
    assert _fragment(denied.headers["location"]) == {
        "error": "access_denied",
        "error_description": "User said no",
    }
    [entry] = await _audit(sso_app, "auth.sso_failed")
    assert entry.reason == "access_denied"


async def test_unreachable_provider_sends_the_user_back(
    client: httpx.AsyncClient, configure: Any
) -> None:
    configure("http://127.0.0.1:9")  # the discard port: nothing answers there
    start = await client.get("/auth/oidc/sso/login")
    assert start.status_code == 302
    assert _fragment(start.headers["location"])["error"] == "provider_unavailable"
    assert "set-cookie" not in start.headers
