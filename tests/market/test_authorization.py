"""Who gets what from every market route, and where bid amounts may ever appear.

Each route is tried by an anonymous caller, a competitor firm, a plain member of the
client firm and of the bidding firm, association staff, the bidder and the client
(404 for what one may not see, 403 for what one sees but may not do). Every response
to anybody but the bidder and the client is searched for the bids' amounts.
"""

import json
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import Event, EventAudience
from tests.helpers import Actor
from tests.market.builders import bid_body, district, order_body, place_bid, post_order

# Quoted as they appear in JSON, so a timestamp can never match by chance.
OPEN_AMOUNTS = ('"7.77"', '"15540.00"', '"8.88"', '"17760.00"')
SEALED_AMOUNTS = ('"6.66"', '"13320.00"')
ANONYMOUS = "anonymous"
BIDDER_SIDE = ("bidder", "bidder_member")
CLIENT_SIDE = ("client", "client_member")


@dataclass
class World:
    actors: dict[str, Actor | None]
    ids: dict[str, int]


async def build(client: httpx.AsyncClient, app: FastAPI) -> World:
    d = await district(client, app)
    public = await post_order(client, d.client_owner, quantity=2000)
    invited = await post_order(
        client,
        d.client_owner,
        quantity=2000,
        visibility="invited",
        invited_firm_ids=[d.bidder.firm_id],
    )
    sealed = await post_order(client, d.client_owner, quantity=2000, sealed=True)
    bid = await place_bid(client, d.bidder, public["id"], unit_price="7.77")
    invited_bid = await place_bid(client, d.bidder, invited["id"], unit_price="8.88")
    sealed_bid = await place_bid(client, d.bidder, sealed["id"], unit_price="6.66")
    question = await client.post(
        f"/orders/{public['id']}/questions",
        json={"text": "Serve la certificazione Oeko-Tex?"},
        headers=d.bidder.headers,
    )
    assert question.status_code == 201
    return World(
        actors={
            ANONYMOUS: None,
            "rival": d.rival,
            "staff": d.staff,
            "client_member": d.client_member,
            "bidder_member": d.bidder_member,
            "bidder": d.bidder,
            "client": d.client_owner,
        },
        ids={
            "o1": public["id"],
            "o2": invited["id"],
            "o3": sealed["id"],
            "b1": bid["id"],
            "b2": invited_bid["id"],
            "b3": sealed_bid["id"],
            "q1": question.json()["id"],
            "client_firm": d.client_owner.firm_id,
            "bidder_firm": d.bidder.firm_id,
        },
    )


def _own_firm(world: World, actor: str) -> int:
    """The firm a caller would act for: its own, or (staff, anonymous) the bidder's."""
    person = world.actors[actor]
    return person.firm_id if person is not None and person.firm_ids else world.ids["bidder_firm"]


def _bid(world: World, actor: str) -> dict[str, Any]:
    return bid_body(_own_firm(world, actor), unit_price="5.55")


def _order(world: World, actor: str) -> dict[str, Any]:
    return order_body(world.ids["client_firm"])


def _retitle(world: World, actor: str) -> dict[str, Any]:
    return {"title": "Tintura in capo"}


def _question(world: World, actor: str) -> dict[str, Any]:
    return {"text": "Tempi di campionatura?"}


def _answer(world: World, actor: str) -> dict[str, Any]:
    return {"text": "Sì, entro cinque giorni"}


def _notes(world: World, actor: str) -> dict[str, Any]:
    return {"notes": "Consegna in due lotti"}


def _award_public(world: World, actor: str) -> dict[str, Any]:
    return {"bid_id": world.ids["b1"]}


def _award_invited(world: World, actor: str) -> dict[str, Any]:
    return {"bid_id": world.ids["b2"]}


# Who tries, in this order (so whoever succeeds and changes state comes after the refusals).
ACTORS = (ANONYMOUS, "staff", "client_member", "bidder_member", "rival", "bidder", "client")
# (operation, method, path, body builder,
#  expected status for each of ACTORS: anon, staff, client member, bidder member, rival,
#  bidder, client)
MATRIX: list[tuple[str, str, str, Any, str]] = [
    ("list_orders", "GET", "/orders", None,
     "401 200 200 200 200 200 200"),
    ("get_order", "GET", "/orders/{o1}", None,
     "401 200 200 200 200 200 200"),
    ("get_order invited", "GET", "/orders/{o2}", None,
     "401 200 200 200 404 200 200"),
    ("create_order", "POST", "/orders", _order,
     "401 404 403 404 404 404 201"),
    ("update_order", "PATCH", "/orders/{o1}", _retitle,
     "401 403 403 403 403 403 200"),
    ("update_order invited", "PATCH", "/orders/{o2}", _retitle,
     "401 403 403 403 404 403 200"),
    ("publish_order", "POST", "/orders/{o1}/publish", None,
     "401 403 403 403 403 403 409"),
    ("cancel_order", "POST", "/orders/{o1}/cancel", None,
     "401 403 403 403 403 403 200"),
    ("cancel_order invited", "POST", "/orders/{o2}/cancel", None,
     "401 403 403 403 404 403 200"),
    ("list_order_invitations", "GET", "/orders/{o2}/invitations", None,
     "401 200 200 404 404 404 200"),
    ("ask_question", "POST", "/orders/{o1}/questions", _question,
     "401 403 403 403 201 201 403"),
    ("ask_question invited", "POST", "/orders/{o2}/questions", _question,
     "401 403 403 403 404 201 403"),
    ("list_questions", "GET", "/orders/{o1}/questions", None,
     "401 200 200 200 200 200 200"),
    ("list_questions invited", "GET", "/orders/{o2}/questions", None,
     "401 200 200 200 404 200 200"),
    ("answer_question", "POST", "/orders/{o1}/questions/{q1}/answer", _answer,
     "401 403 403 403 404 403 200"),
    ("place_bid", "POST", "/orders/{o1}/bids", _bid,
     "401 404 403 403 201 409 403"),
    ("place_bid invited", "POST", "/orders/{o2}/bids", _bid,
     "401 404 403 403 404 409 403"),
    ("list_order_bids", "GET", "/orders/{o1}/bids", None,
     "401 404 200 200 404 200 200"),
    ("list_order_bids invited", "GET", "/orders/{o2}/bids", None,
     "401 404 200 200 404 200 200"),
    ("list_order_bids sealed", "GET", "/orders/{o3}/bids", None,
     "401 404 200 200 404 200 200"),
    ("get_bid", "GET", "/bids/{b1}", None,
     "401 404 200 200 404 200 200"),
    ("get_bid sealed", "GET", "/bids/{b3}", None,
     "401 404 200 200 404 200 200"),
    ("revise_bid", "PATCH", "/bids/{b1}", _notes,
     "401 404 403 403 404 200 403"),
    ("confirm_bid", "POST", "/bids/{b1}/confirm", None,
     "401 404 403 403 404 409 403"),
    ("withdraw_bid", "POST", "/bids/{b1}/withdraw", None,
     "401 404 403 403 404 200 403"),
    ("withdraw_bid invited", "POST", "/bids/{b2}/withdraw", None,
     "401 404 403 403 404 200 403"),
    ("award_order", "POST", "/orders/{o1}/award", _award_public,
     "401 403 403 403 403 403 201"),
    ("award_order invited", "POST", "/orders/{o2}/award", _award_invited,
     "401 403 403 403 404 403 201"),
]  # fmt: skip


def test_every_market_route_is_in_the_matrix(app: FastAPI) -> None:
    operations = {
        operation["operationId"]
        for path in app.openapi()["paths"].values()
        for operation in path.values()
        if operation.get("tags") == ["market"]
    }
    assert operations == {name.split()[0] for name, *_ in MATRIX}


@pytest.mark.parametrize(
    ("method", "path", "body", "codes"), [pytest.param(*row[1:], id=row[0]) for row in MATRIX]
)
async def test_authorization_matrix(
    client: httpx.AsyncClient, app: FastAPI, method: str, path: str, body: Any, codes: str
) -> None:
    world = await build(client, app)
    url = path.format(**world.ids)
    expected = dict(zip(ACTORS, (int(code) for code in codes.split()), strict=True))
    got: dict[str, int] = {}
    for name in ACTORS:
        actor = world.actors[name]
        response = await client.request(
            method,
            url,
            json=body(world, name) if body else None,
            headers=actor.headers if actor else {},
        )
        got[name] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        if name not in BIDDER_SIDE:
            # The client reads open bids' amounts; sealed ones nobody but the bidder.
            forbidden = SEALED_AMOUNTS if name in CLIENT_SIDE else OPEN_AMOUNTS + SEALED_AMOUNTS
            leaked = [amount for amount in forbidden if amount in response.text]
            assert not leaked, f"{name} read {leaked} from {method} {url}: {response.text}"
    assert got == expected


async def test_bid_amounts_reach_only_bidder_and_client_through_events(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    world = await build(client, app)
    client_firm, bidder_firm = world.ids["client_firm"], world.ids["bidder_firm"]
    owner, bidder = world.actors["client"], world.actors["bidder"]
    assert owner is not None and bidder is not None
    await client.patch(
        f"/bids/{world.ids['b3']}", json={"unit_price": "6.66"}, headers=bidder.headers
    )
    await client.patch(f"/orders/{world.ids['o1']}", json={"quantity": 2000}, headers=owner.headers)
    await client.post(
        f"/orders/{world.ids['o1']}/award", json={"bid_id": world.ids["b1"]}, headers=owner.headers
    )
    await client.post(f"/orders/{world.ids['o2']}/cancel", headers=owner.headers)
    async with app.state.ctx.sessionmaker() as session:
        events = (await session.scalars(select(Event))).all()
        audiences: dict[int, set[str]] = {}
        for event_id, key in (
            await session.execute(select(EventAudience.event_id, EventAudience.audience_key))
        ).all():
            audiences.setdefault(event_id, set()).add(key)
    parties = {f"firm:{client_firm}", f"firm:{bidder_firm}"}
    assert events
    for event in events:
        text = json.dumps(event.data)
        if any(amount in text for amount in SEALED_AMOUNTS):
            raise AssertionError(f"sealed amount in {event.type} before the deadline: {text}")
        if any(amount in text for amount in OPEN_AMOUNTS):
            assert audiences[event.id] <= parties, (event.type, audiences[event.id])
