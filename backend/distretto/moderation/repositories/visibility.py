"""May this user see that target? Only then may they flag it (404 otherwise).

Each answer comes from the readable statement of the package that owns the content,
so flagging follows exactly the rules the user's reads follow (order visibility, bid
confidentiality, double-blind reviews, hidden content).
"""

from datetime import datetime
from typing import Any

from sqlmodel import select

from distretto.auth.viewer import Viewer
from distretto.contracts.service import readable_messages, readable_reviews
from distretto.kit.repository import Repository
from distretto.market.service import readable_bids, readable_orders
from distretto.models import Bid, ContractMessage, Firm, Order, Review


def _readable(viewer: Viewer, target_type: str, target_id: int, now: datetime) -> Any:
    if target_type == "order":
        return readable_orders(viewer).where(Order.id == target_id).with_only_columns(Order.id)
    if target_type == "bid":
        return readable_bids(viewer, now).where(Bid.id == target_id).with_only_columns(Bid.id)
    if target_type == "review":
        return (
            readable_reviews(viewer, now).where(Review.id == target_id).with_only_columns(Review.id)
        )
    if target_type == "message":
        return (
            readable_messages(viewer)
            .where(ContractMessage.id == target_id)
            .with_only_columns(ContractMessage.id)
        )
    # Firms are public: the directory shows every one of them.
    return select(Firm.id).where(Firm.id == target_id)


class VisibilityRepository(Repository):
    async def can_see(
        self, viewer: Viewer, target_type: str, target_id: int, now: datetime
    ) -> bool:
        stmt = _readable(viewer, target_type, target_id, now)
        return (await self.session.scalar(stmt)) is not None
