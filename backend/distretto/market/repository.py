"""Every query of the market board.

Reads start from the *readable* statements below, which already restrict rows to what
the viewer may see: ``readable_orders`` (the visibility rule), ``readable_questions`` and
``readable_bids`` (bid confidentiality, with sealed amounts blanked by the database
itself). Nothing is loaded first and filtered afterwards.
"""

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Row,
    Select,
    and_,
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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
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
from distretto.models.base import Money
from distretto.models.market import LIVE_BID_STATUSES

Lock = Literal["share", "update"] | None
# Words of a board search: letters and digits only, so nothing needs escaping for
# LIKE or for to_tsquery; a few words are plenty and keep the query cheap.
_WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 8


def _locked(stmt: Any, lock: Lock) -> Any:
    if lock is None:
        return stmt
    # SQLite ignores FOR UPDATE / FOR SHARE: there BEGIN IMMEDIATE serialises writers.
    return stmt.with_for_update(read=lock == "share").execution_options(populate_existing=True)


def _checked_cursor(params: PageParams) -> int | None:
    """The id a cursor points after; a forged cursor is a 422, never a database error."""
    if not params.cursor:
        return None
    (after,) = decode_cursor(params.cursor, 1)
    if not isinstance(after, int) or isinstance(after, bool):
        raise Invalid("cursor", "is not a cursor this list returned")
    return after


# How each unique key the market relies on is reported: PostgreSQL names the constraint,
# SQLite lists its columns.
UNIQUE_KEYS = {
    "uq_bids_one_live_per_firm": "bids.order_id, bids.firm_id",
    "uq_contracts_order_id": "contracts.order_id",
    "uq_contracts_bid_id": "contracts.bid_id",
    "uq_idempotency_records_user_id_scope_key": (
        "idempotency_records.user_id, idempotency_records.scope, idempotency_records.key"
    ),
}


def is_unique_violation(exc: IntegrityError, constraint: str) -> bool:
    message = str(exc.orig)
    return f'"{constraint}"' in message or message.endswith(
        f"UNIQUE constraint failed: {UNIQUE_KEYS[constraint]}"
    )


# --- Visibility ---------------------------------------------------------------------------


def visible_to_firms(firm_ids: Sequence[int]) -> ColumnElement[bool]:
    """The market's visibility rule, for firms (staff see everything).

    A firm sees its own orders (drafts and hidden ones included) and, once published
    and unless hidden by moderation: public orders, invited orders it is invited to,
    consortium orders of a consortium it is an active member of, and any order it
    has bid on (so a bidder keeps following an order it can no longer discover).
    """
    if not firm_ids:
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


def readable_orders(viewer: Viewer) -> Select[Any]:
    return select(Order).where(order_visibility(viewer))


def status_is(status: str, now: datetime) -> ColumnElement[bool]:
    """``lifecycle.effective_status`` as a SQL condition."""
    if status == "open":
        return and_(Order.status == "open", Order.bid_deadline > now)
    if status == "closed":
        return or_(
            Order.status == "closed", and_(Order.status == "open", Order.bid_deadline <= now)
        )
    return col(Order.status) == status


def search_condition(words: Sequence[str], dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        # Same expression as the GIN index ix_orders_search (models.market), or the
        # planner cannot use it; every word matches as a prefix ("tess" finds "tessuto").
        document = func.to_tsvector(
            literal_column("'simple'::regconfig"),
            Order.title + literal_column("' '") + Order.description,
        )
        query = func.to_tsquery(
            literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words)
        )
        return document.op("@@")(query)
    return and_(
        *(
            or_(
                func.lower(Order.title).like(f"%{word}%"),
                func.lower(Order.description).like(f"%{word}%"),
            )
            for word in words
        )
    )


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def readable(self, viewer: Viewer, order_id: int, lock: Lock = None) -> Order | None:
        stmt = _locked(readable_orders(viewer).where(Order.id == order_id), lock)
        return (await self.session.scalars(stmt)).first()

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
    ) -> tuple[list[Order], str | None]:
        _checked_cursor(params)
        stmt = readable_orders(viewer)
        if status:
            stmt = stmt.where(status_is(status, now))
        if phase:
            stmt = stmt.where(Order.phase == phase)
        if firm_id is not None:
            stmt = stmt.where(Order.client_firm_id == firm_id)
        if region:
            stmt = stmt.where(func.lower(Order.region) == region.lower())
        if mine:
            stmt = stmt.where(col(Order.client_firm_id).in_(viewer.firm_ids))
        words = _WORD.findall(q.lower())[:MAX_SEARCH_WORDS] if q else []
        if words:
            stmt = stmt.where(search_condition(words, self.session.get_bind().dialect.name))
        return await keyset_page(self.session, stmt, [col(Order.id)], params)

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

    async def live_bid_counts(self, order_ids: Sequence[int]) -> dict[int, int]:
        rows = await self.session.execute(
            select(Bid.order_id, func.count())
            .where(col(Bid.order_id).in_(order_ids), col(Bid.status).in_(LIVE_BID_STATUSES))
            .group_by(Bid.order_id)
        )
        return {order_id: count for order_id, count in rows.all()}

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

    async def live_of_firm(self, order_id: int, firm_id: int) -> Bid | None:
        stmt = select(Bid).where(
            Bid.order_id == order_id,
            Bid.firm_id == firm_id,
            col(Bid.status).in_(LIVE_BID_STATUSES),
        )
        return (await self.session.scalars(stmt)).first()

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

    async def claim(self, record: IdempotencyRecord) -> bool:
        """Insert the record before doing the work; False if a twin request holds the key.

        On PostgreSQL a concurrent twin's insert waits on the unique key until this
        transaction ends, then fails here and replays what this one stored.
        """
        try:
            async with self.session.begin_nested():
                self.session.add(record)
                await self.session.flush()
        except IntegrityError as exc:
            if is_unique_violation(exc, "uq_idempotency_records_user_id_scope_key"):
                return False
            raise
        return True

    async def save(self, record: IdempotencyRecord) -> None:
        self.session.add(record)
        await self.session.flush()
