"""Orders: the board (search, listings), one order, invitations, the firms it concerns."""

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import (
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.capacity import service as capacity
from distretto.kit.clock import district_date
from distretto.kit.pagination import PageParams, encode_cursor
from distretto.kit.repository import Repository, compiled_rows
from distretto.market.repositories.common import (
    _WORD,
    MAX_SEARCH_WORDS,
    Lock,
    _checked_cursor,
    _locked,
)
from distretto.market.repositories.visibility import (
    NOW,
    Reach,
    _reach,
    _viewer_parameters,
    _visibility_of_viewer_firms,
    in_firms,
    readable_orders,
    status_is,
    viewer_firms,
    visible_to_firms,
)
from distretto.models import (
    Bid,
    ConsortiumMember,
    Contract,
    Firm,
    FirmPhase,
    Order,
    OrderInvitation,
    ReferenceTariff,
)
from distretto.models.consortia import MemberStatus
from distretto.models.market import LIVE_BID_STATUSES
from distretto.tariffs import service as tariffs


def search_words(q: str | None) -> list[str]:
    return _WORD.findall(q.lower())[:MAX_SEARCH_WORDS] if q else []


def search_condition(word_count: int, dialect: str) -> ColumnElement[bool]:
    """All words must match; the values come from ``search_parameters``."""
    if dialect == "postgresql":
        # Same expression as the GIN indexes ix_orders_search and ix_orders_open_search
        # (models.market), or the planner cannot use them.
        document = func.to_tsvector(
            literal_column("'simple'::regconfig"),
            Order.title + literal_column("' '") + Order.description,
        )
        # The query goes into the SQL text as a constant (rendered at execution; the words
        # are letters and digits only): a bound parameter would let PostgreSQL settle on
        # one generic plan for every search, and the plan that is right for a rare word
        # (the GIN index) reads tens of thousands of rows for a common one, where walking
        # ix_orders_status_id backwards stops after a page.
        query = func.to_tsquery(
            literal_column("'simple'::regconfig"),
            bindparam("search_query", type_=String, literal_execute=True),
        )
        return document.op("@@")(query)
    return and_(
        *(
            or_(
                func.lower(Order.title).like(bindparam(f"search_word_{i}", type_=String)),
                func.lower(Order.description).like(bindparam(f"search_word_{i}", type_=String)),
            )
            for i in range(word_count)
        )
    )


def search_parameters(words: Sequence[str], dialect: str) -> dict[str, str]:
    if dialect == "postgresql":
        # Every word matches as a prefix ("tess" finds "tessuto").
        return {"search_query": " & ".join(f"{w}:*" for w in words)}
    return {f"search_word_{i}": f"%{word}%" for i, word in enumerate(words)}


def _live_bid() -> ColumnElement[bool]:
    # Equalities, not ``IN (list)``: a list is an expanding parameter, and one of those
    # makes SQLAlchemy render the whole (cached) statement anew at every execution.
    return or_(*(Bid.status == status for status in LIVE_BID_STATUSES))


def live_bid_count() -> Any:
    """The number of live bids of the order in the enclosing statement's row."""
    return select(func.count()).where(Bid.order_id == Order.id, _live_bid()).scalar_subquery()


@dataclass(frozen=True)
class ListedOrder:
    """An order with what every listing of it shows, read by the same statement."""

    order: Order
    client_firm_name: str
    bid_count: int


# Listings select the columns of orders (Core), not the mapped class: a row comes back as
# a plain tuple instead of an ORM object with its identity-map entry and instance state,
# which cost more CPU than the rest of reading a board page. Same columns, same names.
_ORDER_COLUMNS = tuple(sa.inspect(Order).local_table.columns)


def _listing(condition: ColumnElement[bool]) -> Select[Any]:
    return (
        sa.select(
            *_ORDER_COLUMNS,
            Firm.name.label("client_firm_name"),
            live_bid_count().label("bid_count"),
        )
        .join(Firm, Firm.id == Order.client_firm_id)
        .where(condition)
    )


def _listed(row: Row[Any]) -> ListedOrder:
    # The row has every column of orders under its attribute name: it reads as an Order
    # (and is only ever read: nothing writes through a listing).
    return ListedOrder(cast(Order, row), row.client_firm_name, row.bid_count)


@dataclass(frozen=True)
class _BoardShape:
    """What a board statement looks like; the values are parameters of its execution."""

    reach: Reach
    status: str | None
    phase: bool
    firm: bool
    region: bool
    mine: bool
    search_words: int
    dialect: str
    after_cursor: bool
    fits_capacity: bool = False


@functools.cache
def _board_statement(shape: _BoardShape) -> Select[Any]:
    conditions = [_visibility_of_viewer_firms(shape.reach, shape.dialect)]
    if shape.status:
        conditions.append(status_is(shape.status, NOW))
    if shape.phase:
        conditions.append(Order.phase == bindparam("phase"))
    if shape.firm:
        conditions.append(Order.client_firm_id == bindparam("client_firm_id"))
    if shape.region:
        conditions.append(func.lower(Order.region) == bindparam("region"))
    if shape.mine:
        conditions.append(in_firms(Order.client_firm_id, viewer_firms(shape.dialect)))
    if shape.search_words:
        conditions.append(search_condition(shape.search_words, shape.dialect))
    if shape.after_cursor:
        conditions.append(col(Order.id) < bindparam("after_id"))
    if shape.fits_capacity:
        conditions.append(capacity.fits_capacity_condition())
    return (
        _listing(and_(*conditions))
        .order_by(col(Order.id).desc())
        .limit(bindparam("limit", type_=Integer))
    )


@functools.cache
def _readable_listed_statement(reach: Reach, dialect: str) -> Select[Any]:
    return _listing(
        and_(Order.id == bindparam("order_id"), _visibility_of_viewer_firms(reach, dialect))
    )


@dataclass(frozen=True)
class BidTarget:
    """An order a firm means to bid on, with every fact placing the bid checks."""

    order: Order
    client: Firm
    bidder: Firm
    offered_to_bidder: bool
    bidder_has_live_bid: bool
    # The reference tariff in force today for the order's phase and unit, if any.
    tariff: ReferenceTariff | None = None


def _bidder_firms(dialect: str) -> Any:
    if dialect == "postgresql":
        return bindparam("bidder_firm_ids", type_=sa.ARRAY(Integer))
    return bindparam("bidder_firm_ids", expanding=True)


_CLIENT_FIRM = aliased(Firm, name="client_firm")
_BIDDER_FIRM = aliased(Firm, name="bidder_firm")


@functools.cache
def _bid_target_statement(reach: Reach, lock: Lock, dialect: str) -> Select[Any]:
    bidder_id = bindparam("bidder_firm_id", type_=Integer)
    has_live_bid = exists().where(Bid.order_id == Order.id, Bid.firm_id == bidder_id, _live_bid())
    stmt = (
        sa.select(
            Order,
            _CLIENT_FIRM,
            _BIDDER_FIRM,
            visible_to_firms(_bidder_firms(dialect)).label("offered"),
            has_live_bid.label("has_live_bid"),
            ReferenceTariff,
        )
        .join(_CLIENT_FIRM, _CLIENT_FIRM.id == Order.client_firm_id)
        .join(_BIDDER_FIRM, _BIDDER_FIRM.id == bidder_id)
        .outerjoin(
            ReferenceTariff, tariffs.in_force_condition(Order.phase, Order.unit, bindparam("today"))
        )
        .where(Order.id == bindparam("order_id"), _visibility_of_viewer_firms(reach, dialect))
    )
    locked: Select[Any] = _locked(stmt, lock, of=Order)
    return locked


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def readable(self, viewer: Viewer, order_id: int, lock: Lock = None) -> Order | None:
        stmt = _locked(readable_orders(viewer).where(Order.id == order_id), lock)
        return (await self.session.scalars(stmt)).first()

    async def readable_listed(self, viewer: Viewer, order_id: int) -> ListedOrder | None:
        rows = await compiled_rows(
            self.session,
            _readable_listed_statement(_reach(viewer), _dialect(self.session)),
            _viewer_parameters(viewer) | {"order_id": order_id},
        )
        return _listed(rows[0]) if rows else None

    async def listed(self, order: Order) -> ListedOrder:
        """The listing facts of an order already read (and readable)."""
        return _listed((await self.session.execute(_listing(Order.id == order.id))).one())

    async def bid_target(
        self, viewer: Viewer, order_id: int, firm_id: int, lock: Lock, today: date
    ) -> BidTarget | None:
        """The order if the viewer may read it, its client and the bidding firm, whether
        the order is offered to that firm and whether the firm already has a live bid on
        it: one statement, locking only the order's row."""
        parameters = _viewer_parameters(viewer) | {
            "order_id": order_id,
            "bidder_firm_id": firm_id,
            "bidder_firm_ids": [firm_id],
            "today": today,
        }
        statement = _bid_target_statement(_reach(viewer), lock, _dialect(self.session))
        row = (await self.session.execute(statement, parameters)).first()
        if row is None:
            return None
        order, client_firm, bidder_firm, offered, has_live, tariff = row
        return BidTarget(order, client_firm, bidder_firm, bool(offered), bool(has_live), tariff)

    async def locked(self, order_id: int, lock: Lock) -> Order:
        """An order already known to be readable (through one of its bids), locked."""
        order = (
            await self.session.scalars(_locked(select(Order).where(Order.id == order_id), lock))
        ).one()
        return order

    async def visible_to_firm(self, order_id: int, firm_id: int) -> bool:
        stmt = select(Order.id).where(Order.id == order_id, visible_to_firms([firm_id]))
        return (await self.session.scalar(stmt)) is not None

    async def board(
        self,
        viewer: Viewer,
        params: PageParams,
        now: datetime,
        *,
        status: str | None,
        phase: str | None,
        q: str | None,
        firm_id: int | None,
        region: str | None,
        mine: bool,
        capacity_firm_id: int | None = None,
    ) -> tuple[list[ListedOrder], str | None]:
        after = _checked_cursor(params)
        words = search_words(q)
        dialect = self.session.get_bind().dialect.name
        shape = _BoardShape(
            reach=_reach(viewer),
            status=status or None,
            phase=bool(phase),
            firm=firm_id is not None,
            region=bool(region),
            mine=mine,
            search_words=len(words),
            dialect=dialect,
            after_cursor=after is not None,
            fits_capacity=capacity_firm_id is not None,
        )
        parameters = _viewer_parameters(viewer) | {
            "now": now,
            "phase": phase,
            "client_firm_id": firm_id,
            "region": region.lower() if region else None,
            "after_id": after,
            "limit": params.limit + 1,
            "capacity_firm_id": capacity_firm_id,
            "capacity_from": capacity.monday_of(district_date(now)),
        }
        parameters |= search_parameters(words, dialect)
        rows = [
            _listed(row)
            for row in await compiled_rows(self.session, _board_statement(shape), parameters)
        ]
        if len(rows) <= params.limit:
            return rows, None
        rows = rows[: params.limit]
        return rows, encode_cursor([rows[-1].order.id])

    async def add(self, order: Order, invited_firm_ids: Iterable[int]) -> Order:
        self.session.add(order)
        await self.session.flush()
        self.session.add_all(
            [OrderInvitation(order_id=order.id, firm_id=firm_id) for firm_id in invited_firm_ids]
        )
        await self.session.flush()
        return order

    async def save(self, order: Order) -> None:
        self.session.add(order)
        await self.session.flush()

    async def move(
        self, order: Order, from_statuses: Sequence[str], values: dict[str, Any]
    ) -> bool:
        """Conditional state change: only one of any number of racing requests wins."""
        result = await self.session.execute(
            update(Order)
            .where(Order.id == order.id, col(Order.status).in_(from_statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            return False
        for field, value in values.items():
            # Mirror what the database now holds without queueing a second UPDATE.
            set_committed_value(order, field, value)
        return True

    async def invitations(self, order_ids: Sequence[int]) -> dict[int, list[int]]:
        rows = await self.session.execute(
            select(OrderInvitation.order_id, OrderInvitation.firm_id)
            .where(col(OrderInvitation.order_id).in_(order_ids))
            .order_by(OrderInvitation.firm_id)
        )
        result: dict[int, list[int]] = {order_id: [] for order_id in order_ids}
        for order_id, firm_id in rows.all():
            result[order_id].append(firm_id)
        return result

    async def live_bidder_firms(self, order_id: int) -> list[int]:
        return list(
            (
                await self.session.scalars(
                    select(Bid.firm_id).where(
                        Bid.order_id == order_id, col(Bid.status).in_(LIVE_BID_STATUSES)
                    )
                )
            ).all()
        )


class FirmLookup(Repository):
    """The few facts about firms, consortia and contracts the market's rules need."""

    async def firm(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    async def names(self, firm_ids: Iterable[int]) -> dict[int, str]:
        rows = await self.session.execute(
            select(Firm.id, Firm.name).where(col(Firm.id).in_(set(firm_ids)))
        )
        return {firm_id: name for firm_id, name in rows.all()}

    async def existing(self, firm_ids: Iterable[int]) -> set[int]:
        return set(
            (
                await self.session.scalars(select(Firm.id).where(col(Firm.id).in_(set(firm_ids))))
            ).all()
        )

    async def is_active_consortium_member(self, consortium_id: int, firm_id: int) -> bool:
        stmt = select(ConsortiumMember.id).where(
            ConsortiumMember.consortium_id == consortium_id,
            ConsortiumMember.firm_id == firm_id,
            ConsortiumMember.status == MemberStatus.ACTIVE,
        )
        return (await self.session.scalar(stmt)) is not None

    async def consortium_firms_in_phase(self, consortium_id: int, phase: str) -> list[int]:
        stmt = (
            select(ConsortiumMember.firm_id)
            .join(FirmPhase, FirmPhase.firm_id == ConsortiumMember.firm_id)
            .where(
                ConsortiumMember.consortium_id == consortium_id,
                ConsortiumMember.status == MemberStatus.ACTIVE,
                FirmPhase.phase_code == phase,
            )
        )
        return list((await self.session.scalars(stmt)).all())

    async def contract(self, contract_id: int) -> Contract | None:
        return await self.session.get(Contract, contract_id)
