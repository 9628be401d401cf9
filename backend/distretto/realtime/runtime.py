"""The live district of one app process, built and stopped by the app lifespan.

``Realtime.broker`` is the app's event sink: the request session publishes each
transaction's outbox events to it after COMMIT.

Database reads for sockets (the audience at the handshake, replay pages) take short
sessions of their own — a websocket lives for an hour, a session must not — and share a
bounded number of the worker's pooled connections. A thousand clients reconnecting and
resuming together therefore queue here, in order, instead of draining the pool the HTTP
requests need; and a read whose pool checkout still timed out is tried again, because a
busy pool is no reason to drop a socket.
"""

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.auth.viewer import AccessClaims
from distretto.kit.context import AppContext
from distretto.kit.events import OutboxEvent
from distretto.realtime import service
from distretto.realtime.broker import Broker, InProcessBroker, RedisBroker
from distretto.realtime.connection import LiveLimits
from distretto.realtime.dispatcher import LiveDispatcher
from distretto.realtime.hub import ConnectionHub
from distretto.realtime.logs import redact_tokens_in_server_logs
from distretto.realtime.metrics import POOL_RETRIES
from distretto.realtime.policies import Audience
from distretto.realtime.relay import NotificationRelay
from distretto.realtime.watch import LiveWatch

log = logging.getLogger("distretto.realtime")
T = TypeVar("T")

# Pooled connections the sockets of one process may hold at once, of a worker's 10 (+ 20
# overflow): the rest stays for requests, the dispatcher and the relay.
SOCKET_READS = 8
# After a pool timeout: wait, doubling up to the cap, and try again.
RETRY_FIRST_SECONDS = 0.1
RETRY_MAX_SECONDS = 2.0
# A handshake gives up (1013, try again later) after retrying this long: its client is
# waiting for an answer. A replay keeps trying: its socket is open and still live.
HANDSHAKE_PATIENCE_SECONDS = 60.0


class Realtime:
    def __init__(self, ctx: AppContext) -> None:
        settings = ctx.settings
        self.broker: Broker = (
            RedisBroker(settings.redis_url, settings.redis_namespace)
            if settings.redis_url
            else InProcessBroker()
        )
        self.sessionmaker: async_sessionmaker[AsyncSession] = ctx.sessionmaker
        self.tokens = ctx.tokens
        self.ctx = ctx
        self.limits = LiveLimits.from_settings(settings)
        self.hub = ConnectionHub()
        self.relay = NotificationRelay(ctx.sessionmaker)
        self.dispatcher = LiveDispatcher(self.broker, self.hub, ctx.sessionmaker, self.relay)
        self.watch = LiveWatch(
            self.hub, self.suspended_firms, period_seconds=settings.ws_heartbeat_seconds
        )
        self._socket_reads = asyncio.Semaphore(SOCKET_READS)

    async def start(self) -> None:
        redact_tokens_in_server_logs()
        await self.broker.start()
        await self.dispatcher.start()
        self.relay.start()
        self.watch.start()

    async def stop(self) -> None:
        await self.watch.stop()
        await self.dispatcher.stop()
        await self.relay.stop()
        await self.broker.close()

    async def is_revoked(self, claims: AccessClaims) -> bool:
        return await service.access_revoked(self.ctx, claims)

    async def audience_of(self, user_id: int) -> Audience | None:
        """Raises ``sqlalchemy.exc.TimeoutError`` if the pool stayed exhausted too long."""
        return await self._socket_read(
            lambda session: service.audience_of_user(session, user_id),
            patience=HANDSHAKE_PATIENCE_SECONDS,
        )

    async def replay(self, keys: frozenset[str], after: int, limit: int) -> list[OutboxEvent]:
        return await self._socket_read(
            lambda session: service.visible_events(session, keys, after, limit), patience=None
        )

    async def suspended_firms(self, firm_ids: frozenset[int]) -> set[int]:
        # One query per period for the whole process (watch.py): no need to queue.
        async with self.sessionmaker() as session:
            return await service.suspended_firms(session, firm_ids)

    async def _socket_read(
        self, read: Callable[[AsyncSession], Awaitable[T]], *, patience: float | None
    ) -> T:
        loop = asyncio.get_running_loop()
        give_up = None if patience is None else loop.time() + patience
        delay = RETRY_FIRST_SECONDS
        while True:
            try:
                async with self._socket_reads, self.sessionmaker() as session:
                    return await read(session)
            except PoolTimeout:
                if give_up is not None and loop.time() >= give_up:
                    raise
                POOL_RETRIES.inc()
                log.warning("live socket read found the pool exhausted; retrying")
            await asyncio.sleep(delay * random.uniform(0.5, 1.0))
            delay = min(delay * 2, RETRY_MAX_SECONDS)
