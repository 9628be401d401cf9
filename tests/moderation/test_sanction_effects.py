"""What a suspension does elsewhere: the firm reads but cannot post, bid, award or enrol,
until it is reinstated."""

from typing import Any

import httpx
import pytest

from tests.consortia.builders import sign_up
from tests.market.builders import bid_body, order_body, place_bid, post_order
from tests.moderation.builders import events_for
from tests.security.world import World, build_world
from tests.training.builders import enrol


@pytest.fixture
async def world(client: httpx.AsyncClient, app: Any) -> World:
    return await build_world(client, app)


async def _suspend(client: httpx.AsyncClient, world: World, firm_id: int) -> None:
    response = await client.post(
        f"/moderation/firms/{firm_id}/suspend",
        json={"reason": "Irregular subcontracting"},
        headers=world.staff.headers,
    )
    assert response.status_code == 200, response.text


async def _reinstate(client: httpx.AsyncClient, world: World, firm_id: int) -> None:
    response = await client.post(
        f"/moderation/firms/{firm_id}/reinstate", headers=world.staff.headers
    )
    assert response.status_code == 200, response.text


async def test_suspended_client_cannot_post_or_award(
    client: httpx.AsyncClient, world: World
) -> None:
    owner = world.client
    pending_bid = world.open_bid_id
    await _suspend(client, world, owner.firm_id)

    posted = await client.post("/orders", json=order_body(owner.firm_id), headers=owner.headers)
    assert posted.status_code == 403
    award = await client.post(
        f"/orders/{world.open_order_id}/award",
        json={"bid_id": pending_bid},
        headers=owner.headers,
    )
    assert award.status_code == 403
    # Reading goes on.
    assert (
        await client.get(f"/orders/{world.open_order_id}", headers=owner.headers)
    ).status_code == 200
    assert (
        await client.get(f"/contracts/{world.contract_id}", headers=owner.headers)
    ).status_code == 200

    await _reinstate(client, world, owner.firm_id)
    await post_order(client, owner)
    award = await client.post(
        f"/orders/{world.open_order_id}/award",
        json={"bid_id": pending_bid},
        headers=owner.headers,
    )
    assert award.status_code == 201, award.text


async def test_suspended_supplier_cannot_bid_nor_be_awarded(
    client: httpx.AsyncClient, world: World
) -> None:
    order = await post_order(client, world.client)
    await _suspend(client, world, world.supplier.firm_id)
    bid = await client.post(
        f"/orders/{order['id']}/bids",
        json=bid_body(world.supplier.firm_id),
        headers=world.supplier.headers,
    )
    assert bid.status_code == 403
    award = await client.post(
        f"/orders/{world.open_order_id}/award",
        json={"bid_id": world.open_bid_id},
        headers=world.client.headers,
    )
    assert award.status_code == 409
    await _reinstate(client, world, world.supplier.firm_id)
    await place_bid(client, world.supplier, order["id"])


async def test_suspended_member_firm_cannot_enrol_nor_sign_up(
    client: httpx.AsyncClient, world: World
) -> None:
    await _suspend(client, world, world.supplier.firm_id)
    assert (await enrol(client, world.course_id, world.supplier)).status_code == 403
    assert (await sign_up(client, world.trade_fair_id, world.supplier)).status_code == 403
    await _reinstate(client, world, world.supplier.firm_id)
    assert (await enrol(client, world.course_id, world.supplier)).status_code == 201
    assert (await sign_up(client, world.trade_fair_id, world.supplier)).status_code == 201


async def test_suspension_reaches_the_firms_live_channel(
    client: httpx.AsyncClient, app: Any, world: World
) -> None:
    await _suspend(client, world, world.supplier.firm_id)
    await _reinstate(client, world, world.supplier.firm_id)
    told = [t for t, _ in await events_for(app, f"firm:{world.supplier.firm_id}")]
    assert told[-2:] == ["firm.suspended", "firm.reinstated"]
