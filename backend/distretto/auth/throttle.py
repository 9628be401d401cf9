"""Sign-in throttling per (account, address), with exponential backoff.

A count per account alone let anyone lock the owner out (five wrong passwords from
anywhere, and the owner waited five minutes). Here the failures are counted per account
*and* address: after the free attempts each further failure from that address doubles
the wait before the next try from it, and the owner, from any other address, is not
slowed at all. A separate, looser count per address stops one address from trying
many accounts.
"""

import math
from datetime import datetime

from distretto.config import Settings
from distretto.kit.ratelimit import RateLimiter

# An address may fail this many times the per-account allowance across all accounts.
ADDRESS_LIMIT_FACTOR = 4


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, settings: Settings) -> None:
        self._limiter = limiter
        self._free = settings.login_attempts_per_window
        self._window = settings.login_window_seconds
        self._base = settings.login_backoff_seconds
        self._cap = settings.login_backoff_max_seconds

    @staticmethod
    def _pair(account: str, ip: str) -> str:
        return f"login:fail:{account.lower()}:{ip}"

    async def wait_left(self, account: str, ip: str, now: datetime) -> int:
        """Seconds before this address may try this account again (0: now)."""
        if await self._limiter.count(f"login:ip:{ip}", self._window) >= (
            self._free * ADDRESS_LIMIT_FACTOR
        ):
            return self._window
        until = await self._limiter.get(self._pair(account, ip) + ":until")
        if until is None:
            return 0
        # Rounded to the millisecond first: float noise must not add a whole second.
        return max(0, math.ceil(round(float(until) - now.timestamp(), 3)))

    async def failed(self, account: str, ip: str, now: datetime) -> None:
        await self._limiter.hit(f"login:ip:{ip}", self._window)
        # The count outlives the longest wait, so the backoff keeps growing.
        keep = self._window + self._cap
        failures = await self._limiter.hit(self._pair(account, ip), keep)
        if failures >= self._free:
            wait = min(self._base * 2 ** (failures - self._free), self._cap)
            until = now.timestamp() + wait
            await self._limiter.put(self._pair(account, ip) + ":until", repr(until), keep)

    async def succeeded(self, account: str, ip: str) -> None:
        await self._limiter.clear(self._pair(account, ip))
        await self._limiter.clear(self._pair(account, ip) + ":until")
