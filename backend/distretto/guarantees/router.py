from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.guarantees import schemas, service
from distretto.kit.clock import ClockDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import BigIdPath, IdPath, IdQuery

router = APIRouter(tags=["guarantees"])
PageDep = Annotated[PageParams, Depends(page_params)]


@router.post(
    "/consortia/{consortium_id}/guarantees",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.GuaranteeOut,
    operation_id="request_guarantee",
)
async def request_guarantee(
    consortium_id: IdPath,
    data: schemas.GuaranteeIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.GuaranteeOut:
    return await service.request(session, viewer, consortium_id, data, clock())


@router.get(
    "/consortia/{consortium_id}/guarantees",
    response_model=Page[schemas.GuaranteeOut],
    operation_id="list_guarantees",
)
async def list_guarantees(
    consortium_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    page: PageDep,
    clock: ClockDep,
    status: Annotated[schemas.StatusFilter | None, Query()] = None,
    firm_id: IdQuery | None = None,
) -> Page[schemas.GuaranteeOut]:
    return await service.for_consortium(
        session, viewer, consortium_id, page, status=status, firm_id=firm_id, now=clock()
    )


@router.get(
    "/consortia/{consortium_id}/caps",
    response_model=list[schemas.CapOut],
    operation_id="list_guarantee_caps",
)
async def list_caps(
    consortium_id: IdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.CapOut]:
    return await service.caps(session, viewer, consortium_id, clock())


@router.put(
    "/consortia/{consortium_id}/members/{firm_id}/cap",
    response_model=schemas.CapOut,
    operation_id="set_guarantee_cap",
)
async def set_cap(
    consortium_id: IdPath,
    firm_id: IdPath,
    data: schemas.CapPut,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.CapOut:
    return await service.set_cap(session, viewer, consortium_id, firm_id, data, clock())


@router.get(
    "/guarantees/{guarantee_id}", response_model=schemas.GuaranteeOut, operation_id="get_guarantee"
)
async def get_guarantee(
    guarantee_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.GuaranteeOut:
    return await service.detail(session, viewer, guarantee_id, clock())


@router.post(
    "/guarantees/{guarantee_id}/approve",
    response_model=schemas.GuaranteeOut,
    operation_id="approve_guarantee",
)
async def approve(
    guarantee_id: BigIdPath,
    data: schemas.ApproveIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.GuaranteeOut:
    return await service.approve(session, viewer, guarantee_id, data, clock())


@router.post(
    "/guarantees/{guarantee_id}/reject",
    response_model=schemas.GuaranteeOut,
    operation_id="reject_guarantee",
)
async def reject(
    guarantee_id: BigIdPath,
    data: schemas.RejectIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.GuaranteeOut:
    return await service.reject(session, viewer, guarantee_id, data, clock())
