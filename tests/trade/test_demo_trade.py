"""The demo district trades by the conventions: catalogue units, sub-cent prices for
fabric, Ri.Ba. terms, lots with DDT, billing data; the invoice of every completed demo
contract reads back with the independent reader, its totals the contract's to the cent."""

from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.kit.money import line_total
from distretto.kit.units import UNIT_CODES
from distretto.models import Contract, DeliveryLot, Firm, Membership, Order, User
from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login
from tests.trade import fatturapa_reader


async def test_demo_contracts_have_lots_terms_and_invoices_that_read_back(
    demo_client: httpx.AsyncClient, demo_app: FastAPI
) -> None:
    async with demo_app.state.ctx.sessionmaker() as session:
        orders = (await session.scalars(select(Order))).all()
        contracts = (await session.scalars(select(Contract).order_by(Contract.id))).all()
        lots = (await session.scalars(select(DeliveryLot))).all()
        firms = (await session.scalars(select(Firm))).all()
        owners = dict(
            (
                await session.execute(
                    select(Membership.firm_id, User.email)
                    .join(User, User.id == Membership.user_id)
                    .where(Membership.role == "owner")
                )
            ).all()
        )
    assert {o.unit for o in orders} <= UNIT_CODES
    assert any(
        o.target_unit_price is not None and o.target_unit_price % Decimal("0.01") != 0
        for o in orders
    ), "fabric by the metre is priced below the cent"
    assert {o.payment_method for o in orders} == {"riba"}
    assert all(c.total_price == line_total(c.quantity, c.unit_price) for c in contracts)
    by_contract: dict[int, Decimal] = {}
    for lot in lots:
        by_contract[lot.contract_id] = by_contract.get(lot.contract_id, Decimal(0)) + lot.quantity
    delivered = [c for c in contracts if c.delivered_at is not None]
    assert delivered and all(by_contract[c.id] == c.quantity for c in delivered)
    assert {f.country for f in firms} >= {"IT", "RO", "TN", "AL"}
    assert all(f.address and f.city and f.postal_code for f in firms)

    completed = [c for c in contracts if c.status == "completed"]
    assert len(completed) > 20
    tokens: dict[int, str] = {}
    for contract in completed:
        firm_id = contract.client_firm_id
        if firm_id not in tokens:
            owner = await login(demo_client, owners[firm_id], DEMO_PASSWORD)
            tokens[firm_id] = owner["access_token"]
        response = await demo_client.get(
            f"/contracts/{contract.id}/invoice.xml",
            headers={"Authorization": f"Bearer {tokens[firm_id]}"},
        )
        assert response.status_code == 200, response.text
        invoice = fatturapa_reader.read(response.content)
        taxable = contract.total_price - (contract.price_reduction or Decimal(0))
        assert sum(line.total for line in invoice.lines) == taxable
        assert invoice.lines[0].total == contract.total_price
        assert invoice.total == taxable + invoice.summaries[0].vat
        assert invoice.payment_mode == "MP12"
