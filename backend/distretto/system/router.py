"""Liveness, readiness (database reachable) and Prometheus metrics."""

import hmac

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from distretto.db import ping
from distretto.kit.errors import Unauthorized, problem

router = APIRouter(tags=["system"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz", response_model=None)
async def readyz(request: Request) -> dict[str, str] | Response:
    try:
        await ping(request.app.state.ctx.engine)
    except Exception:
        return problem(
            503,
            "Not ready",
            "The database is not reachable",
            "not-ready",
            code="system.not_ready",
            params={},
        )
    return {"status": "ready"}


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    expected = request.app.state.ctx.settings.metrics_token
    if expected:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            raise Unauthorized("Metrics need the scrape token", code="metrics.token_required")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
