"""The board and an order's page answered ahead of the router (``market.hot_reads``) are
the routed answers, byte for byte, for every visibility and viewer; and whatever the
shortcut does not read exactly as the route would goes to the route."""

import json
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from distretto.kit.clock import get_clock
from distretto.market.hot_reads import HotReads, board_query
from distretto.models import Firm
from tests.helpers import Actor
from tests.market.builders import (
    execute,
    hide_order,
    now,
    place_bid,
    post_order,
)
from tests.market.test_visibility_agreement import Viewers, orders_of_each_visibility, viewers

PREFIX = "/api/v1"


@dataclass
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class Spy:
    """The app behind the shortcut, counting the requests handed to it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.calls = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.calls += 1
        await self.app(scope, receive, send)


async def _call(asgi: ASGIApp, app: FastAPI, path: str, query: str, token: str | None) -> Answer:
    headers = [(b"host", b"test")]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": PREFIX + path,
        "raw_path": (PREFIX + path).encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
        "state": {},
        "app": app,
        "router": app.router,
    }
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    await asgi(scope, receive, send)
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return Answer(sent[0]["status"], list(sent[0]["headers"]), body)


class Both:
    """Each request through the shortcut and, the same, straight to the routed app."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        stack: Any = app.middleware_stack
        while not isinstance(stack, HotReads):
            stack = stack.app
        self.hot = stack
        self.routed = Spy(stack.app)
        stack.app = self.routed

    async def compare(self, token: str, path: str, query: str = "") -> Answer:
        """Both answers, which must be equal; the shortcut's must be its own."""
        before = self.routed.calls
        fast = await _call(self.hot, self.app, path, query, token)
        assert self.routed.calls == before, f"{path}?{query} went to the route"
        routed = await _call(self.routed, self.app, path, query, token)
        assert fast == routed, f"{path}?{query}"
        return fast

    async def handed_on(self, token: str | None, path: str, query: str = "") -> Answer:
        """The shortcut gives the request to the route (whatever the route answers)."""
        before = self.routed.calls
        answer = await _call(self.hot, self.app, path, query, token)
        assert self.routed.calls == before + 1, f"{path}?{query} was answered by the shortcut"
        return answer


@pytest.fixture
async def both(client: httpx.AsyncClient, app: FastAPI) -> Both:
    await client.get("/healthz")  # the middleware stack is built at the first request
    return Both(app)


async def _orders(client: httpx.AsyncClient, app: FastAPI, v: Viewers) -> dict[str, int]:
    orders = {
        **await orders_of_each_visibility(client, app, v, title="Tessuto di vigogna blu"),
        "draft": await post_order(client, v.client, status="draft"),
        "hidden": await post_order(client, v.client, title="Ordine nascosto di prova"),
        "sealed": await post_order(client, v.in_phase, sealed=True, target_unit_price="12.5"),
        "bid_on": await post_order(client, v.client, phase="dyeing"),
    }
    await place_bid(client, v.in_phase, orders["public"]["id"])
    await place_bid(client, v.invited_in_phase, orders["invited"]["id"])
    await place_bid(client, v.member_in_phase, orders["bid_on"]["id"])
    await hide_order(app, orders["hidden"]["id"])
    return {name: order["id"] for name, order in orders.items()}


async def test_every_viewer_reads_the_same_bytes_from_the_shortcut_and_the_route(
    client: httpx.AsyncClient, app: FastAPI, both: Both
) -> None:
    v = await viewers(client, app)
    ids = await _orders(client, app, v)
    actors: list[Actor] = [getattr(v, f.name) for f in fields(v)]
    found = 0
    for actor in actors:
        for order_id in ids.values():
            answer = await both.compare(actor.token, f"/orders/{order_id}")
            if answer.status == 200:
                found += 1
                assert (b"etag", f'"{json.loads(answer.body)["revision"]}"'.encode()) in (
                    answer.headers
                )
            else:
                assert answer.status == 404
        first = await both.compare(actor.token, "/orders", "limit=2")
        cursor = json.loads(first.body)["next_cursor"]
        shapes = [
            "",
            "status=open",
            "status=open&limit=20",
            "status=draft",
            "status=open&q=vigogna",
            "q=VIGOGNA%20blu",
            "phase=dyeing&status=open",
            "limit=100",
        ]
        if cursor:
            shapes.append(urlencode({"limit": 2, "cursor": cursor}))
        for query in shapes:
            answer = await both.compare(actor.token, "/orders", query)
            assert answer.status == 200
    # Staff and the client read every order; the others what the rule lets them.
    assert found > 2 * len(ids)


async def test_what_the_shortcut_does_not_read_exactly_goes_to_the_route(
    client: httpx.AsyncClient, app: FastAPI, both: Both
) -> None:
    v = await viewers(client, app)
    order_id = (await post_order(client, v.client))["id"]
    token = v.client.token
    for query in [
        "mine=true",
        "firm_id=1",
        "region=veneto",
        "fits_capacity=true",
        "status=bogus",
        "status=open&status=closed",
        "limit=0",
        "limit=101",
        "limit=020",
        "limit=%2B5",
        "limit=",
        "q=",
        "q=" + "a" * 201,
        "phase=" + "p" * 41,
        "cursor=not!base64",
        "unknown=1",
    ]:
        await both.handed_on(token, "/orders", query)
    for path in [f"/orders/{order_id}?x=1", "/orders/0", "/orders/007", f"/orders/{2**63}"]:
        route, _, query = path.partition("?")
        await both.handed_on(token, route, query)
    # No token, or a header that is not one bearer token: the route refuses.
    assert (await both.handed_on(None, "/orders")).status == 401
    assert (await both.handed_on(f"{token} extra", "/orders")).status == 401
    # A token that is none, an order nobody has, a cursor the board refuses (well-formed
    # base64, not one of its own): the shortcut refuses in the route's words.
    assert (await both.compare("not-a-token", "/orders")).status == 401
    assert (await both.compare("not-a-token", f"/orders/{order_id}")).status == 401
    assert (await both.compare(token, f"/orders/{order_id + 1000}")).status == 404
    forged = await both.compare(token, "/orders", "cursor=eyJhIjoxfQ")
    assert forged.status == 422 and json.loads(forged.body)["code"] == "cursor.invalid"
    # While a test overrides a dependency (the clock), every request takes the route.
    app.dependency_overrides[get_clock] = get_clock
    try:
        await both.handed_on(token, "/orders", "status=open")
    finally:
        app.dependency_overrides.pop(get_clock)


async def test_a_viewer_whose_suspension_ended_is_read_by_the_route_which_lifts_it(
    client: httpx.AsyncClient, app: FastAPI, both: Both
) -> None:
    """The shortcut never writes: the suspension's end is the routed request's to record."""
    v = await viewers(client, app)
    await execute(
        app,
        update(Firm)
        .where(Firm.id == v.in_phase.firm_id)
        .values(status="suspended", suspended_until=now() - timedelta(minutes=1)),
    )
    app.state.viewers.clear()
    await both.handed_on(v.in_phase.token, "/orders", "status=open")
    async with app.state.ctx.sessionmaker() as session:
        firm = await session.get(Firm, v.in_phase.firm_id)
        assert firm is not None and firm.status == "active"
    await both.compare(v.in_phase.token, "/orders", "status=open")


async def test_the_shortcut_answers_through_the_outer_layers(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """Security headers and the same status and body as the route, seen from a client."""
    v = await viewers(client, app)
    order = await post_order(client, v.client)
    read = await client.get(f"/orders/{order['id']}", headers=v.in_phase.headers)
    assert read.status_code == 200 and read.json()["id"] == order["id"]
    assert read.headers["x-content-type-options"] == "nosniff"
    assert read.headers["etag"] == f'"{order["revision"]}"'
    assert read.headers["content-type"] == "application/json"


def test_board_query_reads_only_what_it_reads_as_the_route_does() -> None:
    assert board_query(b"status=open&limit=20&q=tessuto") == {
        "status": "open",
        "limit": "20",
        "q": "tessuto",
    }
    assert board_query(b"q=tessuto+blu") == {"q": "tessuto blu"}
    assert board_query(b"") == {}
    assert board_query(b"limit=100") == {"limit": "100"}
    for refused in (b"limit=101", b"limit=1&limit=2", b"mine=true", b"status=", b"limit=05"):
        assert board_query(refused) is None, refused
