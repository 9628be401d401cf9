import httpx
import pytest
from sqlalchemy import func, select

from distretto.kit.events import firm_key, user_key
from distretto.models import Consortium
from tests.consortia.builders import approve, consortium, events_for, join, member_firm, set_firm
from tests.helpers import add_member, firm_owner, problem_fields, register


async def _consortium_count(app) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Consortium)) or 0)


async def test_creator_manages_new_consortium(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training", name="Scuola di Filiera")
    assert created["viewer_role"] == "manager" and created["member_count"] == 0
    assert created["members"] == [] and created["pending"] == []
    me = (await client.get("/me", headers=manager.headers)).json()
    assert me["consortia"] == [{"consortium_id": created["id"], "role": "manager"}]
    duplicate = await client.post(
        "/consortia",
        json={"name": "scuola di filiera", "kind": "general"},
        headers=manager.headers,
    )
    assert duplicate.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "kind": "export"}, "name"),
        ({"name": "Consorzio", "kind": "lobby"}, "kind"),
        ({"name": "Consorzio", "kind": "export", "description": "d" * 4001}, "description"),
        ({"name": "Consorzio", "kind": "export", "budget": 1}, "budget"),
        ({"kind": "export"}, "name"),
    ],
)
async def test_bad_consortium_is_422_and_writes_nothing(
    client: httpx.AsyncClient,
    app,
    body: dict,
    field: str,
) -> None:
    user = await register(client)
    response = await client.post("/consortia", json=body, headers=user.headers)
    assert response.status_code == 422 and field in problem_fields(response)
    assert await _consortium_count(app) == 0


async def test_anonymous_cannot_create_but_can_browse(client: httpx.AsyncClient) -> None:
    assert (
        await client.post("/consortia", json={"name": "Anon", "kind": "export"})
    ).status_code == 401
    await consortium(client, name="Consorzio Export Tessile Pratese", kind="export")
    await consortium(client, name="Marchio Distretto Moda", kind="marketing")
    listed = (await client.get("/consortia")).json()
    assert [c["name"] for c in listed["items"]] == [
        "Consorzio Export Tessile Pratese",
        "Marchio Distretto Moda",
    ]
    assert all(c["viewer_role"] is None for c in listed["items"])
    marketing = (await client.get("/consortia", params={"kind": "marketing"})).json()["items"]
    assert [c["name"] for c in marketing] == ["Marchio Distretto Moda"]
    search = (await client.get("/consortia", params={"q": "pratese"})).json()["items"]
    assert len(search) == 1
    paged = (await client.get("/consortia", params={"limit": 1})).json()
    assert len(paged["items"]) == 1 and paged["next_cursor"]
    rest = (
        await client.get("/consortia", params={"limit": 1, "cursor": paged["next_cursor"]})
    ).json()
    assert rest["items"][0]["name"] == "Marchio Distretto Moda" and rest["next_cursor"] is None
    assert (await client.get("/consortia/999999")).status_code == 404


async def test_join_approve_and_member_directory(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    owner = await firm_owner(client, name="Tintoria Lenzi S.r.l.", phases=["dyeing"])
    await join(client, cid, owner)

    # Pending requests are for managers' eyes only.
    public = (await client.get(f"/consortia/{cid}")).json()
    assert public["members"] == [] and public["pending"] is None
    seen_by_manager = (await client.get(f"/consortia/{cid}", headers=manager.headers)).json()
    assert [p["firm_id"] for p in seen_by_manager["pending"]] == [owner.firm_id]
    assert await events_for(app, user_key(manager.user_id), "membership.requested")

    again = await client.post(
        f"/consortia/{cid}/members", json={"firm_id": owner.firm_id}, headers=owner.headers
    )
    assert again.status_code == 409

    await approve(client, cid, manager, owner.firm_id)
    detail = (await client.get(f"/consortia/{cid}", headers=owner.headers)).json()
    assert detail["viewer_role"] == "member" and detail["member_count"] == 1
    [member] = detail["members"]
    assert member["firm_name"] == "Tintoria Lenzi S.r.l." and member["phases"] == ["dyeing"]
    assert member["region"] == "Toscana" and member["status"] == "active"
    assert "vat_number" not in member
    approved = await events_for(app, firm_key(owner.firm_id), "membership.approved")
    assert approved == [{"consortium_id": cid, "firm_id": owner.firm_id, "status": "active"}]
    me = (await client.get("/me", headers=owner.headers)).json()
    assert me["consortia"] == [{"consortium_id": cid, "role": "member"}]

    decided = await client.post(
        f"/consortia/{cid}/members/{owner.firm_id}/approve", headers=manager.headers
    )
    assert decided.status_code == 409


async def test_only_owner_asks_and_only_manager_decides(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    owner = await firm_owner(client)
    firm_manager = await add_member(client, owner, "manager")
    stranger = await register(client)

    by_firm_manager = await client.post(
        f"/consortia/{cid}/members", json={"firm_id": owner.firm_id}, headers=firm_manager.headers
    )
    assert by_firm_manager.status_code == 403
    by_stranger = await client.post(
        f"/consortia/{cid}/members", json={"firm_id": owner.firm_id}, headers=stranger.headers
    )
    assert by_stranger.status_code == 404
    await join(client, cid, owner)
    self_approval = await client.post(
        f"/consortia/{cid}/members/{owner.firm_id}/approve", headers=owner.headers
    )
    assert self_approval.status_code == 403
    unknown = await client.post(f"/consortia/{cid}/members/999999/approve", headers=manager.headers)
    assert unknown.status_code == 404
    missing = await client.post(
        "/consortia/999999/members", json={"firm_id": owner.firm_id}, headers=owner.headers
    )
    assert missing.status_code == 404


async def test_rejected_or_departed_firm_may_ask_again(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    owner = await firm_owner(client)
    await join(client, cid, owner)
    rejected = await client.post(
        f"/consortia/{cid}/members/{owner.firm_id}/reject", headers=manager.headers
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    await join(client, cid, owner)
    await approve(client, cid, manager, owner.firm_id)

    left = await client.delete(f"/consortia/{cid}/members/{owner.firm_id}", headers=owner.headers)
    assert left.status_code == 204
    detail = (await client.get(f"/consortia/{cid}")).json()
    assert detail["members"] == [] and detail["member_count"] == 0
    gone_again = await client.delete(
        f"/consortia/{cid}/members/{owner.firm_id}", headers=owner.headers
    )
    assert gone_again.status_code == 404
    await join(client, cid, owner)


async def test_manager_removes_a_member_others_cannot(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    owner = await member_firm(client, cid, manager)
    other = await member_firm(client, cid, manager)
    refused = await client.delete(
        f"/consortia/{cid}/members/{owner.firm_id}", headers=other.headers
    )
    assert refused.status_code == 404
    removed = await client.delete(
        f"/consortia/{cid}/members/{owner.firm_id}", headers=manager.headers
    )
    assert removed.status_code == 204
    assert await events_for(app, firm_key(owner.firm_id), "membership.ended")
    remaining = (await client.get(f"/consortia/{cid}")).json()["members"]
    assert [m["firm_id"] for m in remaining] == [other.firm_id]


async def test_suspended_firm_cannot_join(client: httpx.AsyncClient, app) -> None:
    _, created = await consortium(client)
    owner = await firm_owner(client)
    await set_firm(app, owner.firm_id, status="suspended")
    response = await client.post(
        f"/consortia/{created['id']}/members",
        json={"firm_id": owner.firm_id},
        headers=owner.headers,
    )
    assert response.status_code == 403


async def test_managers_edit_and_appoint_co_managers(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    colleague = await register(client, full_name="Giulia Bardazzi")
    outsider = await register(client)

    edited = await client.patch(
        f"/consortia/{cid}", json={"description": "Nuova descrizione"}, headers=manager.headers
    )
    assert edited.status_code == 200 and edited.json()["description"] == "Nuova descrizione"
    assert (
        await client.patch(f"/consortia/{cid}", json={"kind": None}, headers=manager.headers)
    ).status_code == 422
    assert (
        await client.patch(f"/consortia/{cid}", json={"name": "Mio"}, headers=outsider.headers)
    ).status_code == 403

    added = await client.post(
        f"/consortia/{cid}/managers", json={"email": colleague.email}, headers=manager.headers
    )
    assert added.status_code == 201 and added.json()["full_name"] == "Giulia Bardazzi"
    twice = await client.post(
        f"/consortia/{cid}/managers", json={"email": colleague.email}, headers=manager.headers
    )
    assert twice.status_code == 409
    nobody = await client.post(
        f"/consortia/{cid}/managers", json={"email": "nobody@example.it"}, headers=manager.headers
    )
    assert nobody.status_code == 422 and problem_fields(nobody) == {"email"}
    by_outsider = await client.post(
        f"/consortia/{cid}/managers", json={"email": outsider.email}, headers=outsider.headers
    )
    assert by_outsider.status_code == 403

    # The new co-manager acts at once.
    renamed = await client.patch(
        f"/consortia/{cid}", json={"name": "Consorzio Rinominato"}, headers=colleague.headers
    )
    assert renamed.status_code == 200 and renamed.json()["viewer_role"] == "manager"
    listed = (await client.get(f"/consortia/{cid}/managers", headers=colleague.headers)).json()
    assert {m["user_id"] for m in listed} == {manager.user_id, colleague.user_id}
    assert (
        await client.get(f"/consortia/{cid}/managers", headers=outsider.headers)
    ).status_code == 403

    removed = await client.delete(
        f"/consortia/{cid}/managers/{manager.user_id}", headers=colleague.headers
    )
    assert removed.status_code == 204
    last = await client.delete(
        f"/consortia/{cid}/managers/{colleague.user_id}", headers=colleague.headers
    )
    assert last.status_code == 409
