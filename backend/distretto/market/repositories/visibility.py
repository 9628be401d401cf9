"""The market's visibility rule: which orders a viewer may read (REST and, by
``tests/market/test_visibility_agreement.py``, the live channel's audiences agree)."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    and_,
    any_,
    bindparam,
    exists,
    false,
    literal_column,
    or_,
    true,
)
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.models import (
    Bid,
    ConsortiumMember,
    Order,
    OrderInvitation,
)
from distretto.models.consortia import MemberStatus
from distretto.models.market import OrderStatus, OrderVisibility

# The hot reads (board, order detail, bid placement) run statements built once per shape
# and cached: building the visibility rule and the rest of a statement costs more CPU
# than PostgreSQL spends answering it. Every per-request value is a bound parameter.
VIEWER_FIRMS: BindParameter[Any] = bindparam("viewer_firm_ids", expanding=True)
# On PostgreSQL the firms are one array parameter (``= ANY``) instead of an expanding
# ``IN``: an expanding parameter makes SQLAlchemy render the statement's text anew at
# every execution, which costs more CPU than the database spends on the board query.
VIEWER_FIRM_ARRAY: BindParameter[Any] = bindparam("viewer_firm_ids", type_=ARRAY(Integer))
NOW: BindParameter[Any] = bindparam("now")


def viewer_firms(dialect: str) -> BindParameter[Any]:
    """The viewer's firms as a parameter of a cached statement for ``dialect``."""
    return VIEWER_FIRM_ARRAY if dialect == "postgresql" else VIEWER_FIRMS


def in_firms(column: Any, firm_ids: Sequence[int] | BindParameter[Any]) -> ColumnElement[bool]:
    """``column IN firm_ids``, or ``column = ANY(firm_ids)`` for an array parameter."""
    if isinstance(firm_ids, BindParameter) and isinstance(firm_ids.type, ARRAY):
        return column == any_(firm_ids)
    return col(column).in_(firm_ids)


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
        OrderInvitation.order_id == Order.id, in_firms(OrderInvitation.firm_id, firm_ids)
    )
    member_of_consortium = col(Order.consortium_id).in_(
        select(ConsortiumMember.consortium_id).where(
            in_firms(ConsortiumMember.firm_id, firm_ids),
            ConsortiumMember.status == MemberStatus.ACTIVE,
        )
    )
    has_bid = exists().where(Bid.order_id == Order.id, in_firms(Bid.firm_id, firm_ids))
    published = and_(
        Order.status != OrderStatus.DRAFT,
        col(Order.hidden).is_(False),
        or_(
            Order.visibility == OrderVisibility.PUBLIC,
            and_(Order.visibility == OrderVisibility.INVITED, invited),
            and_(Order.visibility == OrderVisibility.CONSORTIUM, member_of_consortium),
            has_bid,
        ),
    )
    return or_(in_firms(Order.client_firm_id, firm_ids), published)


def order_visibility(viewer: Viewer) -> ColumnElement[bool]:
    return true() if viewer.is_staff else visible_to_firms(viewer.firm_ids)


# Whose visibility a cached statement applies: staff see everything, a firm member what
# the firms see, and a signed-in user of no firm sees nothing (as ``visible_to_firms([])``).
Reach = Literal["staff", "firms", "nobody"]


def _reach(viewer: Viewer) -> Reach:
    if viewer.is_staff:
        return "staff"
    return "firms" if viewer.firm_ids else "nobody"


def _visibility_of_viewer_firms(reach: Reach, dialect: str) -> ColumnElement[bool]:
    """``order_visibility`` for cached statements: the firms are ``viewer_firms``."""
    if reach == "staff":
        return true()
    return visible_to_firms(viewer_firms(dialect)) if reach == "firms" else false()


def _viewer_parameters(viewer: Viewer) -> dict[str, Any]:
    return {"viewer_firm_ids": viewer.firm_ids}


def readable_orders(viewer: Viewer) -> Select[Any]:
    return select(Order).where(order_visibility(viewer))


def status_is(status: str, now: datetime | BindParameter[Any]) -> ColumnElement[bool]:
    """``lifecycle.effective_status`` as a SQL condition."""
    if status == OrderStatus.OPEN:
        # A constant, not a bound parameter: only then can PostgreSQL prove, even in the
        # generic plan of a prepared statement, that the partial index of open orders
        # (ix_orders_open_search, migration 0002d) covers the query.
        return and_(Order.status == literal_column("'open'"), Order.bid_deadline > now)
    if status == OrderStatus.CLOSED:
        return or_(
            Order.status == OrderStatus.CLOSED,
            and_(Order.status == OrderStatus.OPEN, Order.bid_deadline <= now),
        )
    return col(Order.status) == status
