import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import problem_fields


async def test_health_ready_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("http://test/healthz")).json() == {"status": "ok"}
    assert (await client.get("http://test/readyz")).json() == {"status": "ready"}
    metrics = await client.get("http://test/metrics")
    assert metrics.status_code == 200 and "distretto_http_requests_total" in metrics.text


async def test_metrics_need_the_scrape_token_when_one_is_set(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.state.ctx.settings, "metrics_token", "scrape-secret")
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "scrape-secret"}):
        refused = await client.get("http://test/metrics", headers=headers)
        assert refused.status_code == 401
        assert "distretto_http" not in refused.text
    allowed = await client.get(
        "http://test/metrics", headers={"Authorization": "Bearer scrape-secret"}
    )
    assert allowed.status_code == 200 and "distretto_http_requests_total" in allowed.text


async def test_security_headers_and_body_limit(client: httpx.AsyncClient, app) -> None:
    response = await client.get("http://test/healthz")
    assert response.headers["x-content-type-options"] == "nosniff"
    limit = app.state.ctx.settings.max_body_bytes
    big = await client.post(
        "/auth/register", content=b"x" * (limit + 1), headers={"content-type": "application/json"}
    )
    assert big.status_code == 413
    assert big.headers["content-type"].startswith("application/problem+json")


async def test_unknown_route_is_problem_json(client: httpx.AsyncClient) -> None:
    response = await client.get("/does-not-exist")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_nul_characters_are_refused_not_500(client: httpx.AsyncClient) -> None:
    body = '{"email": "a@example.it", "password": "long-enough-pw", "full_name": "A\\u0000B"}'
    response = await client.post(
        "/auth/register", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"body"}
    query = await client.get("/firms", params={"q": "a\x00b"})
    assert query.status_code == 422 and problem_fields(query) == {"query"}
    fine = await client.post(
        "/auth/register",
        json={"email": "ok@example.it", "password": "long-enough-pw", "full_name": "Sconto 5%00"},
    )
    assert fine.status_code == 201
