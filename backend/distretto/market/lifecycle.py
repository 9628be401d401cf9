"""Where an order stands in time.

No background job closes orders: an ``open`` order whose bid deadline has passed *is*
``closed`` for every read and every rule, computed here (and, for SQL filters, by
``repository.status_is``). The stored status stays ``open`` so the client can still
award: that is when sealed bids are compared.
"""

from datetime import datetime

from distretto.models import Order
from distretto.models.market import OrderStatus


def effective_status(order: Order, now: datetime) -> OrderStatus:
    if order.status == OrderStatus.OPEN and order.bid_deadline <= now:
        return OrderStatus.CLOSED
    return OrderStatus(order.status)


def accepting_bids(order: Order, now: datetime) -> bool:
    """Bids are placed, revised, confirmed and withdrawn only while this holds."""
    return not order.hidden and effective_status(order, now) == OrderStatus.OPEN


def amounts_sealed(order: Order, now: datetime) -> bool:
    """A sealed order hides bid amounts from the client until the deadline, whatever
    happens before it (a cancelled order must not become a way to peek at prices)."""
    return order.sealed and now < order.bid_deadline


def awardable(order: Order) -> bool:
    """Open for bids or past its deadline (closed), but not yet awarded or cancelled."""
    return order.status == OrderStatus.OPEN
