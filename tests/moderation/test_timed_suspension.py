"""Suspensions with an end date: the firm is active again once the clock passes it;
the audit log reads as names."""

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from tests.contracts.builders import fixed_clock
from tests.helpers import firm_owner, make_staff, register
from tests.market.builders import order_body

START = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)


async def test_suspension_ends_by_itself_on_its_date(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["weaving"])
    staff = await make_staff(app, await register(client, full_name="Giulia Bardi"))
    until = START + timedelta(days=7)
    with fixed_clock(app, START):
        suspended = await client.post(
            f"/moderation/firms/{owner.firm_id}/suspend",
            json={"reason": "DURC scaduto", "until": until.isoformat()},
            headers=staff.headers,
        )
        assert suspended.status_code == 200, suspended.text
        assert suspended.json()["status"] == "suspended"
        assert suspended.json()["suspended_until"].startswith("2026-06-22T10:00:00")
    with fixed_clock(app, until - timedelta(minutes=1)):
        refused = await client.post(
            "/orders", json=order_body(owner.firm_id), headers=owner.headers
        )
        assert refused.status_code == 403 and refused.json()["code"] == "firm.suspended"
    with fixed_clock(app, until + timedelta(minutes=1)):
        listed = await client.get(
            "/moderation/firms", params={"q": "Tessitura"}, headers=staff.headers
        )
        mine = next(f for f in listed.json()["items"] if f["id"] == owner.firm_id)
        assert mine["status"] == "active" and mine["suspended_until"] is None
    log = await client.get("/moderation/audit-log", headers=staff.headers)
    entries = log.json()["items"]
    assert [e["action"] for e in entries][:2] == [
        "moderation.suspension_expired",
        "moderation.firm_suspended",
    ]
    suspension = entries[1]
    assert suspension["actor_name"] == "Giulia Bardi"
    assert suspension["target_name"] and suspension["target_name"].startswith("Tessitura")


async def test_suspension_end_must_be_in_the_future(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    with fixed_clock(app, START):
        response = await client.post(
            f"/moderation/firms/{owner.firm_id}/suspend",
            json={"reason": "Prova", "until": (START - timedelta(days=1)).isoformat()},
            headers=staff.headers,
        )
    assert response.status_code == 422 and response.json()["code"] == "suspension.until_past"
    firm = await client.get(f"/firms/{owner.firm_id}")
    assert firm.json()["status"] == "active"
