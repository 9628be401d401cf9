"""Contract rules: reading, delivery, acceptance, disputes and their resolution by staff.

Every transition is one conditional UPDATE (exactly once under concurrent requests),
stamps its time from the server clock, tells both firms (``contract.updated``) and,
when it concludes the contract, updates both firms' reputation in the same transaction.
"""

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import events, lots, policies, rules, schemas
from distretto.contracts.repository import ContractRepository, party_contracts

# Re-exported: the scoped reads other features compose (moderation, privacy, documents).
from distretto.contracts.repository import readable_contracts as readable_contracts
from distretto.contracts.repository import readable_messages as readable_messages
from distretto.contracts.repository import readable_reviews as readable_reviews
from distretto.contracts.rules import (
    ACCEPT,
    COMPLETE_BY_LOTS,
    DELIVER,
    DISPUTE,
    RESOLVE,
    Transition,
    delivered_on_time,
    is_overdue,
)
from distretto.kit import audit
from distretto.kit.errors import Conflict, Forbidden, NotFound
from distretto.kit.events import STAFF, emit, firm_key
from distretto.kit.pagination import Page, PageParams
from distretto.kit.terms import PaymentTerms
from distretto.models import Contract
from distretto.models.contracts import ContractStatus, DisputeOutcome
from distretto.reputation.service import refresh_firms


async def contract_out(
    session: AsyncSession, contracts: Sequence[Contract], now: datetime
) -> list[schemas.ContractOut]:
    repo = ContractRepository(session)
    names = await repo.firm_names(
        [c.client_firm_id for c in contracts] + [c.supplier_firm_id for c in contracts]
    )
    titles = await repo.order_titles([c.order_id for c in contracts])
    accepted = await lots.accepted_totals(session, [c.id for c in contracts if c.id is not None])
    return [
        schemas.ContractOut(
            **c.model_dump(),
            order_title=titles.get(c.order_id, ""),
            client_firm_name=names.get(c.client_firm_id, ""),
            supplier_firm_name=names.get(c.supplier_firm_id, ""),
            payment_terms=PaymentTerms(
                method=c.payment_method, days=c.payment_days, end_of_month=c.payment_end_of_month
            ),
            accepted_quantity=accepted.get(c.id or 0, Decimal(0)),
            on_time=None
            if c.delivered_at is None
            else delivered_on_time(c.delivered_at, c.due_date),
            overdue=is_overdue(c.status, c.due_date, now),
        )
        for c in contracts
    ]


def acting_firm(viewer: Viewer, contract: Contract, sides: tuple[str, ...], minimum: str) -> int:
    """The party firm on whose behalf the viewer acts on the contract (documents asks it
    before a party puts a file on the contract): 403 for anyone else."""
    return policies.acting_firm(viewer, contract, sides, minimum)


async def readable_contract(session: AsyncSession, viewer: Viewer, contract_id: int) -> Contract:
    """The contract, if the viewer may read it (staff outside its two firms: only a
    disputed one)."""
    contract = await ContractRepository(session).readable(viewer, contract_id)
    if contract is None:
        raise NotFound(
            f"Contract {contract_id} not found",
            code="contract.not_found",
            params={"id": contract_id},
        )
    return contract


async def read_details(session: AsyncSession, viewer: Viewer, contract_id: int) -> Contract:
    """``readable_contract`` for a read of the contract's details (terms, messages,
    reviews): staff outside its two firms leave an audit entry for each such read."""
    contract = await readable_contract(session, viewer, contract_id)
    parties = {contract.client_firm_id, contract.supplier_firm_id}
    if viewer.is_staff and not parties & set(viewer.firm_roles):
        await audit.record(
            session,
            "contract.staff_read",
            actor_user_id=viewer.user_id,
            target_type="contract",
            target_id=contract_id,
        )
    return contract


async def list_contracts(
    session: AsyncSession,
    viewer: Viewer,
    params: PageParams,
    now: datetime,
    *,
    role: str | None,
    status: str | None,
    firm_id: int | None,
) -> Page[schemas.ContractOut]:
    repo = ContractRepository(session)
    stmt = party_contracts(viewer, role=role, status=status, firm_id=firm_id)
    rows, cursor = await repo.page(stmt, params)
    return Page(items=await contract_out(session, rows, now), next_cursor=cursor)


async def get_contract(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> schemas.ContractOut:
    contract = await read_details(session, viewer, contract_id)
    return (await contract_out(session, [contract], now))[0]


async def _move(
    session: AsyncSession,
    contract: Contract,
    transition: Transition,
    values: dict[str, Any],
    refusal: str,
) -> None:
    moved = await ContractRepository(session).transition(contract, transition.from_statuses, values)
    if not moved:
        raise Conflict(
            f"{refusal}; this contract is {contract.status}",
            code="contract.wrong_status",
            params={"status": contract.status},
        )


async def _announce(
    session: AsyncSession, contract: Contract, now: datetime
) -> schemas.ContractOut:
    out = (await contract_out(session, [contract], now))[0]
    audience = [firm_key(contract.client_firm_id), firm_key(contract.supplier_firm_id)]
    if contract.status == ContractStatus.DISPUTED or contract.dispute_outcome is not None:
        audience.append(STAFF)  # the staff console's dispute queue
    await emit(session, events.ContractUpdated(**out.model_dump()), audience)
    return out


async def deliver(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> schemas.ContractOut:
    contract = await readable_contract(session, viewer, contract_id)
    policies.acting_firm(viewer, contract, ("supplier",), "manager")
    await _move(
        session,
        contract,
        DELIVER,
        {"status": DELIVER.to_status, "delivered_at": now},
        "Only an active contract can be marked delivered",
    )
    await lots.record_outstanding(session, viewer, contract, now)
    return await _announce(session, contract, now)


async def _conclude(session: AsyncSession, contract: Contract, now: datetime) -> None:
    await refresh_firms(session, [contract.client_firm_id, contract.supplier_firm_id], now)


async def accept(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> schemas.ContractOut:
    contract = await readable_contract(session, viewer, contract_id)
    policies.acting_firm(viewer, contract, ("client",), "manager")
    await _move(
        session,
        contract,
        ACCEPT,
        {"status": ACCEPT.to_status, "completed_at": now},
        "Only a delivered contract can be accepted",
    )
    await lots.accept_pending(session, viewer, contract, now)
    await _conclude(session, contract, now)
    return await _announce(session, contract, now)


async def dispute(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    data: schemas.DisputeIn,
    now: datetime,
) -> schemas.ContractOut:
    contract = await readable_contract(session, viewer, contract_id)
    firm_id = policies.acting_firm(
        viewer, contract, ("client", "supplier"), "manager", data.firm_id
    )
    await _move(
        session,
        contract,
        DISPUTE,
        {
            "status": DISPUTE.to_status,
            "disputed_at": now,
            "dispute_reason": data.reason,
            "dispute_opened_by_firm_id": firm_id,
        },
        "Only an active or delivered contract can be disputed",
    )
    return await _announce(session, contract, now)


async def resolve(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    data: schemas.ResolveIn,
    now: datetime,
) -> schemas.ContractOut:
    contract = await readable_contract(session, viewer, contract_id)
    if {contract.client_firm_id, contract.supplier_firm_id} & set(viewer.firm_roles):
        raise Forbidden(
            "You belong to one of the firms: another staff member must decide",
            code="dispute.own_firm",
        )
    reduction = rules.settlement_reduction(data.outcome, data.price_reduction, contract)
    status = (
        ContractStatus.CANCELLED
        if data.outcome == DisputeOutcome.CANCELLED
        else ContractStatus.COMPLETED
    )
    await _move(
        session,
        contract,
        RESOLVE,
        {
            "status": status,
            f"{status}_at": now,
            "dispute_outcome": data.outcome,
            "dispute_note": data.note,
            "dispute_resolved_at": now,
            "price_reduction": reduction,
        },
        "Only a disputed contract can be resolved",
    )
    await audit.record(
        session,
        "contract.dispute_resolved",
        actor_user_id=viewer.user_id,
        target_type="contract",
        target_id=contract.id,
        reason=data.note,
        outcome=data.outcome,
        price_reduction=None if reduction is None else f"{reduction:.2f}",
        client_firm_id=contract.client_firm_id,
        supplier_firm_id=contract.supplier_firm_id,
        dispute_opened_by_firm_id=contract.dispute_opened_by_firm_id,
    )
    await _conclude(session, contract, now)
    return await _announce(session, contract, now)


async def disputes(
    session: AsyncSession, params: PageParams, state: str, now: datetime
) -> Page[schemas.ContractOut]:
    repo = ContractRepository(session)
    rows, cursor = await repo.page(repo.disputes(state), params)
    return Page(items=await contract_out(session, rows, now), next_cursor=cursor)


# --- Delivery lots (issue 13) ---------------------------------------------------------


async def record_lot(
    session: AsyncSession, viewer: Viewer, contract_id: int, data: schemas.LotIn, now: datetime
) -> schemas.LotOut:
    contract = await readable_contract(session, viewer, contract_id)
    lot = await lots.record(session, viewer, contract, data, now)
    await _announce(session, contract, now)
    return lot


async def contract_lots(
    session: AsyncSession, viewer: Viewer, contract_id: int
) -> list[schemas.LotOut]:
    return await lots.lots_of(session, await readable_contract(session, viewer, contract_id))


async def check_lot(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    lot_id: int,
    data: schemas.LotCheckIn,
    now: datetime,
) -> schemas.LotOut:
    contract = await readable_contract(session, viewer, contract_id)
    lot, contract, delivered_at = await lots.check(session, viewer, contract, lot_id, data, now)
    if delivered_at is not None:
        await _move(
            session,
            contract,
            COMPLETE_BY_LOTS,
            {
                "status": COMPLETE_BY_LOTS.to_status,
                "delivered_at": contract.delivered_at or delivered_at,
                "completed_at": now,
            },
            "Only an active or delivered contract completes by its lots",
        )
        await _conclude(session, contract, now)
    await _announce(session, contract, now)
    return lot


async def dispute_lot(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    lot_id: int,
    data: schemas.DisputeIn,
    now: datetime,
) -> schemas.LotOut:
    """The client contests a lot: the contract goes to staff's dispute queue."""
    contract = await readable_contract(session, viewer, contract_id)
    out, lot = await lots.dispute(session, viewer, contract, lot_id, data.firm_id, now)
    firm_id = policies.acting_firm(viewer, contract, ("client",), "manager", data.firm_id)
    await _move(
        session,
        contract,
        DISPUTE,
        {
            "status": DISPUTE.to_status,
            "disputed_at": now,
            "dispute_reason": f"{lot.ddt_number or f'lot {lot.id}'}: {data.reason}"[:4000],
            "dispute_opened_by_firm_id": firm_id,
        },
        "Only an active or delivered contract can be disputed",
    )
    await _announce(session, contract, now)
    return out
