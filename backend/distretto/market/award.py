"""The award: the client picks one bid, exactly once, and a contract is born.

Exactly once holds under any number of concurrent requests because two guards must
both let a request through: the conditional ``UPDATE orders SET status='awarded' WHERE
status='open'`` (only one transaction changes the row; the others, once it commits,
update nothing) and the unique ``contracts.order_id``.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.capacity import service as capacity
from distretto.contracts.service import contract_out
from distretto.kit import clock
from distretto.kit.errors import Conflict, Invalid
from distretto.market import events, lifecycle, policies, schemas
from distretto.market.idempotency import IdempotentCreate, Outcome
from distretto.market.repository import BidRepository, ContractWriter, FirmLookup, OrderRepository
from distretto.market.service import readable_order
from distretto.models import Bid, Contract, Order
from distretto.models.contracts import ContractStatus
from distretto.models.firms import FirmStatus
from distretto.models.market import BidStatus, OrderStatus


async def _winning_bid(session: AsyncSession, order: Order, bid_id: int) -> Bid:
    """The chosen bid, re-read under lock once the order is ours to award."""
    bid = await BidRepository(session).get(bid_id, lock="update")
    if bid is None or bid.order_id != order.id or bid.hidden:
        raise Invalid("bid_id", "is not a bid on this order", code="award.not_a_bid")
    if bid.status == BidStatus.NEEDS_CONFIRMATION:
        raise Conflict(
            "The bid was made for earlier terms of the order; its firm must confirm it first",
            code="award.bid_needs_confirmation",
        )
    if bid.status != BidStatus.ACTIVE:
        raise Conflict(
            f"The bid is {bid.status}; only an active bid can be awarded",
            code="award.bid_not_active",
            params={"status": bid.status},
        )
    supplier = await FirmLookup(session).firm(bid.firm_id)
    if supplier is None or supplier.status == FirmStatus.SUSPENDED:
        raise Conflict(
            "The bidding firm is suspended by the association and cannot be awarded",
            code="award.bidder_suspended",
        )
    return bid


async def award(
    session: AsyncSession,
    viewer: Viewer,
    order_id: int,
    data: schemas.AwardIn,
    idempotency_key: str | None,
) -> Outcome:
    request = IdempotentCreate(
        session, viewer.user_id, f"award:order:{order_id}", idempotency_key, data
    )
    if (earlier := await request.begin()) is not None:
        return earlier
    now = clock.now()
    order = await readable_order(session, viewer, order_id)
    policies.require_client(viewer, order, "award it")
    bids = BidRepository(session)
    chosen = await bids.get(data.bid_id)
    # A bid hidden by moderation is out of the client's sight, so out of its choice too.
    if chosen is None or chosen.order_id != order_id or chosen.hidden:
        raise Invalid("bid_id", "is not a bid on this order", code="award.not_a_bid")
    if not lifecycle.awardable(order):
        raise Conflict(
            f"The order is {lifecycle.effective_status(order, now)}; it cannot be awarded",
            code="order.not_awardable",
            params={"status": lifecycle.effective_status(order, now)},
        )
    if not await OrderRepository(session).move(
        order, [OrderStatus.OPEN], {"status": OrderStatus.AWARDED, "updated_at": now}
    ):
        raise Conflict(
            "The order has just been awarded or cancelled by another request",
            code="order.changed_meanwhile",
        )
    bid = await _winning_bid(session, order, data.bid_id)
    bidder_firms = await OrderRepository(session).live_bidder_firms(order_id)
    bid.status = BidStatus.AWARDED
    bid.updated_at = now
    await bids.save(bid)
    losers = await bids.reject_live_except(order_id, bid.id, now)
    assert bid.id is not None
    contract = await ContractWriter(session).add(
        Contract(
            order_id=order_id,
            bid_id=bid.id,
            client_firm_id=order.client_firm_id,
            supplier_firm_id=bid.firm_id,
            phase=order.phase,
            quantity=order.quantity,
            unit=order.unit,
            unit_price=bid.unit_price,
            total_price=bid.total_price,
            due_date=bid.delivery_date,
            status=ContractStatus.ACTIVE,
            created_at=now,
            # Fixed here: the order's VAT and tolerance, the awarded bid's payment terms.
            vat_rate=order.vat_rate,
            vat_nature=order.vat_nature,
            delivery_tolerance_percent=order.delivery_tolerance_percent,
            payment_method=bid.payment_method,
            payment_days=bid.payment_days,
            payment_end_of_month=bid.payment_end_of_month,
        )
    )
    if contract is None:
        raise Conflict("The order already has a contract", code="order.already_contracted")
    await capacity.book_award(session, contract, now)
    await events.awarded(session, order, contract, bidder_firms, losers, now)
    # The same body as GET /contracts/{id}: the award hands over to the contract.
    [body] = await contract_out(session, [contract], now)
    return await request.store(201, body.model_dump(mode="json"))
