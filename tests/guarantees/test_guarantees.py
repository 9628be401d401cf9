"""The confidi: requests by member firms, decisions within each firm's cap, privacy."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from distretto.guarantees.service import expire_due
from distretto.kit.clock import get_clock
from distretto.models import Guarantee
from tests.consortia.builders import consortium, events_for, member_firm
from tests.guarantees.builders import approve, ask, confidi, day, member, set_cap
from tests.helpers import add_member, firm_owner, make_staff, register


async def test_request_approve_and_exposure(client: httpx.AsyncClient, app: Any) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    assert (await set_cap(client, cid, manager, owner.firm_id, "20000.00")).status_code == 200
    asked = await ask(client, cid, owner, "12000.00")
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "pending"
    assert await events_for(client._transport.app, f"user:{manager.user_id}", "guarantee.requested")

    approved = await approve(client, asked.json()["id"], manager, percent="50", amount="12000")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert (body["status"], body["amount"], body["exposure"]) == ("approved", "12000.00", "6000.00")
    again = await approve(client, body["id"], manager)
    assert again.status_code == 409
    caps = (await client.get(f"/consortia/{cid}/caps", headers=manager.headers)).json()
    assert [(c["cap"], c["exposure"], c["available"]) for c in caps] == [
        ("20000.00", "6000.00", "14000.00")
    ]
    decided = await events_for(app, f"firm:{owner.firm_id}", "guarantee.decided")
    assert decided[0]["status"] == "approved"


async def test_cap_is_never_exceeded_and_percent_at_most_80(client: httpx.AsyncClient) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    first = (await ask(client, cid, owner)).json()
    no_cap = await approve(client, first["id"], manager)
    assert no_cap.status_code == 409 and no_cap.json()["code"] == "guarantees.no_cap"
    await set_cap(client, cid, manager, owner.firm_id, "10000.00")
    too_high = await approve(client, first["id"], manager, percent="80.01")
    assert too_high.status_code == 422 and too_high.json()["code"] == "guarantees.percent_too_high"
    past = await approve(client, first["id"], manager, expires_on=day(0))
    assert past.status_code == 422
    assert (
        await approve(client, first["id"], manager, percent="80", amount="10000")
    ).status_code == 200
    second = (await ask(client, cid, owner, "5000.00")).json()
    # 8000 used of 10000: 5000 at 50% (2500) does not fit, at 40% (2000) it does exactly.
    over = await approve(client, second["id"], manager, percent="50", amount="5000")
    assert over.status_code == 409 and over.json()["code"] == "guarantees.cap_exceeded"
    assert over.json()["params"]["exposure"] == "8000.00"
    fits = await approve(client, second["id"], manager, percent="40", amount="5000")
    assert fits.status_code == 200, fits.text
    listed = (await client.get(f"/consortia/{cid}/guarantees", headers=owner.headers)).json()
    assert {g["status"] for g in listed["items"]} == {"approved"}


async def test_reject_with_reason(client: httpx.AsyncClient) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    asked = (await ask(client, cid, owner)).json()
    assert (
        await client.post(
            f"/guarantees/{asked['id']}/reject", json={"reason": "x"}, headers=manager.headers
        )
    ).status_code == 422
    rejected = await client.post(
        f"/guarantees/{asked['id']}/reject",
        json={"reason": "Bilancio 2025 non ancora depositato"},
        headers=manager.headers,
    )
    assert rejected.status_code == 200
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["reject_reason"] == "Bilancio 2025 non ancora depositato"
    assert (await approve(client, asked["id"], manager)).status_code == 409


async def test_only_the_firm_and_the_manager_see_a_request(
    client: httpx.AsyncClient, app: Any
) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    colleague = await add_member(client, owner, "member")
    neighbour = await member(client, cid, manager)  # another member firm
    outsider = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    asked = (await ask(client, cid, owner)).json()
    for viewer in (owner, colleague, manager):
        seen = await client.get(f"/guarantees/{asked['id']}", headers=viewer.headers)
        assert seen.status_code == 200
    for viewer in (neighbour, outsider, staff):
        assert (
            await client.get(f"/guarantees/{asked['id']}", headers=viewer.headers)
        ).status_code == 404
        listed = await client.get(f"/consortia/{cid}/guarantees", headers=viewer.headers)
        assert listed.status_code == 404 or listed.json()["items"] == []
        refused = await approve(client, asked["id"], viewer)
        assert refused.status_code == 404
    # The firm sees it but does not decide it.
    assert (await approve(client, asked["id"], owner)).status_code == 403
    assert (await client.get(f"/guarantees/{asked['id']}")).status_code == 401
    mine = (await client.get(f"/consortia/{cid}/guarantees", headers=owner.headers)).json()
    assert [g["id"] for g in mine["items"]] == [asked["id"]]
    everything = (await client.get(f"/consortia/{cid}/guarantees", headers=manager.headers)).json()
    assert [g["id"] for g in everything["items"]] == [asked["id"]]


async def test_who_may_ask(client: httpx.AsyncClient, app: Any) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    plain = await add_member(client, owner, "manager")
    outsider = await firm_owner(client)
    assert (await ask(client, cid, plain)).status_code == 403  # owner only
    assert (await ask(client, cid, outsider)).status_code == 403  # not a member
    export_manager, export = await consortium(client, kind="export")
    exporter = await member_firm(client, export["id"], export_manager)
    not_confidi = await ask(client, export["id"], exporter)
    assert not_confidi.status_code == 409
    stranger = await register(client)
    body = {"firm_id": owner.firm_id, "amount": "100", "purpose": "Scorte"}
    response = await client.post(
        f"/consortia/{cid}/guarantees", json=body, headers=stranger.headers
    )
    assert response.status_code == 404
    bad_contract = await ask(client, cid, owner, contract_id=987654)
    assert bad_contract.status_code == 422
    assert bad_contract.json()["errors"][0]["field"] == "contract_id"
    zero = await ask(client, cid, owner, "0")
    assert zero.status_code == 422
    assert (await set_cap(client, cid, owner, owner.firm_id, "100")).status_code == 403
    assert (await set_cap(client, cid, manager, outsider.firm_id, "100")).status_code == 404
    assert (await set_cap(client, cid, manager, owner.firm_id, "-1")).status_code == 422


async def test_expiry_releases_the_exposure(client: httpx.AsyncClient, app: Any) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    await set_cap(client, cid, manager, owner.firm_id, "5000.00")
    first = (await ask(client, cid, owner)).json()
    assert (
        await approve(
            client, first["id"], manager, percent="50", amount="10000", expires_on=day(30)
        )
    ).status_code == 200
    second = (await ask(client, cid, owner)).json()
    assert (
        await approve(client, second["id"], manager, percent="10", amount="1000")
    ).status_code == 409

    # Thirty days later the first guarantee has expired: its 5000 are free again.
    later = datetime.now(UTC) + timedelta(days=30)
    app.dependency_overrides[get_clock] = lambda: lambda: later
    try:
        shown = (await client.get(f"/guarantees/{first['id']}", headers=owner.headers)).json()
        assert (shown["status"], shown["exposure"]) == ("expired", "0.00")
        fits = await approve(
            client,
            second["id"],
            manager,
            percent="50",
            amount="10000",
            expires_on=(later.date() + timedelta(days=90)).isoformat(),
        )
        assert fits.status_code == 200, fits.text
    finally:
        app.dependency_overrides.pop(get_clock, None)

    # The scheduler's sweep records the status change.
    async with app.state.ctx.sessionmaker() as session:
        assert await expire_due(session, later) == 1
        await session.commit()
    async with app.state.ctx.sessionmaker() as session:
        row = await session.get(Guarantee, first["id"])
        assert row is not None and row.status == "expired" and row.expired_at is not None
        assert await expire_due(session, later) == 0


async def test_advance_on_an_active_contract(client: httpx.AsyncClient, app: Any) -> None:
    from tests.security.authz_world import _Builder  # a contract straight in the database

    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    client_firm = await firm_owner(client)
    async with app.state.ctx.sessionmaker() as session:
        from distretto.models import Firm

        b = _Builder(session)
        supplier = await session.get(Firm, owner.firm_id)
        buyer = await session.get(Firm, client_firm.firm_id)
        assert supplier is not None and buyer is not None
        active = await b.contract("c", buyer, supplier, "active")
        reverse = await b.contract("r", supplier, buyer, "active")
        await session.commit()
    ok = await ask(client, cid, owner, contract_id=active.id)
    assert ok.status_code == 201 and ok.json()["contract_id"] == active.id
    # The firm is the client there, not the supplier: no receivable to advance on.
    assert (await ask(client, cid, owner, contract_id=reverse.id)).status_code == 422
