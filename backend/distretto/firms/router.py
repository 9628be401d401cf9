from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.firms import schemas, service
from distretto.kit.clock import ClockDep
from distretto.kit.concurrency import ExpectedRevision, set_etag
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import IdPath

router = APIRouter(tags=["firms"])
PageDep = Annotated[PageParams, Depends(page_params)]


@router.get("/phases", response_model=list[schemas.PhaseOut], operation_id="list_phases")
async def list_phases(session: SessionDep) -> list[schemas.PhaseOut]:
    return await service.phases(session)


@router.post(
    "/firms",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.FirmOut,
    operation_id="create_firm",
)
async def create_firm(
    data: schemas.FirmCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.FirmOut:
    return await service.create(session, viewer, data)


@router.get("/firms", response_model=Page[schemas.FirmOut], operation_id="list_firms")
async def list_firms(
    session: SessionDep,
    page: PageDep,
    phase: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    province: Annotated[str | None, Query(max_length=2)] = None,
    size_class: Annotated[schemas.SizeClass | None, Query()] = None,
    verified: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[schemas.FirmOut]:
    return await service.directory(
        session,
        page,
        phase=phase,
        region=region,
        province=province,
        size_class=size_class,
        verified=verified,
        q=q,
    )


@router.get("/firms/{firm_id}", response_model=schemas.FirmOut, operation_id="get_firm")
async def get_firm(firm_id: IdPath, session: SessionDep, response: Response) -> schemas.FirmOut:
    out = await service.profile(session, firm_id)
    set_etag(response, out.revision)
    return out


@router.patch("/firms/{firm_id}", response_model=schemas.FirmOut, operation_id="update_firm")
async def update_firm(
    firm_id: IdPath,
    data: schemas.FirmUpdate,
    viewer: ViewerDep,
    session: SessionDep,
    expected: ExpectedRevision,
    response: Response,
) -> schemas.FirmOut:
    out = await service.update(session, viewer, firm_id, data, expected.check())
    set_etag(response, out.revision)
    return out


@router.get(
    "/firms/{firm_id}/members",
    response_model=list[schemas.MemberOut],
    operation_id="list_firm_members",
)
async def list_members(
    firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> list[schemas.MemberOut]:
    return await service.members(session, viewer, firm_id)


@router.post(
    "/firms/{firm_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.MemberOut,
    operation_id="add_firm_member",
)
async def add_member(
    firm_id: IdPath, data: schemas.MemberIn, viewer: ViewerDep, session: SessionDep
) -> schemas.MemberOut:
    return await service.add_member(session, viewer, firm_id, data)


@router.patch(
    "/firms/{firm_id}/members/{user_id}",
    response_model=schemas.MemberOut,
    operation_id="change_firm_member_role",
)
async def change_role(
    firm_id: IdPath,
    user_id: IdPath,
    data: schemas.MemberRoleIn,
    viewer: ViewerDep,
    session: SessionDep,
) -> schemas.MemberOut:
    return await service.change_role(session, viewer, firm_id, user_id, data)


@router.delete(
    "/firms/{firm_id}/members/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="remove_firm_member",
)
async def remove_member(
    firm_id: IdPath, user_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await service.remove_member(session, viewer, firm_id, user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/ownership-groups",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.OwnershipGroupOut,
    operation_id="create_ownership_group",
)
async def create_group(
    data: schemas.OwnershipGroupIn, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.OwnershipGroupOut:
    return await service.create_group(session, viewer, data, clock())


@router.get(
    "/firms/{firm_id}/billing", response_model=schemas.BillingOut, operation_id="get_firm_billing"
)
async def get_billing(
    firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.BillingOut:
    """The firm's billing data (legal address, SdI code or PEC, fiscal code, REA): its
    members and staff; set them with ``PATCH /firms/{id}``."""
    return await service.billing(session, viewer, firm_id)
