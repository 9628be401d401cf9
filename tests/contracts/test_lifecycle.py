"""Contract lifecycle: deliver, accept, dispute, staff resolution; times set by the server."""

from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import AuditEntry, Contract, Event, EventAudience, ReputationScore
from tests.contracts.builders import NOW, count, deal, fixed_clock, set_firm
from tests.helpers import add_member, make_staff, register


async def _events(app: FastAPI, type_: str) -> list[tuple[dict, set[str]]]:
    async with app.state.ctx.sessionmaker() as session:
        events = (
            await session.scalars(select(Event).where(Event.type == type_).order_by(Event.id))
        ).all()
        result = []
        for event in events:
            keys = set(
                (
                    await session.scalars(
                        select(EventAudience.audience_key).where(EventAudience.event_id == event.id)
                    )
                ).all()
            )
            result.append((event.data, keys))
        return result


async def test_deliver_then_accept_records_server_times(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app, due_date=(NOW + timedelta(days=3)).date())
    with fixed_clock(app, NOW):
        delivered = await client.post(f"{d.url}/deliver", headers=d.supplier.headers)
    assert delivered.status_code == 200, delivered.text
    body = delivered.json()
    assert body["status"] == "delivered"
    assert body["delivered_at"].startswith("2026-06-15T10:00:00")
    assert body["on_time"] is True and body["overdue"] is False
    assert body["unit_price"] == "10.00" and body["total_price"] == "10000.00"
    assert body["client_firm_name"] and body["supplier_firm_name"] and body["order_title"]

    later = NOW + timedelta(days=2)
    with fixed_clock(app, later):
        accepted = await client.post(f"{d.url}/accept", headers=d.client.headers)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "completed"
    assert accepted.json()["completed_at"].startswith("2026-06-17T10:00:00")

    # Reputation moved in the same transaction as the acceptance: both firms are scored.
    assert await count(app, ReputationScore, ReputationScore.phase == "*") == 2
    updates = await _events(app, "contract.updated")
    assert [data["status"] for data, _ in updates] == ["delivered", "completed"]
    firms = {f"firm:{d.client.firm_id}", f"firm:{d.supplier.firm_id}"}
    assert all(keys == firms for _, keys in updates)


async def test_late_delivery_is_recorded_by_the_system(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app, due_date=(NOW - timedelta(days=1)).date())
    with fixed_clock(app, NOW):
        before = (await client.get(d.url, headers=d.client.headers)).json()
        assert before["overdue"] is True and before["on_time"] is None
        delivered = await client.post(f"{d.url}/deliver", headers=d.supplier.headers)
    assert delivered.json()["on_time"] is False and delivered.json()["overdue"] is False


@pytest.mark.parametrize(
    ("status", "action", "side"),
    [
        ("delivered", "deliver", "supplier"),
        ("completed", "deliver", "supplier"),
        ("active", "accept", "client"),
        ("completed", "accept", "client"),
        ("disputed", "accept", "client"),
        ("cancelled", "deliver", "supplier"),
    ],
)
async def test_invalid_transitions_conflict(
    client: httpx.AsyncClient, app: FastAPI, status: str, action: str, side: str
) -> None:
    d = await deal(client, app, status=status)
    actor = d.supplier if side == "supplier" else d.client
    response = await client.post(f"{d.url}/{action}", headers=actor.headers)
    assert response.status_code == 409, response.text
    assert status in response.json()["detail"]
    assert await count(app, Contract, Contract.status == status) == 1


@pytest.mark.parametrize("status", ["completed", "disputed", "cancelled"])
async def test_dispute_only_from_active_or_delivered(
    client: httpx.AsyncClient, app: FastAPI, status: str
) -> None:
    d = await deal(client, app, status=status)
    response = await client.post(
        f"{d.url}/dispute", json={"reason": "Merce difettosa"}, headers=d.client.headers
    )
    assert response.status_code == 409


async def test_wrong_side_and_low_role_are_forbidden(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app)
    # The client cannot declare the supplier's delivery; the supplier cannot accept.
    assert (await client.post(f"{d.url}/deliver", headers=d.client.headers)).status_code == 403
    await client.post(f"{d.url}/deliver", headers=d.supplier.headers)
    assert (await client.post(f"{d.url}/accept", headers=d.supplier.headers)).status_code == 403
    member = await add_member(client, d.client, "member")
    refused = await client.post(f"{d.url}/accept", headers=member.headers)
    assert refused.status_code == 403 and "manager" in refused.json()["detail"]
    manager = await add_member(client, d.client, "manager")
    assert (await client.post(f"{d.url}/accept", headers=manager.headers)).status_code == 200


async def test_suspended_firms_cannot_act(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await deal(client, app)
    await set_firm(app, d.supplier.firm_id, status="suspended")
    for path, body in (("deliver", None), ("dispute", {"reason": "Ritardo nei pagamenti"})):
        response = await client.post(f"{d.url}/{path}", json=body, headers=d.supplier.headers)
        assert response.status_code == 403 and "suspended" in response.json()["detail"]
    message = await client.post(
        f"{d.url}/messages", json={"text": "Ciao"}, headers=d.supplier.headers
    )
    assert message.status_code == 403
    # Suspended firms still read.
    assert (await client.get(d.url, headers=d.supplier.headers)).status_code == 200
    assert (await count(app, Contract, Contract.status == "active")) == 1


async def test_dispute_records_who_and_why_and_tells_staff(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app, status="delivered", delivered_at=NOW - timedelta(days=1))
    with fixed_clock(app, NOW):
        response = await client.post(
            f"{d.url}/dispute",
            json={"reason": "  Colore fuori tolleranza  "},
            headers=d.client.headers,
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "disputed"
    assert body["dispute_reason"] == "Colore fuori tolleranza"
    assert body["dispute_opened_by_firm_id"] == d.client.firm_id
    assert body["disputed_at"].startswith("2026-06-15T10:00:00")
    ((_, keys),) = await _events(app, "contract.updated")
    assert "staff" in keys


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reason"),
        ({"reason": "  "}, "reason"),
        ({"reason": "x" * 4001}, "reason"),
        ({"reason": "Ritardo", "extra": 1}, "extra"),
        ({"reason": "Ritardo", "firm_id": "abc"}, "firm_id"),
    ],
)
async def test_bad_dispute_input_is_422_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, body: dict, field: str
) -> None:
    d = await deal(client, app)
    response = await client.post(f"{d.url}/dispute", json=body, headers=d.client.headers)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert await count(app, Contract, Contract.status == "active") == 1


async def test_dispute_on_behalf_of_a_firm_not_party_is_422(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app)
    other = await register(client)
    response = await client.post(
        f"{d.url}/dispute",
        json={"reason": "Ritardo grave", "firm_id": other.user_id + 10_000},
        headers=d.client.headers,
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "firm_id"


@pytest.mark.parametrize("outcome", ["completed", "cancelled"])
async def test_staff_resolve_dispute_is_audited_and_scores(
    client: httpx.AsyncClient, app: FastAPI, outcome: str
) -> None:
    d = await deal(client, app, status="delivered", delivered_at=NOW - timedelta(days=2))
    staff = await make_staff(app, await register(client))
    await client.post(
        f"{d.url}/dispute", json={"reason": "Cuciture aperte"}, headers=d.client.headers
    )
    queue = await client.get("/moderation/disputes", headers=staff.headers)
    assert [c["id"] for c in queue.json()["items"]] == [d.contract_id]
    with fixed_clock(app, NOW):
        resolved = await client.post(
            f"/moderation/contracts/{d.contract_id}/resolve",
            json={"outcome": outcome, "note": "Perizia tecnica del 14 giugno"},
            headers=staff.headers,
        )
    assert resolved.status_code == 200, resolved.text
    body = resolved.json()
    assert body["status"] == outcome and body["dispute_outcome"] == outcome
    stamp = "completed_at" if outcome == "completed" else "cancelled_at"
    assert body[stamp].startswith("2026-06-15T10:00:00")
    assert body["dispute_note"] == "Perizia tecnica del 14 giugno"
    async with app.state.ctx.sessionmaker() as session:
        entry = (await session.scalars(select(AuditEntry))).one()
    assert entry.action == "contract.dispute_resolved" and entry.actor_user_id == staff.user_id
    assert entry.target_id == str(d.contract_id) and entry.details["outcome"] == outcome
    assert entry.reason == "Perizia tecnica del 14 giugno"
    # Both firms' reputation reflects the outcome, and the queue is empty again.
    assert await count(app, ReputationScore, ReputationScore.phase == "*") == 2
    assert (await client.get("/moderation/disputes", headers=staff.headers)).json()["items"] == []
    done = await client.get("/moderation/disputes?status=resolved", headers=staff.headers)
    assert [c["id"] for c in done.json()["items"]] == [d.contract_id]
    again = await client.post(
        f"/moderation/contracts/{d.contract_id}/resolve",
        json={"outcome": outcome, "note": "Di nuovo"},
        headers=staff.headers,
    )
    assert again.status_code == 409


async def test_resolution_rules(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await deal(client, app)
    staff = await make_staff(app, await register(client))
    # Staff reach a contract only through a dispute: one never disputed does not exist
    # for them (issue 15 #7; it was a 409).
    not_disputed = await client.post(
        f"/moderation/contracts/{d.contract_id}/resolve",
        json={"outcome": "completed", "note": "Nessuna contestazione"},
        headers=staff.headers,
    )
    assert not_disputed.status_code == 404
    bad = await client.post(
        f"/moderation/contracts/{d.contract_id}/resolve",
        json={"outcome": "refunded", "note": ""},
        headers=staff.headers,
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"outcome", "note"}
    unknown = await client.post(
        "/moderation/contracts/999999/resolve",
        json={"outcome": "completed", "note": "Nessuna"},
        headers=staff.headers,
    )
    assert unknown.status_code == 404
    # A staff member who belongs to one of the firms may not judge the dispute.
    await client.post(f"{d.url}/dispute", json={"reason": "Ritardo"}, headers=d.client.headers)
    insider = await make_staff(app, d.client)
    conflicted = await client.post(
        f"/moderation/contracts/{d.contract_id}/resolve",
        json={"outcome": "cancelled", "note": "Decido io"},
        headers=insider.headers,
    )
    assert conflicted.status_code == 403
    assert await count(app, AuditEntry) == 0
