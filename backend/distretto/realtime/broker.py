"""Brokers carry committed outbox events to every app process.

One interface, two implementations:

- ``InProcessBroker`` (default): publishing hands the events to this process's
  subscriber. Enough for one process; other processes still see the events through the
  dispatcher's outbox poll, only later.
- ``RedisBroker`` (``DISTRETTO_REDIS_URL``): Redis pub/sub on ``<namespace>:events``, so
  every process hears every event at once. Pub/sub is at-most-once, so the broker also
  says when it (re)subscribed: the dispatcher then reads back from the outbox whatever
  went by while it was deaf. It reconnects by itself, with backoff.

Each process has exactly one subscriber (its dispatcher).
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, Final, Protocol

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from distretto.kit.events import OutboxEvent
from distretto.realtime.metrics import BROKER_PUBLISH_FAILURES, BROKER_RECONNECTS

log = logging.getLogger("distretto.realtime")


class Resubscribed:
    """Marker in the subscription: the broker may have missed events before this point."""


RESUBSCRIBED: Final = Resubscribed()
BrokerItem = list[OutboxEvent] | Resubscribed


class Broker(Protocol):
    """Publishes committed outbox events; yields them to this process's one subscriber."""

    async def publish(self, events: Sequence[OutboxEvent]) -> None: ...

    def subscribe(self) -> AsyncIterator[BrokerItem]: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def settled(self) -> None:
        """Return once the subscriber has handled every item this process received."""
        ...


class InProcessBroker:
    # Bound on batches waiting for the dispatcher; past it a batch is dropped and the
    # dispatcher's outbox poll delivers those events instead.
    MAX_PENDING = 10_000

    def __init__(self) -> None:
        self._inbox: asyncio.Queue[BrokerItem] = asyncio.Queue(self.MAX_PENDING)

    async def start(self) -> None:
        return None  # nothing to connect to

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        if events:
            self.push(list(events))

    def push(self, item: BrokerItem) -> None:
        try:
            self._inbox.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("live dispatch is behind; the outbox poll will deliver these events")

    async def subscribe(self) -> AsyncIterator[BrokerItem]:
        while True:
            item = await self._inbox.get()
            try:
                yield item
            finally:
                # Reached when the subscriber asks for the next item: this one is handled.
                self._inbox.task_done()

    async def close(self) -> None:
        return None

    async def settled(self) -> None:
        await self._inbox.join()


def encode(events: Sequence[OutboxEvent]) -> str:
    return json.dumps(
        [{**event.envelope(), "audience": list(event.audience)} for event in events],
        separators=(",", ":"),
    )


def decode(payload: bytes | str) -> list[OutboxEvent]:
    items: list[dict[str, Any]] = json.loads(payload)
    return [
        OutboxEvent(
            id=int(item["id"]),
            type=str(item["type"]),
            data=dict(item["data"]),
            created_at=datetime.fromisoformat(item["created_at"]),
            audience=tuple(str(key) for key in item["audience"]),
        )
        for item in items
    ]


class RedisBroker:
    PUBLISH_TIMEOUT = 1.0
    BACKOFF_FIRST = 0.2
    BACKOFF_MAX = 5.0

    def __init__(self, url: str, namespace: str) -> None:
        self.channel = f"{namespace}:events"
        # No client-side retries: a failed publish falls back at once, and a broken
        # subscription must surface here so we know to catch up from the outbox.
        no_retry = Retry(NoBackoff(), 0)
        self._publisher = Redis.from_url(
            url, socket_timeout=self.PUBLISH_TIMEOUT, socket_connect_timeout=1.0, retry=no_retry
        )
        self._subscriber = Redis.from_url(
            url, socket_connect_timeout=2.0, health_check_interval=15, retry=no_retry
        )
        self._local = InProcessBroker()
        self._listener: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="redis-subscriber")

    async def publish(self, events: Sequence[OutboxEvent]) -> None:
        if not events:
            return
        try:
            async with asyncio.timeout(self.PUBLISH_TIMEOUT):
                await self._publisher.publish(self.channel, encode(events))
        except (RedisError, OSError, TimeoutError) as exc:
            # The events are committed; they must not fail the request. This process's
            # clients get them now, the others when their subscriber catches up.
            BROKER_PUBLISH_FAILURES.inc()
            log.warning("Redis publish failed (%s); delivering locally", exc)
            self._local.push(list(events))

    def subscribe(self) -> AsyncIterator[BrokerItem]:
        return self._local.subscribe()

    async def settled(self) -> None:
        await self._local.settled()

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        await self._publisher.aclose()
        await self._subscriber.aclose()

    async def _listen(self) -> None:
        delay = self.BACKOFF_FIRST
        while True:
            pubsub = self._subscriber.pubsub()
            try:
                await pubsub.subscribe(self.channel)
                async for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        # Subscribed: from here on nothing is missed, so catch up now.
                        BROKER_RECONNECTS.inc()
                        delay = self.BACKOFF_FIRST
                        self._local.push(RESUBSCRIBED)
                    elif message["type"] == "message":
                        self._receive(message["data"])
            except (RedisError, OSError) as exc:
                log.warning("Redis subscription lost (%s); retrying in %.1fs", exc, delay)
            finally:
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self.BACKOFF_MAX)

    def _receive(self, payload: bytes | str) -> None:
        try:
            self._local.push(decode(payload))
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring a malformed broker message: %s", exc)
