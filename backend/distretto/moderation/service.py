"""Firm verification and sanctions by staff, the list of firms under watch, and the
audit log."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.service import lift_ended_suspensions
from distretto.auth.viewer import Viewer
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm
from distretto.models.firms import FirmStatus
from distretto.moderation import sanctions, schemas
from distretto.moderation.repositories.flags import FlagRepository
from distretto.moderation.repositories.governance import GovernanceRepository
from distretto.moderation.schemas import AuditFilters


async def _firm(session: AsyncSession, firm_id: int) -> Firm:
    firm = await GovernanceRepository(session).firm(firm_id)
    if firm is None:
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found", params={"id": firm_id})
    return firm


async def _firms_out(session: AsyncSession, firms: list[Firm]) -> list[schemas.ModeratedFirmOut]:
    repo, flags = GovernanceRepository(session), FlagRepository(session)
    ids = [f.id for f in firms if f.id is not None]
    warnings = await repo.warning_counts(ids)
    open_flags = await flags.open_counts_on_firms(ids)
    suspensions = await repo.latest_suspensions(
        [f.id for f in firms if f.id is not None and f.status == FirmStatus.SUSPENDED]
    )
    out = []
    for firm in firms:
        assert firm.id is not None
        suspension = suspensions.get(firm.id)
        out.append(
            schemas.ModeratedFirmOut(
                id=firm.id,
                name=firm.name,
                vat_number=firm.vat_number,
                region=firm.region,
                status=firm.status,
                verified=firm.verified,
                warnings=warnings.get(firm.id, 0),
                open_flags=open_flags.get(firm.id, 0),
                suspended_at=suspension.at if suspension else None,
                suspension_reason=suspension.reason if suspension else None,
                suspended_until=firm.suspended_until,
                created_at=firm.created_at,
            )
        )
    return out


async def verify_firm(
    session: AsyncSession, staff: Viewer, firm_id: int, note: str
) -> schemas.ModeratedFirmOut:
    firm = await _firm(session, firm_id)
    if firm.verified:
        raise Conflict("This firm is already verified", code="firm.already_verified")
    await sanctions.verify(session, staff, firm, note)
    return (await _firms_out(session, [firm]))[0]


async def suspend_firm(
    session: AsyncSession,
    staff: Viewer,
    firm_id: int,
    reason: str,
    until: datetime | None,
    now: datetime,
) -> schemas.ModeratedFirmOut:
    if until is not None and until <= now:
        raise Invalid("until", "must be in the future", code="suspension.until_past")
    firm = await _firm(session, firm_id)
    await lift_ended_suspensions(session, [firm_id], now)
    await GovernanceRepository(session).reload_row(firm)
    if firm.status == FirmStatus.SUSPENDED:
        raise Conflict("This firm is already suspended", code="firm.already_suspended")
    await sanctions.suspend(session, staff, firm, reason, until=until)
    return (await _firms_out(session, [firm]))[0]


async def reinstate_firm(
    session: AsyncSession, staff: Viewer, firm_id: int, note: str
) -> schemas.ModeratedFirmOut:
    firm = await _firm(session, firm_id)
    if firm.status != FirmStatus.SUSPENDED:
        raise Conflict("This firm is not suspended", code="firm.not_suspended")
    await sanctions.reinstate(session, staff, firm, note)
    return (await _firms_out(session, [firm]))[0]


async def firms(
    session: AsyncSession,
    params: PageParams,
    *,
    status: str | None,
    verified: bool | None,
    q: str | None,
    now: datetime,
) -> Page[schemas.ModeratedFirmOut]:
    repo = GovernanceRepository(session)
    await lift_ended_suspensions(session, await repo.suspension_ended_ids(now), now)
    rows, cursor = await repo.firm_page(repo.firms(status, verified, q), params)
    return Page(items=await _firms_out(session, rows), next_cursor=cursor)


async def audit_log(
    session: AsyncSession, filters: AuditFilters, params: PageParams
) -> Page[schemas.AuditEntryOut]:
    repo = GovernanceRepository(session)
    rows, cursor = await repo.audit_page(filters, params)
    # Names, not ids: who acted, and what the entry is about (firm, order, contract…).
    actors = await repo.user_names([r.actor_user_id for r in rows if r.actor_user_id])
    targets = {r.id: (r.target_type, _as_id(r.target_id)) for r in rows}
    named_firms = {
        r.id: {key: fid for key in FIRM_DETAILS if (fid := _as_id(r.details.get(key)))}
        for r in rows
    }
    firm_ids = {tid for kind, tid in targets.values() if kind == "firm" and tid}
    firm_ids |= {fid for named in named_firms.values() for fid in named.values()}
    firms = await repo.firm_names(sorted(firm_ids))
    titles = await repo.target_titles(
        [(kind, tid) for kind, tid in targets.values() if kind and kind != "firm" and tid]
    )
    items = []
    for r in rows:
        entry = schemas.AuditEntryOut.model_validate(r, from_attributes=True)
        kind, target_id = targets[r.id]
        entry.actor_name = actors.get(r.actor_user_id) if r.actor_user_id else None
        if kind == "firm" and target_id:
            entry.target_name = firms.get(target_id)
        elif kind and target_id:
            entry.target_name = titles.get((kind, target_id))
        entry.firm_names = {
            key: firms[fid] for key, fid in named_firms[r.id].items() if fid in firms
        }
        items.append(entry)
    return Page(items=items, next_cursor=cursor)


FIRM_DETAILS = ("client_firm_id", "supplier_firm_id", "firm_id")


def _as_id(value: object) -> int | None:
    """An id stored as int or digits (audit targets are strings), else None."""
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None
