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
