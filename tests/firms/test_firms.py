import httpx
import pytest
from sqlalchemy import func, select

from distretto.firms.vat import vat_problem
from distretto.models import Firm
from tests.helpers import add_member, create_firm, firm_owner, problem_fields, register, valid_vat


async def _firm_count(app) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Firm)) or 0)


def test_vat_check_digit() -> None:
    assert vat_problem("00743110157") is None  # a real, published partita IVA
    assert vat_problem("00743110158") == "check digit is wrong"
    assert vat_problem("1234") == "has the wrong length"
    assert vat_problem("0000000048" + "0") is not None


async def test_create_firm_makes_creator_owner(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    firm = await create_firm(
        client,
        owner,
        vat_number="IT" + valid_vat(77),
        region="toscana",
        phases=["dyeing", "finishing"],
        via_http=True,
    )
    assert firm["status"] == "active" and firm["verified"] is False
    assert firm["region"] == "Toscana" and sorted(firm["phases"]) == ["dyeing", "finishing"]
    me = (await client.get("/me", headers=owner.headers)).json()
    assert me["memberships"] == [
        {"firm_id": firm["id"], "firm_name": firm["name"], "role": "owner", "firm_status": "active"}
    ]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"vat_number": "12345678901"}, "vat_number"),
        ({"vat_number": "abc"}, "vat_number"),
        ({"phases": ["telepathy"]}, "phases"),
        ({"phases": []}, "phases"),
        ({"region": "Atlantide"}, "region"),
        ({"size_class": "huge"}, "size_class"),
        ({"name": "x" * 161}, "name"),
        ({"description": "d" * 4001}, "description"),
        ({"province": "Parma"}, "province"),  # in Emilia-Romagna, not in Toscana
        ({"province": "ZZ"}, "province"),
        ({"phases": "weaving"}, "phases"),
        ({"name": 42}, "name"),
    ],
)
async def test_bad_firm_input_is_422_and_writes_nothing(
    client: httpx.AsyncClient,
    app,
    override: dict,
    field: str,
) -> None:
    owner = await register(client)
    body = {
        "name": "Tintoria Test S.r.l.",
        "vat_number": valid_vat(),
        "phases": ["dyeing"],
        "region": "Toscana",
        "province": "PO",
        "size_class": "small",
    }
    body.update(override)
    response = await client.post("/firms", json=body, headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await _firm_count(app) == 0


async def test_duplicate_vat_conflicts(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    vat = valid_vat(4242)
    await create_firm(client, owner, vat_number=vat)
    again = await client.post(
        "/firms",
        json={
            "name": "Altra S.r.l.",
            "vat_number": vat,
            "phases": ["weaving"],
            "region": "Toscana",
            "size_class": "micro",
        },
        headers=owner.headers,
    )
    assert again.status_code == 409


async def test_anonymous_cannot_create_firm(client: httpx.AsyncClient) -> None:
    response = await client.post("/firms", json={})
    assert response.status_code in (401, 422)
    response = await client.post(
        "/firms",
        json={
            "name": "Anon S.r.l.",
            "vat_number": valid_vat(),
            "phases": ["weaving"],
            "region": "Toscana",
            "size_class": "micro",
        },
    )
    assert response.status_code == 401


async def test_directory_filters_search_and_pages(client: httpx.AsyncClient) -> None:
    owner = await register(client)
    for index in range(5):
        await create_firm(client, owner, name=f"Tintoria Alfa {index}", phases=["dyeing"])
    await create_firm(
        client,
        owner,
        name="Calzaturificio Beta",
        phases=["lasting"],
        region="Marche",
        province="FM",
    )
    dyeing = (await client.get("/firms", params={"phase": "dyeing", "limit": 2})).json()
    assert len(dyeing["items"]) == 2 and dyeing["next_cursor"]
    seen = [f["name"] for f in dyeing["items"]]
    cursor = dyeing["next_cursor"]
    while cursor:
        page = (
            await client.get("/firms", params={"phase": "dyeing", "limit": 2, "cursor": cursor})
        ).json()
        seen += [f["name"] for f in page["items"]]
        cursor = page["next_cursor"]
    assert seen == sorted(seen) and len(seen) == 5 and len(set(seen)) == 5
    marche = (await client.get("/firms", params={"region": "Marche"})).json()["items"]
    assert [f["name"] for f in marche] == ["Calzaturificio Beta"]
    search = (await client.get("/firms", params={"q": "calzatur"})).json()["items"]
    assert len(search) == 1
    bad = await client.get("/firms", params={"cursor": "!!!"})
    assert bad.status_code == 422 and "cursor" in problem_fields(bad)
    too_many = await client.get("/firms", params={"limit": 101})
    assert too_many.status_code == 422 and "limit" in problem_fields(too_many)


async def test_public_profile_and_unknown_firm(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    profile = await client.get(f"/firms/{owner.firm_id}")
    assert profile.status_code == 200 and profile.json()["status"] == "active"
    assert (await client.get("/firms/999999")).status_code == 404


async def test_roles_guard_updates_and_members(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    manager = await add_member(client, owner, "manager", via_http=True)
    member = await add_member(client, owner, "member", via_http=True)
    stranger = await firm_owner(client)

    patch = {"description": "Tessuti cardati dal 1962"}
    assert (
        await client.patch(f"/firms/{owner.firm_id}", json=patch, headers=manager.headers)
    ).status_code == 200
    assert (
        await client.patch(f"/firms/{owner.firm_id}", json=patch, headers=member.headers)
    ).status_code == 403
    assert (
        await client.patch(f"/firms/{owner.firm_id}", json=patch, headers=stranger.headers)
    ).status_code == 404
    # Members list is private to the firm.
    assert (
        await client.get(f"/firms/{owner.firm_id}/members", headers=member.headers)
    ).status_code == 200
    assert (
        await client.get(f"/firms/{owner.firm_id}/members", headers=stranger.headers)
    ).status_code == 404
    # Only owners add members.
    newcomer = await register(client)
    assert (
        await client.post(
            f"/firms/{owner.firm_id}/members",
            json={"email": newcomer.email, "role": "member"},
            headers=manager.headers,
        )
    ).status_code == 403


async def test_member_management_rules(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    unknown = await client.post(
        f"/firms/{owner.firm_id}/members",
        json={"email": "nobody@example.it", "role": "member"},
        headers=owner.headers,
    )
    assert unknown.status_code == 422 and "email" in problem_fields(unknown)
    bad_role = await client.post(
        f"/firms/{owner.firm_id}/members",
        json={"email": owner.email, "role": "boss"},
        headers=owner.headers,
    )
    assert bad_role.status_code == 422 and "role" in problem_fields(bad_role)
    dup = await client.post(
        f"/firms/{owner.firm_id}/members",
        json={"email": owner.email, "role": "member"},
        headers=owner.headers,
    )
    assert dup.status_code == 409
    # The last owner can neither leave nor be demoted.
    assert (
        await client.delete(
            f"/firms/{owner.firm_id}/members/{owner.user_id}", headers=owner.headers
        )
    ).status_code == 409
    assert (
        await client.patch(
            f"/firms/{owner.firm_id}/members/{owner.user_id}",
            json={"role": "member"},
            headers=owner.headers,
        )
    ).status_code == 409
    helper = await add_member(client, owner, "member", via_http=True)
    promoted = await client.patch(
        f"/firms/{owner.firm_id}/members/{helper.user_id}",
        json={"role": "manager"},
        headers=owner.headers,
    )
    assert promoted.status_code == 200 and promoted.json()["role"] == "manager"
    assert (
        await client.delete(
            f"/firms/{owner.firm_id}/members/{helper.user_id}", headers=owner.headers
        )
    ).status_code == 204


async def test_phases_taxonomy(client: httpx.AsyncClient) -> None:
    phases = (await client.get("/phases")).json()
    codes = {p["code"]: p for p in phases}
    assert codes["dyeing"]["parent"] == "textile"
    assert codes["upper_stitching"]["name_it"] == "Orlatura"
    assert all(p["parent"] is None or p["parent"] in codes for p in phases)


async def test_ownership_groups(client: httpx.AsyncClient) -> None:
    owner = await firm_owner(client)
    await create_firm(client, owner)
    other = await firm_owner(client)
    refused = await client.post(
        "/ownership-groups",
        json={"name": "Gruppo", "firm_ids": [owner.firm_ids[0], other.firm_id]},
        headers=owner.headers,
    )
    assert refused.status_code == 403
    group = await client.post(
        "/ownership-groups",
        json={"name": "Famiglia", "firm_ids": owner.firm_ids},
        headers=owner.headers,
    )
    assert group.status_code == 201
    profile = (await client.get(f"/firms/{owner.firm_ids[1]}")).json()
    assert profile["ownership_group_id"] == group.json()["id"]
    again = await client.post(
        "/ownership-groups",
        json={"name": "Again", "firm_ids": owner.firm_ids},
        headers=owner.headers,
    )
    assert again.status_code == 409


async def test_forged_cursor_with_wrong_types_is_422(client: httpx.AsyncClient) -> None:
    from distretto.kit.pagination import encode_cursor

    for forged in (["x", "y"], [1, 2], [None, "z"]):
        response = await client.get("/firms", params={"cursor": encode_cursor(forged)})
        assert response.status_code == 422, forged
        assert "cursor" in problem_fields(response)
