from typing import Any

import httpx
import pytest

from distretto.models import ReputationScore
from tests.consortia.builders import (
    consortium,
    member_firm,
    set_firm,
    trade_fair,
)
from tests.helpers import firm_owner, problem_fields


async def _score(app: Any, firm_id: int, score: float | None, contracts: int = 12) -> None:
    """A reputation as the reputation feature would store it (it is not ours to compute)."""
    async with app.state.ctx.sessionmaker() as session:
        session.add(
            ReputationScore(
                firm_id=firm_id,
                role="supplier",
                phase="*",
                score=score,
                contracts=contracts,
                components={},
                formula_version="test",
            )
        )
        await session.commit()


async def _seal(client: httpx.AsyncClient, manager: Any, cid: int, **overrides: Any) -> dict:
    body = {
        "name": "Filiera Toscana Certificata",
        "description": "Lavorazioni tracciate in Toscana",
        "require_verified": True,
        **overrides,
    }
    response = await client.post(f"/consortia/{cid}/seals", json=body, headers=manager.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _grant(
    client: httpx.AsyncClient, manager: Any, seal_id: int, firm_id: int
) -> httpx.Response:
    return await client.post(
        f"/seals/{seal_id}/grants", json={"firm_id": firm_id}, headers=manager.headers
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "S"}, "name"),
        ({"name": "Sigillo", "min_reputation": 101}, "min_reputation"),
        ({"name": "Sigillo", "min_reputation": -1}, "min_reputation"),
        ({"name": "Sigillo", "require_verified": "maybe"}, "require_verified"),
    ],
)
async def test_bad_seal_is_422(client: httpx.AsyncClient, body: dict, field: str) -> None:
    manager, created = await consortium(client, kind="marketing")
    response = await client.post(
        f"/consortia/{created['id']}/seals", json=body, headers=manager.headers
    )
    assert response.status_code == 422 and field in problem_fields(response)
    assert (await client.get(f"/consortia/{created['id']}/seals")).json() == []


async def test_seal_criteria_are_enforced(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="marketing")
    cid = created["id"]
    seal = await _seal(client, manager, cid, min_reputation=70)
    assert seal["min_reputation"] == 70 and seal["holders"] == []
    duplicate = await client.post(
        f"/consortia/{cid}/seals",
        json={"name": "filiera toscana certificata"},
        headers=manager.headers,
    )
    assert duplicate.status_code == 409

    member = await member_firm(client, cid, manager)
    outsider = await firm_owner(client)
    assert (await _grant(client, member, seal["id"], member.firm_id)).status_code == 403

    not_member = await _grant(client, manager, seal["id"], outsider.firm_id)
    assert not_member.status_code == 409 and "not an active member" in not_member.json()["detail"]
    unverified = await _grant(client, manager, seal["id"], member.firm_id)
    assert unverified.status_code == 409 and "verified" in unverified.json()["detail"]

    await set_firm(app, member.firm_id, verified=True)
    no_score = await _grant(client, manager, seal["id"], member.firm_id)
    assert no_score.status_code == 409 and "no reputation yet" in no_score.json()["detail"]

    await _score(app, member.firm_id, 64.2)
    low = await _grant(client, manager, seal["id"], member.firm_id)
    assert low.status_code == 409 and "64.2" in low.json()["detail"]
    assert (await client.get(f"/firms/{member.firm_id}/seals")).json() == []


async def test_grant_show_on_profile_and_revoke(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="marketing", name="Marchio Moda Toscana")
    cid = created["id"]
    seal = await _seal(client, manager, cid, min_reputation=70)
    member = await member_firm(client, cid, manager, name="Tessitura Santini S.r.l.")
    await set_firm(app, member.firm_id, verified=True)
    await _score(app, member.firm_id, 82.5)

    granted = await _grant(client, manager, seal["id"], member.firm_id)
    assert granted.status_code == 201 and granted.json()["firm_name"] == "Tessitura Santini S.r.l."
    assert (await _grant(client, manager, seal["id"], member.firm_id)).status_code == 409
    [badge] = (await client.get(f"/firms/{member.firm_id}/seals")).json()
    assert badge["name"] == "Filiera Toscana Certificata"
    assert badge["consortium_name"] == "Marchio Moda Toscana"
    holders = (await client.get(f"/seals/{seal['id']}")).json()["holders"]
    assert [h["firm_id"] for h in holders] == [member.firm_id]
    assert (await client.get("/firms/999999/seals")).status_code == 404
    assert (await client.get("/seals/999999")).status_code == 404

    assert (
        await client.delete(f"/seals/{seal['id']}/grants/{member.firm_id}", headers=member.headers)
    ).status_code == 403
    revoked = await client.delete(
        f"/seals/{seal['id']}/grants/{member.firm_id}", headers=manager.headers
    )
    assert revoked.status_code == 204
    assert (await client.get(f"/firms/{member.firm_id}/seals")).json() == []
    assert (
        await client.delete(f"/seals/{seal['id']}/grants/{member.firm_id}", headers=manager.headers)
    ).status_code == 404


async def test_leaving_the_consortium_takes_its_seals(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="marketing")
    cid = created["id"]
    seal = await _seal(client, manager, cid, require_verified=False)
    member = await member_firm(client, cid, manager)
    assert (await _grant(client, manager, seal["id"], member.firm_id)).status_code == 201
    assert (
        await client.delete(f"/consortia/{cid}/members/{member.firm_id}", headers=member.headers)
    ).status_code == 204
    assert (await client.get(f"/firms/{member.firm_id}/seals")).json() == []


async def test_showcase_shows_public_facts_of_members_in_good_standing(
    client: httpx.AsyncClient, app
) -> None:
    manager, created = await consortium(client, name="Consorzio Export Tessile Pratese")
    cid = created["id"]
    seal = await _seal(client, manager, cid, require_verified=False)
    star = await member_firm(
        client, cid, manager, name="Lanificio Bardazzi S.p.A.", phases=["spinning", "weaving"]
    )
    newcomer = await member_firm(client, cid, manager, name="Tintoria Nesti S.n.c.")
    suspended = await member_firm(client, cid, manager, name="Filatura Sospesa S.r.l.")
    await set_firm(app, star.firm_id, verified=True)
    await _score(app, star.firm_id, 88.0, contracts=41)
    await set_firm(app, suspended.firm_id, status="suspended")
    assert (await _grant(client, manager, seal["id"], star.firm_id)).status_code == 201
    await trade_fair(client, manager, cid, name="Première Vision Paris", city="Paris")

    response = await client.get(f"/consortia/{cid}/showcase")
    assert response.status_code == 200
    page = response.json()
    assert page["name"] == "Consorzio Export Tessile Pratese"
    firms = {f["name"]: f for f in page["firms"]}
    assert set(firms) == {"Lanificio Bardazzi S.p.A.", "Tintoria Nesti S.n.c."}
    best = firms["Lanificio Bardazzi S.p.A."]
    assert best["verified"] is True and best["phases"] == ["spinning", "weaving"]
    assert best["reputation"] == {"score": 88.0, "contracts": 41}
    assert [s["name"] for s in best["seals"]] == ["Filiera Toscana Certificata"]
    assert firms["Tintoria Nesti S.n.c."]["reputation"] is None
    assert not {"vat_number", "members", "email", "status"} & set(best)
    [fair] = page["upcoming_trade_fairs"]
    assert fair["name"] == "Première Vision Paris" and "total_cost" not in fair
    assert newcomer.firm_id in {f["id"] for f in page["firms"]}
    assert (await client.get("/consortia/999999/showcase")).status_code == 404
