"""Sanctions on firms, shared by the flag queue and the direct staff actions.

Each one changes the firm, tells the firm's live channels, and lands in the audit log
in the same transaction.
"""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.events import FirmReinstated, FirmSuspended
from distretto.auth.viewer import Viewer
from distretto.kit import clock
from distretto.kit.audit import record
from distretto.kit.events import STAFF, emit, firm_key
from distretto.models import Firm, FirmWarning
from distretto.models.firms import FirmStatus
from distretto.moderation import events
from distretto.moderation.repositories.governance import SUSPENSION_ACTION, GovernanceRepository


async def suspend(
    session: AsyncSession,
    staff: Viewer,
    firm: Firm,
    reason: str,
    *,
    flag_id: int | None = None,
    until: datetime | None = None,
) -> None:
    assert firm.id is not None
    firm.status = FirmStatus.SUSPENDED
    firm.suspended_until = until
    firm.updated_at = clock.now()
    await GovernanceRepository(session).add_and_flush(firm)
    # Live sockets of the firm's members close when they see this event.
    await emit(
        session,
        FirmSuspended(firm_id=firm.id, firm_name=firm.name, reason=reason, until=until),
        # Staff hear it too: every moderator's view of the firm stays current.
        [firm_key(firm.id), STAFF],
    )
    await record(
        session,
        SUSPENSION_ACTION,
        actor_user_id=staff.user_id,
        target_type="firm",
        target_id=firm.id,
        reason=reason,
        flag_id=flag_id,
        until=None if until is None else until.isoformat(),
    )


async def reinstate(session: AsyncSession, staff: Viewer, firm: Firm, note: str) -> None:
    assert firm.id is not None
    firm.status = FirmStatus.ACTIVE
    firm.suspended_until = None
    firm.updated_at = clock.now()
    await GovernanceRepository(session).add_and_flush(firm)
    await emit(
        session, FirmReinstated(firm_id=firm.id, firm_name=firm.name), [firm_key(firm.id), STAFF]
    )
    await record(
        session,
        "moderation.firm_reinstated",
        actor_user_id=staff.user_id,
        target_type="firm",
        target_id=firm.id,
        reason=note,
    )


async def warn(
    session: AsyncSession, staff: Viewer, firm_id: int, reason: str, *, flag_id: int | None
) -> FirmWarning:
    warning = await GovernanceRepository(session).add_warning(
        FirmWarning(
            firm_id=firm_id, flag_id=flag_id, issued_by_user_id=staff.user_id, reason=reason
        )
    )
    await emit(
        session,
        events.FirmWarned(firm_id=firm_id, warning_id=warning.id, reason=reason),
        [firm_key(firm_id)],
    )
    await record(
        session,
        "moderation.firm_warned",
        actor_user_id=staff.user_id,
        target_type="firm",
        target_id=firm_id,
        reason=reason,
        warning_id=warning.id,
        flag_id=flag_id,
    )
    return warning


async def verify(session: AsyncSession, staff: Viewer, firm: Firm, note: str) -> None:
    assert firm.id is not None
    firm.verified = True
    firm.updated_at = clock.now()
    await GovernanceRepository(session).add_and_flush(firm)
    await emit(session, events.FirmVerified(firm_id=firm.id), [firm_key(firm.id)])
    await record(
        session,
        "moderation.firm_verified",
        actor_user_id=staff.user_id,
        target_type="firm",
        target_id=firm.id,
        reason=note,
    )
