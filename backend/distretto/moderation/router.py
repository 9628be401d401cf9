from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from pydantic import AwareDatetime

from distretto.auth.viewer import StaffDep, ViewerDep
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.context import ContextDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import BigIdPath, IdPath, IdQuery
from distretto.moderation import flags, schemas, service

router = APIRouter(tags=["moderation"])
PageDep = Annotated[PageParams, Depends(page_params)]


@router.post(
    "/flags",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.FlagOut,
    operation_id="create_flag",
)
async def create_flag(
    data: schemas.FlagIn, viewer: ViewerDep, session: SessionDep, ctx: ContextDep
) -> schemas.FlagOut:
    return await flags.create_flag(session, ctx, viewer, data)


@router.get(
    "/moderation/flags",
    response_model=Page[schemas.QueueItemOut],
    operation_id="moderation_queue",
)
async def moderation_queue(
    _: StaffDep,
    session: SessionDep,
    page: PageDep,
    status: schemas.FlagStatus = schemas.FlagStatus.OPEN,
    target_type: schemas.TargetType | None = None,
) -> Page[schemas.QueueItemOut]:
    return await flags.queue(session, status, target_type, page)


@router.post(
    "/moderation/flags/{flag_id}/resolve",
    response_model=schemas.ResolutionOut,
    operation_id="resolve_flag",
)
async def resolve_flag(
    flag_id: BigIdPath, data: schemas.FlagResolutionIn, staff: StaffDep, session: SessionDep
) -> schemas.ResolutionOut:
    return await flags.resolve(session, staff, flag_id, data)


@router.get(
    "/moderation/firms",
    response_model=Page[schemas.ModeratedFirmOut],
    operation_id="moderation_firms",
)
async def moderation_firms(
    _: StaffDep,
    session: SessionDep,
    page: PageDep,
    clock: ClockDep,
    status: schemas.FirmStatus | None = None,
    verified: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[schemas.ModeratedFirmOut]:
    return await service.firms(session, page, status=status, verified=verified, q=q, now=clock())


@router.post(
    "/moderation/firms/{firm_id}/verify",
    response_model=schemas.ModeratedFirmOut,
    operation_id="verify_firm",
)
async def verify_firm(
    firm_id: IdPath, staff: StaffDep, session: SessionDep, data: schemas.StaffNoteIn | None = None
) -> schemas.ModeratedFirmOut:
    return await service.verify_firm(session, staff, firm_id, data.note if data else "")


@router.post(
    "/moderation/firms/{firm_id}/suspend",
    response_model=schemas.ModeratedFirmOut,
    operation_id="suspend_firm",
)
async def suspend_firm(
    firm_id: IdPath, data: schemas.SuspendIn, staff: StaffDep, session: SessionDep, clock: ClockDep
) -> schemas.ModeratedFirmOut:
    return await service.suspend_firm(session, staff, firm_id, data.reason, data.until, clock())


@router.post(
    "/moderation/firms/{firm_id}/reinstate",
    response_model=schemas.ModeratedFirmOut,
    operation_id="reinstate_firm",
)
async def reinstate_firm(
    firm_id: IdPath, staff: StaffDep, session: SessionDep, data: schemas.StaffNoteIn | None = None
) -> schemas.ModeratedFirmOut:
    return await service.reinstate_firm(session, staff, firm_id, data.note if data else "")


@router.get(
    "/moderation/audit-log",
    response_model=Page[schemas.AuditEntryOut],
    operation_id="audit_log",
)
async def audit_log(
    _: StaffDep,
    session: SessionDep,
    page: PageDep,
    action: Annotated[str | None, Query(max_length=60)] = None,
    actor_user_id: IdQuery | None = None,
    target_type: Annotated[str | None, Query(max_length=30)] = None,
    target_id: Annotated[str | None, Query(max_length=60)] = None,
    since: AwareDatetime | None = None,
    until: AwareDatetime | None = None,
) -> Page[schemas.AuditEntryOut]:
    filters = schemas.AuditFilters(action, actor_user_id, target_type, target_id, since, until)
    return await service.audit_log(session, filters, page)
