from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from distretto.auth.viewer import OptionalViewerDep, ViewerDep
from distretto.consortia import campaigns, schemas, seals, service, trade_fairs
from distretto.db import SessionDep
from distretto.kit.concurrency import ExpectedRevision, set_etag
from distretto.kit.exports import CSV_MEDIA_TYPE, ICS_MEDIA_TYPE, CsvDialect, DialectQuery, download
from distretto.kit.messages import LangDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import IdPath

router = APIRouter(tags=["consortia"])
PageDep = Annotated[PageParams, Depends(page_params)]
NO_CONTENT = status.HTTP_204_NO_CONTENT
CREATED = status.HTTP_201_CREATED
COST_RULE = (
    "Shares are in cents and sum exactly to the total. Each firm first gets its exact "
    "share (equal, or proportional to its booth area) rounded down to the cent; the "
    "cents left over go one each to the largest fractional remainders, ties to the "
    "larger area, then to the lower firm id."
)


# --- Consortia and membership ----------------------------------------------------------------


@router.post(
    "/consortia",
    status_code=CREATED,
    response_model=schemas.ConsortiumDetail,
    operation_id="create_consortium",
)
async def create_consortium(
    data: schemas.ConsortiumCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.ConsortiumDetail:
    return await service.create(session, viewer, data)


@router.get("/consortia", response_model=Page[schemas.ConsortiumOut], operation_id="list_consortia")
async def list_consortia(
    session: SessionDep,
    viewer: OptionalViewerDep,
    page: PageDep,
    kind: Annotated[schemas.Kind | None, Query()] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[schemas.ConsortiumOut]:
    return await service.directory(session, viewer, page, kind=kind, q=q)


@router.get(
    "/consortia/{consortium_id}",
    response_model=schemas.ConsortiumDetail,
    operation_id="get_consortium",
)
async def get_consortium(
    consortium_id: IdPath, session: SessionDep, viewer: OptionalViewerDep, response: Response
) -> schemas.ConsortiumDetail:
    out = await service.detail(session, viewer, consortium_id)
    set_etag(response, out.revision)
    return out


@router.patch(
    "/consortia/{consortium_id}",
    response_model=schemas.ConsortiumDetail,
    operation_id="update_consortium",
)
async def update_consortium(
    consortium_id: IdPath,
    data: schemas.ConsortiumUpdate,
    viewer: ViewerDep,
    session: SessionDep,
    expected: ExpectedRevision,
    response: Response,
) -> schemas.ConsortiumDetail:
    out = await service.update(session, viewer, consortium_id, data, expected.check())
    set_etag(response, out.revision)
    return out


@router.get(
    "/consortia/{consortium_id}/showcase",
    response_model=schemas.ShowcaseOut,
    operation_id="consortium_showcase",
)
async def showcase(consortium_id: IdPath, session: SessionDep) -> schemas.ShowcaseOut:
    return await service.showcase(session, consortium_id)


@router.get(
    "/consortia/{consortium_id}/managers",
    response_model=list[schemas.ManagerOut],
    operation_id="list_consortium_managers",
)
async def list_managers(
    consortium_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> list[schemas.ManagerOut]:
    return await service.managers(session, viewer, consortium_id)


@router.post(
    "/consortia/{consortium_id}/managers",
    status_code=CREATED,
    response_model=schemas.ManagerOut,
    operation_id="add_consortium_manager",
)
async def add_manager(
    consortium_id: IdPath, data: schemas.ManagerIn, viewer: ViewerDep, session: SessionDep
) -> schemas.ManagerOut:
    return await service.add_manager(session, viewer, consortium_id, data)


@router.delete(
    "/consortia/{consortium_id}/managers/{user_id}",
    status_code=NO_CONTENT,
    operation_id="remove_consortium_manager",
)
async def remove_manager(
    consortium_id: IdPath, user_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await service.remove_manager(session, viewer, consortium_id, user_id)
    return Response(status_code=NO_CONTENT)


@router.post(
    "/consortia/{consortium_id}/members",
    status_code=CREATED,
    response_model=schemas.MembershipOut,
    operation_id="request_consortium_membership",
)
async def request_membership(
    consortium_id: IdPath, data: schemas.MembershipRequestIn, viewer: ViewerDep, session: SessionDep
) -> schemas.MembershipOut:
    return await service.request_membership(session, viewer, consortium_id, data)


@router.post(
    "/consortia/{consortium_id}/members/{firm_id}/approve",
    response_model=schemas.MembershipOut,
    operation_id="approve_consortium_member",
)
async def approve_member(
    consortium_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.MembershipOut:
    return await service.decide_membership(session, viewer, consortium_id, firm_id, approve=True)


@router.post(
    "/consortia/{consortium_id}/members/{firm_id}/reject",
    response_model=schemas.MembershipOut,
    operation_id="reject_consortium_member",
)
async def reject_member(
    consortium_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.MembershipOut:
    return await service.decide_membership(session, viewer, consortium_id, firm_id, approve=False)


@router.delete(
    "/consortia/{consortium_id}/members/{firm_id}",
    status_code=NO_CONTENT,
    operation_id="remove_consortium_member",
    description="The firm's owner leaves (or withdraws a pending request), or a manager "
    "removes the firm. Seals of this consortium held by the firm are revoked.",
)
async def remove_member(
    consortium_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await service.end_membership(session, viewer, consortium_id, firm_id)
    return Response(status_code=NO_CONTENT)


# --- Trade fairs -----------------------------------------------------------------------------


@router.post(
    "/consortia/{consortium_id}/trade-fairs",
    status_code=CREATED,
    response_model=schemas.TradeFairOut,
    operation_id="create_trade_fair",
    description=f"Manager only. `cost_split` is `equal` or `by_area`. {COST_RULE}",
)
async def create_trade_fair(
    consortium_id: IdPath, data: schemas.TradeFairCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.TradeFairOut:
    return await trade_fairs.create(session, viewer, consortium_id, data)


@router.get(
    "/consortia/{consortium_id}/trade-fairs",
    response_model=Page[schemas.TradeFairOut],
    operation_id="list_trade_fairs",
)
async def list_trade_fairs(
    consortium_id: IdPath,
    session: SessionDep,
    viewer: OptionalViewerDep,
    page: PageDep,
    upcoming: bool | None = None,
) -> Page[schemas.TradeFairOut]:
    return await trade_fairs.list_for_consortium(session, viewer, consortium_id, upcoming, page)


@router.get(
    "/trade-fairs/{fair_id}", response_model=schemas.TradeFairOut, operation_id="get_trade_fair"
)
async def get_trade_fair(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.TradeFairOut:
    return await trade_fairs.detail(session, viewer, fair_id)


@router.post(
    "/trade-fairs/{fair_id}/participations",
    status_code=CREATED,
    response_model=schemas.ParticipantOut,
    operation_id="sign_up_for_trade_fair",
    description="Owner or manager of an active member firm. `area_m2` is required when "
    "the fair splits costs by area. Full booth, closed signups or past deadline: 409.",
)
async def sign_up(
    fair_id: IdPath, data: schemas.ParticipationIn, viewer: ViewerDep, session: SessionDep
) -> schemas.ParticipantOut:
    return await trade_fairs.sign_up(session, viewer, fair_id, data)


@router.delete(
    "/trade-fairs/{fair_id}/participations/{firm_id}",
    status_code=NO_CONTENT,
    operation_id="withdraw_from_trade_fair",
)
async def withdraw_from_fair(
    fair_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await trade_fairs.withdraw(session, viewer, fair_id, firm_id)
    return Response(status_code=NO_CONTENT)


@router.post(
    "/trade-fairs/{fair_id}/close",
    response_model=schemas.TradeFairOut,
    operation_id="close_trade_fair_signups",
)
async def close_signups(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.TradeFairOut:
    return await trade_fairs.set_signups(session, viewer, fair_id, open_=False)


@router.post(
    "/trade-fairs/{fair_id}/reopen",
    response_model=schemas.TradeFairOut,
    operation_id="reopen_trade_fair_signups",
)
async def reopen_signups(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.TradeFairOut:
    return await trade_fairs.set_signups(session, viewer, fair_id, open_=True)


@router.get(
    "/trade-fairs/{fair_id}/costs",
    response_model=list[schemas.CostLineOut],
    operation_id="trade_fair_costs",
    description=f"Managers and participating firms. {COST_RULE}",
)
async def fair_costs(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> list[schemas.CostLineOut]:
    return await trade_fairs.cost_table(session, viewer, fair_id)


@router.get(
    "/trade-fairs/{fair_id}/participants.csv",
    response_class=Response,
    operation_id="trade_fair_participants_csv",
    responses={200: {"content": {"text/csv": {}}, "description": "Participant sheet"}},
)
async def participants_csv(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep, dialect: DialectQuery = None
) -> Response:
    content = await trade_fairs.participant_sheet(
        session, viewer, fair_id, dialect or CsvDialect.STANDARD
    )
    return download(content, CSV_MEDIA_TYPE, f"trade-fair-{fair_id}-participants.csv")


@router.get(
    "/trade-fairs/{fair_id}/calendar.ics",
    response_class=Response,
    operation_id="trade_fair_calendar",
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar file"}},
)
async def fair_calendar(
    fair_id: IdPath, viewer: ViewerDep, session: SessionDep, lang: LangDep
) -> Response:
    content = await trade_fairs.calendar(session, viewer, fair_id, lang)
    return download(content, ICS_MEDIA_TYPE, f"trade-fair-{fair_id}.ics")


# --- Campaigns -------------------------------------------------------------------------------


@router.post(
    "/consortia/{consortium_id}/campaigns",
    status_code=CREATED,
    response_model=schemas.CampaignOut,
    operation_id="create_campaign",
)
async def create_campaign(
    consortium_id: IdPath, data: schemas.CampaignCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.CampaignOut:
    return await campaigns.create(session, viewer, consortium_id, data)


@router.get(
    "/consortia/{consortium_id}/campaigns",
    response_model=Page[schemas.CampaignOut],
    operation_id="list_campaigns",
)
async def list_campaigns(
    consortium_id: IdPath, session: SessionDep, viewer: OptionalViewerDep, page: PageDep
) -> Page[schemas.CampaignOut]:
    return await campaigns.list_for_consortium(session, viewer, consortium_id, page)


@router.get(
    "/campaigns/{campaign_id}", response_model=schemas.CampaignOut, operation_id="get_campaign"
)
async def get_campaign(
    campaign_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.CampaignOut:
    return await campaigns.detail(session, viewer, campaign_id)


@router.post(
    "/campaigns/{campaign_id}/participations",
    status_code=CREATED,
    response_model=schemas.CampaignParticipantOut,
    operation_id="join_campaign",
)
async def join_campaign(
    campaign_id: IdPath,
    data: schemas.CampaignParticipationIn,
    viewer: ViewerDep,
    session: SessionDep,
) -> schemas.CampaignParticipantOut:
    return await campaigns.join(session, viewer, campaign_id, data)


@router.delete(
    "/campaigns/{campaign_id}/participations/{firm_id}",
    status_code=NO_CONTENT,
    operation_id="withdraw_from_campaign",
)
async def withdraw_from_campaign(
    campaign_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await campaigns.withdraw(session, viewer, campaign_id, firm_id)
    return Response(status_code=NO_CONTENT)


@router.get(
    "/campaigns/{campaign_id}/costs",
    response_model=list[schemas.CostLineOut],
    operation_id="campaign_costs",
    description=f"Managers and participating firms; the budget is split equally. {COST_RULE}",
)
async def campaign_costs(
    campaign_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> list[schemas.CostLineOut]:
    return await campaigns.cost_table(session, viewer, campaign_id)


# --- Quality seals ---------------------------------------------------------------------------


@router.post(
    "/consortia/{consortium_id}/seals",
    status_code=CREATED,
    response_model=schemas.SealOut,
    operation_id="create_seal",
)
async def create_seal(
    consortium_id: IdPath, data: schemas.SealCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.SealOut:
    return await seals.create(session, viewer, consortium_id, data)


@router.get(
    "/consortia/{consortium_id}/seals",
    response_model=list[schemas.SealOut],
    operation_id="list_seals",
)
async def list_seals(consortium_id: IdPath, session: SessionDep) -> list[schemas.SealOut]:
    return await seals.for_consortium(session, consortium_id)


@router.get("/seals/{seal_id}", response_model=schemas.SealOut, operation_id="get_seal")
async def get_seal(seal_id: IdPath, session: SessionDep) -> schemas.SealOut:
    return await seals.detail(session, seal_id)


@router.post(
    "/seals/{seal_id}/grants",
    status_code=CREATED,
    response_model=schemas.SealHolderOut,
    operation_id="grant_seal",
    description="Manager only. The firm must be an active member in good standing, "
    "verified if the seal requires it, and reach `min_reputation` (supplier score over "
    "all phases) if set; otherwise 409 saying which criterion fails.",
)
async def grant_seal(
    seal_id: IdPath, data: schemas.GrantIn, viewer: ViewerDep, session: SessionDep
) -> schemas.SealHolderOut:
    return await seals.grant(session, viewer, seal_id, data)


@router.delete(
    "/seals/{seal_id}/grants/{firm_id}", status_code=NO_CONTENT, operation_id="revoke_seal"
)
async def revoke_seal(
    seal_id: IdPath, firm_id: IdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await seals.revoke(session, viewer, seal_id, firm_id)
    return Response(status_code=NO_CONTENT)


@router.get(
    "/firms/{firm_id}/seals", response_model=list[schemas.FirmSealOut], operation_id="firm_seals"
)
async def firm_seals(firm_id: IdPath, session: SessionDep) -> list[schemas.FirmSealOut]:
    return await seals.of_firm(session, firm_id)
