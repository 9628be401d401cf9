"""Staff read a contract's details (prices, messages, reviews, files) only through a
dispute, and every such read leaves an audit entry naming who read what."""

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import AuditEntry
from tests.contracts.builders import NOW, deal
from tests.helpers import firm_owner, make_staff

DETAILS = ("", "/messages", "/reviews", "/attachments")


async def _staff_reads(app: FastAPI) -> list[tuple[int | None, str | None]]:
    async with app.state.ctx.sessionmaker() as session:
        rows = await session.execute(
            select(AuditEntry.actor_user_id, AuditEntry.target_id)
            .where(AuditEntry.action == "contract.staff_read")
            .order_by(AuditEntry.id)
        )
        return [(actor, str(target)) for actor, target in rows.all()]


async def test_staff_do_not_see_an_undisputed_contract(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app)
    staff = await make_staff(app, await firm_owner(client))
    for suffix in DETAILS:
        response = await client.get(f"{d.url}{suffix}", headers=staff.headers)
        assert response.status_code == 404, suffix
    assert await _staff_reads(app) == []
    # The parties still read it, unaudited.
    assert (await client.get(d.url, headers=d.client.headers)).status_code == 200
    assert await _staff_reads(app) == []


async def test_staff_read_a_disputed_contract_and_each_read_is_audited(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app, status="disputed", disputed_at=NOW)
    staff = await make_staff(app, await firm_owner(client))
    for suffix in DETAILS:
        response = await client.get(f"{d.url}{suffix}", headers=staff.headers)
        assert response.status_code == 200, suffix
    # Files are audited by the documents feature (documents.dispute_read).
    assert await _staff_reads(app) == [(staff.user_id, str(d.contract_id))] * 3
