"""Bids: the rules for placing them, sealed amounts, revising, confirming, withdrawing,
idempotent creation and the rate limit."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.models import Bid
from tests.helpers import create_firm, problem_fields
from tests.market.builders import (
    bid_body,
    bid_statuses,
    count,
    day,
    district,
    events_of,
    hide_order,
    pass_deadline,
    place_bid,
    post_order,
    same_group,
    suspend,
)


async def test_place_bid_computes_the_total(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity=1250)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="2.75")
    assert bid["status"] == "active" and bid["order_id"] == order["id"]
    assert bid["firm_id"] == d.bidder.firm_id and bid["firm_name"]
    assert bid["unit_price"] == "2.75" and bid["total_price"] == "3437.50"
    assert bid["amounts_hidden"] is False and bid["order_revision"] == 1
    assert (await client.get(f"/orders/{order['id']}", headers=d.rival.headers)).json()[
        "bid_count"
    ] == 1
    [(data, audience)] = await events_of(app, "bid.created", order["id"])
    assert audience == {f"firm:{d.client_owner.firm_id}", f"firm:{d.bidder.firm_id}"}
    assert data["unit_price"] == "2.75"  # not sealed: the client may read it


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"unit_price": 0}, "unit_price"),
        ({"unit_price": "-2"}, "unit_price"),
        ({"unit_price": "2.99999"}, "unit_price"),  # more than 4 decimals
        ({"unit_price": "lots"}, "unit_price"),
        ({"unit_price": "999999999999"}, "unit_price"),  # the total would overflow
        ({"delivery_date": "2020-01-01"}, "delivery_date"),
        ({"delivery_date": "soon"}, "delivery_date"),
        ({"notes": "n" * 2001}, "notes"),
        ({"firm_id": 0}, "firm_id"),
        ({"status": "awarded"}, "status"),
    ],
)
async def test_invalid_bid_is_422_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, override: dict[str, Any], field: str
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    response = await client.post(
        f"/orders/{order['id']}/bids",
        json=bid_body(d.bidder.firm_id) | override,
        headers=d.bidder.headers,
    )
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await count(app, Bid, Bid.order_id == order["id"]) == 0


async def _try_bid(
    client: httpx.AsyncClient, actor: Any, order_id: int, firm_id: int | None = None
) -> httpx.Response:
    return await client.post(
        f"/orders/{order_id}/bids",
        json=bid_body(firm_id or actor.firm_id),
        headers=actor.headers,
    )


async def test_who_may_bid(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    assert (await client.post(f"/orders/{order['id']}/bids", json=bid_body(1))).status_code == 401
    assert (await _try_bid(client, d.client_owner, order["id"])).status_code == 403  # own order
    assert (await _try_bid(client, d.bidder_member, order["id"])).status_code == 403  # member
    assert (
        await _try_bid(client, d.rival, order["id"], firm_id=d.bidder.firm_id)
    ).status_code == 404  # not its firm
    assert (
        await _try_bid(client, d.staff, order["id"], firm_id=d.bidder.firm_id)
    ).status_code == 404
    assert (await _try_bid(client, d.bidder, 999_999)).status_code == 404
    await suspend(app, d.rival.firm_id)
    suspended = await _try_bid(client, d.rival, order["id"])
    assert suspended.status_code == 403 and "suspended" in suspended.json()["detail"]
    assert await count(app, Bid, Bid.order_id == order["id"]) == 0


async def test_no_bids_within_an_ownership_group(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    await same_group(app, d.client_owner.firm_id, d.bidder.firm_id)
    refused = await _try_bid(client, d.bidder, order["id"])
    assert refused.status_code == 403 and "ownership group" in refused.json()["detail"]
    assert (await _try_bid(client, d.rival, order["id"])).status_code == 201


async def test_bids_need_an_order_open_and_visible_to_the_bidding_firm(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    invited = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    assert (await _try_bid(client, d.rival, invited["id"])).status_code == 404
    # One person in two firms: the invited one may bid, the other may not.
    second = await create_firm(client, d.bidder, phases=["dyeing"])
    assert (
        await _try_bid(client, d.bidder, invited["id"], firm_id=second["id"])
    ).status_code == 403
    assert (await _try_bid(client, d.bidder, invited["id"])).status_code == 201

    closed = await post_order(client, d.client_owner)
    await pass_deadline(app, closed["id"])
    assert (await _try_bid(client, d.bidder, closed["id"])).status_code == 409
    cancelled = await post_order(client, d.client_owner)
    await client.post(f"/orders/{cancelled['id']}/cancel", headers=d.client_owner.headers)
    assert (await _try_bid(client, d.bidder, cancelled["id"])).status_code == 409
    hidden = await post_order(client, d.client_owner)
    await hide_order(app, hidden["id"])
    assert (await _try_bid(client, d.bidder, hidden["id"])).status_code == 404


async def test_one_live_bid_per_firm(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    first = await place_bid(client, d.bidder, order["id"])
    second = await _try_bid(client, d.bidder, order["id"])
    assert second.status_code == 409
    withdrawn = await client.post(f"/bids/{first['id']}/withdraw", headers=d.bidder.headers)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    again = await _try_bid(client, d.bidder, order["id"])
    assert again.status_code == 201
    assert await bid_statuses(app, order["id"]) == {
        first["id"]: "withdrawn",
        again.json()["id"]: "active",
    }


async def test_sealed_amounts_stay_hidden_from_the_client_until_the_deadline(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, sealed=True, quantity=100)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="4.44")
    assert bid["unit_price"] == "4.44"  # the bidder reads its own offer
    for reader in (d.client_owner, d.client_member):
        listed = await client.get(f"/orders/{order['id']}/bids", headers=reader.headers)
        single = await client.get(f"/bids/{bid['id']}", headers=reader.headers)
        for seen in (listed.json()["items"][0], single.json()):
            assert seen["unit_price"] is None and seen["total_price"] is None
            assert seen["amounts_hidden"] is True
        assert "4.44" not in listed.text and "444.00" not in single.text
    own = await client.get(f"/bids/{bid['id']}", headers=d.bidder_member.headers)
    assert own.json()["unit_price"] == "4.44" and own.json()["amounts_hidden"] is False
    [(created, audience)] = await events_of(app, "bid.created", order["id"])
    assert f"firm:{d.client_owner.firm_id}" in audience
    assert "unit_price" not in created and "total_price" not in created
    await client.patch(f"/bids/{bid['id']}", json={"unit_price": "4.40"}, headers=d.bidder.headers)
    [(updated, _)] = await events_of(app, "bid.updated", order["id"])
    assert "unit_price" not in updated

    await pass_deadline(app, order["id"])
    opened = await client.get(f"/bids/{bid['id']}", headers=d.client_owner.headers)
    assert opened.json()["unit_price"] == "4.40" and opened.json()["total_price"] == "440.00"
    assert opened.json()["amounts_hidden"] is False


async def test_bid_lists_are_scoped(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    mine = await place_bid(client, d.bidder, order["id"], unit_price="3.01")
    theirs = await place_bid(client, d.rival, order["id"], unit_price="3.02")
    url = f"/orders/{order['id']}/bids"
    client_view = (await client.get(url, headers=d.client_member.headers)).json()
    assert [b["id"] for b in client_view["items"]] == [theirs["id"], mine["id"]]
    bidder_view = await client.get(url, headers=d.bidder.headers)
    assert [b["id"] for b in bidder_view.json()["items"]] == [mine["id"]]
    assert "3.02" not in bidder_view.text
    assert (await client.get(url, headers=d.outsider.headers)).status_code == 404
    assert (await client.get(url, headers=d.staff.headers)).status_code == 404
    assert (await client.get(f"/bids/{theirs['id']}", headers=d.bidder.headers)).status_code == 404
    page = (await client.get(url, params={"limit": 1}, headers=d.client_owner.headers)).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = await client.get(
        url, params={"limit": 1, "cursor": page["next_cursor"]}, headers=d.client_owner.headers
    )
    assert [b["id"] for b in rest.json()["items"]] == [mine["id"]]
    assert rest.json()["next_cursor"] is None


async def test_revise_until_the_deadline(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity=10)
    bid = await place_bid(client, d.bidder, order["id"], unit_price="5.00")
    url = f"/bids/{bid['id']}"
    assert (await client.patch(url, json={"unit_price": "1"})).status_code == 401
    assert (
        await client.patch(url, json={"unit_price": "1"}, headers=d.rival.headers)
    ).status_code == 404
    assert (
        await client.patch(url, json={"unit_price": "1"}, headers=d.client_owner.headers)
    ).status_code == 403
    assert (
        await client.patch(url, json={"unit_price": "1"}, headers=d.bidder_member.headers)
    ).status_code == 403
    for bad, field in (
        ({"unit_price": None}, "unit_price"),
        ({"unit_price": "0"}, "unit_price"),
        ({"delivery_date": "2001-01-01"}, "delivery_date"),
        ({"order_id": 3}, "order_id"),
    ):
        refused = await client.patch(url, json=bad, headers=d.bidder.headers)
        assert refused.status_code == 422 and field in problem_fields(refused), bad
    revised = await client.patch(
        url,
        json={"unit_price": "4.75", "delivery_date": day(20), "notes": "Sconto per volume"},
        headers=d.bidder.headers,
    )
    assert revised.status_code == 200, revised.text
    body = revised.json()
    assert body["unit_price"] == "4.75" and body["total_price"] == "47.50"
    assert body["delivery_date"] == day(20) and body["notes"] == "Sconto per volume"
    assert len(await events_of(app, "bid.updated", order["id"])) == 1
    await pass_deadline(app, order["id"])
    late = await client.patch(url, json={"unit_price": "4.00"}, headers=d.bidder.headers)
    assert late.status_code == 409
    assert (await client.post(f"{url}/withdraw", headers=d.bidder.headers)).status_code == 409


async def test_withdraw(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    url = f"/bids/{bid['id']}/withdraw"
    assert (await client.post(url, headers=d.client_owner.headers)).status_code == 403
    assert (await client.post(url, headers=d.bidder_member.headers)).status_code == 403
    assert (await client.post(url, headers=d.rival.headers)).status_code == 404
    # A suspended firm may still take back its offer.
    await suspend(app, d.bidder.firm_id)
    done = await client.post(url, headers=d.bidder.headers)
    assert done.status_code == 200 and done.json()["status"] == "withdrawn"
    assert (await client.post(url, headers=d.bidder.headers)).status_code == 409
    revise = await client.patch(
        f"/bids/{bid['id']}", json={"unit_price": "2"}, headers=d.bidder.headers
    )
    assert revise.status_code == 403  # suspended: no new offers
    [(data, audience)] = await events_of(app, "bid.withdrawn", order["id"])
    assert data["status"] == "withdrawn"
    assert audience == {f"firm:{d.client_owner.firm_id}", f"firm:{d.bidder.firm_id}"}


async def test_bids_are_confirmed_after_the_order_changes(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    first = await place_bid(client, d.bidder, order["id"])
    second = await place_bid(client, d.rival, order["id"])
    confirm = f"/bids/{first['id']}/confirm"
    assert (await client.post(confirm, headers=d.bidder.headers)).status_code == 409  # current
    await client.patch(
        f"/orders/{order['id']}", json={"delivery_due": day(60)}, headers=d.client_owner.headers
    )
    assert (await client.post(confirm, headers=d.client_owner.headers)).status_code == 403
    assert (await client.post(confirm, headers=d.bidder_member.headers)).status_code == 403
    confirmed = await client.post(confirm, headers=d.bidder.headers)
    assert confirmed.status_code == 200
    assert confirmed.json()["status"] == "active" and confirmed.json()["order_revision"] == 2
    # Revising a bid confirms it too.
    revised = await client.patch(
        f"/bids/{second['id']}", json={"unit_price": "3.00"}, headers=d.rival.headers
    )
    assert revised.json()["status"] == "active" and revised.json()["order_revision"] == 2


async def test_idempotent_bid_creation(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    url = f"/orders/{order['id']}/bids"
    key = {"Idempotency-Key": "6f1c7a52-bid-1", **d.bidder.headers}
    body = bid_body(d.bidder.firm_id, unit_price="3.10")
    first = await client.post(url, json=body, headers=key)
    assert first.status_code == 201 and "idempotent-replayed" not in first.headers
    # The same request again (the number spelt differently): the same answer, no new bid.
    replay = await client.post(url, json=body | {"unit_price": 3.1}, headers=key)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    assert await count(app, Bid, Bid.order_id == order["id"]) == 1
    assert len(await events_of(app, "bid.created", order["id"])) == 1
    # The same key for a different request is refused.
    other = await client.post(url, json=body | {"unit_price": "3.05"}, headers=key)
    assert other.status_code == 422 and "Idempotency-Key" in problem_fields(other)
    # A new key is a new request: the firm's second live bid.
    fresh = await client.post(url, json=body, headers={**key, "Idempotency-Key": "k-2"})
    assert fresh.status_code == 409
    # Keys belong to their user: the same key from someone else is their own request.
    theirs = await client.post(
        url,
        json=bid_body(d.rival.firm_id),
        headers={"Idempotency-Key": "6f1c7a52-bid-1", **d.rival.headers},
    )
    assert theirs.status_code == 201 and theirs.json()["firm_id"] == d.rival.firm_id
    for bad in ("", "x" * 101, "with space"):
        refused = await client.post(url, json=body, headers={**key, "Idempotency-Key": bad})
        assert refused.status_code == 422 and "Idempotency-Key" in problem_fields(refused)
    assert await count(app, Bid, Bid.order_id == order["id"]) == 2


async def test_a_failed_create_does_not_burn_its_key(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    url = f"/orders/{order['id']}/bids"
    headers = {"Idempotency-Key": "retry-me", **d.bidder.headers}
    await suspend(app, d.bidder.firm_id)
    assert (
        await client.post(url, json=bid_body(d.bidder.firm_id), headers=headers)
    ).status_code == 403
    await suspend(app, d.bidder.firm_id, status="active")  # reinstated
    retried = await client.post(url, json=bid_body(d.bidder.firm_id), headers=headers)
    assert retried.status_code == 201


async def test_bid_creation_is_rate_limited_per_firm(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app.state.ctx.settings, "bid_rate_per_minute", 2)
    d = await district(client, app)
    orders = [await post_order(client, d.client_owner) for _ in range(3)]
    assert (await _try_bid(client, d.bidder, orders[0]["id"])).status_code == 201
    assert (await _try_bid(client, d.bidder, orders[1]["id"])).status_code == 201
    limited = await _try_bid(client, d.bidder, orders[2]["id"])
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    # Another firm has its own allowance.
    assert (await _try_bid(client, d.rival, orders[2]["id"])).status_code == 201
    assert await count(app, Bid, Bid.order_id.in_([o["id"] for o in orders])) == 3
