"""Who may do what on the market board.

Reading is decided by the repository's readable statements (404 for what one may not
see); these checks come after, for what one sees but may not do (403).
"""

from distretto.auth.viewer import Viewer
from distretto.kit.errors import Forbidden, Invalid
from distretto.models import Firm, Order


def require_acting_firm(viewer: Viewer, firm_id: int) -> None:
    """Posting, bidding, asking and awarding need a manager of an unsuspended firm;
    plain members only read."""
    viewer.require_role(firm_id, "manager")
    viewer.require_active_firm(firm_id)


def is_client(viewer: Viewer, order: Order) -> bool:
    return order.client_firm_id in viewer.firm_roles


def sees_client_details(viewer: Viewer, order: Order) -> bool:
    """Invitations and the parent contract are the client's business (and staff's)."""
    return viewer.is_staff or is_client(viewer, order)


def require_client(viewer: Viewer, order: Order, action: str, *, active: bool = True) -> None:
    """A manager of the order's client firm; ``active=False`` lets a suspended client
    still wind an order down (cancel it)."""
    if not is_client(viewer, order):
        raise Forbidden(
            f"Only the firm that posted the order can {action}", code="order.client_only"
        )
    viewer.require_role(order.client_firm_id, "manager")
    if active:
        viewer.require_active_firm(order.client_firm_id)


def require_bidder(viewer: Viewer, bid_firm_id: int, action: str, *, active: bool = True) -> None:
    """A manager of the bidding firm; ``active=False`` lets a suspended firm still
    withdraw what it offered."""
    if bid_firm_id not in viewer.firm_roles:
        raise Forbidden(f"Only the bidding firm can {action}", code="bid.bidder_only")
    viewer.require_role(bid_firm_id, "manager")
    if active:
        viewer.require_active_firm(bid_firm_id)


def require_may_bid(client: Firm, bidder: Firm) -> None:
    if client.id == bidder.id:
        raise Forbidden("A firm cannot bid on its own order", code="bid.own_order")
    if client.ownership_group_id is not None and (
        client.ownership_group_id == bidder.ownership_group_id
    ):
        raise Forbidden(
            "Firms of the same ownership group cannot bid on each other's orders",
            code="bid.same_group",
        )


def asking_firm(viewer: Viewer, order: Order, requested: int | None) -> int:
    """The firm a question is asked for: the one named, or the viewer's only candidate."""
    if requested is not None:
        return requested
    candidates = [f for f in viewer.firm_ids if f != order.client_firm_id]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and is_client(viewer, order):
        raise Forbidden(
            "The client firm answers questions on its order; it does not ask them",
            code="question.client_cannot_ask",
        )
    if not candidates:
        raise Forbidden("Only a firm can ask questions on an order", code="question.firm_required")
    raise Invalid(
        "firm_id", "you belong to several firms: say which one asks", code="firm.choose_one"
    )
