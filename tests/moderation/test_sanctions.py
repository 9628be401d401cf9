"""Resolving flags with sanctions, and the direct staff actions on firms."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from distretto.models import FirmWarning
from tests.helpers import firm_owner, problem_fields, register
from tests.moderation.builders import audit_actions, events_for, flag, resolve, staff_member


async def test_warn_records_a_warning_and_tells_the_firm(
    client: httpx.AsyncClient, app: Any
) -> None:
    staff = await staff_member(client, app)
    rogue = await firm_owner(client)
    created = await flag(client, await register(client), "firm", rogue.firm_id)
    resolution = await resolve(client, staff, created["id"], "warn", "Second fake listing")
    assert resolution["responsible_firm_id"] == rogue.firm_id
    async with app.state.ctx.sessionmaker() as session:
        warnings = (await session.scalars(select(FirmWarning))).all()
    assert [(w.firm_id, w.flag_id, w.reason) for w in warnings] == [
        (rogue.firm_id, created["id"], "Second fake listing")
    ]
    told = [e for e in await events_for(app, f"firm:{rogue.firm_id}") if e[0] == "firm.warned"]
    assert told and told[0][1]["reason"] == "Second fake listing"
    listed = await client.get("/moderation/firms", headers=staff.headers)
    row = next(f for f in listed.json()["items"] if f["id"] == rogue.firm_id)
    assert row["warnings"] == 1 and row["status"] == "active"
    assert await audit_actions(client, staff, target_type="firm", target_id=rogue.firm_id) == [
        "moderation.firm_warned",
        "moderation.flag_resolved",
    ]


async def test_suspend_through_the_queue(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    rogue = await firm_owner(client)
    created = await flag(client, await register(client), "firm", rogue.firm_id)
    await resolve(client, staff, created["id"], "suspend", "Fraud confirmed by the police")
    profile = (await client.get(f"/firms/{rogue.firm_id}")).json()
    assert profile["status"] == "suspended"
    suspended = [
        e for e in await events_for(app, f"firm:{rogue.firm_id}") if e[0] == "firm.suspended"
    ]
    assert suspended == [
        (
            "firm.suspended",
            {
                "firm_id": rogue.firm_id,
                "firm_name": profile["name"],
                "reason": "Fraud confirmed by the police",
                "until": None,
            },
        )
    ]
    listed = await client.get(
        "/moderation/firms", params={"status": "suspended"}, headers=staff.headers
    )
    assert [(f["id"], f["suspension_reason"]) for f in listed.json()["items"]] == [
        (rogue.firm_id, "Fraud confirmed by the police")
    ]


async def test_firms_cannot_be_hidden(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    rogue = await firm_owner(client)
    created = await flag(client, await register(client), "firm", rogue.firm_id)
    response = await client.post(
        f"/moderation/flags/{created['id']}/resolve",
        json={"action": "hide", "note": "x"},
        headers=staff.headers,
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"action"}
    assert await audit_actions(client, staff) == []


@pytest.mark.parametrize("action", ["warn", "suspend"])
async def test_sanctions_need_a_note(client: httpx.AsyncClient, app: Any, action: str) -> None:
    staff = await staff_member(client, app)
    rogue = await firm_owner(client)
    created = await flag(client, await register(client), "firm", rogue.firm_id)
    response = await client.post(
        f"/moderation/flags/{created['id']}/resolve",
        json={"action": action, "note": "  "},
        headers=staff.headers,
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"note"}
    assert (await client.get(f"/firms/{rogue.firm_id}")).json()["status"] == "active"


async def test_resolving_twice_or_unknown(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    rogue = await firm_owner(client)
    created = await flag(client, await register(client), "firm", rogue.firm_id)
    await resolve(client, staff, created["id"], "dismiss")
    again = await client.post(
        f"/moderation/flags/{created['id']}/resolve",
        json={"action": "suspend", "note": "changed my mind"},
        headers=staff.headers,
    )
    assert again.status_code == 409
    assert (await client.get(f"/firms/{rogue.firm_id}")).json()["status"] == "active"
    missing = await client.post(
        "/moderation/flags/987654/resolve", json={"action": "dismiss"}, headers=staff.headers
    )
    assert missing.status_code == 404
    bad = await client.post(
        f"/moderation/flags/{created['id']}/resolve",
        json={"action": "ban", "note": "x"},
        headers=staff.headers,
    )
    assert bad.status_code == 422 and problem_fields(bad) == {"action"}


async def test_resolving_is_staff_only(client: httpx.AsyncClient, app: Any) -> None:
    rogue = await firm_owner(client)
    reporter = await firm_owner(client)
    created = await flag(client, reporter, "firm", rogue.firm_id)
    response = await client.post(
        f"/moderation/flags/{created['id']}/resolve",
        json={"action": "suspend", "note": "I say so"},
        headers=reporter.headers,
    )
    assert response.status_code == 403
    assert (await client.get(f"/firms/{rogue.firm_id}")).json()["status"] == "active"


async def test_suspend_and_reinstate_directly(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    firm = await firm_owner(client)
    url = f"/moderation/firms/{firm.firm_id}"
    suspended = await client.post(
        f"{url}/suspend", json={"reason": "Unpaid association fees"}, headers=staff.headers
    )
    assert suspended.status_code == 200
    body = suspended.json()
    assert body["status"] == "suspended" and body["suspension_reason"] == "Unpaid association fees"
    assert body["suspended_at"] is not None
    again = await client.post(f"{url}/suspend", json={"reason": "again"}, headers=staff.headers)
    assert again.status_code == 409

    reinstated = await client.post(
        f"{url}/reinstate", json={"note": "Fees paid"}, headers=staff.headers
    )
    assert reinstated.status_code == 200
    assert reinstated.json()["status"] == "active"
    assert reinstated.json()["suspended_at"] is None
    assert (await client.post(f"{url}/reinstate", headers=staff.headers)).status_code == 409
    types = [e[0] for e in await events_for(app, f"firm:{firm.firm_id}")]
    assert types == ["firm.suspended", "firm.reinstated"]
    assert await audit_actions(client, staff, target_type="firm", target_id=firm.firm_id) == [
        "moderation.firm_reinstated",
        "moderation.firm_suspended",
    ]


async def test_suspension_needs_a_reason(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    firm = await firm_owner(client)
    for body in ({}, {"reason": ""}, {"reason": "r" * 2001}):
        response = await client.post(
            f"/moderation/firms/{firm.firm_id}/suspend", json=body, headers=staff.headers
        )
        assert response.status_code == 422 and problem_fields(response) == {"reason"}
    assert (await client.get(f"/firms/{firm.firm_id}")).json()["status"] == "active"


async def test_verify_gives_the_badge_once(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    firm = await firm_owner(client)
    verified = await client.post(
        f"/moderation/firms/{firm.firm_id}/verify",
        json={"note": "Chamber of commerce record"},
        headers=staff.headers,
    )
    assert verified.status_code == 200 and verified.json()["verified"] is True
    assert (await client.get(f"/firms/{firm.firm_id}")).json()["verified"] is True
    again = await client.post(f"/moderation/firms/{firm.firm_id}/verify", headers=staff.headers)
    assert again.status_code == 409
    directory = await client.get("/firms", params={"verified": True})
    assert [f["id"] for f in directory.json()["items"]] == [firm.firm_id]
    assert await audit_actions(client, staff, action="moderation.firm_verified") == [
        "moderation.firm_verified"
    ]


@pytest.mark.parametrize("action", ["verify", "suspend", "reinstate"])
async def test_firm_actions_on_unknown_firms_are_404(
    client: httpx.AsyncClient, app: Any, action: str
) -> None:
    staff = await staff_member(client, app)
    response = await client.post(
        f"/moderation/firms/424242/{action}",
        json={"reason": "x"} if action == "suspend" else None,
        headers=staff.headers,
    )
    assert response.status_code == 404


@pytest.mark.parametrize("action", ["verify", "suspend", "reinstate"])
async def test_firm_actions_are_staff_only(client: httpx.AsyncClient, action: str) -> None:
    owner = await firm_owner(client)
    response = await client.post(
        f"/moderation/firms/{owner.firm_id}/{action}",
        json={"reason": "self-service"},
        headers=owner.headers,
    )
    assert response.status_code == 403
    profile = (await client.get(f"/firms/{owner.firm_id}")).json()
    assert profile["status"] == "active" and profile["verified"] is False
