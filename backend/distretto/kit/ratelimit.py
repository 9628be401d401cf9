"""Fixed-window counters for rate limits: Redis when configured, in-process otherwise.

With several app processes only the Redis limiter is shared; the in-process one
serves the single-process embedded mode.
"""

import time
from typing import Protocol

from redis.asyncio import Redis


class RateLimiter(Protocol):
    async def count(self, key: str, window: int) -> int: ...

    async def hit(self, key: str, window: int) -> int: ...

    async def clear(self, key: str) -> None: ...

    async def reset(self) -> None: ...


class MemoryRateLimiter:
    def __init__(self) -> None:
        self._windows: dict[str, tuple[float, int]] = {}

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

    async def reset(self) -> None:
        self._windows.clear()


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

    async def reset(self) -> None:
        async for key in self._redis.scan_iter(match=self._prefix + "*"):
            await self._redis.delete(key)
