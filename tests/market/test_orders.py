"""Orders: posting rules, drafts, visibility, editing, cancelling, sub-orders."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import ConsortiumMember, Contract, Order
from tests.helpers import add_member, create_firm, firm_owner, problem_fields, register
from tests.market.builders import (
    bid_statuses,
    consortium_with,
    count,
    day,
    district,
    events_of,
    execute,
    hide_order,
    moment,
    order_body,
    pass_deadline,
    place_bid,
    post_order,
    suspend,
)


async def test_post_order_returns_the_open_order(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client, region="Marche", province="FM")
    response = await client.post(
        "/orders",
        json=order_body(
            owner.firm_id,
            title="  Orlatura tomaie mocassino  ",
            quantity=500,
            unit="paia",
            target_unit_price=4.5,
            # A naive deadline is UTC; a due date may come as a full timestamp (UTC date).
            bid_deadline="2099-03-01T18:00:00",
            delivery_due="2099-03-31T23:30:00-02:00",
            sealed=True,
        ),
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "open" and order["revision"] == 1 and order["bid_count"] == 0
    assert order["firm_id"] == order["client_firm_id"] == owner.firm_id
    assert order["title"] == "Orlatura tomaie mocassino"
    assert order["region"] == "Marche"  # copied from the client firm
    assert order["target_unit_price"] == "4.50"
    assert order["bid_deadline"].startswith("2099-03-01T18:00:00")
    assert order["bid_deadline"].endswith(("Z", "+00:00"))
    assert order["delivery_due"] == "2099-04-01"
    assert order["sealed"] is True and order["visibility"] == "public"
    again = await client.get(f"/orders/{order['id']}", headers=owner.headers)
    assert again.status_code == 200 and again.json() == order


INVALID_ORDERS: list[tuple[dict[str, Any], str]] = [
    ({"phase": "alchemy"}, "phase"),
    ({"bid_deadline": moment(hours=-1)}, "bid_deadline"),
    ({"bid_deadline": moment(days=50), "delivery_due": day(40)}, "bid_deadline"),
    ({"bid_deadline": "next friday"}, "bid_deadline"),
    ({"delivery_due": "2026-02-30"}, "delivery_due"),
    ({"quantity": 0}, "quantity"),
    ({"quantity": -3}, "quantity"),
    ({"quantity": "many"}, "quantity"),
    ({"quantity": 10**12}, "quantity"),
    ({"unit": ""}, "unit"),
    ({"unit": "u" * 21}, "unit"),
    ({"title": "x" * 201}, "title"),
    ({"title": "  "}, "title"),
    ({"description": "d" * 8001}, "description"),
    ({"target_unit_price": "-1"}, "target_unit_price"),
    ({"target_unit_price": "1.23456"}, "target_unit_price"),
    ({"target_unit_price": "NaN"}, "target_unit_price"),
    ({"target_unit_price": "abc"}, "target_unit_price"),
    ({"visibility": "secret"}, "visibility"),
    ({"visibility": "invited"}, "invited_firm_ids"),
    ({"visibility": "invited", "invited_firm_ids": []}, "invited_firm_ids"),
    ({"visibility": "invited", "invited_firm_ids": [999_999]}, "invited_firm_ids"),
    ({"invited_firm_ids": [1]}, "invited_firm_ids"),
    ({"visibility": "consortium"}, "consortium_id"),
    ({"visibility": "consortium", "consortium_id": 999_999}, "consortium_id"),
    ({"consortium_id": 1}, "consortium_id"),
    ({"status": "awarded"}, "status"),
    ({"parent_contract_id": 0}, "parent_contract_id"),
    ({"firm_id": 2**40}, "firm_id"),
    ({"surprise": True}, "surprise"),
]


async def test_a_user_of_no_firm_sees_no_orders(client: httpx.AsyncClient) -> None:
    """The board is the district's: an account that belongs to no firm sees nothing of it."""
    client_firm = await firm_owner(client, phases=["apparel"])
    order = await post_order(client, client_firm)
    outsider = await register(client)
    board = await client.get("/orders", headers=outsider.headers)
    assert board.status_code == 200 and board.json()["items"] == []
    searched = await client.get("/orders", params={"q": "cardato"}, headers=outsider.headers)
    assert searched.json()["items"] == []
    detail = await client.get(f"/orders/{order['id']}", headers=outsider.headers)
    assert detail.status_code == 404


@pytest.mark.parametrize(("override", "field"), INVALID_ORDERS)
async def test_invalid_order_is_422_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, override: dict[str, Any], field: str
) -> None:
    owner = await firm_owner(client)
    body = order_body(owner.firm_id) | override
    response = await client.post("/orders", json=body, headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await count(app, Order, Order.client_firm_id == owner.firm_id) == 0


async def test_own_firm_cannot_be_invited(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client)
    response = await client.post(
        "/orders",
        json=order_body(owner.firm_id, visibility="invited", invited_firm_ids=[owner.firm_id]),
        headers=owner.headers,
    )
    assert response.status_code == 422 and "invited_firm_ids" in problem_fields(response)
    assert await count(app, Order, Order.client_firm_id == owner.firm_id) == 0


async def test_consortium_orders_need_active_membership(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    pending = await consortium_with(app, {owner.firm_id: "pending"})
    response = await client.post(
        "/orders",
        json=order_body(owner.firm_id, visibility="consortium", consortium_id=pending),
        headers=owner.headers,
    )
    assert response.status_code == 422 and "consortium_id" in problem_fields(response)
    assert await count(app, Order, Order.client_firm_id == owner.firm_id) == 0


async def test_who_may_post(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    body = order_body(d.client_owner.firm_id)
    assert (await client.post("/orders", json=body)).status_code == 401
    assert (
        await client.post("/orders", json=body, headers=d.client_member.headers)
    ).status_code == 403
    assert (await client.post("/orders", json=body, headers=d.rival.headers)).status_code == 404
    assert (await client.post("/orders", json=body, headers=d.staff.headers)).status_code == 404
    manager = await add_member(client, d.client_owner, "manager")
    assert (await client.post("/orders", json=body, headers=manager.headers)).status_code == 201
    await suspend(app, d.client_owner.firm_id)
    refused = await client.post("/orders", json=body, headers=d.client_owner.headers)
    assert refused.status_code == 403 and "suspended" in refused.json()["detail"]
    assert await count(app, Order, Order.client_firm_id == d.client_owner.firm_id) == 1


async def test_drafts_stay_with_the_client_until_published(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    draft = await post_order(client, d.client_owner, status="draft")
    assert draft["status"] == "draft"
    assert await events_of(app, "order.created", draft["id"]) == []
    for outsider in (d.rival, d.bidder):
        assert (
            await client.get(f"/orders/{draft['id']}", headers=outsider.headers)
        ).status_code == 404
        board = (await client.get("/orders", headers=outsider.headers)).json()
        assert board["items"] == []
    for insider in (d.client_member, d.staff):
        assert (
            await client.get(f"/orders/{draft['id']}", headers=insider.headers)
        ).status_code == 200
    bid = await client.post(
        f"/orders/{draft['id']}/bids",
        json={"firm_id": d.bidder.firm_id, "unit_price": "3", "delivery_date": day(30)},
        headers=d.bidder.headers,
    )
    assert bid.status_code == 404
    # The draft's terms can still change before it goes out.
    edited = await client.patch(
        f"/orders/{draft['id']}", json={"quantity": 900}, headers=d.client_owner.headers
    )
    assert edited.status_code == 200 and edited.json()["status"] == "draft"
    assert (
        await client.post(f"/orders/{draft['id']}/publish", headers=d.rival.headers)
    ).status_code == 404
    assert (
        await client.post(f"/orders/{draft['id']}/publish", headers=d.client_member.headers)
    ).status_code == 403
    published = await client.post(f"/orders/{draft['id']}/publish", headers=d.client_owner.headers)
    assert published.status_code == 200 and published.json()["status"] == "open"
    [(data, audience)] = await events_of(app, "order.created", draft["id"])
    assert data["order_id"] == draft["id"]
    assert audience == {"phase:dyeing", f"firm:{d.client_owner.firm_id}"}
    assert (await client.get(f"/orders/{draft['id']}", headers=d.rival.headers)).status_code == 200
    again = await client.post(f"/orders/{draft['id']}/publish", headers=d.client_owner.headers)
    assert again.status_code == 409


async def test_a_draft_whose_deadline_passed_cannot_be_published(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    draft = await post_order(client, owner, status="draft")
    await pass_deadline(app, draft["id"])
    response = await client.post(f"/orders/{draft['id']}/publish", headers=owner.headers)
    assert response.status_code == 422 and "bid_deadline" in problem_fields(response)


async def _visible(client: httpx.AsyncClient, actor: Any, order_id: int) -> bool:
    single = await client.get(f"/orders/{order_id}", headers=actor.headers)
    listed = (await client.get("/orders", headers=actor.headers)).json()["items"]
    assert (single.status_code == 200) == (order_id in {o["id"] for o in listed})
    assert single.status_code in (200, 404)
    return single.status_code == 200


async def test_invited_orders_are_seen_by_invited_firms_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    assert order["invited_firm_ids"] == [d.bidder.firm_id]
    assert await _visible(client, d.bidder, order["id"])
    assert await _visible(client, d.bidder_member, order["id"])
    assert not await _visible(client, d.rival, order["id"])
    assert not await _visible(client, d.outsider, order["id"])
    assert await _visible(client, d.staff, order["id"])
    # Whom the client invited is the client's business.
    seen_by_invited = (await client.get(f"/orders/{order['id']}", headers=d.bidder.headers)).json()
    assert seen_by_invited["invited_firm_ids"] is None
    [(_, audience)] = await events_of(app, "order.created", order["id"])
    assert audience == {f"firm:{d.bidder.firm_id}", f"firm:{d.client_owner.firm_id}"}
    invitations = await client.get(
        f"/orders/{order['id']}/invitations", headers=d.client_member.headers
    )
    assert invitations.status_code == 200
    assert [i["firm_id"] for i in invitations.json()] == [d.bidder.firm_id]
    assert invitations.json()[0]["firm_name"]
    assert (
        await client.get(f"/orders/{order['id']}/invitations", headers=d.bidder.headers)
    ).status_code == 404


async def test_consortium_orders_are_seen_by_active_members(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    consortium = await consortium_with(
        app,
        {
            d.client_owner.firm_id: "active",
            d.bidder.firm_id: "active",
            d.rival.firm_id: "pending",
            d.outsider.firm_id: "active",
        },
    )
    order = await post_order(
        client, d.client_owner, visibility="consortium", consortium_id=consortium
    )
    assert await _visible(client, d.bidder, order["id"])
    assert await _visible(client, d.outsider, order["id"])
    assert not await _visible(client, d.rival, order["id"])
    # Told: active members working in the order's phase (the outsider makes shoes).
    [(_, audience)] = await events_of(app, "order.created", order["id"])
    assert audience == {f"firm:{d.bidder.firm_id}", f"firm:{d.client_owner.firm_id}"}
    # A firm that bid keeps following the order after leaving the consortium.
    bid = await place_bid(client, d.bidder, order["id"])
    await execute(
        app,
        update(ConsortiumMember)
        .where(ConsortiumMember.firm_id.in_([d.bidder.firm_id, d.outsider.firm_id]))
        .values(status="left"),
    )
    assert await _visible(client, d.bidder, order["id"])
    assert not await _visible(client, d.outsider, order["id"])
    assert (await client.get(f"/bids/{bid['id']}", headers=d.bidder.headers)).status_code == 200


async def test_hidden_orders_are_seen_by_staff_and_client_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, order["id"])
    await hide_order(app, order["id"])
    assert await _visible(client, d.client_member, order["id"])
    assert await _visible(client, d.staff, order["id"])
    assert not await _visible(client, d.rival, order["id"])
    assert not await _visible(client, d.bidder, order["id"])


async def test_board_filters_search_and_pages_newest_first(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    other_client = await firm_owner(client, region="Veneto", province="VE")
    ids = []
    for index in range(5):
        ids.append((await post_order(client, d.client_owner, title=f"Tintura lotto {index}"))["id"])
    stitching = await post_order(
        client,
        other_client,
        phase="stitching",
        title="Cucitura giacche sfoderate",
        description="Capi spalla in lana cotta, taglie 44-56",
    )
    ids.append(stitching["id"])
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = (await client.get("/orders", params=params, headers=d.rival.headers)).json()
        seen += [o["id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(ids, reverse=True)

    async def board(**params: Any) -> list[int]:
        response = await client.get("/orders", params=params, headers=d.rival.headers)
        assert response.status_code == 200, response.text
        return [o["id"] for o in response.json()["items"]]

    assert await board(phase="stitching") == [stitching["id"]]
    assert await board(region="veneto") == [stitching["id"]]
    assert await board(firm_id=other_client.firm_id) == [stitching["id"]]
    assert await board(q="giacche") == [stitching["id"]]
    assert await board(q="LANA giacc") == [stitching["id"]]  # every word, as a prefix
    assert await board(q="cucit cotta") == [stitching["id"]]
    assert await board(q="giacche tintura") == []
    assert await board(q="tintura lotto 3") == [ids[3]]
    assert await board(q="velluto") == []
    assert await board(q="!!! ???") == sorted(ids, reverse=True)  # no words: no filter
    mine = await client.get("/orders", params={"mine": True}, headers=other_client.headers)
    assert [o["id"] for o in mine.json()["items"]] == [stitching["id"]]
    await pass_deadline(app, ids[0])
    assert await board(status="closed") == [ids[0]]
    assert ids[0] not in await board(status="open")
    assert len(await board(status="open")) == 5
    for bad in ({"status": "sleeping"}, {"limit": 101}, {"limit": 0}, {"cursor": "%%%"}):
        response = await client.get("/orders", params=bad, headers=d.rival.headers)
        assert response.status_code == 422, bad
    forged = await client.get("/orders", params={"cursor": "WyJ4Il0"}, headers=d.rival.headers)
    assert forged.status_code == 422 and "cursor" in problem_fields(forged)
    assert (await client.get("/orders")).status_code == 401


async def test_an_open_order_past_its_deadline_reads_closed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    await pass_deadline(app, order["id"])
    assert (await client.get(f"/orders/{order['id']}", headers=d.rival.headers)).json()[
        "status"
    ] == "closed"
    late = await client.post(
        f"/orders/{order['id']}/bids",
        json={"firm_id": d.bidder.firm_id, "unit_price": "3", "delivery_date": day(30)},
        headers=d.bidder.headers,
    )
    assert late.status_code == 409
    edit = await client.patch(
        f"/orders/{order['id']}", json={"title": "Nuovo titolo"}, headers=d.client_owner.headers
    )
    assert edit.status_code == 409


async def test_editing_an_open_order_asks_bidders_to_confirm(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity=1000)
    first = await place_bid(client, d.bidder, order["id"], unit_price="2.50")
    second = await place_bid(client, d.rival, order["id"], unit_price="2.40")
    await client.post(f"/bids/{second['id']}/withdraw", headers=d.rival.headers)

    unchanged = await client.patch(
        f"/orders/{order['id']}", json={"quantity": 1000}, headers=d.client_owner.headers
    )
    assert unchanged.status_code == 200 and unchanged.json()["revision"] == 1
    assert (await bid_statuses(app, order["id"]))[first["id"]] == "active"

    edited = await client.patch(
        f"/orders/{order['id']}",
        json={"quantity": 1500, "description": "Ora anche il fissaggio"},
        headers=d.client_owner.headers,
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["revision"] == 2 and edited.json()["quantity"] == "1500"
    statuses = await bid_statuses(app, order["id"])
    assert statuses == {first["id"]: "needs_confirmation", second["id"]: "withdrawn"}
    bid = (await client.get(f"/bids/{first['id']}", headers=d.bidder.headers)).json()
    assert bid["total_price"] == "3750.00" and bid["order_revision"] == 1
    [(data, audience)] = await events_of(app, "order.updated", order["id"])
    assert data["revision"] == 2 and data["bids_need_confirmation"] is True
    assert f"firm:{d.bidder.firm_id}" in audience and "phase:dyeing" in audience
    assert "total_price" not in data and "unit_price" not in data


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"bid_deadline": moment(hours=-2)}, "bid_deadline"),
        ({"delivery_due": day(1)}, "bid_deadline"),
        ({"title": None}, "title"),
        ({"quantity": None}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"visibility": "invited"}, "visibility"),
        ({"status": "awarded"}, "status"),
    ],
)
async def test_invalid_edit_is_422_and_changes_nothing(
    client: httpx.AsyncClient, app: FastAPI, patch: dict[str, Any], field: str
) -> None:
    owner = await firm_owner(client)
    order = await post_order(client, owner)
    response = await client.patch(f"/orders/{order['id']}", json=patch, headers=owner.headers)
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    after = (await client.get(f"/orders/{order['id']}", headers=owner.headers)).json()
    assert after == order


async def test_who_may_edit(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    patch = {"title": "Tintura urgente"}
    url = f"/orders/{order['id']}"
    assert (await client.patch(url, json=patch)).status_code == 401
    assert (await client.patch(url, json=patch, headers=d.rival.headers)).status_code == 403
    assert (await client.patch(url, json=patch, headers=d.staff.headers)).status_code == 403
    assert (await client.patch(url, json=patch, headers=d.client_member.headers)).status_code == 403
    await suspend(app, d.client_owner.firm_id)
    assert (await client.patch(url, json=patch, headers=d.client_owner.headers)).status_code == 403
    assert (await client.get(url, headers=d.client_owner.headers)).json()["title"] == order["title"]


async def test_cancel_releases_the_bidders(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    withdrawn = await place_bid(client, d.rival, order["id"])
    await client.post(f"/bids/{withdrawn['id']}/withdraw", headers=d.rival.headers)
    url = f"/orders/{order['id']}/cancel"
    assert (await client.post(url, headers=d.rival.headers)).status_code == 403
    assert (await client.post(url, headers=d.client_member.headers)).status_code == 403
    assert (await client.post(url, headers=d.staff.headers)).status_code == 403
    # Suspension stops new business, not winding an order down.
    await suspend(app, d.client_owner.firm_id)
    cancelled = await client.post(
        url, json={"reason": "Collezione rinviata"}, headers=d.client_owner.headers
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert await bid_statuses(app, order["id"]) == {
        bid["id"]: "rejected",
        withdrawn["id"]: "withdrawn",
    }
    [(data, audience)] = await events_of(app, "order.cancelled", order["id"])
    assert data["reason"] == "Collezione rinviata"
    assert audience == {f"firm:{d.client_owner.firm_id}", f"firm:{d.bidder.firm_id}"}
    assert (await client.post(url, headers=d.client_owner.headers)).status_code == 409
    award = await client.post(
        f"/orders/{order['id']}/award", json={"bid_id": bid["id"]}, headers=d.client_owner.headers
    )
    assert award.status_code in (403, 409)  # suspended client; a cancelled order anyway


async def test_drafts_and_closed_orders_can_be_cancelled(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    draft = await post_order(client, owner, status="draft")
    closed = await post_order(client, owner)
    await pass_deadline(app, closed["id"])
    for order in (draft, closed):
        response = await client.post(f"/orders/{order['id']}/cancel", headers=owner.headers)
        assert response.status_code == 200 and response.json()["status"] == "cancelled"


async def _awarded_contract(client: httpx.AsyncClient, app: FastAPI, d: Any) -> dict[str, Any]:
    order = await post_order(client, d.client_owner, phase="weaving")
    bid = await place_bid(client, d.bidder, order["id"])
    awarded = await client.post(
        f"/orders/{order['id']}/award", json={"bid_id": bid["id"]}, headers=d.client_owner.headers
    )
    assert awarded.status_code == 201, awarded.text
    return dict(awarded.json())


async def test_a_supplier_subcontracts_its_active_contract(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    contract = await _awarded_contract(client, app, d)
    sub = await client.post(
        "/orders",
        json=order_body(d.bidder.firm_id, parent_contract_id=contract["id"], phase="finishing"),
        headers=d.bidder.headers,
    )
    assert sub.status_code == 201, sub.text
    assert sub.json()["parent_contract_id"] == contract["id"]
    seen_by_rival = (
        await client.get(f"/orders/{sub.json()['id']}", headers=d.rival.headers)
    ).json()
    assert seen_by_rival["parent_contract_id"] is None
    # The client of the contract is not its supplier.
    by_client = await client.post(
        "/orders",
        json=order_body(d.client_owner.firm_id, parent_contract_id=contract["id"]),
        headers=d.client_owner.headers,
    )
    assert by_client.status_code == 403
    # Somebody else's contract, or none at all, is not found.
    for stranger_contract in (contract["id"], 999_999):
        response = await client.post(
            "/orders",
            json=order_body(d.rival.firm_id, parent_contract_id=stranger_contract),
            headers=d.rival.headers,
        )
        assert response.status_code == 404
    await execute(
        app, update(Contract).where(Contract.id == contract["id"]).values(status="delivered")
    )
    late = await client.post(
        "/orders",
        json=order_body(d.bidder.firm_id, parent_contract_id=contract["id"]),
        headers=d.bidder.headers,
    )
    assert late.status_code == 409
    assert await count(app, Order, Order.parent_contract_id == contract["id"]) == 1


async def test_firm_with_two_firms_posts_for_the_one_named(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    second = await create_firm(client, owner, region="Umbria", province="PG")
    order = await post_order(client, owner, firm_id=second["id"])
    assert order["client_firm_id"] == second["id"] and order["region"] == "Umbria"
