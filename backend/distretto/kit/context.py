"""Process-wide collaborators built in the app lifespan and shared by requests."""

from dataclasses import dataclass
from typing import Annotated, Any

from argon2 import PasswordHasher
from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from distretto.config import Settings
from distretto.kit.ratelimit import RateLimiter


@dataclass
class AppContext:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    hasher: PasswordHasher
    tokens: Any  # distretto.auth.security.TokenService (kept loose to avoid an import cycle)
    limiter: RateLimiter
    redis: Redis | None


# async although it awaits nothing: a plain ``def`` dependency runs in FastAPI's thread pool.
async def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


ContextDep = Annotated[AppContext, Depends(get_context)]
