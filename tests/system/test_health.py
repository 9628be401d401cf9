import httpx


async def test_health_ready_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("http://test/healthz")).json() == {"status": "ok"}
    assert (await client.get("http://test/readyz")).json() == {"status": "ready"}
    metrics = await client.get("http://test/metrics")
    assert metrics.status_code == 200 and "distretto_http_requests_total" in metrics.text


async def test_security_headers_and_body_limit(client: httpx.AsyncClient, app) -> None:  # type: ignore[no-untyped-def]
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
