"""A year of market history, a live board, and everyone's reputation.

~150 past orders from the final firms (and a few sub-orders from their first-level
suppliers) with 2-6 bids each, most awarded; contracts mostly completed, some late, a
few disputed; reviews on most completed ones; ~25 orders open for bids right now. Every
timestamp follows the rules: order < bids < deadline < award < delivery < acceptance <
reviews, and nothing lies in the future except open deadlines and due dates.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from distretto.kit import clock
from distretto.kit.money import line_total
from distretto.models import (
    Bid,
    Contract,
    ContractMessage,
    Order,
    OrderInvitation,
    Review,
)
from distretto.models.contracts import ContractStatus, DisputeOutcome
from distretto.models.market import BidStatus, OrderStatus
from distretto.reputation.service import backfill_history, recompute_all
from distretto.seed.market_catalogue import (
    CATALOGUE,
    CHAINS,
    QUESTIONS_AND_MESSAGES,
    REVIEW_COMMENTS,
    Work,
)
from distretto.seed.trade import price_quantum, trade_terms
from distretto.seed.world import DemoFirm, DemoWorld

PAST_ORDERS = 150
OPEN_ORDERS = 25


@dataclass(frozen=True)
class Profile:
    """How a supplier behaves: the demo's reputations come out of these."""

    on_time: float  # probability of delivering by the due date
    quality: float  # mean star rating its clients give
    disputes: float = 0.03  # probability that a client contests a delivery


@dataclass
class Market:
    world: DemoWorld
    now: datetime
    profiles: dict[int, Profile]

    @property
    def rng(self) -> random.Random:
        return self.world.rng


def _at(moment: datetime, rng: random.Random, min_days: float, max_days: float) -> datetime:
    return moment + timedelta(days=rng.uniform(min_days, max_days))


def _italian(quantity: int) -> str:
    return f"{quantity:,}".replace(",", ".")


def _chain(firm: DemoFirm) -> tuple[str, ...]:
    for kind, phases in CHAINS.items():
        if kind in firm.phases:
            return phases
    return CHAINS["textile"]


def _suppliers(world: DemoWorld, phase: str, client: DemoFirm) -> list[DemoFirm]:
    """Firms that may bid: they work the phase, are not the client, nor of its group."""
    return [
        f
        for f in world.suppliers_for(phase)
        if f.id != client.id
        and (client.ownership_group_id is None or f.ownership_group_id != client.ownership_group_id)
    ]


def _profiles(world: DemoWorld) -> dict[int, Profile]:
    rng = world.rng
    suppliers = [f for f in world.firms if f not in world.final_firms]
    profiles = {
        f.id: Profile(on_time=rng.uniform(0.7, 0.98), quality=rng.uniform(3.3, 4.8))
        for f in suppliers
    }
    # Every district knows its unreliable few.
    for firm in rng.sample(suppliers, k=2):
        profiles[firm.id] = Profile(on_time=0.45, quality=2.6, disputes=0.25)
    return profiles


def _order(
    market: Market,
    client: DemoFirm,
    phase: str,
    created: datetime,
    deadline: datetime,
    **fields: object,
) -> tuple[Order, Work, int]:
    rng = market.rng
    work = rng.choice(CATALOGUE[phase])
    quantity = rng.randrange(work.quantity[0], work.quantity[1] + 1, 50)
    target = Decimal(str(rng.uniform(*work.unit_price))).quantize(price_quantum(work.unit))
    order = Order(
        client_firm_id=client.id,
        created_by_user_id=client.owner_user_id,
        title=work.title.format(q=_italian(quantity)),
        description=work.description,
        phase=phase,
        quantity=quantity,
        unit=work.unit,
        target_unit_price=target if rng.random() < 0.6 else None,
        bid_deadline=deadline,
        delivery_due=(deadline + timedelta(days=rng.randint(18, 45))).date(),
        region=client.region,
        created_at=created,
        updated_at=created,
        **(trade_terms(client, work.unit) | fields),
    )
    return order, work, quantity


def _bids(
    market: Market,
    order: Order,
    work: Work,
    bidders: list[DemoFirm],
    until: datetime,
    status: str,
) -> list[Bid]:
    rng = market.rng
    reference = rng.uniform(*work.unit_price)
    bids = []
    for firm in bidders:
        price = Decimal(str(reference * rng.uniform(0.85, 1.2))).quantize(price_quantum(order.unit))
        created = _at(order.created_at, rng, 0.1, max(0.2, (until - order.created_at).days - 0.1))
        bids.append(
            Bid(
                order_id=order.id,
                firm_id=firm.id,
                created_by_user_id=firm.owner_user_id,
                unit_price=price,
                total_price=line_total(order.quantity, price),
                # The bidders confirm the terms the client proposed.
                payment_method=order.payment_method,
                payment_days=order.payment_days,
                payment_end_of_month=order.payment_end_of_month,
                delivery_date=order.delivery_due - timedelta(days=rng.randint(0, 8)),
                notes=rng.choice(
                    (
                        "",
                        "",
                        "Disponibili a partire dalla prossima settimana.",
                        "Prezzo comprensivo di trasporto.",
                    )
                ),
                status=status,
                created_at=min(created, until - timedelta(hours=1)),
                updated_at=min(created, until - timedelta(hours=1)),
            )
        )
    return bids


def _stars(rng: random.Random, mean: float) -> int:
    return max(1, min(5, round(rng.gauss(mean, 0.6))))


def _reviews(market: Market, contract: Contract) -> list[Review]:
    """Most clients and many suppliers review, within days of completion."""
    rng, now = market.rng, market.now
    assert contract.completed_at is not None and contract.id is not None
    profile = market.profiles.get(contract.supplier_firm_id, Profile(0.85, 4.0))
    reviews = []
    delivered = contract.delivered_at or contract.completed_at
    days_late = (delivered.date() - contract.due_date).days
    timeliness = 5 if days_late < 0 else 4 if days_late == 0 else 3 if days_late <= 3 else 2
    sides = (
        (contract.client_firm_id, contract.supplier_firm_id, "supplier", 0.85, profile.quality),
        (contract.supplier_firm_id, contract.client_firm_id, "client", 0.7, 4.3),
    )
    for reviewer, reviewee, role, chance, mean in sides:
        written = _at(contract.completed_at, rng, 0.1, 10)
        if rng.random() > chance or written > now:
            continue
        quality = _stars(rng, mean)
        reviews.append(
            Review(
                contract_id=contract.id,
                reviewer_firm_id=reviewer,
                reviewee_firm_id=reviewee,
                reviewee_role=role,
                quality=quality,
                timeliness=timeliness if role == "supplier" else _stars(rng, 4.2),
                communication=_stars(rng, (mean + 4) / 2),
                comment=rng.choice(REVIEW_COMMENTS[quality]),
                created_at=written,
            )
        )
    return reviews


def _messages(market: Market, contract: Contract, until: datetime) -> list[ContractMessage]:
    rng = market.rng
    assert contract.id is not None
    messages = []
    moment = contract.created_at
    for index in range(rng.randint(0, 3)):
        moment = _at(moment, rng, 0.2, 4)
        if moment >= until:
            break
        firm = contract.supplier_firm_id if index % 2 == 0 else contract.client_firm_id
        owner = next(f.owner_user_id for f in market.world.firms if f.id == firm)
        text = QUESTIONS_AND_MESSAGES[rng.randrange(len(QUESTIONS_AND_MESSAGES))]
        messages.append(
            ContractMessage(
                contract_id=contract.id,
                firm_id=firm,
                user_id=owner,
                text=text.format(n=rng.randint(100, 999)),
                created_at=moment,
            )
        )
    return messages


def _run_contract(market: Market, contract: Contract) -> None:
    """Deliver, accept or dispute the contract as far as the clock has got."""
    rng, now = market.rng, market.now
    profile = market.profiles.get(contract.supplier_firm_id, Profile(0.85, 4.0))
    due = datetime.combine(contract.due_date, datetime.min.time(), tzinfo=UTC)
    if rng.random() < profile.on_time:
        delivered = due - timedelta(days=rng.uniform(0, 5)) + timedelta(hours=rng.uniform(8, 17))
    else:
        delivered = due + timedelta(days=rng.uniform(1, 12), hours=rng.uniform(8, 17))
    delivered = max(delivered, contract.created_at + timedelta(days=3))
    if delivered > now:
        return  # still in the works (overdue if past its due date)
    contract.status, contract.delivered_at = ContractStatus.DELIVERED, delivered
    if rng.random() < profile.disputes:
        # Staff take a few days: a recent dispute is still waiting in their queue.
        recent = delivered > now - timedelta(days=25)
        good_work = rng.random() < profile.quality / 5
        _dispute(market, contract, "open" if recent else "completed" if good_work else "cancelled")
        return
    accepted = _at(delivered, rng, 0.5, 6)
    if accepted <= now:
        contract.status, contract.completed_at = ContractStatus.COMPLETED, accepted


def _dispute(market: Market, contract: Contract, outcome: str) -> None:
    """The client contests the delivery; staff decide (or have yet to)."""
    rng = market.rng
    assert contract.delivered_at is not None
    contract.status = ContractStatus.DISPUTED
    contract.disputed_at = min(_at(contract.delivered_at, rng, 0.5, 3), market.now)
    contract.dispute_opened_by_firm_id = contract.client_firm_id
    contract.dispute_reason = (
        "Il lotto presenta difetti diffusi: tonalità fuori tolleranza su metà dei capi."
        if outcome != "completed"
        else "Consegna contestata: misure non conformi alla scheda tecnica."
    )
    if outcome == "open":
        return
    resolved = _at(contract.disputed_at, rng, 2, 6)
    contract.status = ContractStatus(outcome)
    contract.dispute_outcome = DisputeOutcome(outcome)
    contract.dispute_resolved_at = resolved
    if outcome == "completed":
        contract.completed_at = resolved
        contract.dispute_note = "Perizia: le misure rientrano nella tolleranza concordata."
    else:
        contract.cancelled_at = resolved
        contract.dispute_note = "Perizia: difetti confermati, il contratto è annullato."


def _award(market: Market, order: Order, bids: list[Bid]) -> Contract:
    rng = market.rng
    cheapest = sorted(bids, key=lambda b: b.unit_price)[:2]
    winner = rng.choice(cheapest)
    awarded_at = _at(order.bid_deadline, rng, 0.1, 2)
    for bid in bids:
        bid.status = BidStatus.AWARDED if bid is winner else BidStatus.REJECTED
        bid.updated_at = awarded_at
    order.status, order.updated_at = OrderStatus.AWARDED, awarded_at
    assert order.id is not None and winner.id is not None
    return Contract(
        order_id=order.id,
        bid_id=winner.id,
        client_firm_id=order.client_firm_id,
        supplier_firm_id=winner.firm_id,
        phase=order.phase,
        quantity=order.quantity,
        unit=order.unit,
        unit_price=winner.unit_price,
        total_price=winner.total_price,
        due_date=winner.delivery_date,
        created_at=awarded_at,
        vat_rate=order.vat_rate,
        vat_nature=order.vat_nature,
        delivery_tolerance_percent=order.delivery_tolerance_percent,
        payment_method=winner.payment_method,
        payment_days=winner.payment_days,
        payment_end_of_month=winner.payment_end_of_month,
    )


@dataclass(frozen=True)
class Plan:
    client: DemoFirm
    phase: str
    created: datetime
    parent: Contract | None = None


async def _past_orders(market: Market, plans: list[Plan]) -> list[Contract]:
    """Orders from the past, run to where the clock has got: one batch per step."""
    rng, session = market.rng, market.world.session
    orders = []
    for plan in plans:
        deadline = _at(plan.created, rng, 5, 12)
        parent_id = plan.parent.id if plan.parent else None
        order, work, _ = _order(
            market, plan.client, plan.phase, plan.created, deadline, parent_contract_id=parent_id
        )
        orders.append((order, work, plan))
    session.add_all([order for order, _, _ in orders])
    await session.flush()
    offers = []
    for order, work, plan in orders:
        candidates = _suppliers(market.world, plan.phase, plan.client)
        bidders = rng.sample(candidates, k=min(len(candidates), rng.randint(2, 6)))
        offers.append((order, _bids(market, order, work, bidders, order.bid_deadline, "active")))
    session.add_all([bid for _, bids in offers for bid in bids])
    await session.flush()
    contracts = []
    for order, bids in offers:
        fate = rng.random()
        if fate < 0.06:
            # Cancelled by the client, or closed at the deadline without an award.
            order.status = OrderStatus.CANCELLED if fate < 0.03 else OrderStatus.CLOSED
            for bid in bids:
                bid.status = BidStatus.REJECTED
            continue
        contracts.append(_award(market, order, bids))
    session.add_all(contracts)
    await session.flush()
    for contract in contracts:
        _run_contract(market, contract)
        session.add_all(_messages(market, contract, market.now))
        if contract.status == "completed":
            session.add_all(_reviews(market, contract))
    await session.flush()
    return contracts


def _sub_plan(market: Market, parent: Contract) -> Plan | None:
    """The first-level supplier subcontracts a phase it does not do (the multi-tier chain)."""
    world, rng = market.world, market.rng
    first_level = next(f for f in world.firms if f.id == parent.supplier_firm_id)
    client_chain = _chain(next(f for f in world.firms if f.id == parent.client_firm_id))
    phases = [
        p
        for p in client_chain
        if p not in first_level.phases and len(_suppliers(world, p, first_level)) >= 2
    ]
    if not phases:
        return None
    return Plan(first_level, rng.choice(phases), _at(parent.created_at, rng, 0.2, 2), parent)


async def _history(market: Market) -> list[Contract]:
    rng, world = market.rng, market.world
    plans = []
    for created in sorted(
        market.now - timedelta(days=rng.uniform(20, 365)) for _ in range(PAST_ORDERS - 12)
    ):
        client = rng.choice(world.final_firms)
        phases = [p for p in _chain(client) if len(_suppliers(world, p, client)) >= 2]
        plans.append(Plan(client, rng.choice(phases), created))
    contracts = await _past_orders(market, plans)
    # Sub-orders are posted while their parent contract is still being worked on.
    parents = [c for c in contracts if c.created_at < market.now - timedelta(days=25)]
    sub_plans = [
        plan
        for parent in rng.sample(parents, k=min(len(parents), 12))
        if (plan := _sub_plan(market, parent)) is not None
    ]
    return contracts + await _past_orders(market, sub_plans)


async def _open_board(market: Market) -> None:
    """Orders open for bids right now, deadlines in the coming weeks."""
    rng, world, session = market.rng, market.world, market.world.session
    for index in range(OPEN_ORDERS):
        client = world.final_firms[index % len(world.final_firms)]
        phases = [p for p in _chain(client) if len(_suppliers(world, p, client)) >= 2]
        phase = rng.choice(phases)
        created = market.now - timedelta(days=rng.uniform(0.5, 6))
        deadline = market.now + timedelta(days=rng.uniform(3, 21))
        candidates = _suppliers(world, phase, client)
        invited = index % 8 == 7
        order, work, _ = _order(
            market,
            client,
            phase,
            created,
            deadline,
            visibility="invited" if invited else "public",
            sealed=rng.random() < 0.2,
        )
        session.add(order)
        await session.flush()
        bidders = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 5)))
        if invited:
            guests = {f.id for f in bidders} | {f.id for f in rng.sample(candidates, k=1)}
            session.add_all([OrderInvitation(order_id=order.id, firm_id=g) for g in guests])
        session.add_all(_bids(market, order, work, bidders, market.now, "active"))
    await session.flush()


def _month_ends(now: datetime) -> list[datetime]:
    first = datetime(now.year, now.month, 1, tzinfo=UTC)
    points = []
    for back in range(12, 0, -1):
        year, month = divmod(first.month - 1 - back + 12 * first.year, 12)
        points.append(datetime(year, month + 1, 1, tzinfo=UTC))
    return points


async def seed_market(world: DemoWorld) -> None:
    now = clock.now()
    market = Market(
        world=world,
        now=now,
        profiles=_profiles(world),
    )
    contracts = await _history(market)
    if not any(c.status == "disputed" for c in contracts):
        # The staff console's dispute queue should never be empty in the demo.
        delivered = [c for c in contracts if c.status == "delivered"]
        if delivered:
            _dispute(market, max(delivered, key=lambda c: c.delivered_at or now), "open")
    await _open_board(market)
    await world.session.flush()
    await backfill_history(world.session, _month_ends(now))
    await recompute_all(world.session, now)
