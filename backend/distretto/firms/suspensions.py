"""Suspensions with an end date: a firm is active again once the clock passes the date.

Lifting happens when the firm's people next act (their viewer is loaded) and when staff
list firms: a conditional UPDATE (``status = 'suspended' AND suspended_until <= now``)
so two requests lifting at once reinstate the firm once, with one event and one entry
in the audit log.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from distretto.firms.events import FirmReinstated
from distretto.kit.audit import record
from distretto.kit.events import STAFF, emit, firm_key
from distretto.models import Firm

EXPIRY_ACTION = "moderation.suspension_expired"


async def lift_ended_suspensions(
    session: AsyncSession, firm_ids: Sequence[int], now: datetime
) -> set[int]:
    """Reinstate those of ``firm_ids`` whose suspension ended by ``now``; their ids."""
    if not firm_ids:
        return set()
    lifted = await session.execute(
        update(Firm)
        .where(
            col(Firm.id).in_(list(firm_ids)),
            col(Firm.status) == "suspended",
            col(Firm.suspended_until).is_not(None),
            col(Firm.suspended_until) <= now,
        )
        .values(status="active", suspended_until=None, updated_at=now)
        .returning(col(Firm.id))
        .execution_options(synchronize_session="fetch")
    )
    ids = {int(firm_id) for (firm_id,) in lifted if firm_id is not None}
    for firm_id in sorted(ids):
        await emit(
            session, FirmReinstated(firm_id=firm_id, expired=True), [firm_key(firm_id), STAFF]
        )
        await record(
            session,
            EXPIRY_ACTION,
            actor_user_id=None,
            target_type="firm",
            target_id=firm_id,
            reason="",
        )
    return ids
