"""Recording audit entries.

``record`` writes inside the request's transaction, so staff actions succeed or fail
with what they audit. ``audit_after_rollback`` is for events that must survive the
request failing (a refused login ends in a 401 and a rollback).
"""

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.models.audit import AuditEntry


async def record(
    session: AsyncSession,
    action: str,
    *,
    actor_user_id: int | None,
    target_type: str | None = None,
    target_id: Any = None,
    reason: str = "",
    ip: str | None = None,
    **details: Any,
) -> None:
    session.add(
        AuditEntry(
            action=action,
            actor_user_id=actor_user_id,
            target_type=target_type,
            target_id=None if target_id is None else str(target_id),
            reason=reason[:2000],
            ip=ip,
            details=details,
        )
    )
    await session.flush()


def audit_after_rollback(action: str, **kw: Any) -> Callable[[AsyncSession], Awaitable[None]]:
    async def _write(session: AsyncSession) -> None:
        await record(session, action, **kw)

    return _write
