"""The award's write of the contract."""

from sqlalchemy.exc import IntegrityError

from distretto.kit.repository import Repository
from distretto.market.repositories.common import (
    is_unique_violation,
)
from distretto.models import (
    Contract,
)


class ContractWriter(Repository):
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
