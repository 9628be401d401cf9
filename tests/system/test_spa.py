"""The built web app is served at / without ever shadowing the API or operations."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from distretto.app import create_app
from distretto.config import Settings

INDEX = "<!doctype html><title>Distretto</title><div id=root></div>"


@pytest.fixture
async def web(settings: Settings, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "app-1a2b.js").write_text("console.log('distretto')")
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    app = create_app(settings.model_copy(update={"frontend_dist": str(tmp_path)}))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@pytest.mark.parametrize("path", ["/", "/board", "/orders/42", "/contracts/7?tab=messages"])
async def test_app_routes_fall_back_to_index(web: httpx.AsyncClient, path: str) -> None:
    response = await web.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    assert "script-src" not in response.headers["content-security-policy"]


async def test_built_files_are_served_with_long_cache(web: httpx.AsyncClient) -> None:
    asset = await web.get("/assets/app-1a2b.js")
    assert asset.status_code == 200 and "distretto" in asset.text
    assert "immutable" in asset.headers["cache-control"]
    icon = await web.get("/favicon.svg")
    assert icon.status_code == 200 and icon.headers["cache-control"] == "no-cache"


async def test_paths_outside_the_build_are_not_readable(web: httpx.AsyncClient) -> None:
    response = await web.get("/assets/../../../../etc/passwd")
    assert response.status_code == 200
    assert response.text == INDEX


async def test_api_and_operations_are_never_shadowed(web: httpx.AsyncClient) -> None:
    assert (await web.get("/healthz")).json() == {"status": "ok"}
    assert (await web.get("/readyz")).json() == {"status": "ready"}
    phases = await web.get("/api/v1/phases")
    assert phases.status_code == 200 and isinstance(phases.json(), list)
    docs = await web.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert (await web.get("/openapi.json")).json()["info"]["title"] == "Distretto API"
    metrics = await web.get("/metrics")
    assert "distretto_http_requests_total" in metrics.text


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/phases", "/docs/missing"])
async def test_unknown_api_paths_stay_problem_json(web: httpx.AsyncClient, path: str) -> None:
    response = await web.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_only_reads_fall_back(web: httpx.AsyncClient) -> None:
    response = await web.post("/board", json={})
    assert response.status_code in (404, 405)
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_no_build_means_no_web_app(settings: Settings, tmp_path: Path) -> None:
    app = create_app(settings.model_copy(update={"frontend_dist": str(tmp_path / "missing")}))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/board")).status_code == 404
