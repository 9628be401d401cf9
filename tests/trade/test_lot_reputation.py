"""Late and short lots feed the supplier's reputation signals lot by lot."""

from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import Contract
from distretto.models.contracts import PartyRole
from distretto.reputation.formula import ContractFact, LotFact, contribution
from tests.trade.builders import awarded, check, lot

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def fact(*lots: LotFact) -> ContractFact:
    return ContractFact(
        id=1,
        client_firm_id=1,
        supplier_firm_id=2,
        phase="dyeing",
        total_price=Decimal("1000.00"),
        due_date=date(2026, 5, 1),
        status="completed",
        completed_at=NOW,
        delivered_at=NOW,
        lots=lots,
    )


def test_late_and_short_lots_weigh_by_quantity() -> None:
    signals = contribution(
        fact(
            LotFact(Decimal("600"), True, Decimal("600"), Decimal(0), True),
            LotFact(Decimal("400"), False, Decimal("300"), Decimal("100"), True),
        ),
        PartyRole.SUPPLIER,
        NOW,
    ).signals
    assert signals["on_time"] == 0.6  # 600 of 1000 came on time
    assert signals["delivery_accepted"] == 0.9  # 900 of 1000 accepted


def test_without_lots_the_contract_counts_whole() -> None:
    signals = contribution(fact(), PartyRole.SUPPLIER, NOW).signals
    assert signals["on_time"] == 0.0 and signals["delivery_accepted"] == 1.0


async def test_a_late_lot_lowers_the_suppliers_punctuality(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app, quantity="100", tolerance="10")
    first = (await lot(client, a, "50", "DDT 1")).json()
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Contract).values(due_date=date(2020, 1, 1)))
        await session.commit()
    second = (await lot(client, a, "50", "DDT 2")).json()
    await check(client, a, first["id"], "50")
    await check(client, a, second["id"], "40", "10")
    # 90 accepted is within 10% of 100: complete. The first lot came while the due
    # date was ahead, the second after it: half the quantity on time.
    rep = (await client.get(f"/firms/{a.supplier.firm_id}/reputation")).json()
    assert rep["as_supplier"]["contracts"] == 1
    signals = rep["components"]["as_supplier"]["signals"]
    assert signals["on_time"]["value"] == 0.5
    assert signals["delivery_accepted"]["value"] == 0.9  # 10 of 100 sent back
