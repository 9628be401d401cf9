"""What each market event says and who hears it.

Every payload is built only from facts all of its audience may see: bid amounts go to
the bidder and the client alone, and not even to the client while a sealed order's
deadline has not passed.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit.events import emit, firm_key, phase_key
from distretto.market import lifecycle
from distretto.market.repository import FirmLookup, OrderRepository
from distretto.models import Bid, Contract, Order, Question


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def order_data(order: Order, now: datetime) -> dict[str, Any]:
    """What anybody who sees the order reads on the board (no invitations, no parent)."""
    return {
        "order_id": order.id,
        "client_firm_id": order.client_firm_id,
        "title": order.title,
        "phase": order.phase,
        "quantity": order.quantity,
        "unit": order.unit,
        "target_unit_price": _money(order.target_unit_price),
        "region": order.region,
        "visibility": order.visibility,
        "sealed": order.sealed,
        "status": lifecycle.effective_status(order, now),
        "revision": order.revision,
        "bid_deadline": order.bid_deadline.isoformat(),
        "delivery_due": order.delivery_due.isoformat(),
    }


def bid_data(bid: Bid, order: Order, now: datetime) -> dict[str, Any]:
    """For the client and the bidder together: amounts only once the client may see them."""
    data: dict[str, Any] = {
        "bid_id": bid.id,
        "order_id": bid.order_id,
        "firm_id": bid.firm_id,
        "status": bid.status,
        "delivery_date": bid.delivery_date.isoformat(),
        "order_revision": bid.order_revision,
    }
    if not lifecycle.amounts_sealed(order, now):
        data["unit_price"] = _money(bid.unit_price)
        data["total_price"] = _money(bid.total_price)
        data["below_tariff"] = bid.below_tariff
    return data


def contract_data(contract: Contract) -> dict[str, Any]:
    return {
        "contract_id": contract.id,
        "order_id": contract.order_id,
        "bid_id": contract.bid_id,
        "client_firm_id": contract.client_firm_id,
        "supplier_firm_id": contract.supplier_firm_id,
        "phase": contract.phase,
        "quantity": contract.quantity,
        "unit": contract.unit,
        "unit_price": _money(contract.unit_price),
        "total_price": _money(contract.total_price),
        "due_date": contract.due_date.isoformat(),
        "status": contract.status,
    }


def question_data(question: Question) -> dict[str, Any]:
    return {
        "question_id": question.id,
        "order_id": question.order_id,
        "asker_firm_id": question.asker_firm_id,
        "text": question.text,
        "answer": question.answer,
    }


async def order_audience(session: AsyncSession, order: Order) -> set[str]:
    """Who is told about a published order: the firms that may see it (and the client)."""
    audience = {firm_key(order.client_firm_id)}
    assert order.id is not None
    if order.visibility == "public":
        audience.add(phase_key(order.phase))
    elif order.visibility == "invited":
        invited = (await OrderRepository(session).invitations([order.id]))[order.id]
        audience.update(firm_key(f) for f in invited)
    elif order.visibility == "consortium" and order.consortium_id is not None:
        members = await FirmLookup(session).consortium_firms_in_phase(
            order.consortium_id, order.phase
        )
        audience.update(firm_key(f) for f in members)
    return audience


async def order_published(session: AsyncSession, order: Order, now: datetime) -> None:
    await emit(
        session, "order.created", order_data(order, now), await order_audience(session, order)
    )


async def order_updated(
    session: AsyncSession, order: Order, now: datetime, bidder_firms: list[int]
) -> None:
    audience = await order_audience(session, order)
    audience.update(firm_key(f) for f in bidder_firms)
    data = order_data(order, now) | {"bids_need_confirmation": bool(bidder_firms)}
    await emit(session, "order.updated", data, audience)


async def order_cancelled(
    session: AsyncSession, order: Order, now: datetime, bidder_firms: list[int], reason: str
) -> None:
    audience = {firm_key(order.client_firm_id)} | {firm_key(f) for f in bidder_firms}
    await emit(session, "order.cancelled", order_data(order, now) | {"reason": reason}, audience)


async def bid_changed(
    session: AsyncSession, type_: str, bid: Bid, order: Order, now: datetime
) -> None:
    await emit(
        session,
        type_,
        bid_data(bid, order, now),
        {firm_key(order.client_firm_id), firm_key(bid.firm_id)},
    )


async def awarded(
    session: AsyncSession,
    order: Order,
    contract: Contract,
    bidder_firms: list[int],
    losers: list[Bid],
    now: datetime,
) -> None:
    audience = {firm_key(order.client_firm_id), firm_key(contract.supplier_firm_id)}
    audience.update(firm_key(f) for f in bidder_firms)
    # Every bidder hears who won, never at what price.
    await emit(
        session,
        "order.awarded",
        order_data(order, now)
        | {"winning_bid_id": contract.bid_id, "supplier_firm_id": contract.supplier_firm_id},
        audience,
    )
    for bid in losers:
        await emit(
            session,
            "bid.rejected",
            {"bid_id": bid.id, "order_id": order.id, "reason": "awarded to another bid"},
            {firm_key(bid.firm_id)},
        )
    await emit(
        session,
        "contract.created",
        contract_data(contract),
        {firm_key(contract.client_firm_id), firm_key(contract.supplier_firm_id)},
    )


async def question_asked(session: AsyncSession, question: Question, order: Order) -> None:
    await emit(
        session, "question.created", question_data(question), {firm_key(order.client_firm_id)}
    )


async def question_answered(session: AsyncSession, question: Question, order: Order) -> None:
    await emit(
        session,
        "question.answered",
        question_data(question),
        {firm_key(order.client_firm_id), firm_key(question.asker_firm_id)},
    )
