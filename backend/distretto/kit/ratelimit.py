"""Fixed-window counters for rate limits: Redis when configured, in-process otherwise.

With several app processes only the Redis limiter is shared; the in-process one
serves the single-process embedded mode, and stands in for Redis while it is away
(``FallbackRateLimiter``): limits become per process instead of failing requests.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("distretto")
T = TypeVar("T")


class RateLimiter(Protocol):
    async def count(self, key: str, window: int) -> int: ...

    async def hit(self, key: str, window: int) -> int: ...

    async def clear(self, key: str) -> None: ...

    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, value: str, ttl: int) -> None: ...

    async def reset(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}
        self._values: dict[str, tuple[float, str]] = {}

    def _current(self, key: str, window: int) -> tuple[float, int]:
        started, hits = self._windows.get(key, (0.0, 0))
        now = time.monotonic()
        if now - started >= window:
            return now, 0
        return started, hits

    async def count(self, key: str, window: int) -> int:
        return self._current(key, window)[1]

    async def hit(self, key: str, window: int) -> int:
        started, hits = self._current(key, window)
        self._windows[key] = (started, hits + 1)
        return hits + 1

    async def clear(self, key: str) -> None:
        self._windows.pop(key, None)
        self._values.pop(key, None)

    async def get(self, key: str) -> str | None:
        expires, value = self._values.get(key, (0.0, ""))
        return value if expires > time.monotonic() else None

    async def put(self, key: str, value: str, ttl: int) -> None:
        self._values[key] = (time.monotonic() + ttl, value)

    async def reset(self) -> None:
        self._windows.clear()
        self._values.clear()


class RedisRateLimiter:
    def __init__(self, redis: Redis, prefix: str = "distretto:rl:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def count(self, key: str, window: int) -> int:
        value = await self._redis.get(self._prefix + key)
        return int(value or 0)

    async def hit(self, key: str, window: int) -> int:
        full = self._prefix + key
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(full)
            pipe.expire(full, window, nx=True)
            hits, _ = await pipe.execute()
        return int(hits)

    async def clear(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)

    async def get(self, key: str) -> str | None:
        value = await self._redis.get(self._prefix + key)
        if value is None:
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    async def put(self, key: str, value: str, ttl: int) -> None:
        await self._redis.set(self._prefix + key, value, ex=ttl)

    async def reset(self) -> None:
        async for key in self._redis.scan_iter(match=self._prefix + "*"):
            await self._redis.delete(key)


class RedisHealth:
    """What the app last learnt of Redis: when it failed and why (for /readyz), and
    whether to leave it alone for a moment (so an outage costs no wait per request)."""

    RETRY_AFTER_SECONDS = 1.0

    def __init__(self) -> None:
        self.error: str | None = None
        self._failed_at = 0.0

    def failed(self, exc: BaseException) -> None:
        if self.error is None:
            log.warning("Redis unavailable (%s): rate limits are per process", exc)
        self.error = f"{type(exc).__name__}: {exc}"
        self._failed_at = time.monotonic()

    def recovered(self) -> None:
        if self.error is not None:
            log.warning("Redis is back: rate limits are shared again")
        self.error = None

    @property
    def resting(self) -> bool:
        failed = self.error is not None
        return failed and time.monotonic() - self._failed_at < self.RETRY_AFTER_SECONDS


class FallbackRateLimiter:
    """Redis while it answers; this process's own counters while it does not."""

    def __init__(self, primary: RedisRateLimiter, health: RedisHealth) -> None:
        self._primary = primary
        self._fallback = MemoryRateLimiter()
        self.health = health

    async def _either(
        self,
        shared: Callable[[], Awaitable[T]],
        local: Callable[[], Awaitable[T]],
    ) -> T:
        if self.health.resting:
            return await local()
        try:
            result = await shared()
        except (RedisError, OSError) as exc:
            self.health.failed(exc)
            return await local()
        self.health.recovered()
        return result

    async def count(self, key: str, window: int) -> int:
        return await self._either(
            lambda: self._primary.count(key, window), lambda: self._fallback.count(key, window)
        )

    async def hit(self, key: str, window: int) -> int:
        return await self._either(
            lambda: self._primary.hit(key, window), lambda: self._fallback.hit(key, window)
        )

    async def clear(self, key: str) -> None:
        await self._fallback.clear(key)
        await self._either(lambda: self._primary.clear(key), lambda: self._fallback.clear(key))

    async def get(self, key: str) -> str | None:
        return await self._either(lambda: self._primary.get(key), lambda: self._fallback.get(key))

    async def put(self, key: str, value: str, ttl: int) -> None:
        await self._either(
            lambda: self._primary.put(key, value, ttl),
            lambda: self._fallback.put(key, value, ttl),
        )

    async def reset(self) -> None:
        await self._fallback.reset()
        await self._either(self._primary.reset, self._fallback.reset)
