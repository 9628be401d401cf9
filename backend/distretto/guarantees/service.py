"""Confidi rules: member firms ask, managers decide within each firm's cap.

The exposure of a firm is Σ amount * guaranteed_percent / 100 over its live guarantees
(approved, expiry day not reached). An approval may not take it above the firm's cap;
approvals for one firm are serialised on its cap row, so concurrent approvals cannot
overshoot together. Expiry releases exposure by itself (reads and approvals compare
``expires_on`` with today's date); ``expire_due`` also records the status change, for
the scheduler.
"""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.consortia import service as consortia
from distretto.guarantees import policies, schemas
from distretto.guarantees.events import GuaranteeDecided, GuaranteeRequested
from distretto.guarantees.repository import GuaranteeRepository
from distretto.kit.audit import record
from distretto.kit.clock import district_date
from distretto.kit.errors import Conflict, Forbidden, Invalid, NotFound
from distretto.kit.events import emit, firm_key, user_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import Consortium, Firm, Guarantee, GuaranteeCap
from distretto.models.consortia import ConsortiumKind
from distretto.models.guarantees import MAX_GUARANTEED_PERCENT, GuaranteeStatus

CENT = Decimal("0.01")
# How far ahead a guarantee may run (bank credit lines of a confidi run a few years).
MAX_YEARS = 10


def exposure_of(guarantee: Guarantee, today: date) -> Decimal:
    if not is_live(guarantee, today):
        return Decimal("0.00")
    assert guarantee.amount is not None and guarantee.guaranteed_percent is not None
    return (guarantee.amount * guarantee.guaranteed_percent / 100).quantize(CENT, ROUND_HALF_UP)


def is_live(guarantee: Guarantee, today: date) -> bool:
    return (
        guarantee.status == GuaranteeStatus.APPROVED
        and guarantee.expires_on is not None
        and guarantee.expires_on > today
    )


def effective_status(guarantee: Guarantee, today: date) -> str:
    if guarantee.status == GuaranteeStatus.APPROVED and not is_live(guarantee, today):
        return GuaranteeStatus.EXPIRED
    return guarantee.status


def total_exposure(guarantees: Sequence[Guarantee], today: date) -> Decimal:
    return sum((exposure_of(g, today) for g in guarantees), Decimal("0.00"))


async def _confidi(session: AsyncSession, consortium_id: int) -> Consortium:
    consortium = await consortia.get_consortium(session, consortium_id)
    if consortium.kind != ConsortiumKind.CREDIT_GUARANTEE:
        raise Conflict(
            "This consortium does not give credit guarantees",
            code="guarantees.not_credit_guarantee",
        )
    return consortium


async def _outs(
    session: AsyncSession, rows: Sequence[Guarantee], today: date
) -> list[schemas.GuaranteeOut]:
    repo = GuaranteeRepository(session)
    firms = await repo.firms([g.firm_id for g in rows])
    names = await consortia.consortium_names(session, [g.consortium_id for g in rows])
    return [
        schemas.GuaranteeOut(
            id=g.id,
            consortium_id=g.consortium_id,
            consortium_name=names[g.consortium_id],
            firm_id=g.firm_id,
            firm_name=firms[g.firm_id].name if g.firm_id in firms else "",
            contract_id=g.contract_id,
            requested_amount=g.requested_amount,
            purpose=g.purpose,
            status=effective_status(g, today),
            amount=g.amount,
            guaranteed_percent=g.guaranteed_percent,
            expires_on=g.expires_on,
            exposure=exposure_of(g, today),
            reject_reason=g.reject_reason,
            created_at=g.created_at,
            decided_at=g.decided_at,
        )
        for g in rows
        if g.id is not None
    ]


async def _one_out(
    session: AsyncSession, guarantee: Guarantee, today: date
) -> schemas.GuaranteeOut:
    return (await _outs(session, [guarantee], today))[0]


async def request(
    session: AsyncSession,
    viewer: Viewer,
    consortium_id: int,
    data: schemas.GuaranteeIn,
    now: datetime,
) -> schemas.GuaranteeOut:
    consortium = await _confidi(session, consortium_id)
    policies.require_requesting_owner(viewer, data.firm_id)
    repo = GuaranteeRepository(session)
    if not await repo.is_active_member(consortium_id, data.firm_id):
        raise Forbidden(
            f"The firm is not an active member of {consortium.name}",
            code="guarantees.not_member",
        )
    if data.contract_id is not None and (
        await repo.supplied_active_contract(data.contract_id, data.firm_id) is None
    ):
        raise Invalid(
            "contract_id",
            "is not an active contract your firm supplies",
            code="guarantees.contract_not_receivable",
        )
    guarantee = await repo.add(
        Guarantee(
            consortium_id=consortium_id,
            firm_id=data.firm_id,
            contract_id=data.contract_id,
            requested_amount=data.amount,
            purpose=data.purpose,
            requested_by_user_id=viewer.user_id,
            created_at=now,
        )
    )
    assert guarantee.id is not None
    firm = (await repo.firms([data.firm_id]))[data.firm_id]
    managers = await consortia.manager_user_ids(session, consortium_id)
    await emit(
        session,
        GuaranteeRequested(
            guarantee_id=guarantee.id,
            consortium_id=consortium_id,
            firm_id=data.firm_id,
            firm_name=firm.name,
            amount=f"{data.amount:.2f}",
        ),
        [user_key(u) for u in managers],
    )
    return await _one_out(session, guarantee, district_date(now))


async def _visible(session: AsyncSession, viewer: Viewer, guarantee_id: int) -> Guarantee:
    guarantee = await GuaranteeRepository(session).readable_one(viewer, guarantee_id)
    if guarantee is None:
        raise NotFound(f"Guarantee {guarantee_id} not found", code="guarantees.not_found")
    return guarantee


async def detail(
    session: AsyncSession, viewer: Viewer, guarantee_id: int, now: datetime
) -> schemas.GuaranteeOut:
    return await _one_out(
        session, await _visible(session, viewer, guarantee_id), district_date(now)
    )


async def for_consortium(
    session: AsyncSession,
    viewer: Viewer,
    consortium_id: int,
    params: PageParams,
    *,
    status: GuaranteeStatus | None,
    firm_id: int | None,
    now: datetime,
) -> Page[schemas.GuaranteeOut]:
    await _confidi(session, consortium_id)
    member_of = await consortia.member_of(session, [consortium_id], viewer.firm_ids)
    if not viewer.manages(consortium_id) and not member_of:
        raise NotFound(
            "No guarantees of this consortium that you can see", code="guarantees.not_found"
        )
    rows, cursor = await GuaranteeRepository(session).page_for_consortium(
        viewer, consortium_id, params, status=status, firm_id=firm_id, today=district_date(now)
    )
    return Page(items=await _outs(session, rows, district_date(now)), next_cursor=cursor)


def _check_decision(data: schemas.ApproveIn, today: date) -> None:
    if data.guaranteed_percent > MAX_GUARANTEED_PERCENT:
        raise Invalid(
            "guaranteed_percent",
            f"a confidi guarantees at most {MAX_GUARANTEED_PERCENT}% of a loan",
            code="guarantees.percent_too_high",
            params={"max": str(MAX_GUARANTEED_PERCENT)},
        )
    if data.expires_on <= today:
        raise Invalid("expires_on", "must be after today", code="guarantees.expiry_past")
    if data.expires_on.year > today.year + MAX_YEARS:
        raise Invalid(
            "expires_on",
            f"is more than {MAX_YEARS} years ahead",
            code="guarantees.expiry_too_far",
            params={"years": MAX_YEARS},
        )


async def _decidable(session: AsyncSession, viewer: Viewer, guarantee_id: int) -> Guarantee:
    guarantee = await _visible(session, viewer, guarantee_id)
    policies.require_manager(viewer, guarantee.consortium_id)
    if guarantee.status != GuaranteeStatus.PENDING:
        raise Conflict("This request has already been decided", code="guarantees.decided")
    return guarantee


async def approve(
    session: AsyncSession,
    viewer: Viewer,
    guarantee_id: int,
    data: schemas.ApproveIn,
    now: datetime,
) -> schemas.GuaranteeOut:
    today = district_date(now)
    guarantee = await _decidable(session, viewer, guarantee_id)
    _check_decision(data, today)
    repo = GuaranteeRepository(session)
    cap = await repo.cap(guarantee.consortium_id, guarantee.firm_id, lock=True)
    if cap is None:
        raise Conflict(
            "Set the firm's cap before approving its guarantees", code="guarantees.no_cap"
        )
    # Read after the lock: every approval committed before us is counted.
    current = total_exposure(
        await repo.live_guarantees(guarantee.consortium_id, [guarantee.firm_id], today), today
    )
    added = (data.amount * data.guaranteed_percent / 100).quantize(CENT, ROUND_HALF_UP)
    if current + added > cap.cap:
        raise Conflict(
            f"Approving would take the firm's exposure to {current + added:.2f}, "
            f"above its cap of {cap.cap:.2f}",
            code="guarantees.cap_exceeded",
            params={
                "cap": f"{cap.cap:.2f}",
                "exposure": f"{current:.2f}",
                "requested": f"{added:.2f}",
            },
        )
    decided = await repo.decide(
        guarantee_id,
        {
            "status": GuaranteeStatus.APPROVED,
            "amount": data.amount,
            "guaranteed_percent": data.guaranteed_percent,
            "expires_on": data.expires_on,
            "decided_by_user_id": viewer.user_id,
            "decided_at": now,
        },
    )
    if not decided:
        raise Conflict("This request has already been decided", code="guarantees.decided")
    await GuaranteeRepository(session).reload_row(guarantee)
    await _decided(session, viewer, guarantee)
    return await _one_out(session, guarantee, today)


async def reject(
    session: AsyncSession,
    viewer: Viewer,
    guarantee_id: int,
    data: schemas.RejectIn,
    now: datetime,
) -> schemas.GuaranteeOut:
    guarantee = await _decidable(session, viewer, guarantee_id)
    decided = await GuaranteeRepository(session).decide(
        guarantee_id,
        {
            "status": GuaranteeStatus.REJECTED,
            "reject_reason": data.reason,
            "decided_by_user_id": viewer.user_id,
            "decided_at": now,
        },
    )
    if not decided:
        raise Conflict("This request has already been decided", code="guarantees.decided")
    await GuaranteeRepository(session).reload_row(guarantee)
    await _decided(session, viewer, guarantee)
    return await _one_out(session, guarantee, district_date(now))


async def _decided(session: AsyncSession, viewer: Viewer, guarantee: Guarantee) -> None:
    assert guarantee.id is not None
    await emit(
        session,
        GuaranteeDecided(
            guarantee_id=guarantee.id,
            consortium_id=guarantee.consortium_id,
            status=guarantee.status,
            amount=None if guarantee.amount is None else f"{guarantee.amount:.2f}",
            guaranteed_percent=(
                None if guarantee.guaranteed_percent is None else f"{guarantee.guaranteed_percent}"
            ),
            expires_on=guarantee.expires_on,
            reason=guarantee.reject_reason,
        ),
        [firm_key(guarantee.firm_id)],
    )
    await record(
        session,
        f"guarantee.{guarantee.status}",
        actor_user_id=viewer.user_id,
        target_type="guarantee",
        target_id=guarantee.id,
        reason=guarantee.reject_reason or "",
        firm_id=guarantee.firm_id,
        consortium_id=guarantee.consortium_id,
    )


# --- Caps ----------------------------------------------------------------------------------


async def _cap_outs(
    session: AsyncSession, consortium_id: int, firms: Sequence[Firm], today: date
) -> list[schemas.CapOut]:
    repo = GuaranteeRepository(session)
    ids = [f.id for f in firms if f.id is not None]
    caps = await repo.caps(consortium_id)
    live = await repo.live_guarantees(consortium_id, ids, today)
    pending = await repo.pending_counts(consortium_id)
    outs = []
    for firm in firms:
        assert firm.id is not None
        exposure = total_exposure([g for g in live if g.firm_id == firm.id], today)
        cap = caps.get(firm.id)
        outs.append(
            schemas.CapOut(
                consortium_id=consortium_id,
                firm_id=firm.id,
                firm_name=firm.name,
                cap=cap.cap if cap else None,
                exposure=exposure,
                available=max(cap.cap - exposure, Decimal("0.00")) if cap else None,
                pending_requests=pending.get(firm.id, 0),
            )
        )
    return outs


async def caps(
    session: AsyncSession, viewer: Viewer, consortium_id: int, now: datetime
) -> list[schemas.CapOut]:
    """Managers see every member's cap and exposure; a member firm's users their own."""
    await _confidi(session, consortium_id)
    members = await GuaranteeRepository(session).active_members(consortium_id)
    if not viewer.manages(consortium_id):
        members = [f for f in members if f.id in viewer.firm_roles]
        if not members:
            raise NotFound(
                "No caps of this consortium that you can see", code="guarantees.not_found"
            )
    return await _cap_outs(session, consortium_id, members, district_date(now))


async def set_cap(
    session: AsyncSession,
    viewer: Viewer,
    consortium_id: int,
    firm_id: int,
    data: schemas.CapPut,
    now: datetime,
) -> schemas.CapOut:
    await _confidi(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    repo = GuaranteeRepository(session)
    if not await repo.is_active_member(consortium_id, firm_id):
        raise NotFound(
            f"Firm {firm_id} is not an active member of this consortium",
            code="guarantees.member_not_found",
        )
    cap = await repo.cap(consortium_id, firm_id, lock=True)
    if cap is None:
        cap = GuaranteeCap(consortium_id=consortium_id, firm_id=firm_id, cap=data.cap)
    cap.cap, cap.set_by_user_id, cap.updated_at = data.cap, viewer.user_id, now
    await repo.save_cap(cap)
    await record(
        session,
        "guarantee.cap_set",
        actor_user_id=viewer.user_id,
        target_type="consortium",
        target_id=consortium_id,
        firm_id=firm_id,
        cap=f"{data.cap:.2f}",
    )
    firm = (await repo.firms([firm_id]))[firm_id]
    return (await _cap_outs(session, consortium_id, [firm], district_date(now)))[0]


async def expire_due(session: AsyncSession, now: datetime) -> int:
    """Mark approved guarantees whose expiry day has come as expired (the scheduler runs
    this daily; exposure is already released from that day by the reads)."""
    due = await GuaranteeRepository(session).expire_due(district_date(now), now)
    for guarantee in due:
        assert guarantee.id is not None
        await emit(
            session,
            GuaranteeDecided(
                guarantee_id=guarantee.id,
                consortium_id=guarantee.consortium_id,
                status=GuaranteeStatus.EXPIRED,
                expires_on=guarantee.expires_on,
            ),
            [firm_key(guarantee.firm_id)],
        )
    return len(due)
