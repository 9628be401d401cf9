"""The live district of one app process, built and stopped by the app lifespan.

``Realtime.broker`` is the app's event sink: the request session publishes each
transaction's outbox events to it after COMMIT.
"""

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.kit.context import AppContext
from distretto.kit.events import OutboxEvent
from distretto.realtime import service
from distretto.realtime.broker import Broker, InProcessBroker, RedisBroker
from distretto.realtime.connection import LiveLimits
from distretto.realtime.dispatcher import LiveDispatcher
from distretto.realtime.hub import ConnectionHub
from distretto.realtime.logs import redact_tokens_in_server_logs
from distretto.realtime.policies import Audience
from distretto.realtime.relay import NotificationRelay


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
        self.limits = LiveLimits.from_settings(settings)
        self.hub = ConnectionHub()
        self.relay = NotificationRelay(ctx.sessionmaker)
        self.dispatcher = LiveDispatcher(self.broker, self.hub, ctx.sessionmaker, self.relay)

    async def start(self) -> None:
        redact_tokens_in_server_logs()
        await self.broker.start()
        await self.dispatcher.start()
        self.relay.start()

    async def stop(self) -> None:
        await self.dispatcher.stop()
        await self.relay.stop()
        await self.broker.close()

    # Short sessions of their own: a websocket lives for an hour, a session must not.

    async def audience_of(self, user_id: int) -> Audience | None:
        async with self.sessionmaker() as session:
            return await service.audience_of_user(session, user_id)

    async def replay(self, keys: frozenset[str], after: int, limit: int) -> list[OutboxEvent]:
        async with self.sessionmaker() as session:
            return await service.visible_events(session, keys, after, limit)

    async def suspended_firms(self, firm_ids: frozenset[int]) -> set[int]:
        async with self.sessionmaker() as session:
            return await service.suspended_firms(session, firm_ids)
