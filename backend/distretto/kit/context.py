"""Process-wide collaborators built in the app lifespan and shared by requests."""

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Annotated, Any

from argon2 import PasswordHasher
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from distretto.config import Settings
from distretto.kit.ratelimit import RateLimiter, RedisHealth
from distretto.kit.revocation import RevocationList


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    hasher: PasswordHasher
    tokens: Any  # distretto.auth.security.TokenService (kept loose to avoid an import cycle)
    limiter: RateLimiter
    redis: Redis | None
    redis_health: RedisHealth
    revocations: RevocationList


# async although it awaits nothing: a plain ``def`` dependency runs in FastAPI's thread pool.
async def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[IPv4Network | IPv6Network, ...]:
    return tuple(ip_network(entry, strict=False) for entry in trusted)


def _trusted(address: str, networks: tuple[IPv4Network | IPv6Network, ...]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: Request) -> str:
    """The caller's address: the connection's peer, unless the peer is a listed proxy;
    then the X-Forwarded-For hops are read from the right (the ones our proxies
    appended) to the first address that is not one of our proxies. Entries left of it
    were written by the client and prove nothing."""
    peer = request.client.host if request.client else "unknown"
    settings: Settings = request.app.state.ctx.settings
    networks = _networks(tuple(settings.trusted_proxies))
    if not networks or not _trusted(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        if _trusted(hop, networks):
            continue
        try:
            return str(ip_address(hop))
        except ValueError:
            break
    return peer


ContextDep = Annotated[AppContext, Depends(get_context)]
