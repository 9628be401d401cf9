"""The district's raw aggregates for the observatory: grouped queries, no order rows.

Each group keeps the firms behind it, so the service can suppress the cells that would
let someone identify a firm.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, case, cast, func
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from distretto.kit.repository import Repository
from distretto.models import Contract, Order
from distretto.models.contracts import ContractStatus
from distretto.models.market import OrderStatus

COUNTED_ORDER_STATUSES = (
    OrderStatus.OPEN,
    OrderStatus.AWARDED,
    OrderStatus.CLOSED,
    OrderStatus.CANCELLED,
)


class ObservatoryRepository(Repository):
    def _month(self, column: Any) -> ColumnElement[str]:
        if self.session.get_bind().dialect.name == "postgresql":
            return func.to_char(func.timezone("UTC", column), "YYYY-MM")
        # SQLite stores UTC timestamps as ISO text: the month is its first seven characters.
        return func.substr(column, 1, 7)

    def _day(self, column: Any) -> ColumnElement[Any]:
        """The UTC calendar day of a timestamp, comparable with a DATE column."""
        if self.session.get_bind().dialect.name == "postgresql":
            return cast(func.timezone("UTC", column), Date)
        return func.date(column)

    async def orders_per_firm_month(self, since: datetime) -> list[tuple[str, str, int, int]]:
        """(phase, month, client firm, orders) for orders published since.

        One row per firm in each phase and month: the service needs the sets of firms
        behind each cell to decide what may be published.
        """
        month = self._month(Order.created_at)
        rows = await self.session.execute(
            select(Order.phase, month, Order.client_firm_id, func.count())
            .where(
                Order.created_at >= since,
                col(Order.status).in_(COUNTED_ORDER_STATUSES),
                col(Order.hidden).is_(False),
            )
            .group_by(Order.phase, month, Order.client_firm_id)
        )
        return [(r[0], r[1], int(r[2]), int(r[3])) for r in rows.all()]

    async def contracts_per_firm_month(
        self, since: datetime
    ) -> list[tuple[str, str, int, int, int]]:
        """(phase, month, client firm, supplier firm, contracts) awarded since."""
        month = self._month(Contract.created_at)
        rows = await self.session.execute(
            select(
                Contract.phase,
                month,
                Contract.client_firm_id,
                Contract.supplier_firm_id,
                func.count(),
            )
            .where(Contract.created_at >= since)
            .group_by(Contract.phase, month, Contract.client_firm_id, Contract.supplier_firm_id)
        )
        return [(r[0], r[1], int(r[2]), int(r[3]), int(r[4])) for r in rows.all()]

    async def contract_prices(self, since: datetime) -> list[tuple[str, str, Decimal, int, int]]:
        """(phase, unit, unit price, client, supplier) of every contract awarded since."""
        rows = await self.session.execute(
            select(
                Contract.phase,
                Contract.unit,
                Contract.unit_price,
                Contract.client_firm_id,
                Contract.supplier_firm_id,
            )
            .where(Contract.created_at >= since, Contract.status != ContractStatus.CANCELLED)
            .order_by(Contract.phase, Contract.unit, Contract.unit_price)
        )
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows.all()]

    async def deliveries(self, since: datetime) -> list[tuple[str, int, int, int]]:
        """(phase, deliveries, on time, distinct suppliers) of deliveries made since."""
        on_time = func.sum(
            case((self._day(Contract.delivered_at) <= Contract.due_date, 1), else_=0)
        )
        rows = await self.session.execute(
            select(
                Contract.phase,
                func.count(),
                on_time,
                func.count(func.distinct(Contract.supplier_firm_id)),
            )
            .where(col(Contract.delivered_at).is_not(None), col(Contract.delivered_at) >= since)
            .group_by(Contract.phase)
        )
        return [(r[0], int(r[1]), int(r[2] or 0), int(r[3])) for r in rows.all()]
