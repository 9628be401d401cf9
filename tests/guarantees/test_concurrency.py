"""Twenty approvals at once for one firm: the cap row lock keeps the exposure within it."""

import asyncio
from typing import Any

import httpx
import pytest

from distretto.guarantees.repository import GuaranteeRepository
from tests.guarantees.builders import approve, ask, confidi, member, set_cap

pytestmark = pytest.mark.postgres_only


async def test_twenty_concurrent_approvals_never_exceed_the_cap(
    client: httpx.AsyncClient, app: Any
) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    # Each approval adds 1000 (2000 at 50%): the cap fits exactly seven of them.
    await set_cap(client, cid, manager, owner.firm_id, "7500.00")
    requests = [(await ask(client, cid, owner, "2000.00")).json() for _ in range(20)]
    responses = await asyncio.gather(
        *(approve(client, g["id"], manager, percent="50", amount="2000") for g in requests)
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] * 7 + [409] * 13, [r.text for r in responses if r.status_code != 409]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {
        "guarantees.cap_exceeded"
    }
    caps = (await client.get(f"/consortia/{cid}/caps", headers=manager.headers)).json()
    assert (caps[0]["exposure"], caps[0]["available"]) == ("7000.00", "500.00")


async def test_twenty_concurrent_approvals_of_one_request_decide_it_once(
    client: httpx.AsyncClient, app: Any
) -> None:
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    await set_cap(client, cid, manager, owner.firm_id, "100000.00")
    asked = (await ask(client, cid, owner)).json()
    responses = await asyncio.gather(*(approve(client, asked["id"], manager) for _ in range(20)))
    assert sorted(r.status_code for r in responses) == [200] + [409] * 19


async def test_the_conditional_update_alone_decides_once(
    client: httpx.AsyncClient, app: Any
) -> None:
    """The guard under the approval: a pending request is decided by one UPDATE only."""
    manager, cid = await confidi(client)
    owner = await member(client, cid, manager)
    asked = (await ask(client, cid, owner)).json()
    async with app.state.ctx.sessionmaker() as session:
        repo = GuaranteeRepository(session)
        assert await repo.decide(asked["id"], {"status": "rejected", "reject_reason": "a"})
        assert not await repo.decide(asked["id"], {"status": "approved"})
        await session.commit()
