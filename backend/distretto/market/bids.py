"""Bids: place (idempotent, rate-limited), read, revise, confirm, withdraw."""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.kit import clock
from distretto.kit.clock import district_date
from distretto.kit.context import AppContext
from distretto.kit.errors import Conflict, Forbidden, Invalid, NotFound, TooManyRequests
from distretto.kit.money import line_total
from distretto.kit.pagination import Page, PageParams
from distretto.kit.terms import PaymentTerms
from distretto.market import events, lifecycle, policies, schemas
from distretto.market.idempotency import IdempotentCreate, Outcome
from distretto.market.repositories.bids import NewBid
from distretto.market.repository import BidRepository, OrderRepository, is_unique_violation
from distretto.market.service import order_terms, readable_order
from distretto.models import Bid, Order
from distretto.models.market import BidStatus
from distretto.tariffs import service as tariffs

RATE_WINDOW_SECONDS = 60


def row_out(row: Row[Any]) -> schemas.BidOut:
    values = dict(row._mapping)
    values["payment_terms"] = PaymentTerms(
        method=values.pop("payment_method"),
        days=values.pop("payment_days"),
        end_of_month=values.pop("payment_end_of_month"),
    )
    return schemas.BidOut.model_validate(values)


def bid_terms(bid: Bid | NewBid) -> PaymentTerms:
    return PaymentTerms(
        method=bid.payment_method, days=bid.payment_days, end_of_month=bid.payment_end_of_month
    )


def set_terms(bid: Bid, terms: PaymentTerms) -> None:
    bid.payment_method = terms.method
    bid.payment_days = terms.days
    bid.payment_end_of_month = terms.end_of_month


def total_for(unit_price: Decimal, quantity: Decimal) -> Decimal:
    total = line_total(quantity, unit_price)
    if total > schemas.MAX_AMOUNT:
        raise Invalid(
            "unit_price",
            "the total (unit price times quantity) is too large",
            code="bid.total_too_large",
        )
    return total


def _check_delivery_date(value: date, now: datetime) -> None:
    if value < district_date(now):
        raise Invalid("delivery_date", "must not be in the past", code="bid.delivery_past")


def _require_open(order: Order, now: datetime) -> None:
    if not lifecycle.accepting_bids(order, now):
        raise Conflict(
            f"The order is {lifecycle.effective_status(order, now)}; "
            "bids are taken, changed and withdrawn only while it is open",
            code="order.not_open",
            params={"status": lifecycle.effective_status(order, now)},
        )


async def _rate_limit(ctx: AppContext, firm_id: int) -> None:
    limit = ctx.settings.bid_rate_per_minute
    if await ctx.limiter.hit(f"bids:firm:{firm_id}", RATE_WINDOW_SECONDS) > limit:
        raise TooManyRequests(
            f"Your firm placed more than {limit} bids in a minute; wait a moment",
            retry_after=RATE_WINDOW_SECONDS,
            code="bid.too_fast",
        )


def own_bid_out(bid: Bid | NewBid, firm_name: str) -> schemas.BidOut:
    """A bid as its own firm reads it (``readable_bids`` never hides a firm's own
    amounts), built from the row just written instead of read back."""
    assert bid.id is not None
    return schemas.BidOut(
        id=bid.id,
        order_id=bid.order_id,
        firm_id=bid.firm_id,
        firm_name=firm_name,
        unit_price=bid.unit_price,
        total_price=bid.total_price,
        amounts_hidden=False,
        delivery_date=bid.delivery_date,
        notes=bid.notes,
        status=bid.status,
        order_revision=bid.order_revision,
        payment_terms=bid_terms(bid),
        below_tariff=bid.below_tariff,
        created_at=bid.created_at,
        updated_at=bid.updated_at,
    )


async def _price_against_tariff(
    session: AsyncSession, bid: Bid, order: Order, now: datetime
) -> None:
    """Mark the bid against the reference tariff in force now for the order's phase and
    unit (placing, revising and confirming all price it anew)."""
    check = await tariffs.check_price(
        session, order.phase, order.unit, bid.unit_price, district_date(now)
    )
    bid.tariff_id = check.tariff_id
    bid.below_tariff = check.below_tariff


async def place(
    session: AsyncSession,
    ctx: AppContext,
    viewer: Viewer,
    order_id: int,
    data: schemas.BidCreate,
    idempotency_key: str | None,
) -> Outcome:
    request = IdempotentCreate(
        session, viewer.user_id, f"bid:order:{order_id}", idempotency_key, data
    )
    if (earlier := await request.begin()) is not None:
        return earlier
    now = clock.now()
    policies.require_acting_firm(viewer, data.firm_id)
    await _rate_limit(ctx, data.firm_id)
    # FOR SHARE: bids on one order do not wait for each other, but an award, an edit or
    # a cancellation of the order waits for them (and they for it).
    target = await OrderRepository(session).bid_target(
        viewer, order_id, data.firm_id, "share", district_date(now)
    )
    if target is None:
        raise NotFound(
            f"Order {order_id} not found", code="order.not_found", params={"id": order_id}
        )
    order = target.order
    policies.require_may_bid(target.client, target.bidder)
    if not target.offered_to_bidder:
        raise Forbidden(
            f"Firm {data.firm_id} is not among the firms this order is offered to",
            code="order.not_offered",
            params={"firm_id": data.firm_id},
        )
    _require_open(order, now)
    _check_delivery_date(data.delivery_date, now)
    if target.bidder_has_live_bid:
        raise Conflict(
            "Your firm already has a live bid on this order; revise it instead",
            code="bid.duplicate",
        )
    terms = data.payment_terms or order_terms(order)
    # The tariff in force came with the order (no statement of its own on this hot path).
    check = tariffs.price_check(target.tariff, data.unit_price)
    new = NewBid(
        order_id=order_id,
        firm_id=data.firm_id,
        created_by_user_id=viewer.user_id,
        unit_price=data.unit_price,
        total_price=total_for(data.unit_price, order.quantity),
        delivery_date=data.delivery_date,
        notes=data.notes,
        payment_method=terms.method,
        payment_days=terms.days,
        payment_end_of_month=terms.end_of_month,
        status=BidStatus.ACTIVE,
        order_revision=order.revision,
        tariff_id=check.tariff_id,
        below_tariff=check.below_tariff,
        created_at=now,
        updated_at=now,
    )
    try:
        bid = replace(new, id=await BidRepository(session).insert(new))
    except IntegrityError as exc:
        # The database's one-live-bid index decides races the check above cannot see.
        if is_unique_violation(exc, "uq_bids_one_live_per_firm"):
            raise Conflict(
                "Your firm already has a live bid on this order", code="bid.duplicate"
            ) from exc
        raise
    await events.bid_changed(session, events.BidCreated, bid, order, now)
    body = own_bid_out(bid, target.bidder.name).model_dump(mode="json")
    return await request.store(201, body)


async def list_for_order(
    session: AsyncSession, viewer: Viewer, order_id: int, params: PageParams
) -> Page[schemas.BidOut]:
    order = await readable_order(session, viewer, order_id)
    # The client reads every bid; a bidder its own; anybody else has nothing here.
    if not policies.is_client(viewer, order) and not await BidRepository(session).firm_has_bid(
        order_id, viewer.firm_ids
    ):
        raise NotFound(
            f"Order {order_id} has no bids you can read",
            code="order.not_found",
            params={"id": order_id},
        )
    rows, cursor = await BidRepository(session).page_for_order(
        viewer, order_id, clock.now(), params
    )
    return Page(items=[row_out(r) for r in rows], next_cursor=cursor)


async def get_bid(session: AsyncSession, viewer: Viewer, bid_id: int) -> schemas.BidOut:
    row = await BidRepository(session).readable(viewer, bid_id, clock.now())
    if row is None:
        raise NotFound(f"Bid {bid_id} not found", code="bid.not_found", params={"id": bid_id})
    return row_out(row)


async def _own_live_bid(
    session: AsyncSession, viewer: Viewer, bid_id: int, action: str, *, active: bool = True
) -> tuple[Bid, Order, str]:
    """The bid, locked with its order, for a change by the bidding firm (and the firm's
    name, for the answer)."""
    repo = BidRepository(session)
    now = clock.now()
    seen = await repo.readable(viewer, bid_id, now)
    if seen is None:
        raise NotFound(f"Bid {bid_id} not found", code="bid.not_found", params={"id": bid_id})
    policies.require_bidder(viewer, seen.firm_id, action, active=active)
    # Lock order then bid, the same order every market write uses (no deadlocks).
    order = await OrderRepository(session).locked(seen.order_id, "share")
    bid = await repo.get(bid_id, lock="update")
    assert bid is not None
    _require_open(order, now)
    if bid.status not in (BidStatus.ACTIVE, BidStatus.NEEDS_CONFIRMATION):
        raise Conflict(
            f"The bid is {bid.status}; only live bids can be changed",
            code="bid.not_live",
            params={"status": bid.status},
        )
    return bid, order, seen.firm_name


async def revise(
    session: AsyncSession, viewer: Viewer, bid_id: int, data: schemas.BidUpdate
) -> schemas.BidOut:
    bid, order, firm_name = await _own_live_bid(session, viewer, bid_id, "revise it")
    now = clock.now()
    changes = data.model_dump(exclude_unset=True, exclude={"payment_terms"})
    for field in ("unit_price", "delivery_date", "notes"):
        if field in changes and changes[field] is None:
            raise Invalid(field, "cannot be empty", code="validation.not_empty")
    if "delivery_date" in changes:
        _check_delivery_date(changes["delivery_date"], now)
    for field, value in changes.items():
        setattr(bid, field, value)
    if data.payment_terms is not None:
        set_terms(bid, data.payment_terms)
    # A revision is made against the order's current terms: it confirms them too.
    bid.total_price = total_for(bid.unit_price, order.quantity)
    bid.status = BidStatus.ACTIVE
    bid.order_revision = order.revision
    bid.updated_at = now
    await _price_against_tariff(session, bid, order, now)
    await BidRepository(session).save(bid)
    await events.bid_changed(session, events.BidUpdated, bid, order, now)
    return own_bid_out(bid, firm_name)


async def confirm(session: AsyncSession, viewer: Viewer, bid_id: int) -> schemas.BidOut:
    bid, order, firm_name = await _own_live_bid(session, viewer, bid_id, "confirm it")
    if bid.status != BidStatus.NEEDS_CONFIRMATION:
        raise Conflict(
            "The bid is already confirmed for the order's current terms",
            code="bid.already_confirmed",
        )
    now = clock.now()
    bid.status = BidStatus.ACTIVE
    bid.order_revision = order.revision
    bid.updated_at = now
    await _price_against_tariff(session, bid, order, now)
    await BidRepository(session).save(bid)
    await events.bid_changed(session, events.BidUpdated, bid, order, now)
    return own_bid_out(bid, firm_name)


async def withdraw(session: AsyncSession, viewer: Viewer, bid_id: int) -> schemas.BidOut:
    # A suspended firm may still take back what it offered.
    bid, order, firm_name = await _own_live_bid(
        session, viewer, bid_id, "withdraw it", active=False
    )
    now = clock.now()
    bid.status = BidStatus.WITHDRAWN
    bid.updated_at = now
    await BidRepository(session).save(bid)
    await events.bid_changed(session, events.BidWithdrawn, bid, order, now)
    return own_bid_out(bid, firm_name)
