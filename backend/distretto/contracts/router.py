from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from distretto.auth.viewer import StaffDep, ViewerDep
from distretto.contracts import messages, reviews, schemas, service
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import BigIdPath, IdQuery

router = APIRouter(tags=["contracts"])
PageDep = Annotated[PageParams, Depends(page_params)]


@router.get("/contracts", response_model=Page[schemas.ContractOut], operation_id="list_contracts")
async def list_contracts(
    viewer: ViewerDep,
    session: SessionDep,
    page: PageDep,
    clock: ClockDep,
    role: Annotated[schemas.PartyRole | None, Query()] = None,
    status: Annotated[schemas.ContractStatus | None, Query()] = None,
    firm_id: IdQuery | None = None,
) -> Page[schemas.ContractOut]:
    """The contracts of the caller's firms, newest first."""
    return await service.list_contracts(
        session, viewer, page, clock(), role=role, status=status, firm_id=firm_id
    )


@router.get(
    "/contracts/{contract_id}", response_model=schemas.ContractOut, operation_id="get_contract"
)
async def get_contract(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.ContractOut:
    return await service.get_contract(session, viewer, contract_id, clock())


@router.post(
    "/contracts/{contract_id}/deliver",
    response_model=schemas.ContractOut,
    operation_id="deliver_contract",
)
async def deliver(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.ContractOut:
    return await service.deliver(session, viewer, contract_id, clock())


@router.post(
    "/contracts/{contract_id}/accept",
    response_model=schemas.ContractOut,
    operation_id="accept_contract",
)
async def accept(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.ContractOut:
    return await service.accept(session, viewer, contract_id, clock())


@router.post(
    "/contracts/{contract_id}/dispute",
    response_model=schemas.ContractOut,
    operation_id="dispute_contract",
)
async def dispute(
    contract_id: BigIdPath,
    data: schemas.DisputeIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.ContractOut:
    return await service.dispute(session, viewer, contract_id, data, clock())


@router.get(
    "/contracts/{contract_id}/messages",
    response_model=Page[schemas.MessageOut],
    operation_id="list_contract_messages",
)
async def list_messages(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, page: PageDep
) -> Page[schemas.MessageOut]:
    """Newest first; ``next_cursor`` leads to older messages."""
    return await messages.thread(session, viewer, contract_id, page)


@router.post(
    "/contracts/{contract_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.MessageOut,
    operation_id="post_contract_message",
)
async def post_message(
    contract_id: BigIdPath,
    data: schemas.MessageIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.MessageOut:
    return await messages.post(session, viewer, contract_id, data, clock())


@router.get(
    "/contracts/{contract_id}/reviews",
    response_model=schemas.ContractReviewsOut,
    operation_id="list_contract_reviews",
)
async def list_reviews(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.ContractReviewsOut:
    return await reviews.contract_reviews(session, viewer, contract_id, clock())


@router.post(
    "/contracts/{contract_id}/reviews",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.ReviewOut,
    operation_id="review_contract",
)
async def write_review(
    contract_id: BigIdPath,
    data: schemas.ReviewIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.ReviewOut:
    return await reviews.write(session, viewer, contract_id, data, clock())


@router.post(
    "/moderation/contracts/{contract_id}/resolve",
    response_model=schemas.ContractOut,
    operation_id="resolve_contract_dispute",
    tags=["moderation"],
)
async def resolve(
    contract_id: BigIdPath,
    data: schemas.ResolveIn,
    viewer: StaffDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.ContractOut:
    return await service.resolve(session, viewer, contract_id, data, clock())


@router.get(
    "/moderation/disputes",
    response_model=Page[schemas.ContractOut],
    operation_id="list_disputes",
    tags=["moderation"],
)
async def list_disputes(
    viewer: StaffDep,
    session: SessionDep,
    page: PageDep,
    clock: ClockDep,
    status: Annotated[schemas.DisputeState, Query()] = "open",
) -> Page[schemas.ContractOut]:
    """Staff: open disputes (``status=open``) or resolved ones, newest contract first."""
    return await service.disputes(session, page, status, clock())


# --- Delivery lots (issue 13) ---------------------------------------------------------


@router.post(
    "/contracts/{contract_id}/deliveries",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.LotOut,
    operation_id="record_lot",
)
async def record_lot(
    contract_id: BigIdPath,
    data: schemas.LotIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.LotOut:
    """The supplier records a delivered lot with its DDT; beyond the tolerance 409."""
    return await service.record_lot(session, viewer, contract_id, data, clock())


@router.get(
    "/contracts/{contract_id}/deliveries",
    response_model=list[schemas.LotOut],
    operation_id="list_lots",
)
async def list_lots(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep
) -> list[schemas.LotOut]:
    """The contract's lots, oldest first (the two firms)."""
    return await service.contract_lots(session, viewer, contract_id)


@router.post(
    "/contracts/{contract_id}/deliveries/{lot_id}/accept",
    response_model=schemas.LotOut,
    operation_id="accept_lot",
)
async def accept_lot(
    contract_id: BigIdPath,
    lot_id: BigIdPath,
    data: schemas.LotCheckIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.LotOut:
    """The client accepts a lot, wholly or in part (the rest rejected); the contract
    completes when the accepted quantity reaches the order's within its tolerance."""
    return await service.check_lot(session, viewer, contract_id, lot_id, data, clock())


@router.post(
    "/contracts/{contract_id}/deliveries/{lot_id}/dispute",
    response_model=schemas.LotOut,
    operation_id="dispute_lot",
)
async def dispute_lot(
    contract_id: BigIdPath,
    lot_id: BigIdPath,
    data: schemas.DisputeIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.LotOut:
    """The client contests a lot: the contract goes to staff as a dispute."""
    return await service.dispute_lot(session, viewer, contract_id, lot_id, data, clock())
