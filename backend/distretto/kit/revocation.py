"""Revoked access tokens: keys (a token's ``jti``, a refresh family, a user's cut-off)
that stay refused until the tokens they name have expired anyway.

Every process keeps its own copy and, when Redis is configured, writes to and reads from
Redis too, so a logout in one process is refused by all of them at their next request.
Redis is an accelerator here as everywhere: when it fails, the process goes on with its
own copy (what it revoked itself) instead of failing the request.
"""

import logging
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("distretto")


class RevocationList:
    def __init__(self, redis: Redis | None, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix
        # key -> (monotonic time the entry may be forgotten, value)
        self._local: dict[str, tuple[float, str]] = {}

    async def revoke(self, key: str, value: str, ttl_seconds: int) -> None:
        """Refuse ``key`` for ``ttl_seconds`` (the longest a token it names may live)."""
        ttl = max(1, ttl_seconds)
        self._forget_expired()
        self._local[key] = (time.monotonic() + ttl, value)
        if self._redis is not None:
            try:
                await self._redis.set(self._prefix + key, value, ex=ttl)
            except (RedisError, OSError) as exc:
                log.warning("revocation of %s kept in this process only: %s", key, exc)

    async def values(self, keys: list[str]) -> list[str | None]:
        """The stored value of each key (None: not revoked)."""
        self._forget_expired()
        local = [self._local[key][1] if key in self._local else None for key in keys]
        if self._redis is None:
            return local
        try:
            shared = await self._redis.mget([self._prefix + key for key in keys])
        except (RedisError, OSError):
            return local
        return [
            mine or (theirs.decode() if isinstance(theirs, bytes) else theirs)
            for mine, theirs in zip(local, shared, strict=True)
        ]

    def _forget_expired(self) -> None:
        now = time.monotonic()
        for key in [k for k, (until, _) in self._local.items() if until <= now]:
            del self._local[key]
