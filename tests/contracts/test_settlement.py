"""Staff settle a dispute with a price reduction: the contract completes at the lower
price; completed/cancelled keep working; a reduction only goes with a settlement."""

from datetime import timedelta
from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import AuditEntry, Contract
from tests.contracts.builders import NOW, deal, fixed_clock
from tests.helpers import make_staff, register


async def _disputed(client: httpx.AsyncClient, app: FastAPI) -> tuple[int, dict[str, str]]:
    d = await deal(client, app, status="delivered", delivered_at=NOW - timedelta(days=2))
    opened = await client.post(
        f"{d.url}/dispute", json={"reason": "Colore fuori tolleranza"}, headers=d.client.headers
    )
    assert opened.status_code == 200, opened.text
    staff = await make_staff(app, await register(client))
    return d.contract_id, staff.headers


async def test_settlement_completes_with_the_reduction(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    contract_id, staff = await _disputed(client, app)
    with fixed_clock(app, NOW):
        response = await client.post(
            f"/moderation/contracts/{contract_id}/resolve",
            json={"outcome": "settled", "note": "Accordo: sconto 10%", "price_reduction": "120.50"},
            headers=staff,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "completed" and body["dispute_outcome"] == "settled"
    assert body["price_reduction"] == "120.50"
    assert body["completed_at"].startswith("2026-06-15T10:00:00")
    async with app.state.ctx.sessionmaker() as session:
        row = await session.get(Contract, contract_id)
        entry = (await session.scalars(select(AuditEntry))).one()
    assert row is not None and row.price_reduction == Decimal("120.50")
    assert entry.details["outcome"] == "settled" and entry.details["price_reduction"] == "120.50"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"outcome": "settled"}, "dispute.reduction_required"),
        ({"outcome": "settled", "price_reduction": "999999"}, "dispute.reduction_too_large"),
        ({"outcome": "completed", "price_reduction": "10"}, "dispute.reduction_only_settled"),
        ({"outcome": "settled", "price_reduction": "-5"}, "validation.greater_than"),
    ],
)
async def test_bad_reductions_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI, body: dict[str, str], code: str
) -> None:
    contract_id, staff = await _disputed(client, app)
    response = await client.post(
        f"/moderation/contracts/{contract_id}/resolve",
        json={"note": "Prova", **body},
        headers=staff,
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert error["field"] == "price_reduction" and error["code"] == code
    async with app.state.ctx.sessionmaker() as session:
        row = await session.get(Contract, contract_id)
    assert row is not None and row.status == "disputed" and row.price_reduction is None
