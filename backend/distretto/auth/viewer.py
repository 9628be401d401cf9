"""Who is asking: the authenticated user with their firm roles, loaded once per request.

Policies and scoped repository reads take a ``Viewer``; nothing else decides access.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any, cast

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth import viewer_cache
from distretto.auth.repository import UserRepository
from distretto.auth.revocation import is_revoked as is_revoked
from distretto.auth.security import AccessClaims
from distretto.auth.service import lift_ended_suspensions
from distretto.auth.viewer_cache import ViewerCache
from distretto.db import SessionDep
from distretto.kit import clock as kit_clock
from distretto.kit.clock import ClockDep
from distretto.kit.errors import Forbidden, NotFound, Unauthorized
from distretto.models.firms import FirmStatus

ROLE_RANK = {"member": 1, "manager": 2, "owner": 3}

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Viewer:
    user_id: int
    email: str
    is_staff: bool
    firm_roles: dict[int, str] = field(default_factory=dict)
    suspended_firms: frozenset[int] = frozenset()
    managed_consortia: frozenset[int] = frozenset()
    # When a suspension of one of the firms reaches its end date: a viewer kept in the
    # cache (``viewer_cache``) is read again then, and the suspension lifted.
    valid_before: datetime | None = field(default=None, compare=False)

    @property
    def firm_ids(self) -> list[int]:
        return sorted(self.firm_roles)

    def has_role(self, firm_id: int, minimum: str) -> bool:
        role = self.firm_roles.get(firm_id)
        return role is not None and ROLE_RANK[role] >= ROLE_RANK[minimum]

    def require_role(self, firm_id: int, minimum: str) -> None:
        """404 if the viewer is not in the firm at all, 403 if the role is too low."""
        if firm_id not in self.firm_roles:
            raise NotFound(
                f"Firm {firm_id} not found among your firms",
                code="firm.not_found",
                params={"id": firm_id},
            )
        if not self.has_role(firm_id, minimum):
            raise Forbidden(
                f"This needs the {minimum} role in the firm",
                code="firm.role_required",
                params={"role": minimum},
            )

    def require_active_firm(self, firm_id: int) -> None:
        if firm_id in self.suspended_firms:
            raise Forbidden(
                "The firm is suspended by the association and cannot do this", code="firm.suspended"
            )

    def manages(self, consortium_id: int) -> bool:
        return consortium_id in self.managed_consortia


# Events after which a viewer read earlier may be wrong. Every process forgets its cached
# viewers when one reaches its live dispatcher: the writing process already did at
# COMMIT, the others learn it here.
VIEWER_EVENTS = frozenset(
    {"firm.suspended", "firm.reinstated", "membership.approved", "membership.ended"}
)


def event_seen(event_type: str) -> None:
    if event_type in VIEWER_EVENTS:
        viewer_cache.forget_all()


class WriteNeeded(Exception):
    """The viewer cannot be read without a write (a suspension to lift), and the caller
    said its session must not write."""


async def load_viewer(
    session: AsyncSession, user_id: int, now: datetime | None = None, *, may_write: bool = True
) -> Viewer | None:
    """The viewer as the database says now (one statement), None for an unknown or
    disabled account. A suspension of one of its firms that has reached its end date is
    lifted here, so the firm acts again from its first request after the date (unless
    ``may_write`` is false: then ``WriteNeeded``)."""
    rows = await UserRepository(session).viewer_facts(user_id)
    user = next((row for row in rows if row.kind == "user"), None)
    if user is None:
        return None
    firms = [row for row in rows if row.kind == "firm"]
    suspended = [row.ref_id for row in firms if row.firm_status == FirmStatus.SUSPENDED]
    # Only a suspension whose end date has passed costs a write (most requests: none).
    moment = now or kit_clock.now()
    ended = [
        row.ref_id
        for row in firms
        if row.firm_status == FirmStatus.SUSPENDED
        and row.suspended_until is not None
        and row.suspended_until <= moment
    ]
    if ended and not may_write:
        raise WriteNeeded
    lifted = await lift_ended_suspensions(session, ended, moment) if ended else set()
    still_suspended = frozenset(suspended) - lifted
    ends = [
        row.suspended_until
        for row in firms
        if row.ref_id in still_suspended and row.suspended_until is not None
    ]
    return Viewer(
        user_id=user.ref_id,
        email=user.detail,
        is_staff=bool(user.is_staff),
        firm_roles={row.ref_id: row.detail for row in firms},
        suspended_firms=still_suspended,
        managed_consortia=frozenset(row.ref_id for row in rows if row.kind == "consortium"),
        valid_before=min(ends, default=None),
    )


async def viewer_of_token(
    state: Any, session: AsyncSession, token: str, now: datetime, *, may_write: bool = True
) -> tuple[Viewer, AccessClaims]:
    """The viewer a bearer token speaks for, and the token's claims; ``Unauthorized`` for
    a bad, expired or revoked token or an unknown or disabled account. ``state``: the
    app's (its token service, context and viewer cache). Every way in (the routed
    dependency, ``market.hot_reads``) asks here."""
    cache: ViewerCache | None = getattr(state, "viewers", None)
    cached = cache.get(token, now) if cache is not None else None
    if cached is not None:
        # The same token verified moments ago: its signature is not checked again, but
        # revocation is (logout and a revoked refresh family end it at once, everywhere).
        viewer, claims = cached
        if await is_revoked(state.ctx, claims):
            raise Unauthorized(code="auth.unauthenticated")
        return cast(Viewer, viewer), claims
    claims = state.tokens.verify_access(token)
    if claims is None or await is_revoked(state.ctx, claims):
        raise Unauthorized(code="auth.unauthenticated")
    generation = ViewerCache.generation()
    viewer = await load_viewer(session, claims.user_id, now, may_write=may_write)
    if viewer is None:
        raise Unauthorized(code="auth.unauthenticated")
    if cache is not None:
        cache.put(token, (viewer, claims), generation, viewer.valid_before, claims.expires_at)
    return viewer, claims


async def optional_viewer(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    clock: ClockDep,
) -> Viewer | None:
    if not token:
        return None
    viewer, claims = await viewer_of_token(request.app.state, session, token, clock())
    request.state.access_claims = claims
    return viewer


async def current_viewer(viewer: Annotated[Viewer | None, Depends(optional_viewer)]) -> Viewer:
    if viewer is None:
        raise Unauthorized(code="auth.unauthenticated")
    return viewer


async def staff_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if not viewer.is_staff:
        raise Forbidden("Only association staff may do this", code="auth.staff_only")
    return viewer


async def access_claims(
    request: Request, viewer: Annotated[Viewer, Depends(current_viewer)]
) -> AccessClaims:
    """The verified claims of the request's access token (after ``current_viewer``)."""
    claims: AccessClaims = request.state.access_claims
    return claims


ViewerDep = Annotated[Viewer, Depends(current_viewer)]
AccessClaimsDep = Annotated[AccessClaims, Depends(access_claims)]
OptionalViewerDep = Annotated[Viewer | None, Depends(optional_viewer)]
StaffDep = Annotated[Viewer, Depends(staff_viewer)]
