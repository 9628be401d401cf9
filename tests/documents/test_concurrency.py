"""Decisions and notices that must happen once, however many requests race."""

import asyncio
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select

from distretto.documents.credentials import notify_expiring
from distretto.models import AuditEntry, Event
from tests.documents.builders import upload
from tests.helpers import firm_owner, make_staff, register

pytestmark = pytest.mark.postgres_only


async def _credential(client: httpx.AsyncClient, days: int = 300) -> tuple[int, int]:
    owner = await firm_owner(client, phases=["dyeing"])
    valid_until = (datetime.now(UTC) + timedelta(days=days)).date().isoformat()
    sent = await upload(
        client,
        owner,
        f"/firms/{owner.firm_id}/documents",
        kind="certification",
        label="GOTS",
        valid_until=valid_until,
    )
    assert sent.status_code == 201, sent.text
    return owner.firm_id, sent.json()["id"]


async def test_twenty_racing_reviews_decide_once(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, document_id = await _credential(client)
    staff = await make_staff(app, await register(client))
    responses = await asyncio.gather(
        *(
            client.post(
                f"/moderation/documents/{document_id}/{'approve' if i % 2 else 'reject'}",
                json={"note": f"decisione {i}"},
                headers=staff.headers,
            )
            for i in range(20)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19
    async with app.state.ctx.sessionmaker() as session:
        audited = await session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.target_type == "firm_document")
        )
    assert audited == 1


async def test_racing_expiry_runs_send_one_notice(client: httpx.AsyncClient, app: FastAPI) -> None:
    _, document_id = await _credential(client, days=10)
    staff = await make_staff(app, await register(client))
    approved = await client.post(
        f"/moderation/documents/{document_id}/approve", headers=staff.headers
    )
    assert approved.status_code == 200
    now = datetime.now(UTC)

    async def run() -> int:
        async with app.state.ctx.sessionmaker() as session:
            sent = await notify_expiring(session, now)
            await session.commit()
            return sent

    sent = await asyncio.gather(*(run() for _ in range(20)))
    assert sum(sent) == 1
    async with app.state.ctx.sessionmaker() as session:
        events = await session.scalar(
            select(func.count()).select_from(Event).where(Event.type == "firm_document.expiring")
        )
    assert events == 1
