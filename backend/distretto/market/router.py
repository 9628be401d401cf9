from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response, status
from fastapi.responses import JSONResponse

from distretto.auth.viewer import ViewerDep
from distretto.contracts.schemas import ContractOut
from distretto.db import SessionDep
from distretto.kit.concurrency import ExpectedRevision, set_etag
from distretto.kit.context import ContextDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.market import award, bids, questions, schemas, service
from distretto.market.idempotency import HEADER, Outcome

router = APIRouter(tags=["market"])
PageDep = Annotated[PageParams, Depends(page_params)]
OrderId = Annotated[int, Path(ge=1, le=schemas.MAX_ID64)]
BidId = Annotated[int, Path(ge=1, le=schemas.MAX_ID64)]
QuestionId = Annotated[int, Path(ge=1, le=schemas.MAX_ID64)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias=HEADER,
        min_length=1,
        max_length=100,
        pattern=r"^[\x21-\x7e]+$",
        description="Any unique string (a UUID): retrying with it never creates twice",
    ),
]


def _respond(outcome: Outcome) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if outcome.replayed else None
    return JSONResponse(outcome.body, status_code=outcome.status_code, headers=headers)


# --- Orders -------------------------------------------------------------------------------


@router.post(
    "/orders",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.OrderOut,
    operation_id="create_order",
)
async def create_order(
    data: schemas.OrderCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.OrderOut:
    return await service.create_order(session, viewer, data)


@router.get("/orders", response_model=Page[schemas.OrderOut], operation_id="list_orders")
async def list_orders(
    viewer: ViewerDep,
    session: SessionDep,
    page: PageDep,
    status: Annotated[schemas.OrderStatus | None, Query()] = None,
    phase: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    firm_id: Annotated[int | None, Query(ge=1, le=schemas.MAX_ID32)] = None,
    region: Annotated[str | None, Query(max_length=60)] = None,
    mine: Annotated[bool, Query(description="only orders posted by your firms")] = False,
    fits_capacity: Annotated[
        bool,
        Query(
            description="only orders `firm_id` (a firm of yours) has the free capacity for: "
            "at least the order's quantity in total over its phase and unit's weeks from "
            "this one through the delivery week; `firm_id` then names that firm, not a client"
        ),
    ] = False,
) -> Page[schemas.OrderOut]:
    return await service.board(
        session,
        viewer,
        page,
        status=status,
        phase=phase,
        q=q,
        firm_id=firm_id,
        region=region,
        mine=mine,
        fits_capacity=fits_capacity,
    )


@router.get("/orders/{order_id}", response_model=schemas.OrderOut, operation_id="get_order")
async def get_order(
    order_id: OrderId, viewer: ViewerDep, session: SessionDep, response: Response
) -> schemas.OrderOut:
    out = await service.get_order(session, viewer, order_id)
    set_etag(response, out.revision)
    return out


@router.patch("/orders/{order_id}", response_model=schemas.OrderOut, operation_id="update_order")
async def update_order(
    order_id: OrderId,
    data: schemas.OrderUpdate,
    viewer: ViewerDep,
    session: SessionDep,
    expected: ExpectedRevision,
    response: Response,
) -> schemas.OrderOut:
    out = await service.update_order(session, viewer, order_id, data, expected.check())
    set_etag(response, out.revision)
    return out


@router.post(
    "/orders/{order_id}/publish", response_model=schemas.OrderOut, operation_id="publish_order"
)
async def publish_order(
    order_id: OrderId, viewer: ViewerDep, session: SessionDep
) -> schemas.OrderOut:
    return await service.publish_order(session, viewer, order_id)


@router.post(
    "/orders/{order_id}/cancel", response_model=schemas.OrderOut, operation_id="cancel_order"
)
async def cancel_order(
    order_id: OrderId,
    viewer: ViewerDep,
    session: SessionDep,
    data: schemas.CancelIn | None = None,
) -> schemas.OrderOut:
    return await service.cancel_order(session, viewer, order_id, data or schemas.CancelIn())


@router.get(
    "/orders/{order_id}/invitations",
    response_model=list[schemas.InvitedFirmOut],
    operation_id="list_order_invitations",
)
async def list_invitations(
    order_id: OrderId, viewer: ViewerDep, session: SessionDep
) -> list[schemas.InvitedFirmOut]:
    return await service.invitations(session, viewer, order_id)


# --- Questions ----------------------------------------------------------------------------


@router.post(
    "/orders/{order_id}/questions",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.QuestionOut,
    operation_id="ask_question",
)
async def ask_question(
    order_id: OrderId, data: schemas.QuestionCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.QuestionOut:
    return await questions.ask(session, viewer, order_id, data)


@router.get(
    "/orders/{order_id}/questions",
    response_model=Page[schemas.QuestionOut],
    operation_id="list_questions",
)
async def list_questions(
    order_id: OrderId, viewer: ViewerDep, session: SessionDep, page: PageDep
) -> Page[schemas.QuestionOut]:
    return await questions.list_questions(session, viewer, order_id, page)


@router.post(
    "/orders/{order_id}/questions/{question_id}/answer",
    response_model=schemas.QuestionOut,
    operation_id="answer_question",
)
async def answer_question(
    order_id: OrderId,
    question_id: QuestionId,
    data: schemas.AnswerIn,
    viewer: ViewerDep,
    session: SessionDep,
) -> schemas.QuestionOut:
    return await questions.answer(session, viewer, order_id, question_id, data)


# --- Bids ---------------------------------------------------------------------------------


@router.post(
    "/orders/{order_id}/bids",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.BidOut,
    operation_id="place_bid",
)
async def place_bid(
    order_id: OrderId,
    data: schemas.BidCreate,
    viewer: ViewerDep,
    session: SessionDep,
    ctx: ContextDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return _respond(await bids.place(session, ctx, viewer, order_id, data, idempotency_key))


@router.get(
    "/orders/{order_id}/bids", response_model=Page[schemas.BidOut], operation_id="list_order_bids"
)
async def list_bids(
    order_id: OrderId, viewer: ViewerDep, session: SessionDep, page: PageDep
) -> Page[schemas.BidOut]:
    return await bids.list_for_order(session, viewer, order_id, page)


@router.get("/bids/{bid_id}", response_model=schemas.BidOut, operation_id="get_bid")
async def get_bid(bid_id: BidId, viewer: ViewerDep, session: SessionDep) -> schemas.BidOut:
    return await bids.get_bid(session, viewer, bid_id)


@router.patch("/bids/{bid_id}", response_model=schemas.BidOut, operation_id="revise_bid")
async def revise_bid(
    bid_id: BidId, data: schemas.BidUpdate, viewer: ViewerDep, session: SessionDep
) -> schemas.BidOut:
    return await bids.revise(session, viewer, bid_id, data)


@router.post("/bids/{bid_id}/confirm", response_model=schemas.BidOut, operation_id="confirm_bid")
async def confirm_bid(bid_id: BidId, viewer: ViewerDep, session: SessionDep) -> schemas.BidOut:
    return await bids.confirm(session, viewer, bid_id)


@router.post("/bids/{bid_id}/withdraw", response_model=schemas.BidOut, operation_id="withdraw_bid")
async def withdraw_bid(bid_id: BidId, viewer: ViewerDep, session: SessionDep) -> schemas.BidOut:
    return await bids.withdraw(session, viewer, bid_id)


# --- Award --------------------------------------------------------------------------------


@router.post(
    "/orders/{order_id}/award",
    status_code=status.HTTP_201_CREATED,
    response_model=ContractOut,
    operation_id="award_order",
)
async def award_order(
    order_id: OrderId,
    data: schemas.AwardIn,
    viewer: ViewerDep,
    session: SessionDep,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    return _respond(await award.award(session, viewer, order_id, data, idempotency_key))
