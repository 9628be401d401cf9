"""What each market event says and who hears it.

Every payload is built only from facts all of its audience may see: bid amounts go to
the bidder and the client alone, and not even to the client while a sealed order's
deadline has not passed.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import SerializerFunctionWrapHandler, model_serializer
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit.events import EventPayload, emit, firm_key, phase_key
from distretto.kit.money import format_quantity, format_unit_price
from distretto.market import lifecycle
from distretto.market.repositories.bids import NewBid
from distretto.market.repository import FirmLookup, OrderRepository
from distretto.models import Bid, Contract, Order, Question
from distretto.models.contracts import ContractStatus
from distretto.models.market import BidStatus, OrderStatus, OrderVisibility


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _unit_price(value: Decimal | None) -> str | None:
    return None if value is None else format_unit_price(value)


class OrderFacts(EventPayload):
    """What anybody who sees the order reads on the board (no invitations, no parent)."""

    order_id: int
    client_firm_id: int
    title: str
    phase: str
    quantity: str
    unit: str
    target_unit_price: str | None
    region: str
    visibility: OrderVisibility
    sealed: bool
    status: OrderStatus
    revision: int
    bid_deadline: datetime
    delivery_due: date


class OrderCreated(OrderFacts):
    TYPE: ClassVar[str] = "order.created"


class OrderUpdated(OrderFacts):
    TYPE: ClassVar[str] = "order.updated"
    bids_need_confirmation: bool


class OrderCancelled(OrderFacts):
    TYPE: ClassVar[str] = "order.cancelled"
    reason: str


class OrderAwarded(OrderFacts):
    """Every bidder hears who won, never at what price."""

    TYPE: ClassVar[str] = "order.awarded"
    winning_bid_id: int
    supplier_firm_id: int


class BidFacts(EventPayload):
    """For the client and the bidder together: amounts only once the client may see them
    (absent, not null, while a sealed order's deadline has not passed)."""

    bid_id: int
    order_id: int
    firm_id: int
    status: BidStatus
    delivery_date: date
    order_revision: int
    unit_price: str | None = None
    total_price: str | None = None
    # Whether the unit price is below the reference tariff in force: it tells about the
    # price, so it is sealed with the amounts.
    below_tariff: bool | None = None

    @model_serializer(mode="wrap")
    def _omit_sealed_amounts(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if self.unit_price is None:
            data.pop("unit_price", None)
            data.pop("total_price", None)
            data.pop("below_tariff", None)
        return data


class BidCreated(BidFacts):
    TYPE: ClassVar[str] = "bid.created"


class BidUpdated(BidFacts):
    TYPE: ClassVar[str] = "bid.updated"


class BidWithdrawn(BidFacts):
    TYPE: ClassVar[str] = "bid.withdrawn"


class BidRejected(EventPayload):
    TYPE: ClassVar[str] = "bid.rejected"
    bid_id: int
    order_id: int
    reason: str


class ContractCreated(EventPayload):
    TYPE: ClassVar[str] = "contract.created"
    contract_id: int
    order_id: int
    bid_id: int
    client_firm_id: int
    supplier_firm_id: int
    phase: str
    quantity: str
    unit: str
    unit_price: str | None
    total_price: str | None
    due_date: date
    status: ContractStatus


class QuestionFacts(EventPayload):
    question_id: int
    order_id: int
    asker_firm_id: int
    text: str
    answer: str | None


class QuestionCreated(QuestionFacts):
    TYPE: ClassVar[str] = "question.created"


class QuestionAnswered(QuestionFacts):
    TYPE: ClassVar[str] = "question.answered"


def order_facts(order: Order, now: datetime) -> dict[str, Any]:
    assert order.id is not None
    return {
        "order_id": order.id,
        "client_firm_id": order.client_firm_id,
        "title": order.title,
        "phase": order.phase,
        "quantity": format_quantity(order.quantity),
        "unit": order.unit,
        "target_unit_price": _unit_price(order.target_unit_price),
        "region": order.region,
        "visibility": order.visibility,
        "sealed": order.sealed,
        "status": lifecycle.effective_status(order, now),
        "revision": order.revision,
        "bid_deadline": order.bid_deadline,
        "delivery_due": order.delivery_due,
    }


def bid_facts(bid: Bid | NewBid, order: Order, now: datetime) -> dict[str, Any]:
    assert bid.id is not None
    data: dict[str, Any] = {
        "bid_id": bid.id,
        "order_id": bid.order_id,
        "firm_id": bid.firm_id,
        "status": bid.status,
        "delivery_date": bid.delivery_date,
        "order_revision": bid.order_revision,
    }
    if not lifecycle.amounts_sealed(order, now):
        data["unit_price"] = _unit_price(bid.unit_price)
        data["total_price"] = _money(bid.total_price)
        data["below_tariff"] = bid.below_tariff
    return data


def contract_created(contract: Contract) -> ContractCreated:
    assert contract.id is not None
    return ContractCreated(
        contract_id=contract.id,
        order_id=contract.order_id,
        bid_id=contract.bid_id,
        client_firm_id=contract.client_firm_id,
        supplier_firm_id=contract.supplier_firm_id,
        phase=contract.phase,
        quantity=format_quantity(contract.quantity),
        unit=contract.unit,
        unit_price=_unit_price(contract.unit_price),
        total_price=_money(contract.total_price),
        due_date=contract.due_date,
        status=contract.status,
    )


def question_facts(question: Question) -> dict[str, Any]:
    assert question.id is not None
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
    if order.visibility == OrderVisibility.PUBLIC:
        audience.add(phase_key(order.phase))
    elif order.visibility == OrderVisibility.INVITED:
        invited = (await OrderRepository(session).invitations([order.id]))[order.id]
        audience.update(firm_key(f) for f in invited)
    elif order.visibility == OrderVisibility.CONSORTIUM and order.consortium_id is not None:
        members = await FirmLookup(session).consortium_firms_in_phase(
            order.consortium_id, order.phase
        )
        audience.update(firm_key(f) for f in members)
    return audience


async def order_published(session: AsyncSession, order: Order, now: datetime) -> None:
    payload = OrderCreated(**order_facts(order, now))
    await emit(session, payload, await order_audience(session, order))


async def order_updated(
    session: AsyncSession, order: Order, now: datetime, bidder_firms: list[int]
) -> None:
    audience = await order_audience(session, order)
    audience.update(firm_key(f) for f in bidder_firms)
    payload = OrderUpdated(**order_facts(order, now), bids_need_confirmation=bool(bidder_firms))
    await emit(session, payload, audience)


async def order_cancelled(
    session: AsyncSession, order: Order, now: datetime, bidder_firms: list[int], reason: str
) -> None:
    audience = {firm_key(order.client_firm_id)} | {firm_key(f) for f in bidder_firms}
    await emit(session, OrderCancelled(**order_facts(order, now), reason=reason), audience)


async def bid_changed(
    session: AsyncSession, kind: type[BidFacts], bid: Bid | NewBid, order: Order, now: datetime
) -> None:
    await emit(
        session,
        kind(**bid_facts(bid, order, now)),
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
    assert order.id is not None
    award = OrderAwarded(
        **order_facts(order, now),
        winning_bid_id=contract.bid_id,
        supplier_firm_id=contract.supplier_firm_id,
    )
    await emit(session, award, audience)
    for bid in losers:
        assert bid.id is not None
        rejected = BidRejected(bid_id=bid.id, order_id=order.id, reason="awarded to another bid")
        await emit(session, rejected, {firm_key(bid.firm_id)})
    await emit(
        session,
        contract_created(contract),
        {firm_key(contract.client_firm_id), firm_key(contract.supplier_firm_id)},
    )


async def question_asked(session: AsyncSession, question: Question, order: Order) -> None:
    await emit(
        session, QuestionCreated(**question_facts(question)), {firm_key(order.client_firm_id)}
    )


async def question_answered(session: AsyncSession, question: Question, order: Order) -> None:
    await emit(
        session,
        QuestionAnswered(**question_facts(question)),
        {firm_key(order.client_firm_id), firm_key(question.asker_firm_id)},
    )
