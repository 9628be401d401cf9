"""Firm verification and sanctions by staff, the list of firms under watch, and the
audit log."""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Conflict, NotFound
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm
from distretto.moderation import sanctions, schemas
from distretto.moderation.repositories.flags import FlagRepository
from distretto.moderation.repositories.governance import AuditFilters, GovernanceRepository


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
        [f.id for f in firms if f.id is not None and f.status == "suspended"]
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
    session: AsyncSession, staff: Viewer, firm_id: int, reason: str
) -> schemas.ModeratedFirmOut:
    firm = await _firm(session, firm_id)
    if firm.status == "suspended":
        raise Conflict("This firm is already suspended", code="firm.already_suspended")
    await sanctions.suspend(session, staff, firm, reason)
    return (await _firms_out(session, [firm]))[0]


async def reinstate_firm(
    session: AsyncSession, staff: Viewer, firm_id: int, note: str
) -> schemas.ModeratedFirmOut:
    firm = await _firm(session, firm_id)
    if firm.status != "suspended":
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
) -> Page[schemas.ModeratedFirmOut]:
    repo = GovernanceRepository(session)
    rows, cursor = await repo.firm_page(repo.firms(status, verified, q), params)
    return Page(items=await _firms_out(session, rows), next_cursor=cursor)


async def audit_log(
    session: AsyncSession, filters: AuditFilters, params: PageParams
) -> Page[schemas.AuditEntryOut]:
    rows, cursor = await GovernanceRepository(session).audit_page(filters, params)
    return Page(
        items=[schemas.AuditEntryOut.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=cursor,
    )
