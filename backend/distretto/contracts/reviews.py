"""Reviews of a completed contract: one per side, double-blind until both are in.

A review starts counting for reputation only when the other side may read it, so a
score that moves never reveals a review that is still blind.
"""

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import events, policies, schemas
from distretto.contracts.repository import ReviewRepository
from distretto.contracts.rules import reviews_released_at
from distretto.contracts.service import read_details, readable_contract
from distretto.kit.errors import Conflict
from distretto.kit.events import emit, firm_key
from distretto.models import Contract, Review
from distretto.models.contracts import ContractStatus, PartyRole
from distretto.reputation.service import refresh_firms

ALREADY_REVIEWED = "Your firm has already reviewed this contract; a review is written once"


def _out(review: Review) -> schemas.ReviewOut:
    return schemas.ReviewOut(**review.model_dump())


async def _released_at(session: AsyncSession, contract: Contract) -> datetime | None:
    if contract.status != ContractStatus.COMPLETED or contract.completed_at is None:
        return None
    written = await ReviewRepository(session).written_at(contract.id or 0)
    return reviews_released_at(contract.completed_at, written)


async def contract_reviews(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> schemas.ContractReviewsOut:
    contract = await read_details(session, viewer, contract_id)
    reviews = await ReviewRepository(session).readable_for(viewer, contract_id, now)
    return schemas.ContractReviewsOut(
        items=[_out(r) for r in reviews], released_at=await _released_at(session, contract)
    )


async def write(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    data: schemas.ReviewIn,
    now: datetime,
) -> schemas.ReviewOut:
    contract = await readable_contract(session, viewer, contract_id)
    firm_id = policies.acting_firm(
        viewer, contract, ("client", "supplier"), "manager", data.firm_id
    )
    if contract.status != ContractStatus.COMPLETED:
        raise Conflict(
            f"Reviews are written once a contract is completed; this one is {contract.status}",
            code="review.not_completed",
            params={"status": contract.status},
        )
    repo = ReviewRepository(session)
    if await repo.by_reviewer(contract_id, firm_id) is not None:
        raise Conflict(ALREADY_REVIEWED, code="review.duplicate")
    reviewer_is_client = firm_id == contract.client_firm_id
    review = Review(
        contract_id=contract_id,
        reviewer_firm_id=firm_id,
        reviewee_firm_id=contract.supplier_firm_id
        if reviewer_is_client
        else contract.client_firm_id,
        reviewee_role=PartyRole.SUPPLIER if reviewer_is_client else PartyRole.CLIENT,
        quality=data.quality,
        timeliness=data.timeliness,
        communication=data.communication,
        comment=data.comment,
        created_at=now,
    )
    try:
        await repo.add(review)
    except IntegrityError as exc:  # a concurrent request of the same firm won
        raise Conflict(ALREADY_REVIEWED, code="review.duplicate") from exc
    released_at = await _released_at(session, contract)
    released = released_at is not None and released_at <= now
    audience = [firm_key(firm_id)]
    if released:
        audience.append(firm_key(review.reviewee_firm_id))
        await refresh_firms(session, [contract.client_firm_id, contract.supplier_firm_id], now)
    await emit(
        session,
        events.ReviewCreated(
            id=review.id,
            contract_id=contract_id,
            reviewer_firm_id=firm_id,
            reviewee_firm_id=review.reviewee_firm_id,
            released=released,
        ),
        audience,
    )
    return _out(review)
