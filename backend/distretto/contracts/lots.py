"""Deliveries in lots (issue 13).

The supplier records each lot it ships (quantity, DDT number and date); the client checks
each one, accepting part or all of it and sending back the rest. A contract is complete
when the accepted quantity reaches the order's quantity less its tolerance; lots whose
quantity would take the delivery beyond the quantity plus the tolerance are refused
(409). Rejected quantities do not count: the supplier may send them again.

The old one-step flow still works as one lot: ``deliver`` records a lot of whatever is
still outstanding, ``accept`` accepts every lot still pending.
"""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import policies, schemas
from distretto.contracts.repository import LotRepository
from distretto.contracts.rules import delivered_on_time
from distretto.kit.clock import district_date
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.money import QUANTITY_QUANTUM, format_quantity
from distretto.models import Contract, DeliveryLot
from distretto.models.contracts import ContractStatus
from distretto.models.trade import LotStatus

# Lots are recorded while the contract is active, and checked while it is active or
# delivered (after the old one-step ``deliver``).
RECORDING = (ContractStatus.ACTIVE,)
CHECKING = (ContractStatus.ACTIVE, ContractStatus.DELIVERED)


def bounds(contract: Contract) -> tuple[Decimal, Decimal]:
    """The least accepted quantity that completes the contract, and the most that may be
    delivered: the quantity less and plus its tolerance (thousandths, rounded inwards)."""
    margin = contract.quantity * contract.delivery_tolerance_percent / 100
    low = (contract.quantity - margin).quantize(QUANTITY_QUANTUM, rounding="ROUND_UP")
    high = (contract.quantity + margin).quantize(QUANTITY_QUANTUM, rounding="ROUND_DOWN")
    return low, high


def counted(lots: list[DeliveryLot]) -> Decimal:
    """What counts as delivered: pending and disputed lots whole, checked lots for what
    the client accepted."""
    return sum(
        (lot.accepted_quantity if lot.status == LotStatus.ACCEPTED else lot.quantity)
        for lot in lots
    ) or Decimal(0)


def accepted(lots: list[DeliveryLot]) -> Decimal:
    return sum((lot.accepted_quantity for lot in lots), Decimal(0))


def lot_out(lot: DeliveryLot) -> schemas.LotOut:
    return schemas.LotOut.model_validate(lot, from_attributes=True)


def _require_status(contract: Contract, allowed: tuple[ContractStatus, ...]) -> None:
    if contract.status not in allowed:
        raise Conflict(
            f"The contract is {contract.status}; its lots can no longer change",
            code="lot.contract_not_open",
            params={"status": contract.status},
        )


def new_lot(
    contract: Contract,
    lots: list[DeliveryLot],
    quantity: Decimal,
    viewer: Viewer,
    now: datetime,
    *,
    ddt_number: str,
    ddt_date: date,
) -> DeliveryLot:
    """A lot, refused (409) if it would take the delivery beyond what the tolerance allows."""
    assert contract.id is not None
    _, high = bounds(contract)
    delivered = counted(lots) + quantity
    if delivered > high:
        raise Conflict(
            f"With this lot {format_quantity(delivered)} would be delivered; "
            f"at most {format_quantity(high)} is allowed",
            code="lot.over_delivery",
            params={
                "delivered": format_quantity(delivered),
                "allowed": format_quantity(high),
                "quantity": format_quantity(contract.quantity),
            },
        )
    return DeliveryLot(
        contract_id=contract.id,
        quantity=quantity,
        ddt_number=ddt_number,
        ddt_date=ddt_date,
        on_time=delivered_on_time(now, contract.due_date),
        recorded_by_user_id=viewer.user_id,
        delivered_at=now,
    )


async def record(
    session: AsyncSession, viewer: Viewer, contract: Contract, data: schemas.LotIn, now: datetime
) -> schemas.LotOut:
    assert contract.id is not None
    policies.acting_firm(viewer, contract, ("supplier",), "manager", data.firm_id)
    repo = LotRepository(session)
    contract = await repo.lock_contract(contract.id)
    assert contract.id is not None
    _require_status(contract, RECORDING)
    if data.ddt_date > district_date(now):
        raise Invalid("ddt_date", "cannot be in the future", code="lot.ddt_date_future")
    lots = await repo.for_contract(contract.id)
    if any(lot.ddt_number == data.ddt_number for lot in lots):
        raise Conflict(
            f"A lot with DDT {data.ddt_number} is already recorded on this contract",
            code="lot.duplicate_ddt",
            params={"ddt_number": data.ddt_number},
        )
    lot = new_lot(
        contract,
        lots,
        data.quantity,
        viewer,
        now,
        ddt_number=data.ddt_number,
        ddt_date=data.ddt_date,
    )
    await repo.add(lot)
    return lot_out(lot)


async def _pending_lot(repo: LotRepository, contract: Contract, lot_id: int) -> DeliveryLot:
    assert contract.id is not None
    lots = await repo.for_contract(contract.id)
    lot = next((lot for lot in lots if lot.id == lot_id), None)
    if lot is None:
        raise NotFound(f"Lot {lot_id} not found", code="lot.not_found", params={"id": lot_id})
    if lot.status != LotStatus.PENDING:
        raise Conflict(
            f"Lot {lot_id} is already {lot.status}",
            code="lot.not_pending",
            params={"status": lot.status},
        )
    return lot


async def check(
    session: AsyncSession,
    viewer: Viewer,
    contract: Contract,
    lot_id: int,
    data: schemas.LotCheckIn,
    now: datetime,
) -> tuple[schemas.LotOut, Contract, datetime | None]:
    """The client's check of a lot; once the contract is fully accepted, also when it was
    delivered."""
    assert contract.id is not None
    policies.acting_firm(viewer, contract, ("client",), "manager", data.firm_id)
    repo = LotRepository(session)
    contract = await repo.lock_contract(contract.id)
    assert contract.id is not None
    _require_status(contract, CHECKING)
    lot = await _pending_lot(repo, contract, lot_id)
    if data.accepted_quantity + data.rejected_quantity != lot.quantity:
        raise Invalid(
            "accepted_quantity",
            f"accepted plus rejected must make the lot's {format_quantity(lot.quantity)}",
            code="lot.quantities_mismatch",
            params={"quantity": format_quantity(lot.quantity)},
        )
    lot.status = LotStatus.ACCEPTED
    lot.accepted_quantity = data.accepted_quantity
    lot.rejected_quantity = data.rejected_quantity
    lot.note = data.note
    lot.checked_at = now
    lot.checked_by_user_id = viewer.user_id
    await repo.save(lot)
    low, _ = bounds(contract)
    lots = await repo.for_contract(contract.id)
    if accepted(lots) < low:
        return lot_out(lot), contract, None
    # Delivered when the last accepted lot arrived (a late last lot makes it late).
    return (
        lot_out(lot),
        contract,
        max(lot.delivered_at for lot in lots if lot.status == LotStatus.ACCEPTED),
    )


async def dispute(
    session: AsyncSession,
    viewer: Viewer,
    contract: Contract,
    lot_id: int,
    firm_id: int | None,
    now: datetime,
) -> tuple[schemas.LotOut, DeliveryLot]:
    """The client contests a lot: it stays out of the accepted quantity while staff
    resolve the contract's dispute."""
    assert contract.id is not None
    policies.acting_firm(viewer, contract, ("client",), "manager", firm_id)
    repo = LotRepository(session)
    contract = await repo.lock_contract(contract.id)
    _require_status(contract, CHECKING)
    lot = await _pending_lot(repo, contract, lot_id)
    lot.status = LotStatus.DISPUTED
    lot.checked_at = now
    lot.checked_by_user_id = viewer.user_id
    await repo.save(lot)
    return lot_out(lot), lot


async def record_outstanding(
    session: AsyncSession, viewer: Viewer, contract: Contract, now: datetime
) -> None:
    """The old one-step ``deliver``: one lot of whatever is still outstanding."""
    assert contract.id is not None
    repo = LotRepository(session)
    lots = await repo.for_contract(contract.id)
    outstanding = contract.quantity - counted(lots)
    if outstanding > 0:
        lot = new_lot(
            contract, lots, outstanding, viewer, now, ddt_number="", ddt_date=district_date(now)
        )
        await repo.add(lot)


async def accept_pending(
    session: AsyncSession, viewer: Viewer, contract: Contract, now: datetime
) -> None:
    """The old one-step ``accept``: every pending lot accepted whole."""
    assert contract.id is not None
    repo = LotRepository(session)
    for lot in await repo.for_contract(contract.id):
        if lot.status == LotStatus.PENDING:
            lot.status = LotStatus.ACCEPTED
            lot.accepted_quantity = lot.quantity
            lot.checked_at = now
            lot.checked_by_user_id = viewer.user_id
            await repo.save(lot)


async def lots_of(session: AsyncSession, contract: Contract) -> list[schemas.LotOut]:
    assert contract.id is not None
    return [lot_out(lot) for lot in await LotRepository(session).for_contract(contract.id)]


async def accepted_totals(session: AsyncSession, contract_ids: list[int]) -> dict[int, Decimal]:
    return await LotRepository(session).accepted_by_contract(contract_ids)
