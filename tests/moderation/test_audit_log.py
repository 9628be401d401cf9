"""The audit log: staff read it with filters; the database refuses to rewrite it."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from distretto.kit.audit import record
from distretto.models import AuditEntry
from tests.helpers import firm_owner, register
from tests.moderation.builders import staff_member


async def _entries(app: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_audit_log_pages_newest_first(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    firms = [await firm_owner(client) for _ in range(5)]
    for firm in firms:
        await client.post(
            f"/moderation/firms/{firm.firm_id}/suspend",
            json={"reason": f"case {firm.firm_id}"},
            headers=staff.headers,
        )
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "action": "moderation.firm_suspended"}
        if cursor:
            params["cursor"] = cursor
        page = (
            await client.get("/moderation/audit-log", params=params, headers=staff.headers)
        ).json()
        seen += [e["target_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [str(f.firm_id) for f in reversed(firms)]
    entry = (
        await client.get(
            "/moderation/audit-log",
            params={"target_type": "firm", "target_id": firms[0].firm_id},
            headers=staff.headers,
        )
    ).json()["items"][0]
    assert entry["actor_user_id"] == staff.user_id
    assert entry["reason"] == f"case {firms[0].firm_id}"
    assert entry["at"].endswith("+00:00") or entry["at"].endswith("Z")


async def test_audit_log_filters(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    other_staff = await staff_member(client, app)
    firm = await firm_owner(client)
    await client.post(f"/moderation/firms/{firm.firm_id}/verify", headers=staff.headers)
    await client.post(
        f"/moderation/firms/{firm.firm_id}/suspend",
        json={"reason": "x"},
        headers=other_staff.headers,
    )
    await client.post("/auth/token", data={"username": firm.email, "password": "wrong-one-1"})

    async def actions(**params: Any) -> list[str]:
        response = await client.get("/moderation/audit-log", params=params, headers=staff.headers)
        assert response.status_code == 200, response.text
        return [e["action"] for e in response.json()["items"]]

    assert await actions(actor_user_id=other_staff.user_id) == ["moderation.firm_suspended"]
    assert await actions(action="auth.login_failed") == ["auth.login_failed"]
    assert await actions(target_type="firm") == [
        "moderation.firm_suspended",
        "moderation.firm_verified",
    ]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert await actions(since=future) == []
    assert len(await actions(since=past, until=future)) == 3
    naive = await client.get(
        "/moderation/audit-log", params={"since": "2026-01-01T00:00:00"}, headers=staff.headers
    )
    assert naive.status_code == 422


async def test_audit_log_is_staff_only(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert (await client.get("/moderation/audit-log", headers=user.headers)).status_code == 403
    assert (await client.get("/moderation/audit-log")).status_code == 401


async def test_database_refuses_to_rewrite_the_audit_log(app: Any) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await record(session, "test.event", actor_user_id=None, reason="original")
        await session.commit()
    statements = [
        update(AuditEntry).values(reason="rewritten"),
        delete(AuditEntry),
        text("UPDATE audit_log SET actor_user_id = 1"),
        text("DELETE FROM audit_log WHERE action = 'test.event'"),
    ]
    for statement in statements:
        async with app.state.ctx.sessionmaker() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(statement)
            await session.rollback()
    async with app.state.ctx.sessionmaker() as session:
        reasons = (await session.scalars(select(AuditEntry.reason))).all()
    assert reasons == ["original"]
    assert await _entries(app) == 1
