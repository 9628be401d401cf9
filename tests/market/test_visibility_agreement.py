"""Order visibility is one rule: who may read an order (REST) and who is told about it
(the live channel) agree, for every visibility and viewer.

Agreement means: an event never reaches a firm that may not read the order, and every
firm that may read it is told, unless the announcement is not addressed to it:

- public and consortium orders are announced to the firms *working in the order's phase*
  (an announcement is an invitation to bid); firms outside the phase, staff and
  suspended firms may read the order but are not called to bid;
- invited orders are announced to exactly the firms invited, whatever their phase.
"""

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import Actor, firm_owner, make_staff, register
from tests.market.builders import consortium_with, post_order, suspend


@dataclass
class Viewers:
    client: Actor
    in_phase: Actor
    other_phase: Actor
    invited_in_phase: Actor
    invited_other_phase: Actor
    member_in_phase: Actor
    member_other_phase: Actor
    pending_in_phase: Actor
    suspended_in_phase: Actor
    staff: Actor


# viewer -> (may read, is told) for each visibility
EXPECTED: dict[str, dict[str, tuple[bool, bool]]] = {
    "public": {
        "client": (True, True),
        "in_phase": (True, True),
        "other_phase": (True, False),
        "invited_in_phase": (True, True),
        "invited_other_phase": (True, False),
        "member_in_phase": (True, True),
        "member_other_phase": (True, False),
        "pending_in_phase": (True, True),
        "suspended_in_phase": (True, False),
        "staff": (True, False),
    },
    "invited": {
        "client": (True, True),
        "in_phase": (False, False),
        "other_phase": (False, False),
        "invited_in_phase": (True, True),
        "invited_other_phase": (True, True),
        "member_in_phase": (False, False),
        "member_other_phase": (False, False),
        "pending_in_phase": (False, False),
        "suspended_in_phase": (False, False),
        "staff": (True, False),
    },
    "consortium": {
        "client": (True, True),
        "in_phase": (False, False),
        "other_phase": (False, False),
        "invited_in_phase": (False, False),
        "invited_other_phase": (False, False),
        "member_in_phase": (True, True),
        "member_other_phase": (True, False),
        "pending_in_phase": (False, False),
        "suspended_in_phase": (False, False),
        "staff": (True, False),
    },
}


async def viewers(client: httpx.AsyncClient, app: FastAPI) -> Viewers:
    weaver = await firm_owner(client, phases=["weaving"])
    found = Viewers(
        client=weaver,
        in_phase=await firm_owner(client, phases=["dyeing"]),
        other_phase=await firm_owner(client, phases=["lasting"]),
        invited_in_phase=await firm_owner(client, phases=["dyeing"]),
        invited_other_phase=await firm_owner(client, phases=["lasting"]),
        member_in_phase=await firm_owner(client, phases=["dyeing"]),
        member_other_phase=await firm_owner(client, phases=["lasting"]),
        pending_in_phase=await firm_owner(client, phases=["dyeing"]),
        suspended_in_phase=await firm_owner(client, phases=["dyeing"]),
        staff=await make_staff(app, await register(client)),
    )
    await suspend(app, found.suspended_in_phase.firm_id)
    return found


async def told_about(client: httpx.AsyncClient, actor: Actor, order_id: int) -> bool:
    response = await client.get("/events", params={"after": 0}, headers=actor.headers)
    assert response.status_code == 200, response.text
    return any(
        e["type"] == "order.created" and e["data"]["order_id"] == order_id
        for e in response.json()["items"]
    )


async def orders_of_each_visibility(
    client: httpx.AsyncClient, app: FastAPI, v: Viewers, **public: Any
) -> dict[str, dict[str, Any]]:
    """A public, an invited and a consortium order of the client, each with the viewers
    the table above expects (consortium members in every state, two invited firms);
    ``public``: fields of the public order."""
    consortium_id = await consortium_with(
        app,
        {
            v.client.firm_id: "active",
            v.member_in_phase.firm_id: "active",
            v.member_other_phase.firm_id: "active",
            v.pending_in_phase.firm_id: "pending",
            v.suspended_in_phase.firm_id: "left",
        },
    )
    invited = [v.invited_in_phase.firm_id, v.invited_other_phase.firm_id]
    return {
        "public": await post_order(client, v.client, visibility="public", **public),
        "invited": await post_order(
            client, v.client, visibility="invited", invited_firm_ids=invited
        ),
        "consortium": await post_order(
            client, v.client, visibility="consortium", consortium_id=consortium_id
        ),
    }


async def test_reads_and_announcements_agree_for_every_visibility_and_viewer(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    v = await viewers(client, app)
    orders = await orders_of_each_visibility(client, app, v)
    observed: dict[str, dict[str, tuple[bool, bool]]] = {}
    for visibility, order in orders.items():
        observed[visibility] = {}
        for name in EXPECTED[visibility]:
            actor: Actor = getattr(v, name)
            read = await client.get(f"/orders/{order['id']}", headers=actor.headers)
            assert read.status_code in (200, 404), read.text
            may_read = read.status_code == 200
            told = await told_about(client, actor, order["id"])
            # The invariant on its own: nobody is told about an order it may not read.
            assert may_read or not told, f"{name} told about a {visibility} order it cannot read"
            observed[visibility][name] = (may_read, told)
    assert observed == EXPECTED
