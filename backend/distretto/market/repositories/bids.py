"""Bids: scoped reads (sealed amounts blanked by the database) and writes."""

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Row,
    Select,
    Table,
    and_,
    case,
    false,
    insert,
    or_,
    true,
    type_coerce,
    update,
)
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, encode_cursor
from distretto.kit.repository import Repository
from distretto.market.repositories.common import (
    Lock,
    _checked_cursor,
    _locked,
)
from distretto.models import (
    Bid,
    Firm,
    Order,
)
from distretto.models.base import Money, UnitPrice
from distretto.models.market import LIVE_BID_STATUSES, BidStatus, PaymentMethod


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

    def amount(column: Any, kind: Any = Money) -> Any:
        return type_coerce(case((sealed, None), else_=column), kind)

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
            amount(Bid.unit_price, UnitPrice).label("unit_price"),
            amount(Bid.total_price).label("total_price"),
            type_coerce(sealed, Boolean).label("amounts_hidden"),
            type_coerce(case((sealed, None), else_=Bid.below_tariff), Boolean).label(
                "below_tariff"
            ),
            Bid.delivery_date,
            Bid.notes,
            Bid.status,
            Bid.order_revision,
            Bid.payment_method,
            Bid.payment_days,
            Bid.payment_end_of_month,
            Bid.created_at,
            Bid.updated_at,
        )
        .join(Order, Order.id == Bid.order_id)
        .join(Firm, Firm.id == Bid.firm_id)
        .where(visible)
    )


@dataclass(frozen=True, slots=True)
class NewBid:
    """The columns of a bid being placed, as plain values (``id`` once inserted). Placing
    is the hot write: building a mapped ``Bid`` and flushing it through the unit of work
    cost more than the INSERT itself (issue 18)."""

    order_id: int
    firm_id: int
    created_by_user_id: int
    unit_price: Decimal
    total_price: Decimal
    delivery_date: date
    notes: str
    payment_method: PaymentMethod
    payment_days: int
    payment_end_of_month: bool
    status: BidStatus
    order_revision: int
    tariff_id: int | None
    below_tariff: bool
    created_at: datetime
    updated_at: datetime
    hidden: bool = False
    id: int | None = None


_BIDS: Table = Bid.__table__
_NEW_BID_COLUMNS = tuple(field.name for field in fields(NewBid) if field.name != "id")
# Built once: every placed bid reuses the statement and its compiled form.
_INSERT_BID = insert(_BIDS).returning(_BIDS.c.id)


class BidRepository(Repository):
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

    async def insert(self, bid: NewBid) -> int:
        """Insert the bid (Core, no unit of work); its id. The one-live-bid index raises
        ``IntegrityError`` for a firm that already has one."""
        values = {column: getattr(bid, column) for column in _NEW_BID_COLUMNS}
        bid_id: int = (await self.session.execute(_INSERT_BID, values)).scalar_one()
        return bid_id

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
            Bid.order_id == order_id,
            col(Bid.status).in_((BidStatus.ACTIVE, BidStatus.NEEDS_CONFIRMATION)),
        )
        if keep_bid_id is not None:
            stmt = stmt.where(Bid.id != keep_bid_id)
        losers = list((await self.session.scalars(_locked(stmt.order_by(Bid.id), "update"))).all())
        for bid in losers:
            bid.status = BidStatus.REJECTED
            bid.updated_at = now
        self.session.add_all(losers)
        await self.session.flush()
        return losers
