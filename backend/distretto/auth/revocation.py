"""Which access tokens are revoked before they expire: the token itself (its ``jti``,
at logout) and every token of a refresh family (logout, a stolen refresh token shown
again). Consulted on every authenticated request and live-socket handshake."""

from datetime import datetime

from distretto.auth.security import AccessClaims
from distretto.kit.context import AppContext


async def is_revoked(ctx: AppContext, claims: AccessClaims) -> bool:
    keys = [f"jti:{claims.jti}"] if claims.jti else []
    if claims.family:
        keys.append(f"fam:{claims.family}")
    if not keys:
        return False
    return any(value is not None for value in await ctx.revocations.values(keys))


async def revoke_token(ctx: AppContext, claims: AccessClaims, now: datetime) -> None:
    if claims.jti:
        left = int((claims.expires_at - now).total_seconds()) + 1
        await ctx.revocations.revoke(f"jti:{claims.jti}", "1", left)


async def revoke_families(ctx: AppContext, families: set[str]) -> None:
    """Every access token minted for these families (none lives longer than the TTL)."""
    ttl = int(ctx.tokens.access_ttl.total_seconds()) + 1
    for family in families:
        await ctx.revocations.revoke(f"fam:{family}", "1", ttl)
