"""App factory: settings → collaborators (lifespan) → routers under /api/v1."""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import time

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from distretto.accounts.router import router as accounts_router
from distretto.auth.router import router as auth_router
from distretto.auth.security import TokenService, make_hasher
from distretto.auth.viewer_cache import ViewerCache, watch_engine
from distretto.capacity.router import router as capacity_router
from distretto.config import Settings, get_settings
from distretto.consortia.router import router as consortia_router
from distretto.contracts.router import router as contracts_router
from distretto.db import (
    create_engine,
    create_read_sessionmaker,
    create_sessionmaker,
    is_database_outage,
    session_scope,
)
from distretto.documents.credentials import notify_expiring
from distretto.documents.receiving import MULTIPART_OVERHEAD_BYTES, UPLOAD_PATHS
from distretto.documents.router import router as documents_router
from distretto.firms.router import router as firms_router
from distretto.forum.router import router as forum_router
from distretto.guarantees.router import router as guarantees_router
from distretto.kit.collector import tune_for_serving
from distretto.kit.context import AppContext
from distretto.kit.errors import install_error_handlers
from distretto.kit.middleware import HttpMiddleware, NulGuardMiddleware
from distretto.kit.ratelimit import (
    FallbackRateLimiter,
    MemoryRateLimiter,
    RateLimiter,
    RedisHealth,
    RedisRateLimiter,
)
from distretto.kit.revocation import RevocationList
from distretto.kit.scheduling.scheduler import Job, Scheduler
from distretto.mail.router import router as mail_router
from distretto.mail.sender import MailSender
from distretto.mail.service import scheduled_jobs
from distretto.mail.transport import transport_for
from distretto.market.hot_reads import HotReads
from distretto.market.router import router as market_router
from distretto.moderation.router import router as moderation_router
from distretto.observatory.router import router as observatory_router
from distretto.privacy.router import router as privacy_router
from distretto.realtime.endpoint import LiveSocketShortcut
from distretto.realtime.live_schema import install_live_event_schema
from distretto.realtime.router import router as realtime_router
from distretto.realtime.runtime import Realtime
from distretto.reputation.router import router as reputation_router
from distretto.sso.router import router as sso_router
from distretto.system.router import router as system_router
from distretto.tariffs.router import router as tariffs_router
from distretto.trade.router import router as trade_router
from distretto.training.router import router as training_router
from distretto.web.spa import mount_spa, resolve_dist

API_PREFIX = "/api/v1"
log = logging.getLogger("distretto")


def redis_client(url: str) -> Redis:
    """Short timeouts (an unreachable Redis must not hold requests), and one immediate
    retry on a new connection: after Redis restarts, the pooled connections are dead and
    the first command on each would fail without it."""
    return Redis.from_url(
        url,
        socket_connect_timeout=1.0,
        socket_timeout=1.0,
        retry=Retry(NoBackoff(), 1),
        retry_on_error=[RedisConnectionError, RedisTimeoutError],
        health_check_interval=15,
    )


def build_context(settings: Settings) -> AppContext:
    engine = create_engine(settings.database_url)
    redis = redis_client(settings.redis_url) if settings.redis_url else None
    health = RedisHealth()
    limiter: RateLimiter = (
        FallbackRateLimiter(RedisRateLimiter(redis, f"{settings.redis_namespace}:rl:"), health)
        if redis
        else MemoryRateLimiter()
    )
    return AppContext(
        settings=settings,
        engine=engine,
        sessionmaker=create_sessionmaker(engine),
        hasher=make_hasher(settings),
        tokens=TokenService(settings),
        limiter=limiter,
        redis=redis,
        redis_health=health,
        revocations=RevocationList(redis, f"{settings.redis_namespace}:revoked:"),
    )


async def close_context(ctx: AppContext) -> None:
    if ctx.redis is not None:
        await ctx.redis.aclose()
    await ctx.engine.dispose()


def jobs() -> list[Job]:
    """Everything the scheduler fires (``distretto jobs run`` lists the same)."""
    return [
        *scheduled_jobs(),
        Job("documents.expiring", notify_expiring, daily_at=time(5, 30)),
    ]


@asynccontextmanager
async def process_work(ctx: AppContext, *, start_jobs: bool) -> AsyncIterator[Realtime]:
    """What runs beside the requests of one process: the live channel with its relay, and
    the mail sender and the scheduler, started when ``start_jobs`` (an app process unless
    ``DISTRETTO_BACKGROUND_JOBS=false``; always in ``distretto worker``). Stopped, in the
    reverse order, on the way out."""
    realtime = Realtime(ctx)
    await realtime.start()
    mail = MailSender(ctx.sessionmaker, transport_for(ctx.settings), ctx.settings, realtime.broker)
    scheduler = Scheduler(jobs(), lambda: session_scope(ctx.sessionmaker, realtime.broker))
    if start_jobs:
        # Mail follows the notifications: each batch the relay writes is mailed at once.
        realtime.relay.on_written(mail.wake)
        mail.start()
        scheduler.start()
    try:
        yield realtime
    finally:
        await scheduler.stop()
        await mail.stop()
        await realtime.stop()


async def run_worker(settings: Settings, stop: asyncio.Event) -> None:
    """The platform's background work without serving requests, until ``stop`` is set:
    notifications, mail and scheduled jobs, for app processes started with
    ``DISTRETTO_BACKGROUND_JOBS=false``. A page or a bid then never waits behind the
    queueing and sending of thousands of emails on the same event loop, and the worker can
    be given less CPU than the processes that answer people (``distretto worker --nice``)."""
    ctx = build_context(settings)
    try:
        # Its live channel has no sockets: its dispatcher follows the outbox to wake the
        # relay here, and the mail queue follows the relay.
        async with process_work(ctx, start_jobs=True):
            await stop.wait()
    finally:
        await close_context(ctx)


def api_router() -> APIRouter:
    api = APIRouter(prefix=API_PREFIX)
    for router in (
        auth_router,
        firms_router,
        market_router,
        observatory_router,
        consortia_router,
        training_router,
        moderation_router,
        sso_router,
        privacy_router,
        realtime_router,
        contracts_router,
        reputation_router,
        documents_router,
        tariffs_router,
        capacity_router,
        forum_router,
        guarantees_router,
        trade_router,
        mail_router,
        accounts_router,
    ):
        api.include_router(router)
    return api


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = build_context(settings)
        app.state.ctx = ctx
        app.state.sessionmaker = ctx.sessionmaker
        app.state.read_sessionmaker = create_read_sessionmaker(ctx.engine)
        app.state.tokens = ctx.tokens
        # Each token's viewer for a few seconds, forgotten on any write to its facts.
        app.state.viewers = ViewerCache()
        watch_engine(ctx.engine.sync_engine)
        try:
            async with process_work(ctx, start_jobs=settings.background_jobs) as realtime:
                app.state.realtime = realtime
                # Committed outbox events go to the broker (distretto.db.session_scope).
                app.state.event_sink = realtime.broker
                tune_for_serving()
                yield
        finally:
            await close_context(ctx)

    docs = settings.docs_enabled
    app = FastAPI(
        title="Distretto API",
        version="1.0.0",
        lifespan=lifespan,
        description="The digital platform of an Italian industrial district.",
        docs_url="/docs" if docs else None,
        redoc_url=None,
        openapi_url="/openapi.json" if docs else None,
    )
    install_error_handlers(app, outages=(is_database_outage,))
    install_live_event_schema(app)
    app.include_router(system_router)
    app.include_router(api_router())
    # Innermost: the board and an order's page answered without the router (hot_reads);
    # the middleware added after it (CORS, NUL guard, size limit, headers, metrics) wraps
    # them as it wraps the routes.
    app.add_middleware(HotReads, prefix=API_PREFIX)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    # Added first, so it runs inside HttpMiddleware (which bounds the body it buffers).
    app.add_middleware(NulGuardMiddleware, upload_paths=UPLOAD_PATHS)
    app.add_middleware(
        HttpMiddleware,
        max_body_bytes=settings.max_body_bytes,
        upload_paths=UPLOAD_PATHS,
        upload_max_bytes=settings.documents_max_bytes + MULTIPART_OVERHEAD_BYTES,
    )
    # Outermost: the live socket skips the HTTP stack, which would stay in memory with it.
    app.add_middleware(LiveSocketShortcut, path=f"{API_PREFIX}/ws")
    dist = resolve_dist(settings.frontend_dist)
    if dist is not None:
        mount_spa(app, dist)
    return app
