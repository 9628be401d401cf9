"""May this user see that target? Only then may they flag it (404 otherwise)."""

from sqlalchemy import exists, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.models import (
    Bid,
    ConsortiumMember,
    Contract,
    ContractMessage,
    Firm,
    Order,
    OrderInvitation,
    Review,
)


class VisibilityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def can_see(self, viewer: Viewer, target_type: str, target_id: int) -> bool:
        stmt = {
            "order": self._order,
            "bid": self._bid,
            "review": self._review,
            "message": self._message,
            "firm": self._firm,
        }[target_type](viewer, target_id)
        return (await self.session.scalar(stmt)) is not None

    def _order(self, viewer: Viewer, order_id: int):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def _bid(self, viewer: Viewer, bid_id: int):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def _review(self, viewer: Viewer, review_id: int):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def _message(self, viewer: Viewer, message_id: int):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def _firm(self, viewer: Viewer, firm_id: int):  # type: ignore[no-untyped-def]
        return select(Firm.id).where(Firm.id == firm_id)


__all__ = [
    "Bid",
    "ConsortiumMember",
    "Contract",
    "ContractMessage",
    "Order",
    "OrderInvitation",
    "Review",
    "col",
    "exists",
    "or_",
]
