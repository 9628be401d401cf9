"""A firm's export: everything it owns or is party to, as the firm itself reads it."""

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from distretto.models import AuditEntry
from tests.moderation.builders import flag, resolve
from tests.security.world import World, build_world


@pytest.fixture
async def world(client: httpx.AsyncClient, app: Any) -> World:
    return await build_world(client, app)


async def _export(
    client: httpx.AsyncClient, firm_id: int, headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.get(f"/firms/{firm_id}/export", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"] == (
        f'attachment; filename="distretto-firm-{firm_id}-export.json"'
    )
    assert response.headers["cache-control"] == "no-store"
    return dict(response.json())


def _ids(rows: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in rows]


async def test_client_export(client: httpx.AsyncClient, app: Any, world: World) -> None:
    data = await _export(client, world.client.firm_id, world.client.headers)
    assert data["format_version"] == "1"
    assert data["exported_by_user_id"] == world.client.user_id
    assert data["firm"]["id"] == world.client.firm_id and data["firm"]["phases"] == ["weaving"]
    assert {m["user_id"]: m["role"] for m in data["members"]} == {
        world.client.user_id: "owner",
        world.client_manager.user_id: "manager",
        world.client_member.user_id: "member",
    }
    assert all("password_hash" not in m for m in data["members"])
    assert _ids(data["orders"]) == [world.order_id, world.open_order_id]
    # The bids it received are the bidders' business: only its own bids are exported.
    assert data["bids"] == []
    assert _ids(data["contracts"]) == [world.contract_id]
    # Money as everywhere in the API: a decimal string (2000 kg at 3.15).
    assert data["contracts"][0]["total_price"] == "6300.00"
    assert _ids(data["messages"]) == [world.client_message_id, world.supplier_message_id]
    assert _ids(data["reviews_given"]) == [world.client_review_id]
    assert _ids(data["reviews_received"]) == [world.supplier_review_id]
    assert [m["consortium_id"] for m in data["consortium_memberships"]] == [world.consortium_id]
    assert data["consortium_memberships"][0]["status"] == "active"
    async with app.state.ctx.sessionmaker() as session:
        audited = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "privacy.firm_exported")
            )
        ).all()
    assert [(a.actor_user_id, a.target_id) for a in audited] == [
        (world.client.user_id, str(world.client.firm_id))
    ]


async def test_supplier_export_has_its_bids(client: httpx.AsyncClient, world: World) -> None:
    data = await _export(client, world.supplier.firm_id, world.supplier.headers)
    assert _ids(data["bids"]) == [world.bid_id, world.open_bid_id]
    assert data["orders"] == []
    assert _ids(data["reviews_given"]) == [world.supplier_review_id]


async def test_shared_content_follows_the_firms_own_view(
    client: httpx.AsyncClient, world: World
) -> None:
    # A message of the supplier hidden by moderation: gone for the client, kept by its author.
    created = await flag(client, world.client, "message", world.supplier_message_id)
    await resolve(client, world.staff, created["id"], "hide", "Insults")
    client_view = await _export(client, world.client.firm_id, world.client.headers)
    assert _ids(client_view["messages"]) == [world.client_message_id]
    supplier_view = await _export(client, world.supplier.firm_id, world.supplier.headers)
    assert world.supplier_message_id in _ids(supplier_view["messages"])

    # A review still under the double-blind rule is not in the other side's export.
    contract = await client.post(
        f"/orders/{world.open_order_id}/award",
        json={"bid_id": world.open_bid_id},
        headers=world.client.headers,
    )
    url = f"/contracts/{contract.json()['id']}"
    await client.post(f"{url}/deliver", headers=world.supplier.headers)
    await client.post(f"{url}/accept", headers=world.client.headers)
    review = await client.post(
        f"{url}/reviews",
        json={"quality": 2, "timeliness": 2, "communication": 2},
        headers=world.client.headers,
    )
    assert review.status_code == 201, review.text
    supplier_view = await _export(client, world.supplier.firm_id, world.supplier.headers)
    assert review.json()["id"] not in _ids(supplier_view["reviews_received"])
    client_view = await _export(client, world.client.firm_id, world.client.headers)
    assert review.json()["id"] in _ids(client_view["reviews_given"])


async def test_only_owners_export(client: httpx.AsyncClient, world: World) -> None:
    url = f"/firms/{world.client.firm_id}/export"
    assert (await client.get(url, headers=world.client_manager.headers)).status_code == 403
    assert (await client.get(url, headers=world.client_member.headers)).status_code == 403
    assert (await client.get(url, headers=world.supplier.headers)).status_code == 404
    assert (await client.get(url, headers=world.staff.headers)).status_code == 404
    assert (await client.get(url)).status_code == 401
    assert (
        await client.get("/firms/999999/export", headers=world.client.headers)
    ).status_code == 404
