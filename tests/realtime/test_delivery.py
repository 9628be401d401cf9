"""Each event type reaches exactly its audience, live and over HTTP, and nobody else."""

from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.kit.events import STAFF, firm_key, phase_key, user_key
from tests.helpers import register
from tests.realtime.builders import BARRIER, District, barrier, district, live, publish

# (type, data, audience of the district, who must receive it)
Case = tuple[str, dict[str, Any], Callable[[District], list[str]], set[str]]
CLIENT_FIRM = {"client", "client_colleague"}

CASES: list[Case] = [
    # A public order is announced to the firms working in its phase (and its client);
    # a suspended firm in that phase may not bid, so it is not told.
    (
        "order.created",
        {"order_id": 1, "phase": "dyeing", "title": "Tintura 2000 kg"},
        lambda d: [firm_key(d.client.firm_id), phase_key("dyeing")],
        CLIENT_FIRM | {"bidder", "competitor"},
    ),
    # An invited order reaches only the invited firms.
    (
        "order.created",
        {"order_id": 2, "phase": "dyeing", "title": "Su invito"},
        lambda d: [firm_key(d.client.firm_id), firm_key(d.bidder.firm_id)],
        CLIENT_FIRM | {"bidder"},
    ),
    # A bid is for the client and the bidder, never a competitor.
    (
        "bid.created",
        {"bid_id": 1, "order_id": 1, "unit_price": "3.10"},
        lambda d: [firm_key(d.client.firm_id), firm_key(d.bidder.firm_id)],
        CLIENT_FIRM | {"bidder"},
    ),
    (
        "order.awarded",
        {"order_id": 1, "winning_bid_id": 1},
        lambda d: [
            firm_key(d.client.firm_id),
            firm_key(d.bidder.firm_id),
            firm_key(d.competitor.firm_id),
        ],
        CLIENT_FIRM | {"bidder", "competitor"},
    ),
    (
        "bid.rejected",
        {"bid_id": 2, "order_id": 1},
        lambda d: [firm_key(d.competitor.firm_id)],
        {"competitor"},
    ),
    (
        "contract.updated",
        {"contract_id": 1, "status": "delivered"},
        lambda d: [firm_key(d.client.firm_id), firm_key(d.bidder.firm_id)],
        CLIENT_FIRM | {"bidder"},
    ),
    (
        "message.created",
        {"contract_id": 1, "message_id": 1},
        lambda d: [firm_key(d.client.firm_id), firm_key(d.bidder.firm_id)],
        CLIENT_FIRM | {"bidder"},
    ),
    ("flag.created", {"flag_id": 1}, lambda d: [STAFF], {"staff"}),
    # A suspended firm still hears about its own affairs.
    (
        "firm.warned",
        {"note": "Late deliveries reported"},
        lambda d: [firm_key(d.suspended.firm_id)],
        {"suspended"},
    ),
    (
        "membership.requested",
        {"consortium_id": 1, "firm_id": 1, "firm_name": "Tintoria"},
        lambda d: [user_key(d.loner.user_id)],
        {"loner"},
    ),
]


def _ids(case: Case) -> str:
    return f"{case[0]}->{'+'.join(sorted(case[3]))}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(c) for c in CASES])
async def test_event_reaches_exactly_its_audience(
    client: httpx.AsyncClient, app: FastAPI, live_server: str, case: Case
) -> None:
    type_, data, audience_of, expected = case
    d = await district(client, app)
    async with AsyncExitStack() as stack:
        sockets = {
            actor.user_id: await stack.enter_async_context(live(live_server, actor.token))
            for actor in d.everyone
        }
        event = await publish(app, type_, data, audience_of(d))
        await barrier(app, d.everyone)
        received = {}
        for user_id, socket in sockets.items():
            received[d.name_of(user_id)] = await socket.events_until(BARRIER)

    reached = {name for name, events in received.items() if events}
    assert reached == expected
    for name in expected:
        assert received[name] == [
            {
                "id": event.id,
                "type": type_,
                "data": data,
                "created_at": event.created_at.isoformat(),
            }
        ]

    # GET /events answers the same question the same way.
    for actor in d.everyone:
        page = (await client.get("/events?after=0", headers=actor.headers)).json()
        got = [item["id"] for item in page["items"] if item["type"] != BARRIER]
        assert got == ([event.id] if d.name_of(actor.user_id) in expected else [])


async def test_membership_changes_apply_at_next_connect(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    d = await district(client, app)
    newcomer = await register(client)
    async with live(live_server, newcomer.token) as before_joining:
        response = await client.post(
            f"/firms/{d.bidder.firm_id}/members",
            json={"email": newcomer.email, "role": "member"},
            headers=d.bidder.headers,
        )
        assert response.status_code == 201
        await publish(app, "contract.updated", {"contract_id": 9}, [firm_key(d.bidder.firm_id)])
        await barrier(app, [newcomer])
        assert await before_joining.events_until(BARRIER) == []
    async with live(live_server, newcomer.token) as after_joining:
        event = await publish(
            app, "contract.updated", {"contract_id": 9}, [firm_key(d.bidder.firm_id)]
        )
        assert (await after_joining.next())["id"] == event.id
