"""One small district built through the API, for tests that need every kind of thing:
a client and a supplier firm with a completed contract (messages, reviews), a pending
order with a bid, an outsider firm, a consortium with a fair and a course, and staff."""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.consortia.builders import approve, consortium, join, trade_fair
from tests.helpers import Actor, add_member, firm_owner, make_staff, register
from tests.market.builders import place_bid, post_order
from tests.training.builders import course


@dataclass
class World:
    client: Actor  # owner of the client firm
    client_manager: Actor
    client_member: Actor  # plain member: read only
    supplier: Actor  # owner of the supplier firm
    outsider: Actor  # owner of a firm party to nothing here
    consortium_manager: Actor
    staff: Actor
    order_id: int  # awarded: its contract is completed and reviewed
    bid_id: int  # the awarded bid
    contract_id: int
    client_message_id: int
    supplier_message_id: int
    client_review_id: int  # written by the client about the supplier
    supplier_review_id: int
    open_order_id: int  # still open, with one bid
    open_bid_id: int
    question_id: int
    consortium_id: int
    trade_fair_id: int
    course_id: int


def _ok(response: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return dict(response.json()) if response.content else {}


async def build_world(client: httpx.AsyncClient, app: FastAPI) -> World:
    buyer = await firm_owner(client, phases=["weaving"])
    buyer_manager = await add_member(client, buyer, "manager")
    buyer_member = await add_member(client, buyer, "member")
    dyer = await firm_owner(client, phases=["dyeing"])
    outsider = await firm_owner(client, phases=["dyeing"], region="Marche", province="FM")
    staff = await make_staff(app, await register(client, full_name="Ufficio Associazione"))

    order = await post_order(client, buyer)
    bid = await place_bid(client, dyer, order["id"])
    contract = _ok(
        await client.post(
            f"/orders/{order['id']}/award", json={"bid_id": bid["id"]}, headers=buyer.headers
        ),
        201,
    )
    url = f"/contracts/{contract['id']}"
    client_message = _ok(
        await client.post(
            f"{url}/messages", json={"text": "Quando la campionatura?"}, headers=buyer.headers
        ),
        201,
    )
    supplier_message = _ok(
        await client.post(
            f"{url}/messages", json={"text": "Venerdì in mattinata."}, headers=dyer.headers
        ),
        201,
    )
    _ok(await client.post(f"{url}/deliver", headers=dyer.headers))
    _ok(await client.post(f"{url}/accept", headers=buyer.headers))
    stars = {"quality": 5, "timeliness": 4, "communication": 5}
    client_review = _ok(
        await client.post(
            f"{url}/reviews", json={**stars, "comment": "Colore perfetto"}, headers=buyer.headers
        ),
        201,
    )
    supplier_review = _ok(
        await client.post(
            f"{url}/reviews", json={**stars, "comment": "Pagamento puntuale"}, headers=dyer.headers
        ),
        201,
    )

    open_order = await post_order(client, buyer)
    open_bid = await place_bid(client, dyer, open_order["id"])
    question = _ok(
        await client.post(
            f"/orders/{open_order['id']}/questions",
            json={"text": "Accettate filato misto?", "firm_id": dyer.firm_id},
            headers=dyer.headers,
        ),
        201,
    )

    manager, group = await consortium(client)
    for owner in (buyer, dyer):
        await join(client, group["id"], owner)
        await approve(client, group["id"], manager, owner.firm_id)
    fair = await trade_fair(client, manager, group["id"])
    lesson = await course(client, manager, group["id"])
    return World(
        client=buyer,
        client_manager=buyer_manager,
        client_member=buyer_member,
        supplier=dyer,
        outsider=outsider,
        consortium_manager=manager,
        staff=staff,
        order_id=order["id"],
        bid_id=bid["id"],
        contract_id=contract["id"],
        client_message_id=client_message["id"],
        supplier_message_id=supplier_message["id"],
        client_review_id=client_review["id"],
        supplier_review_id=supplier_review["id"],
        open_order_id=open_order["id"],
        open_bid_id=open_bid["id"],
        question_id=question["id"],
        consortium_id=group["id"],
        trade_fair_id=fair["id"],
        course_id=lesson["id"],
    )
