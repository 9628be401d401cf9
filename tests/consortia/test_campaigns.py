from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from distretto.kit.events import firm_key
from distretto.models import Campaign
from tests.consortia.builders import (
    consortium,
    days_from_now,
    events_for,
    member_firm,
    set_firm,
)
from tests.helpers import add_member, firm_owner, problem_fields


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Toscana, filiera tracciata",
        "description": "Campagna collettiva sui mercati DACH",
        "budget": "1000.00",
        "starts_on": days_from_now(20).isoformat(),
        "ends_on": days_from_now(80).isoformat(),
    }
    body.update(overrides)
    return body


async def _campaign(client: httpx.AsyncClient, manager: Any, cid: int, **overrides: Any) -> dict:
    response = await client.post(
        f"/consortia/{cid}/campaigns", json=campaign_body(**overrides), headers=manager.headers
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _join(client: httpx.AsyncClient, campaign_id: int, owner: Any) -> httpx.Response:
    return await client.post(
        f"/campaigns/{campaign_id}/participations",
        json={"firm_id": owner.firm_id},
        headers=owner.headers,
    )


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"budget": 0}, "budget"),
        ({"budget": "1.001"}, "budget"),
        ({"ends_on": days_from_now(10).isoformat()}, "ends_on"),
        (
            {"starts_on": days_from_now(-30).isoformat(), "ends_on": days_from_now(-1).isoformat()},
            "ends_on",
        ),
        ({"title": ""}, "title"),
        ({"description": "x" * 8001}, "description"),
    ],
)
async def test_bad_campaign_is_422(
    client: httpx.AsyncClient,
    override: dict,
    field: str,
) -> None:
    manager, created = await consortium(client, kind="marketing")
    response = await client.post(
        f"/consortia/{created['id']}/campaigns",
        json=campaign_body(**override),
        headers=manager.headers,
    )
    assert response.status_code == 422 and field in problem_fields(response)
    listed = await client.get(f"/consortia/{created['id']}/campaigns", headers=manager.headers)
    assert listed.json()["items"] == []


async def test_campaign_participation_and_equal_costs(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="marketing")
    cid = created["id"]
    firms = [await member_firm(client, cid, manager) for _ in range(3)]
    campaign = await _campaign(client, manager, cid)
    assert campaign["budget"] == "1000.00" and campaign["participant_count"] == 0
    assert await events_for(app, firm_key(firms[0].firm_id), "campaign.created")
    member = await member_firm(client, cid, manager)
    assert (
        await client.post(
            f"/consortia/{cid}/campaigns", json=campaign_body(), headers=member.headers
        )
    ).status_code == 403

    for owner in firms:
        assert (await _join(client, campaign["id"], owner)).status_code == 201
    assert (await _join(client, campaign["id"], firms[0])).status_code == 409
    outsider = await firm_owner(client)
    assert (await _join(client, campaign["id"], outsider)).status_code == 403
    read_only = await add_member(client, member, "member")
    assert (await _join(client, campaign["id"], read_only)).status_code == 403
    await set_firm(app, member.firm_id, status="suspended")
    assert (await _join(client, campaign["id"], member)).status_code == 403

    detail = (await client.get(f"/campaigns/{campaign['id']}", headers=member.headers)).json()
    assert detail["participant_count"] == 3
    assert (
        await client.get(f"/campaigns/{campaign['id']}", headers=outsider.headers)
    ).status_code == 404

    costs = await client.get(f"/campaigns/{campaign['id']}/costs", headers=firms[2].headers)
    assert costs.status_code == 200
    shares = [Decimal(line["share"]) for line in costs.json()]
    assert sum(shares) == Decimal("1000.00") and sorted(shares) == [
        Decimal("333.33"),
        Decimal("333.33"),
        Decimal("333.34"),
    ]
    assert (
        await client.get(f"/campaigns/{campaign['id']}/costs", headers=member.headers)
    ).status_code == 403


async def test_withdraw_until_the_campaign_starts(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="marketing")
    cid = created["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)
    campaign = await _campaign(client, manager, cid)
    for owner in (firm_a, firm_b):
        assert (await _join(client, campaign["id"], owner)).status_code == 201
    withdrawn = await client.delete(
        f"/campaigns/{campaign['id']}/participations/{firm_a.firm_id}", headers=firm_a.headers
    )
    assert withdrawn.status_code == 204

    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(Campaign)
            .where(Campaign.id == campaign["id"])
            .values(starts_on=days_from_now(-1))
        )
        await session.commit()
    started = await client.delete(
        f"/campaigns/{campaign['id']}/participations/{firm_b.firm_id}", headers=firm_b.headers
    )
    assert started.status_code == 409
    # Joining while it runs is still welcome.
    assert (await _join(client, campaign["id"], firm_a)).status_code == 201
    costs = (await client.get(f"/campaigns/{campaign['id']}/costs", headers=manager.headers)).json()
    assert [line["share"] for line in costs] == ["500.00", "500.00"]

    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(Campaign).where(Campaign.id == campaign["id"]).values(ends_on=days_from_now(-1))
        )
        await session.commit()
    late = await member_firm(client, cid, manager)
    over = await _join(client, campaign["id"], late)
    assert over.status_code == 409 and "over" in over.json()["detail"]
