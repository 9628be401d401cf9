"""Liveness, readiness (database reachable) and Prometheus metrics."""

import asyncio
import hmac
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError

from distretto.db import ping
from distretto.kit.errors import Unauthorized, problem

router = APIRouter(tags=["system"])


@router.get("/healthz", operation_id="healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", operation_id="readyz", response_model=None)
async def readyz(request: Request) -> dict[str, Any] | Response:
    """503 without the database. Without Redis the app still serves (per-process rate
    limits, live events through the outbox poll): 200 ``degraded`` with the reasons."""
    ctx = request.app.state.ctx
    try:
        await ping(ctx.engine)
    except Exception:
        return problem(
            503,
            "Not ready",
            "The database is not reachable",
            "not-ready",
            code="system.not_ready",
            params={},
        )
    if ctx.redis is None:
        return {"status": "ready"}
    try:
        async with asyncio.timeout(1.0):
            await ctx.redis.ping()
    except (RedisError, OSError, TimeoutError) as exc:
        ctx.redis_health.failed(exc)
        return {"status": "degraded", "reasons": [f"redis unreachable: {ctx.redis_health.error}"]}
    ctx.redis_health.recovered()
    return {"status": "ready"}


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    expected = request.app.state.ctx.settings.metrics_token
    if expected:
        given = request.headers.get("authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            raise Unauthorized("Metrics need the scrape token", code="metrics.token_required")
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
