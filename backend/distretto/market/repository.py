"""Every query of the market board.

Reads start from the *readable* statements below, which already restrict rows to what
the viewer may see: ``readable_orders`` (the visibility rule), ``readable_questions`` and
``readable_bids`` (bid confidentiality, with sealed amounts blanked by the database
itself). Nothing is loaded first and filtered afterwards.
"""

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import (
    BindParameter,
    Boolean,
    ColumnElement,
    Integer,
    Row,
    Select,
    String,
    and_,
    bindparam,
    case,
    exists,
    false,
    func,
    literal_column,
    or_,
    true,
    type_coerce,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Invalid
from distretto.kit.pagination import PageParams, decode_cursor, encode_cursor, keyset_page
from distretto.models import (
    Bid,
    ConsortiumMember,
    Contract,
    Firm,
    FirmPhase,
    IdempotencyRecord,
    Order,
    OrderInvitation,
    Question,
)
from distretto.models.base import Money, utcnow
from distretto.models.market import LIVE_BID_STATUSES

Lock = Literal["share", "update"] | None
# Words of a board search: letters and digits only, so nothing needs escaping for
# LIKE or for to_tsquery; a few words are plenty and keep the query cheap.
_WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 8


def _locked(stmt: Any, lock: Lock, of: Any = None) -> Any:
    """``of``: lock only this table's rows when the statement joins others."""
    if lock is None:
        return stmt
    # SQLite ignores FOR UPDATE / FOR SHARE: there BEGIN IMMEDIATE serialises writers.
    return stmt.with_for_update(read=lock == "share", of=of).execution_options(
        populate_existing=True
    )


def _checked_cursor(params: PageParams) -> int | None:
    """The id a cursor points after; a forged cursor is a 422, never a database error."""
    if not params.cursor:
        return None
    (after,) = decode_cursor(params.cursor, 1)
    if not isinstance(after, int) or isinstance(after, bool):
        raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
    return after


# How each unique key the market relies on is reported: PostgreSQL names the constraint,
# SQLite lists its columns.
UNIQUE_KEYS = {
    "uq_bids_one_live_per_firm": "bids.order_id, bids.firm_id",
    "uq_contracts_order_id": "contracts.order_id",
    "uq_contracts_bid_id": "contracts.bid_id",
}


def is_unique_violation(exc: IntegrityError, constraint: str) -> bool:
    message = str(exc.orig)
    return f'"{constraint}"' in message or message.endswith(
        f"UNIQUE constraint failed: {UNIQUE_KEYS[constraint]}"
    )


# --- Visibility ---------------------------------------------------------------------------

# The hot reads (board, order detail, bid placement) run statements built once per shape
# and cached: building the visibility rule and the rest of a statement costs more CPU
# than PostgreSQL spends answering it. Every per-request value is a bound parameter.
VIEWER_FIRMS: BindParameter[Any] = bindparam("viewer_firm_ids", expanding=True)
NOW: BindParameter[Any] = bindparam("now")


def visible_to_firms(firm_ids: Sequence[int] | BindParameter[Any]) -> ColumnElement[bool]:
    """The market's visibility rule, for firms (staff see everything).

    A firm sees its own orders (drafts and hidden ones included) and, once published
    and unless hidden by moderation: public orders, invited orders it is invited to,
    consortium orders of a consortium it is an active member of, and any order it
    has bid on (so a bidder keeps following an order it can no longer discover).

    ``firm_ids`` is a list, or a bound parameter whose value the execution supplies.
    """
    if not isinstance(firm_ids, BindParameter) and not firm_ids:
        return false()
    invited = exists().where(
        OrderInvitation.order_id == Order.id, col(OrderInvitation.firm_id).in_(firm_ids)
    )
    member_of_consortium = col(Order.consortium_id).in_(
        select(ConsortiumMember.consortium_id).where(
            col(ConsortiumMember.firm_id).in_(firm_ids), ConsortiumMember.status == "active"
        )
    )
    has_bid = exists().where(Bid.order_id == Order.id, col(Bid.firm_id).in_(firm_ids))
    published = and_(
        Order.status != "draft",
        col(Order.hidden).is_(False),
        or_(
            Order.visibility == "public",
            and_(Order.visibility == "invited", invited),
            and_(Order.visibility == "consortium", member_of_consortium),
            has_bid,
        ),
    )
    return or_(col(Order.client_firm_id).in_(firm_ids), published)


def order_visibility(viewer: Viewer) -> ColumnElement[bool]:
    return true() if viewer.is_staff else visible_to_firms(viewer.firm_ids)


# Whose visibility a cached statement applies: staff see everything, a firm member what
# the firms see, and a signed-in user of no firm sees nothing (as ``visible_to_firms([])``).
Reach = Literal["staff", "firms", "nobody"]


def _reach(viewer: Viewer) -> Reach:
    if viewer.is_staff:
        return "staff"
    return "firms" if viewer.firm_ids else "nobody"


def _visibility_of_viewer_firms(reach: Reach) -> ColumnElement[bool]:
    """``order_visibility`` for cached statements: the firms are ``VIEWER_FIRMS``."""
    if reach == "staff":
        return true()
    return visible_to_firms(VIEWER_FIRMS) if reach == "firms" else false()


def _viewer_parameters(viewer: Viewer) -> dict[str, Any]:
    return {"viewer_firm_ids": viewer.firm_ids}


def readable_orders(viewer: Viewer) -> Select[Any]:
    return select(Order).where(order_visibility(viewer))


def status_is(status: str, now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    """``lifecycle.effective_status`` as a SQL condition."""
    if status == "open":
        # A constant, not a bound parameter: only then can PostgreSQL prove, even in the
        # generic plan of a prepared statement, that the partial index of open orders
        # (ix_orders_open_search, migration 0002d) covers the query.
        return and_(Order.status == literal_column("'open'"), Order.bid_deadline > now)
    if status == "closed":
        return or_(
            Order.status == "closed", and_(Order.status == "open", Order.bid_deadline <= now)
        )
    return col(Order.status) == status


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


def live_bid_count() -> Any:
    """The number of live bids of the order in the enclosing statement's row."""
    return (
        select(func.count())
        .where(Bid.order_id == Order.id, col(Bid.status).in_(LIVE_BID_STATUSES))
        .scalar_subquery()
    )


@dataclass(frozen=True)
class ListedOrder:
    """An order with what every listing of it shows, read by the same statement."""

    order: Order
    client_firm_name: str
    bid_count: int


def _listing(condition: ColumnElement[bool]) -> Select[Any]:
    return (
        sa.select(Order, Firm.name, live_bid_count())
        .join(Firm, Firm.id == Order.client_firm_id)
        .where(condition)
    )


def _listed(row: Row[Any]) -> ListedOrder:
    order, client_firm_name, bid_count = row
    return ListedOrder(order, client_firm_name, bid_count)


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


@functools.cache
def _board_statement(shape: _BoardShape) -> Select[Any]:
    conditions = [_visibility_of_viewer_firms(shape.reach)]
    if shape.status:
        conditions.append(status_is(shape.status, NOW))
    if shape.phase:
        conditions.append(Order.phase == bindparam("phase"))
    if shape.firm:
        conditions.append(Order.client_firm_id == bindparam("client_firm_id"))
    if shape.region:
        conditions.append(func.lower(Order.region) == bindparam("region"))
    if shape.mine:
        conditions.append(col(Order.client_firm_id).in_(VIEWER_FIRMS))
    if shape.search_words:
        conditions.append(search_condition(shape.search_words, shape.dialect))
    if shape.after_cursor:
        conditions.append(col(Order.id) < bindparam("after_id"))
    return (
        _listing(and_(*conditions))
        .order_by(col(Order.id).desc())
        .limit(bindparam("limit", type_=Integer))
    )


@functools.cache
def _readable_listed_statement(reach: Reach) -> Select[Any]:
    return _listing(and_(Order.id == bindparam("order_id"), _visibility_of_viewer_firms(reach)))


@dataclass(frozen=True)
class BidTarget:
    """An order a firm means to bid on, with every fact placing the bid checks."""

    order: Order
    client: Firm
    bidder: Firm
    offered_to_bidder: bool
    bidder_has_live_bid: bool


_CLIENT_FIRM = aliased(Firm, name="client_firm")
_BIDDER_FIRM = aliased(Firm, name="bidder_firm")


@functools.cache
def _bid_target_statement(reach: Reach, lock: Lock) -> Select[Any]:
    bidder_id = bindparam("bidder_firm_id", type_=Integer)
    has_live_bid = exists().where(
        Bid.order_id == Order.id, Bid.firm_id == bidder_id, col(Bid.status).in_(LIVE_BID_STATUSES)
    )
    stmt = (
        sa.select(
            Order,
            _CLIENT_FIRM,
            _BIDDER_FIRM,
            visible_to_firms(bindparam("bidder_firm_ids", expanding=True)).label("offered"),
            has_live_bid.label("has_live_bid"),
        )
        .join(_CLIENT_FIRM, _CLIENT_FIRM.id == Order.client_firm_id)
        .join(_BIDDER_FIRM, _BIDDER_FIRM.id == bidder_id)
        .where(Order.id == bindparam("order_id"), _visibility_of_viewer_firms(reach))
    )
    locked: Select[Any] = _locked(stmt, lock, of=Order)
    return locked


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def readable(self, viewer: Viewer, order_id: int, lock: Lock = None) -> Order | None:
        stmt = _locked(readable_orders(viewer).where(Order.id == order_id), lock)
        return (await self.session.scalars(stmt)).first()

    async def readable_listed(self, viewer: Viewer, order_id: int) -> ListedOrder | None:
        row = (
            await self.session.execute(
                _readable_listed_statement(_reach(viewer)),
                _viewer_parameters(viewer) | {"order_id": order_id},
            )
        ).first()
        return None if row is None else _listed(row)

    async def listed(self, order: Order) -> ListedOrder:
        """The listing facts of an order already read (and readable)."""
        return _listed((await self.session.execute(_listing(Order.id == order.id))).one())

    async def bid_target(
        self, viewer: Viewer, order_id: int, firm_id: int, lock: Lock
    ) -> BidTarget | None:
        """The order if the viewer may read it, its client and the bidding firm, whether
        the order is offered to that firm and whether the firm already has a live bid on
        it: one statement, locking only the order's row."""
        parameters = _viewer_parameters(viewer) | {
            "order_id": order_id,
            "bidder_firm_id": firm_id,
            "bidder_firm_ids": [firm_id],
        }
        statement = _bid_target_statement(_reach(viewer), lock)
        row = (await self.session.execute(statement, parameters)).first()
        if row is None:
            return None
        order, client_firm, bidder_firm, offered, has_live = row
        return BidTarget(order, client_firm, bidder_firm, bool(offered), bool(has_live))

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
        )
        parameters = _viewer_parameters(viewer) | {
            "now": now,
            "phase": phase,
            "client_firm_id": firm_id,
            "region": region.lower() if region else None,
            "after_id": after,
            "limit": params.limit + 1,
        }
        parameters |= search_parameters(words, dialect)
        rows = [
            _listed(row) for row in await self.session.execute(_board_statement(shape), parameters)
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


class FirmLookup:
    """The few facts about firms, consortia and contracts the market's rules need."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

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
            ConsortiumMember.status == "active",
        )
        return (await self.session.scalar(stmt)) is not None

    async def consortium_firms_in_phase(self, consortium_id: int, phase: str) -> list[int]:
        stmt = (
            select(ConsortiumMember.firm_id)
            .join(FirmPhase, FirmPhase.firm_id == ConsortiumMember.firm_id)
            .where(
                ConsortiumMember.consortium_id == consortium_id,
                ConsortiumMember.status == "active",
                FirmPhase.phase_code == phase,
            )
        )
        return list((await self.session.scalars(stmt)).all())

    async def contract(self, contract_id: int) -> Contract | None:
        return await self.session.get(Contract, contract_id)


# --- Questions ----------------------------------------------------------------------------


def readable_questions(viewer: Viewer, order: Order) -> Select[Any]:
    """Questions of an order the viewer may read (the order itself is already readable).

    Answered questions are public to all who see the order; an unanswered one only to
    the asking firm and the client; one hidden by moderation only to staff and the asker.
    """
    stmt = select(Question).where(Question.order_id == order.id)
    if viewer.is_staff:
        return stmt
    firms = viewer.firm_ids
    asked_by_us = col(Question.asker_firm_id).in_(firms)
    we_are_client = order.client_firm_id in viewer.firm_roles
    shown = or_(col(Question.answer).is_not(None), true() if we_are_client else false())
    return stmt.where(or_(asked_by_us, and_(col(Question.hidden).is_(False), shown)))


class QuestionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(
        self, viewer: Viewer, order: Order, params: PageParams
    ) -> tuple[list[Question], str | None]:
        _checked_cursor(params)
        return await keyset_page(
            self.session, readable_questions(viewer, order), [col(Question.id)], params
        )

    async def readable(self, viewer: Viewer, order: Order, question_id: int) -> Question | None:
        stmt = _locked(
            readable_questions(viewer, order).where(Question.id == question_id), "update"
        )
        return (await self.session.scalars(stmt)).first()

    async def save(self, question: Question) -> Question:
        self.session.add(question)
        await self.session.flush()
        return question


# --- Bids ---------------------------------------------------------------------------------


def readable_bids(viewer: Viewer, now: datetime) -> Select[Any]:
    """Bids as the viewer may see them: its firms' own bids, and every bid on its firms'
    orders (except those hidden by moderation). Staff read bids only through a dispute.

    While a sealed order's deadline has not passed, the amounts of bids that are not the
    viewer's own come out of the database as NULL: the client cannot read what the query
    never returns.
    """
    firms = viewer.firm_ids
    sealed = and_(
        col(Order.sealed).is_(True),
        Order.bid_deadline > now,
        col(Bid.firm_id).not_in(firms) if firms else true(),
    )

    def amount(column: Any) -> Any:
        return type_coerce(case((sealed, None), else_=column), Money)

    visible = (
        or_(
            col(Bid.firm_id).in_(firms),
            and_(col(Order.client_firm_id).in_(firms), col(Bid.hidden).is_(False)),
        )
        if firms
        else false()
    )
    return (
        select(
            Bid.id,
            Bid.order_id,
            Bid.firm_id,
            Firm.name.label("firm_name"),
            amount(Bid.unit_price).label("unit_price"),
            amount(Bid.total_price).label("total_price"),
            type_coerce(sealed, Boolean).label("amounts_hidden"),
            Bid.delivery_date,
            Bid.notes,
            Bid.status,
            Bid.order_revision,
            Bid.created_at,
            Bid.updated_at,
        )
        .join(Order, Order.id == Bid.order_id)
        .join(Firm, Firm.id == Bid.firm_id)
        .where(visible)
    )


class BidRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def readable(self, viewer: Viewer, bid_id: int, now: datetime) -> Row[Any] | None:
        return (
            await self.session.execute(readable_bids(viewer, now).where(Bid.id == bid_id))
        ).first()

    async def page_for_order(
        self, viewer: Viewer, order_id: int, now: datetime, params: PageParams
    ) -> tuple[list[Row[Any]], str | None]:
        stmt = readable_bids(viewer, now).where(Bid.order_id == order_id)
        after = _checked_cursor(params)
        if after is not None:
            stmt = stmt.where(col(Bid.id) < after)
        rows = list(
            (
                await self.session.execute(
                    stmt.order_by(col(Bid.id).desc()).limit(params.limit + 1)
                )
            ).all()
        )
        if len(rows) <= params.limit:
            return rows, None
        rows = rows[: params.limit]
        return rows, encode_cursor([rows[-1].id])

    async def firm_has_bid(self, order_id: int, firm_ids: Sequence[int]) -> bool:
        stmt = select(Bid.id).where(Bid.order_id == order_id, col(Bid.firm_id).in_(firm_ids))
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def get(self, bid_id: int, lock: Lock = None) -> Bid | None:
        return (
            await self.session.scalars(_locked(select(Bid).where(Bid.id == bid_id), lock))
        ).first()

    async def live_on_order(self, order_id: int, lock: Lock = None) -> list[Bid]:
        stmt = select(Bid).where(Bid.order_id == order_id, col(Bid.status).in_(LIVE_BID_STATUSES))
        return list((await self.session.scalars(_locked(stmt.order_by(Bid.id), lock))).all())

    async def add(self, bid: Bid) -> Bid:
        self.session.add(bid)
        await self.session.flush()
        return bid

    async def save(self, bid: Bid) -> Bid:
        self.session.add(bid)
        await self.session.flush()
        return bid

    async def move(self, bid_id: int, from_statuses: Sequence[str], values: dict[str, Any]) -> bool:
        result = await self.session.execute(
            update(Bid)
            .where(Bid.id == bid_id, col(Bid.status).in_(from_statuses))
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return result.rowcount == 1

    async def reject_live_except(
        self, order_id: int, keep_bid_id: int | None, now: datetime
    ) -> list[Bid]:
        """Turn every other live bid of the order into ``rejected``; return them."""
        stmt = select(Bid).where(
            Bid.order_id == order_id, col(Bid.status).in_(("active", "needs_confirmation"))
        )
        if keep_bid_id is not None:
            stmt = stmt.where(Bid.id != keep_bid_id)
        losers = list((await self.session.scalars(_locked(stmt.order_by(Bid.id), "update"))).all())
        for bid in losers:
            bid.status = "rejected"
            bid.updated_at = now
        self.session.add_all(losers)
        await self.session.flush()
        return losers


# --- Award --------------------------------------------------------------------------------


class ContractWriter:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, contract: Contract) -> Contract | None:
        """Insert the contract; None when the order or bid already has one (a lost race)."""
        try:
            async with self.session.begin_nested():
                self.session.add(contract)
                await self.session.flush()
        except IntegrityError as exc:
            if is_unique_violation(exc, "uq_contracts_order_id") or is_unique_violation(
                exc, "uq_contracts_bid_id"
            ):
                return None
            raise
        return contract


# --- Idempotency --------------------------------------------------------------------------


class IdempotencyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def find(self, user_id: int, scope: str, key: str) -> IdempotencyRecord | None:
        stmt = (
            select(IdempotencyRecord)
            .where(
                IdempotencyRecord.user_id == user_id,
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
            )
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def claim(self, user_id: int, scope: str, key: str, request_hash: str) -> int | None:
        """Insert the key's record (its response still to come) before doing the work: its
        id, or None if another request holds the key.

        ``ON CONFLICT DO NOTHING`` instead of a savepoint around a failing insert: one
        statement. On PostgreSQL a concurrent twin's insert waits on the unique key until
        the holder's transaction ends, then inserts nothing (and replays what was stored).
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(IdempotencyRecord)
            .values(
                user_id=user_id,
                scope=scope,
                key=key,
                request_hash=request_hash,
                status_code=0,
                body={},
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "scope", "key"])
            .returning(IdempotencyRecord.id)
        )
        return (await self.session.execute(stmt)).scalar()

    async def store(self, record_id: int, status_code: int, body: dict[str, Any]) -> None:
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(status_code=status_code, body=body)
            .execution_options(synchronize_session=False)
        )
