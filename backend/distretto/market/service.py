"""Orders on the board: post (or draft and publish), read, edit, cancel."""

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.capacity import service as capacity
from distretto.firms.service import unknown_phase_codes
from distretto.kit import clock
from distretto.kit.concurrency import stale
from distretto.kit.errors import Conflict, Forbidden, Invalid, NotFound
from distretto.kit.money import line_total
from distretto.kit.pagination import Page, PageParams
from distretto.kit.terms import PaymentTerms
from distretto.kit.units import normalise_unit
from distretto.market import events, lifecycle, policies, schemas

# Re-exported: the scoped reads other features compose (moderation, privacy, documents),
# and the checks documents makes before a file joins an order or a bid.
from distretto.market.policies import require_bidder as require_bidder
from distretto.market.policies import require_client as require_client
from distretto.market.repositories.bids import readable_bids as readable_bids
from distretto.market.repositories.visibility import readable_orders as readable_orders
from distretto.market.repository import (
    BidRepository,
    FirmLookup,
    ListedOrder,
    Lock,
    OrderRepository,
)
from distretto.models import Order
from distretto.models.contracts import ContractStatus
from distretto.models.market import BidStatus, OrderStatus, OrderVisibility
from distretto.models.trade import VatNature


def order_terms(order: Order) -> PaymentTerms:
    return PaymentTerms(
        method=order.payment_method,
        days=order.payment_days,
        end_of_month=order.payment_end_of_month,
    )


def check_vat(rate: Decimal, nature: VatNature | None) -> None:
    """A 0% VAT line must say why (its FatturaPA nature code); a taxed one has none."""
    if rate == 0 and nature is None:
        raise Invalid(
            "vat_nature",
            "a 0% VAT rate needs its nature code (e.g. N6.2 reverse charge)",
            code="vat.nature_required",
        )
    if rate != 0 and nature is not None:
        raise Invalid(
            "vat_nature",
            "a nature code goes only with a 0% VAT rate",
            code="vat.nature_with_rate",
        )


def _terms_columns(
    vat_rate: Decimal | None,
    vat_nature: VatNature | None,
    terms: PaymentTerms | None,
    tolerance: Decimal | None,
) -> dict[str, Any]:
    """The order's columns for the trade terms given (those not given are left out)."""
    columns: dict[str, Any] = {}
    if vat_rate is not None:
        columns["vat_rate"] = vat_rate
    columns["vat_nature"] = vat_nature
    if terms is not None:
        columns["payment_method"] = terms.method
        columns["payment_days"] = terms.days
        columns["payment_end_of_month"] = terms.end_of_month
    if tolerance is not None:
        columns["delivery_tolerance_percent"] = tolerance
    return columns


def order_out(
    viewer: Viewer, listed: ListedOrder, invited_firm_ids: list[int] | None, now: datetime
) -> schemas.OrderOut:
    """``invited_firm_ids``: the order's invitations when the viewer may read them."""
    o = listed.order
    assert o.id is not None
    private = policies.sees_client_details(viewer, o)
    return schemas.OrderOut(
        id=o.id,
        firm_id=o.client_firm_id,
        client_firm_id=o.client_firm_id,
        client_firm_name=listed.client_firm_name,
        title=o.title,
        description=o.description,
        phase=o.phase,
        quantity=o.quantity,
        unit=o.unit,
        target_unit_price=o.target_unit_price,
        bid_deadline=o.bid_deadline,
        delivery_due=o.delivery_due,
        vat_rate=o.vat_rate,
        vat_nature=o.vat_nature,
        payment_terms=order_terms(o),
        delivery_tolerance_percent=o.delivery_tolerance_percent,
        visibility=o.visibility,
        invited_firm_ids=invited_firm_ids
        if private and o.visibility == OrderVisibility.INVITED
        else None,
        consortium_id=o.consortium_id,
        sealed=o.sealed,
        parent_contract_id=o.parent_contract_id if private else None,
        region=o.region,
        status=lifecycle.effective_status(o, now),
        revision=o.revision,
        bid_count=listed.bid_count,
        created_at=o.created_at,
        updated_at=o.updated_at,
    )


async def to_out(
    session: AsyncSession, viewer: Viewer, listed: Sequence[ListedOrder], now: datetime
) -> list[schemas.OrderOut]:
    """The orders as the viewer reads them; their invitations are one more statement, and
    only when the viewer may read some (the client's and staff's invited orders)."""
    invited_orders = sorted(
        item.order.id
        for item in listed
        if item.order.id is not None
        and item.order.visibility == OrderVisibility.INVITED
        and policies.sees_client_details(viewer, item.order)
    )
    invitations = (
        await OrderRepository(session).invitations(invited_orders) if invited_orders else {}
    )
    return [
        order_out(viewer, item, invitations.get(item.order.id) if item.order.id else None, now)
        for item in listed
    ]


async def _one_out(session: AsyncSession, viewer: Viewer, order: Order) -> schemas.OrderOut:
    listed = await OrderRepository(session).listed(order)
    return (await to_out(session, viewer, [listed], clock.now()))[0]


async def readable_order(
    session: AsyncSession, viewer: Viewer, order_id: int, lock: Lock = None
) -> Order:
    order = await OrderRepository(session).readable(viewer, order_id, lock)
    if order is None:
        raise NotFound(
            f"Order {order_id} not found", code="order.not_found", params={"id": order_id}
        )
    return order


def check_schedule(bid_deadline: datetime, delivery_due: date, now: datetime) -> None:
    if bid_deadline <= now:
        raise Invalid("bid_deadline", "must be in the future", code="order.deadline_past")
    if bid_deadline.date() > delivery_due:
        raise Invalid(
            "bid_deadline", "must not be after delivery_due", code="order.deadline_after_due"
        )


async def _invited_firms(session: AsyncSession, data: schemas.OrderCreate) -> list[int]:
    requested = list(dict.fromkeys(data.invited_firm_ids or []))
    if data.visibility != OrderVisibility.INVITED:
        if requested:
            raise Invalid(
                "invited_firm_ids",
                "is only for orders with invited visibility",
                code="order.invites_not_allowed",
            )
        return []
    if not requested:
        raise Invalid(
            "invited_firm_ids", "name at least one firm to invite", code="order.invite_someone"
        )
    if data.firm_id in requested:
        raise Invalid(
            "invited_firm_ids", "the posting firm cannot invite itself", code="order.invite_self"
        )
    unknown = set(requested) - await FirmLookup(session).existing(requested)
    if unknown:
        listed = ", ".join(str(f) for f in sorted(unknown))
        raise Invalid(
            "invited_firm_ids",
            f"no firm has id {listed}",
            code="order.unknown_firms",
            params={"ids": listed},
        )
    return requested


async def _check_consortium(session: AsyncSession, data: schemas.OrderCreate) -> None:
    if data.visibility != OrderVisibility.CONSORTIUM:
        if data.consortium_id is not None:
            raise Invalid(
                "consortium_id",
                "is only for orders with consortium visibility",
                code="order.consortium_not_allowed",
            )
        return
    if data.consortium_id is None:
        raise Invalid(
            "consortium_id",
            "is required for orders with consortium visibility",
            code="order.consortium_required",
        )
    if not await FirmLookup(session).is_active_consortium_member(data.consortium_id, data.firm_id):
        raise Invalid(
            "consortium_id",
            "the posting firm is not an active member of it",
            code="order.not_consortium_member",
        )


async def _check_parent_contract(
    session: AsyncSession, viewer: Viewer, data: schemas.OrderCreate
) -> None:
    """A sub-order subcontracts part of a contract the posting firm is supplying."""
    if data.parent_contract_id is None:
        return
    contract = await FirmLookup(session).contract(data.parent_contract_id)
    parties = set() if contract is None else {contract.client_firm_id, contract.supplier_firm_id}
    if contract is None or not parties & set(viewer.firm_ids):
        raise NotFound(
            f"Contract {data.parent_contract_id} not found among your contracts",
            code="contract.not_found",
            params={"id": data.parent_contract_id},
        )
    if contract.supplier_firm_id != data.firm_id:
        raise Forbidden(
            "Only the supplier of a contract can post sub-orders for it",
            code="order.suborder_supplier_only",
        )
    if contract.status != ContractStatus.ACTIVE:
        raise Conflict(
            f"Contract {contract.id} is {contract.status}; sub-orders need an active contract",
            code="order.suborder_needs_active",
            params={"status": contract.status},
        )


async def create_order(
    session: AsyncSession, viewer: Viewer, data: schemas.OrderCreate
) -> schemas.OrderOut:
    now = clock.now()
    policies.require_acting_firm(viewer, data.firm_id)
    if await unknown_phase_codes(session, [data.phase]):
        raise Invalid(
            "phase",
            f"unknown phase code: {data.phase}",
            code="order.unknown_phase",
            params={"phase": data.phase},
        )
    check_schedule(data.bid_deadline, data.delivery_due, now)
    check_vat(data.vat_rate, data.vat_nature)
    unit = normalise_unit(data.unit)
    invited = await _invited_firms(session, data)
    await _check_consortium(session, data)
    await _check_parent_contract(session, viewer, data)
    client = await FirmLookup(session).firm(data.firm_id)
    assert client is not None, "membership implies the firm exists"
    order = await OrderRepository(session).add(
        Order(
            client_firm_id=data.firm_id,
            created_by_user_id=viewer.user_id,
            title=data.title,
            description=data.description,
            phase=data.phase,
            quantity=data.quantity,
            unit=unit,
            target_unit_price=data.target_unit_price,
            bid_deadline=data.bid_deadline,
            delivery_due=data.delivery_due,
            **_terms_columns(
                data.vat_rate,
                data.vat_nature,
                data.payment_terms,
                data.delivery_tolerance_percent,
            ),
            visibility=data.visibility,
            consortium_id=data.consortium_id,
            sealed=data.sealed,
            parent_contract_id=data.parent_contract_id,
            region=client.region,
            status=data.status,
            created_at=now,
            updated_at=now,
        ),
        invited,
    )
    if order.status == OrderStatus.OPEN:
        await events.order_published(session, order, now)
    # Everything the answer shows is known here: no read back.
    return order_out(viewer, ListedOrder(order, client.name, 0), sorted(invited), now)


async def board(
    session: AsyncSession,
    viewer: Viewer,
    params: PageParams,
    *,
    status: str | None,
    phase: str | None,
    q: str | None,
    firm_id: int | None,
    region: str | None,
    mine: bool,
    fits_capacity: bool = False,
) -> Page[schemas.OrderOut]:
    now = clock.now()
    capacity_firm = None
    if fits_capacity:
        # ``firm_id`` then names the firm whose capacity filters, not a client.
        if firm_id is None:
            raise Invalid(
                "firm_id",
                "name the firm whose capacity the board should fit",
                code="order.capacity_firm_required",
            )
        capacity.require_firm_member(viewer, firm_id)
        capacity_firm, firm_id = firm_id, None
    listed, cursor = await OrderRepository(session).board(
        viewer,
        params,
        now,
        status=status,
        phase=phase,
        q=q,
        firm_id=firm_id,
        region=region,
        mine=mine,
        capacity_firm_id=capacity_firm,
    )
    return Page(items=await to_out(session, viewer, listed, now), next_cursor=cursor)


async def get_order(session: AsyncSession, viewer: Viewer, order_id: int) -> schemas.OrderOut:
    listed = await OrderRepository(session).readable_listed(viewer, order_id)
    if listed is None:
        raise NotFound(
            f"Order {order_id} not found", code="order.not_found", params={"id": order_id}
        )
    return (await to_out(session, viewer, [listed], clock.now()))[0]


def _require_editable(order: Order, now: datetime) -> None:
    if (
        order.status == OrderStatus.DRAFT
        or lifecycle.effective_status(order, now) == OrderStatus.OPEN
    ):
        return
    raise Conflict(
        f"The order is {lifecycle.effective_status(order, now)}; "
        "only drafts and orders open for bids can be edited",
        code="order.not_editable",
        params={"status": lifecycle.effective_status(order, now)},
    )


async def update_order(
    session: AsyncSession,
    viewer: Viewer,
    order_id: int,
    data: schemas.OrderUpdate,
    expected: int | None = None,
) -> schemas.OrderOut:
    now = clock.now()
    # Read under lock: of two racing edits naming the same revision, the second reads
    # the first's revision here and is refused.
    order = await readable_order(session, viewer, order_id, lock="update")
    policies.require_client(viewer, order, "edit it")
    stale(expected, order.revision)
    _require_editable(order, now)
    given = data.model_dump(
        exclude_unset=True,
        exclude={"vat_rate", "vat_nature", "payment_terms", "delivery_tolerance_percent"},
    )
    if given.get("unit") is not None:
        given["unit"] = normalise_unit(given["unit"])
    terms_given = data.model_fields_set & {
        "vat_rate",
        "vat_nature",
        "payment_terms",
        "delivery_tolerance_percent",
    }
    if terms_given:
        given |= _terms_columns(
            data.vat_rate,
            data.vat_nature if "vat_nature" in terms_given else order.vat_nature,
            data.payment_terms,
            data.delivery_tolerance_percent,
        )
        check_vat(given.get("vat_rate", order.vat_rate), given["vat_nature"])
    changes = {field: value for field, value in given.items() if value != getattr(order, field)}
    for field in ("title", "description", "quantity", "unit", "bid_deadline", "delivery_due"):
        if field in changes and changes[field] is None:
            raise Invalid(field, "cannot be empty", code="validation.not_empty")
    if not changes:
        return await _one_out(session, viewer, order)
    if "bid_deadline" in changes or "delivery_due" in changes:
        check_schedule(
            changes.get("bid_deadline", order.bid_deadline),
            changes.get("delivery_due", order.delivery_due),
            now,
        )
    for field, value in changes.items():
        setattr(order, field, value)
    order.revision += 1
    order.updated_at = now
    await OrderRepository(session).save(order)
    if order.status == OrderStatus.OPEN:
        bidders = await _ask_bidders_to_confirm(session, order, now)
        await events.order_updated(session, order, now, bidders)
    return await _one_out(session, viewer, order)


async def _ask_bidders_to_confirm(session: AsyncSession, order: Order, now: datetime) -> list[int]:
    """The terms changed: every live bid must be confirmed (or revised) against them.
    Totals follow a changed quantity at once; the unit price is the bidder's offer."""
    assert order.id is not None
    repo = BidRepository(session)
    bids = [
        b
        for b in await repo.live_on_order(order.id, lock="update")
        if b.status != BidStatus.AWARDED
    ]
    for bid in bids:
        bid.status = BidStatus.NEEDS_CONFIRMATION
        bid.total_price = line_total(order.quantity, bid.unit_price)
        bid.updated_at = now
        await repo.save(bid)
    return [b.firm_id for b in bids]


async def publish_order(session: AsyncSession, viewer: Viewer, order_id: int) -> schemas.OrderOut:
    now = clock.now()
    order = await readable_order(session, viewer, order_id, lock="update")
    policies.require_client(viewer, order, "publish it")
    if order.status != OrderStatus.DRAFT:
        raise Conflict(
            f"The order is {lifecycle.effective_status(order, now)}, not a draft",
            code="order.not_draft",
            params={"status": lifecycle.effective_status(order, now)},
        )
    if order.bid_deadline <= now:
        raise Invalid(
            "bid_deadline",
            "has passed; move it into the future before publishing",
            code="order.deadline_passed",
        )
    if not await OrderRepository(session).move(
        order, [OrderStatus.DRAFT], {"status": OrderStatus.OPEN, "updated_at": now}
    ):
        raise Conflict(
            "The order was published or cancelled meanwhile", code="order.changed_meanwhile"
        )
    await events.order_published(session, order, now)
    return await _one_out(session, viewer, order)


async def cancel_order(
    session: AsyncSession, viewer: Viewer, order_id: int, data: schemas.CancelIn
) -> schemas.OrderOut:
    now = clock.now()
    order = await readable_order(session, viewer, order_id)
    # A suspended client may still call an order off: that only releases the bidders.
    policies.require_client(viewer, order, "cancel it", active=False)
    was_open = order.status == OrderStatus.OPEN
    if not await OrderRepository(session).move(
        order,
        [OrderStatus.DRAFT, OrderStatus.OPEN],
        {"status": OrderStatus.CANCELLED, "updated_at": now},
    ):
        raise Conflict(
            f"The order is {order.status} and can no longer be cancelled",
            code="order.not_cancellable",
            params={"status": order.status},
        )
    if was_open:
        assert order.id is not None
        rejected = await BidRepository(session).reject_live_except(order.id, None, now)
        await events.order_cancelled(
            session, order, now, sorted({b.firm_id for b in rejected}), data.reason
        )
    return await _one_out(session, viewer, order)


async def invitations(
    session: AsyncSession, viewer: Viewer, order_id: int
) -> list[schemas.InvitedFirmOut]:
    order = await readable_order(session, viewer, order_id)
    if not policies.sees_client_details(viewer, order):
        raise NotFound(
            f"Order {order_id} has no invitations you can read",
            code="order.not_found",
            params={"id": order_id},
        )
    invited = (await OrderRepository(session).invitations([order_id]))[order_id]
    names = await FirmLookup(session).names(invited)
    return [schemas.InvitedFirmOut(firm_id=f, firm_name=names.get(f, "")) for f in invited]
