"""No lost updates: ETag from the revision, If-Match on PATCH of an order, a firm, a
consortium and a course (412 when stale; 428 when the web app, which always sends it, leaves it out;
other clients may omit it, as API.md was written)."""

import asyncio
from collections import Counter
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.consortia.builders import consortium
from tests.helpers import Actor, firm_owner
from tests.market.builders import post_order
from tests.training.builders import course

WEB = {"X-Distretto-Client": "web"}


async def _resource(client: httpx.AsyncClient, app: FastAPI, kind: str) -> tuple[Actor, str, Any]:
    if kind == "order":
        owner = await firm_owner(client, phases=["weaving"])
        order = await post_order(client, owner)
        return owner, f"/orders/{order['id']}", lambda n: {"title": f"Tessitura lotto {n}"}
    if kind == "firm":
        owner = await firm_owner(client)
        return owner, f"/firms/{owner.firm_id}", lambda n: {"description": f"Lanificio {n}"}
    manager, created = await consortium(client)
    if kind == "consortium":
        return manager, f"/consortia/{created['id']}", lambda n: {"description": f"Consorzio {n}"}
    made = await course(client, manager, created["id"])
    return manager, f"/courses/{made['id']}", lambda n: {"title": f"Modelleria, edizione {n}"}


KINDS = ["order", "firm", "consortium", "course"]


@pytest.mark.parametrize("kind", KINDS)
async def test_etag_and_if_match(client: httpx.AsyncClient, app: FastAPI, kind: str) -> None:
    actor, url, body = await _resource(client, app, kind)
    read = await client.get(url, headers=actor.headers)
    etag = read.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"')

    changed = await client.patch(url, json=body(1), headers={**actor.headers, "If-Match": etag})
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] != etag
    assert (await client.get(url, headers=actor.headers)).headers["etag"] == changed.headers["etag"]

    stale = await client.patch(url, json=body(2), headers={**actor.headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["code"] == "precondition.failed"
    missing = await client.patch(url, json=body(3), headers={**actor.headers, **WEB})
    assert missing.status_code == 428 and missing.json()["code"] == "precondition.required"
    after = (await client.get(url, headers=actor.headers)).json()
    assert body(1).items() <= after.items()
    # A client other than the web app may still PATCH without If-Match.
    assert (await client.patch(url, json=body(4), headers=actor.headers)).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
async def test_two_simultaneous_patches_one_wins(
    client: httpx.AsyncClient, app: FastAPI, kind: str
) -> None:
    actor, url, body = await _resource(client, app, kind)
    etag = (await client.get(url, headers=actor.headers)).headers["etag"]
    responses = await asyncio.gather(
        *(
            client.patch(url, json=body(n), headers={**actor.headers, "If-Match": etag})
            for n in range(4)
        )
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 412: 3}
    [winner] = [r.json() for r in responses if r.status_code == 200]
    final = (await client.get(url, headers=actor.headers)).json()
    assert {k: final[k] for k in body(0)} == {k: winner[k] for k in body(0)}
