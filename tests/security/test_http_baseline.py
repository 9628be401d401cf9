"""The HTTP baseline: body size limit, security headers, CORS allowlist, switchable
docs, and no tracebacks in server errors."""

import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from distretto.app import create_app
from distretto.config import Settings
from distretto.models import User
from tests.helpers import PASSWORD

SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
}
WEB_ORIGIN = "https://web.distretto.example"


def _has_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


async def _users(app: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


@pytest.fixture
def bare_app(settings: Settings) -> Any:
    """Build an app with other settings (no lifespan: these checks never reach the DB)."""

    def build(**changes: Any) -> FastAPI:
        return create_app(settings.model_copy(update=changes))

    return build


@pytest.fixture
async def bare_client() -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def open_(app: FastAPI, **transport: Any) -> httpx.AsyncClient:
        c = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, **transport), base_url="http://test"
        )
        clients.append(c)
        return c

    yield open_
    for c in clients:
        await c.aclose()


async def test_declared_oversize_body_is_413(client: httpx.AsyncClient, app: Any) -> None:
    limit = app.state.ctx.settings.max_body_bytes
    response = await client.post(
        "/auth/register",
        content=b'{"email": "' + b"a" * limit + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    assert str(limit) in response.json()["detail"]
    _has_security_headers(response)
    assert await _users(app) == 0


async def test_streamed_oversize_body_is_413(client: httpx.AsyncClient, app: Any) -> None:
    """No Content-Length (chunked upload): the limit is counted while reading."""
    limit = app.state.ctx.settings.max_body_bytes

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "'
        for _ in range(limit // 4096 + 2):
            yield b"a" * 4096

    response = await client.post(
        "/auth/register", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    _has_security_headers(response)
    assert await _users(app) == 0


async def test_a_body_within_the_limit_passes(client: httpx.AsyncClient, app: Any) -> None:
    response = await client.post(
        "/auth/register",
        json={"email": "ok@example.it", "password": PASSWORD, "full_name": "x" * 100},
    )
    assert response.status_code == 201
    assert await _users(app) == 1


async def test_security_headers_on_every_kind_of_answer(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/phases"),
        await client.get("/me"),
        await client.get("/firms/999999"),
        await client.post("/auth/register", json={}),
        await client.get("/no/such/route"),
    ]
    assert [r.status_code for r in responses] == [200, 401, 404, 422, 404]
    for response in responses:
        _has_security_headers(response)


async def test_cors_allows_only_listed_origins(bare_app: Any, bare_client: Any) -> None:
    web = bare_client(bare_app(cors_origins=[WEB_ORIGIN]))
    preflight = {
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    allowed = await web.options("/api/v1/orders", headers={"origin": WEB_ORIGIN, **preflight})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == WEB_ORIGIN
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    refused = await web.options(
        "/api/v1/orders", headers={"origin": "https://evil.example", **preflight}
    )
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    simple = await web.get("/healthz", headers={"origin": WEB_ORIGIN})
    assert simple.headers["access-control-allow-origin"] == WEB_ORIGIN
    foreign = await web.get("/healthz", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in foreign.headers
    # Without an allowlist no origin is allowed at all.
    closed = bare_client(bare_app(cors_origins=[]))
    assert (
        "access-control-allow-origin"
        not in (await closed.get("/healthz", headers={"origin": WEB_ORIGIN})).headers
    )


async def test_docs_can_be_switched_off(bare_app: Any, bare_client: Any) -> None:
    production = bare_client(bare_app(docs_enabled=False))
    for path in ("/docs", "/openapi.json", "/docs/oauth2-redirect"):
        response = await production.get(path)
        assert response.status_code == 404, path
        assert "swagger" not in response.text.lower()
    development = bare_client(bare_app(docs_enabled=True))
    assert (await development.get("/docs")).status_code == 200
    assert (await development.get("/openapi.json")).json()["info"]["title"] == "Distretto API"


async def test_server_errors_tell_nothing(
    bare_app: Any, bare_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = bare_app()

    @app.get("/api/v1/test-only/explode")
    async def explode() -> None:
        raise RuntimeError("connection to db-primary.internal:5432 refused (password=hunter2)")

    caught = bare_client(app, raise_app_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="distretto"):
        response = await caught.get("/api/v1/test-only/explode")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 500 and body["detail"] == "Something went wrong on our side."
    for secret in ("hunter2", "db-primary", "Traceback", "RuntimeError", "explode"):
        assert secret not in response.text
    # The operators still get the whole story in the log.
    assert any("hunter2" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
