"""Market history written straight into the database, as the observatory reads it."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from distretto.models import Bid, Contract, Order


async def market_row(
    app: Any,
    *,
    client_firm_id: int,
    supplier_firm_id: int | None = None,
    phase: str = "dyeing",
    at: datetime,
    unit: str = "m",
    unit_price: str = "2.50",
    quantity: int = 1000,
    due: date | None = None,
    delivered_at: datetime | None = None,
    hidden: bool = False,
) -> int:
    """An order published at ``at``; with a supplier also its awarded bid and contract."""
    async with app.state.ctx.sessionmaker() as session:
        order = Order(
            client_firm_id=client_firm_id,
            title=f"Lavorazione {phase}",
            phase=phase,
            quantity=quantity,
            unit=unit,
            bid_deadline=at + timedelta(days=7),
            delivery_due=(at + timedelta(days=30)).date(),
            visibility="public",
            region="Toscana",
            status="awarded" if supplier_firm_id else "open",
            hidden=hidden,
            created_at=at,
            updated_at=at,
        )
        session.add(order)
        await session.flush()
        assert order.id is not None
        if supplier_firm_id is not None:
            price = Decimal(unit_price)
            bid = Bid(
                order_id=order.id,
                firm_id=supplier_firm_id,
                unit_price=price,
                total_price=price * quantity,
                delivery_date=due or order.delivery_due,
                status="awarded",
                created_at=at,
            )
            session.add(bid)
            await session.flush()
            assert bid.id is not None
            session.add(
                Contract(
                    order_id=order.id,
                    bid_id=bid.id,
                    client_firm_id=client_firm_id,
                    supplier_firm_id=supplier_firm_id,
                    phase=phase,
                    quantity=quantity,
                    unit=unit,
                    unit_price=price,
                    total_price=price * quantity,
                    due_date=due or order.delivery_due,
                    status="delivered" if delivered_at else "active",
                    created_at=at + timedelta(days=8),
                    delivered_at=delivered_at,
                )
            )
        await session.commit()
        return order.id


def days_ago(days: int) -> datetime:
    return datetime.now(UTC) - timedelta(days=days)
