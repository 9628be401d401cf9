"""Content hidden through the queue disappears for everyone but staff and its author."""

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from distretto.reputation.service import recompute_all
from tests.contracts.builders import mark_disputed
from tests.helpers import Actor
from tests.moderation.builders import events_for, flag, queue, resolve
from tests.security.world import World, build_world


@pytest.fixture
async def world(client: httpx.AsyncClient, app: Any) -> World:
    return await build_world(client, app)


async def _hide(
    client: httpx.AsyncClient, world: World, reporter: Actor, kind: str, id_: int
) -> None:
    created = await flag(client, reporter, kind, id_, "Offensive")
    resolution = await resolve(client, world.staff, created["id"], "hide", "Against the rules")
    assert resolution["action"] == "hide"
    [item] = await queue(client, world.staff, status="resolved", target_type=kind)
    assert item["target"]["hidden"] is True


def _ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [i["id"] for i in response.json()["items"]]


async def test_hidden_order(client: httpx.AsyncClient, app: Any, world: World) -> None:
    url = f"/orders/{world.open_order_id}"
    assert (await client.get(url, headers=world.outsider.headers)).status_code == 200
    await _hide(client, world, world.outsider, "order", world.open_order_id)

    assert (await client.get(url, headers=world.outsider.headers)).status_code == 404
    board = await client.get("/orders", headers=world.outsider.headers)
    assert world.open_order_id not in _ids(board)
    # The bidder is not its author either.
    assert (await client.get(url, headers=world.supplier.headers)).status_code == 404
    for author_or_staff in (world.client, world.client_member, world.staff):
        assert (await client.get(url, headers=author_or_staff.headers)).status_code == 200
    told = await events_for(app, f"firm:{world.client.firm_id}")
    assert ("content.hidden", {"target_type": "order", "target_id": world.open_order_id}) in told


async def test_hidden_bid(client: httpx.AsyncClient, world: World) -> None:
    url = f"/bids/{world.open_bid_id}"
    listing = f"/orders/{world.open_order_id}/bids"
    assert world.open_bid_id in _ids(await client.get(listing, headers=world.client.headers))
    await _hide(client, world, world.client, "bid", world.open_bid_id)

    assert world.open_bid_id not in _ids(await client.get(listing, headers=world.client.headers))
    assert (await client.get(url, headers=world.client.headers)).status_code == 404
    assert (await client.get(url, headers=world.supplier.headers)).status_code == 200
    assert world.open_bid_id in _ids(await client.get(listing, headers=world.supplier.headers))


async def test_hidden_review(client: httpx.AsyncClient, app: Any, world: World) -> None:
    url = f"/contracts/{world.contract_id}/reviews"

    async def review_ids(actor: Actor) -> set[int]:
        return set(_ids(await client.get(url, headers=actor.headers)))

    assert world.client_review_id in await review_ids(world.supplier)
    await _hide(client, world, world.supplier, "review", world.client_review_id)

    assert world.client_review_id not in await review_ids(world.supplier)
    assert world.client_review_id in await review_ids(world.client)
    await mark_disputed(app, world.contract_id)  # staff read reviews only through a dispute
    assert world.client_review_id in await review_ids(world.staff)


async def test_a_hidden_review_stops_counting(
    client: httpx.AsyncClient, app: Any, world: World
) -> None:
    async def supplier_score() -> float:
        url = f"/firms/{world.supplier.firm_id}/reputation"
        return float((await client.get(url)).json()["as_supplier"]["score"])

    before = await supplier_score()
    await _hide(client, world, world.supplier, "review", world.client_review_id)
    after = await supplier_score()
    assert after != before
    # The incremental refresh agrees with a full recompute.
    async with app.state.ctx.sessionmaker() as session:
        await recompute_all(session, datetime.now(UTC))
        await session.commit()
    assert await supplier_score() == after


async def test_hidden_message(client: httpx.AsyncClient, app: Any, world: World) -> None:
    url = f"/contracts/{world.contract_id}/messages"
    assert world.client_message_id in _ids(await client.get(url, headers=world.supplier.headers))
    await _hide(client, world, world.supplier, "message", world.client_message_id)

    assert world.client_message_id not in _ids(
        await client.get(url, headers=world.supplier.headers)
    )
    await mark_disputed(app, world.contract_id)  # staff read a thread only through a dispute
    for author_or_staff in (world.client, world.staff):
        seen = _ids(await client.get(url, headers=author_or_staff.headers))
        assert world.client_message_id in seen


@pytest.mark.parametrize(
    ("kind", "attribute"),
    [
        ("bid", "open_bid_id"),
        ("review", "client_review_id"),
        ("message", "client_message_id"),
    ],
)
async def test_what_a_user_cannot_see_cannot_be_flagged(
    client: httpx.AsyncClient, world: World, kind: str, attribute: str
) -> None:
    response = await client.post(
        "/flags",
        json={"target_type": kind, "target_id": getattr(world, attribute), "reason": "x"},
        headers=world.outsider.headers,
    )
    assert response.status_code == 404


async def test_hidden_content_cannot_be_flagged_by_those_who_lost_sight_of_it(
    client: httpx.AsyncClient, world: World
) -> None:
    await _hide(client, world, world.outsider, "order", world.open_order_id)
    again = await client.post(
        "/flags",
        json={"target_type": "order", "target_id": world.open_order_id, "reason": "x"},
        headers=world.supplier.headers,
    )
    assert again.status_code == 404
