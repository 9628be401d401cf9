"""The daily reminders, run by the scheduler (once a day across all processes).

Each reminder is an event with the audience of the live channel: the firms concerned.
Deadlines are counted in district days (midnight to midnight in Prato, ``clock.day_bounds``),
the days the people reminded live by, so each order, contract or review is reminded on
exactly one day's run.
"""

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit.clock import day_bounds, district_date
from distretto.kit.events import emit, firm_key
from distretto.mail.events import BidDeadlineReminder, DeliveryDueReminder, ReviewPendingReminder
from distretto.mail.repository import ReminderRepository

DELIVERY_NOTICE_DAYS = 3
REVIEW_AFTER_DAYS = 3


async def bid_deadlines(session: AsyncSession, now: datetime) -> int:
    """Orders whose bidding closes tomorrow: the client hears how many bids it has; the
    firms with a live bid or a question are reminded (without the count: how many
    competitors there are is the client's to know)."""
    repo = ReminderRepository(session)
    start, end = day_bounds(district_date(now) + timedelta(days=1))
    orders = await repo.orders_closing(start, end)
    for order in orders:
        assert order.id is not None
        bidders = await repo.live_bidders(order.id)
        facts = {"order_id": order.id, "title": order.title, "bid_deadline": order.bid_deadline}
        await emit(
            session,
            BidDeadlineReminder(**facts, bid_count=len(bidders)),
            [firm_key(order.client_firm_id)],
        )
        others = (set(bidders) | set(await repo.askers(order.id))) - {order.client_firm_id}
        if others:
            await emit(session, BidDeadlineReminder(**facts), [firm_key(f) for f in others])
    return len(orders)


async def deliveries_due(session: AsyncSession, now: datetime) -> int:
    contracts = await ReminderRepository(session).contracts_due(
        district_date(now) + timedelta(days=DELIVERY_NOTICE_DAYS)
    )
    for contract in contracts:
        assert contract.id is not None
        await emit(
            session,
            DeliveryDueReminder(
                contract_id=contract.id, order_id=contract.order_id, due_date=contract.due_date
            ),
            [firm_key(contract.supplier_firm_id)],
        )
    return len(contracts)


async def reviews_pending(session: AsyncSession, now: datetime) -> int:
    """Contracts completed three days ago: each party that has not reviewed the other."""
    repo = ReminderRepository(session)
    start, end = day_bounds(district_date(now) - timedelta(days=REVIEW_AFTER_DAYS))
    reminded = 0
    for contract in await repo.completed_between(start, end):
        assert contract.id is not None
        missing = {contract.client_firm_id, contract.supplier_firm_id} - await repo.reviewers(
            contract.id
        )
        if missing:
            await emit(
                session,
                ReviewPendingReminder(contract_id=contract.id, order_id=contract.order_id),
                [firm_key(f) for f in sorted(missing)],
            )
            reminded += len(missing)
    return reminded
