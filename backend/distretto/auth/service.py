"""Registration, sign-in with rate limiting, refresh rotation with reuse detection."""

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth import schemas
from distretto.auth.events import FirmReinstated
from distretto.auth.repository import (
    FirmStandingRepository,
    RefreshTokenRepository,
    UserRepository,
)
from distretto.auth.revocation import revoke_families, revoke_token
from distretto.auth.security import (
    AccessClaims,
    digest,
    hash_password,
    new_refresh_token,
    verify_password,
)
from distretto.auth.throttle import LoginThrottle
from distretto.kit import clock
from distretto.kit.audit import audit_after_rollback, record
from distretto.kit.context import AppContext
from distretto.kit.errors import Conflict, TooManyRequests, Unauthorized
from distretto.kit.events import STAFF, emit, firm_key
from distretto.models import RefreshToken, User

# An address may try a few accounts before being stopped (shared office NAT).


async def register(session: AsyncSession, ctx: AppContext, data: schemas.RegisterIn) -> User:
    users = UserRepository(session)
    email = data.email.lower()
    if await users.email_taken(email):
        raise Conflict("An account with this email already exists", code="auth.email_taken")
    password_hash = await hash_password(ctx.hasher, data.password)
    return await users.add(User(email=email, full_name=data.full_name, password_hash=password_hash))


async def issue_tokens(
    session: AsyncSession, ctx: AppContext, user_id: int, family_id: str | None = None
) -> schemas.TokenPair:
    now = clock.now()
    refresh = new_refresh_token()
    family = family_id or str(uuid.uuid4())
    await RefreshTokenRepository(session).add(
        RefreshToken(
            user_id=user_id,
            token_hash=digest(refresh),
            family_id=family,
            expires_at=now + ctx.tokens.refresh_ttl,
        )
    )
    return schemas.TokenPair(
        # The family rides in the token, so revoking the family revokes it too.
        access_token=ctx.tokens.mint_access(user_id, now, family),
        expires_in=int(ctx.tokens.access_ttl.total_seconds()),
        refresh_token=refresh,
    )


async def login(
    session: AsyncSession, ctx: AppContext, username: str, password: str, ip: str
) -> schemas.TokenPair:
    throttle = LoginThrottle(ctx.limiter, ctx.settings)
    now = clock.now()
    if wait := await throttle.wait_left(username, ip, now):
        raise TooManyRequests(
            "Too many failed sign-in attempts; try again later",
            wait,
            code="auth.too_many_attempts",
        ).after_rollback(
            audit_after_rollback(
                "auth.login_throttled", actor_user_id=None, ip=ip, email=username.lower()
            )
        )

    user = await UserRepository(session).by_email(username)
    # The password is verified whoever asks (a dummy hash for an unknown account), so
    # the answer takes as long for an email that exists as for one that does not.
    matches = await verify_password(ctx.hasher, user.password_hash if user else None, password)
    usable = user is not None and user.is_active and user.deleted_at is None
    if not (usable and matches):
        await throttle.failed(username, ip, now)
        raise Unauthorized("Wrong email or password", code="auth.wrong_credentials").after_rollback(
            audit_after_rollback(
                "auth.login_failed", actor_user_id=None, ip=ip, email=username.lower()
            )
        )
    assert user is not None and user.id is not None
    await throttle.succeeded(username, ip)
    return await issue_tokens(session, ctx, user.id)


async def refresh(session: AsyncSession, ctx: AppContext, token: str, ip: str) -> schemas.TokenPair:
    repo = RefreshTokenRepository(session)
    stored = await repo.by_hash(digest(token))
    now = clock.now()
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise Unauthorized("Refresh token is invalid or expired", code="auth.refresh_invalid")
    assert stored.id is not None
    if stored.used_at is not None or not await repo.consume(stored.id, now):
        raise Unauthorized(
            "Refresh token was already used; please sign in again", code="auth.refresh_reused"
        ).after_rollback(_revoke_stolen_family(ctx, stored.family_id, stored.user_id, now, ip))
    return await issue_tokens(session, ctx, stored.user_id, stored.family_id)


def _revoke_stolen_family(
    ctx: AppContext, family_id: str, user_id: int, now: datetime, ip: str
) -> Callable[[AsyncSession], Awaitable[None]]:
    """A used token shown again was copied: end every session of that sign-in.

    Runs after the rollback, because the request itself fails with 401.
    """

    async def _revoke(own: AsyncSession) -> None:
        await RefreshTokenRepository(own).revoke_family(family_id, now)
        await revoke_families(ctx, {family_id})
        await record(
            own,
            "auth.refresh_reuse",
            actor_user_id=user_id,
            ip=ip,
            target_type="user",
            target_id=user_id,
        )

    return _revoke


async def logout(
    session: AsyncSession,
    ctx: AppContext,
    claims: AccessClaims,
    token: str | None,
    ip: str,
) -> None:
    """End this sign-in (the refresh family given), or all of the user's without one;
    the access token used, and every one of those families, stop working at once."""
    user_id = claims.user_id
    repo = RefreshTokenRepository(session)
    now = clock.now()
    stored = await repo.by_hash(digest(token)) if token else None
    if stored is not None and stored.user_id == user_id:
        families = {stored.family_id}
        await repo.revoke_family(stored.family_id, now)
    else:
        families = await repo.live_families(user_id)
        await repo.revoke_all_for_user(user_id, now)
    if claims.family:
        families.add(claims.family)
    await revoke_token(ctx, claims, now)
    await revoke_families(ctx, families)
    await record(
        session, "auth.logout", actor_user_id=user_id, ip=ip, target_type="user", target_id=user_id
    )


async def me(session: AsyncSession, user_id: int) -> schemas.MeOut:
    users = UserRepository(session)
    user = await users.by_id(user_id)
    if user is None or user.id is None:
        raise Unauthorized(code="auth.unauthenticated")
    return schemas.MeOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        is_staff=user.is_staff,
        email_verified=user.email_verified_at is not None,
        memberships=[
            schemas.MembershipOut(firm_id=f, firm_name=n, role=r, firm_status=s)
            for f, n, r, s in await users.memberships(user.id)
        ],
        consortia=[
            schemas.ConsortiumRoleOut(consortium_id=c, role=r)
            for c, r in await users.consortium_roles(user.id)
        ],
    )


# --- For other features (they use auth through this module) -----------------------------


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await UserRepository(session).by_id(user_id)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    return await UserRepository(session).by_email(email)


async def add_user(session: AsyncSession, user: User) -> User:
    return await UserRepository(session).add(user)


async def new_password_hash(ctx: AppContext, password: str) -> str:
    return await hash_password(ctx.hasher, password)


async def revoke_refresh_tokens(session: AsyncSession, user_id: int, now: datetime) -> None:
    await RefreshTokenRepository(session).revoke_all_for_user(user_id, now)


# Suspensions with an end date: a firm is active again once the clock passes the date.
# Lifted when the firm's people next act (their viewer is loaded) and when staff list or
# suspend firms; the conditional UPDATE makes two requests lifting at once reinstate the
# firm once, with one event and one entry in the audit log.
SUSPENSION_EXPIRY_ACTION = "moderation.suspension_expired"


async def lift_ended_suspensions(
    session: AsyncSession, firm_ids: Sequence[int], now: datetime
) -> set[int]:
    """Reinstate those of ``firm_ids`` whose suspension ended by ``now``; their ids."""
    if not firm_ids:
        return set()
    ids = await FirmStandingRepository(session).lift_ended(firm_ids, now)
    for firm_id in sorted(ids):
        await emit(
            session, FirmReinstated(firm_id=firm_id, expired=True), [firm_key(firm_id), STAFF]
        )
        await record(
            session,
            SUSPENSION_EXPIRY_ACTION,
            actor_user_id=None,
            target_type="firm",
            target_id=firm_id,
            reason="",
        )
    return ids
