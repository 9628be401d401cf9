"""The live channel under load: one suspension query per period for the whole process,
sockets closed by the process-wide watch, and database reads for sockets that wait for a
busy pool instead of failing the socket."""

import asyncio
from contextlib import AsyncExitStack
from dataclasses import replace
from typing import Any

import httpx
from prometheus_client import REGISTRY

from distretto.config import Settings
from distretto.kit.events import firm_key
from tests.helpers import add_member, firm_owner
from tests.realtime.builders import (
    LiveClient,
    StatementLog,
    live,
    own_server,
    publish,
    publish_many,
    suspend_in_db,
    tiny_pool,
)

HEARTBEAT = {"type": "heartbeat"}
PERIOD = 0.2  # seconds between heartbeats in these tests


def is_suspension_check(statement: str) -> bool:
    # AudienceRepository.suspended_among, as the driver receives it.
    return statement.lstrip().startswith("SELECT firms.id") and "firms.status" in statement


def pool_retries() -> float:
    return REGISTRY.get_sample_value("distretto_ws_pool_retries_total") or 0.0


async def test_one_suspension_query_per_period_whatever_the_number_of_sockets(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    owners = [await firm_owner(client) for _ in range(4)]
    async with (
        own_server(settings, ws_heartbeat_seconds=PERIOD) as (app, base),
        AsyncExitStack() as sockets,
    ):
        opened = [
            await sockets.enter_async_context(live(base, owners[n % 4].token)) for n in range(20)
        ]
        assert len(app.state.realtime.hub) == 20
        clock = opened[0]
        assert await clock.next(heartbeats=True) == HEARTBEAT
        with StatementLog(app.state.ctx.engine) as log:
            # Periods, as one of the clients sees them, until three checks have run (on a
            # busy machine a check may give up before it queries: that period has none).
            periods = 0
            while log.count(is_suspension_check) < 3 and periods < 50:
                assert await clock.next(heartbeats=True) == HEARTBEAT
                periods += 1
        checks = log.count(is_suspension_check)
        assert checks >= 3
        # At most one per period (plus the one of the period the window began in); a
        # check per socket would be twenty per period.
        assert checks <= periods + 1
        # Every socket had its heartbeats all the same.
        for socket_ in opened[1:]:
            assert await socket_.next(heartbeats=True) == HEARTBEAT


async def test_the_watch_closes_every_socket_of_a_suspended_firm_and_only_those(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    owner = await firm_owner(client)
    colleague = await add_member(client, owner, "member")
    other = await firm_owner(client)
    async with (
        own_server(settings, ws_heartbeat_seconds=PERIOD) as (app, base),
        live(base, owner.token) as first,
        live(base, owner.token) as second,
        live(base, colleague.token) as third,
        live(base, other.token) as bystander,
    ):
        # Suspended by a path that announced nothing: only the watch can find it.
        await suspend_in_db(app, owner.firm_id)
        for socket_ in (first, second, third):
            code, reason = await socket_.closed()
            assert code == 4003 and "suspended" in reason
        event = await publish(app, "contract.updated", {}, [firm_key(other.firm_id)])
        assert (await bystander.next())["id"] == event.id
        assert await bystander.next(heartbeats=True) == HEARTBEAT
        assert len(app.state.realtime.hub) == 1


async def test_a_failed_suspension_check_closes_nothing_and_the_next_one_catches_up(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    actor = await firm_owner(client)
    async with (
        own_server(settings, ws_heartbeat_seconds=PERIOD) as (app, base),
        live(base, actor.token) as socket_,
        tiny_pool(app) as pool,
    ):
        async with pool.connect():  # the only pooled connection: every check times out
            await suspend_in_db(app, actor.firm_id)
            for _ in range(5):
                assert await socket_.next(heartbeats=True) == HEARTBEAT
        code, _ = await socket_.closed()
        assert code == 4003


async def test_a_handshake_waits_for_a_busy_pool_instead_of_failing(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    actor = await firm_owner(client)

    async def connect_and_ping(base: str) -> dict[str, Any]:
        async with live(base, actor.token) as socket_:
            await socket_.send({"type": "ping"})
            return await socket_.next()

    async with own_server(settings) as (app, base), tiny_pool(app) as pool:
        retries = pool_retries()
        async with pool.connect():
            opening = asyncio.create_task(connect_and_ping(base))
            await asyncio.sleep(1.0)  # five pool timeouts long
            assert not opening.done()
        assert await opening == {"type": "pong"}
        assert pool_retries() > retries


async def _replayed(socket_: LiveClient) -> list[int]:
    ids = []
    while (message := await socket_.next(within=60))["type"] != "resumed":
        ids.append(message["id"])
    return ids


async def test_concurrent_resumes_through_a_tiny_pool_deliver_every_event_once_in_order(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    firms = [await firm_owner(client) for _ in range(3)]
    async with own_server(settings) as (app, base):
        realtime = app.state.realtime
        realtime.limits = replace(realtime.limits, replay_page=7)  # several pages each
        history: dict[int, list[int]] = {actor.firm_id: [] for actor in firms}
        for n in range(30):
            written = await publish_many(
                app,
                [("message.created", {"n": n}, [firm_key(a.firm_id)]) for a in firms],
            )
            for actor, event in zip(firms, written, strict=True):
                history[actor.firm_id].append(event.id)

        async with AsyncExitStack() as stack:
            clients = [
                (actor, n, await stack.enter_async_context(live(base, actor.token)))
                for actor in firms
                for n in range(10)
            ]
            async with tiny_pool(app) as pool:
                retries = pool_retries()
                async with pool.connect():  # held: the first pages all time out
                    for actor, n, socket_ in clients:
                        mine = history[actor.firm_id]
                        after = mine[n - 1] if n else mine[0] - 1
                        await socket_.send({"type": "resume", "after": after})
                    await asyncio.sleep(0.5)
                replays = await asyncio.gather(*(_replayed(s) for _, _, s in clients))
                assert pool_retries() > retries

            for (actor, n, _), replayed in zip(clients, replays, strict=True):
                assert replayed == history[actor.firm_id][n:], (actor.firm_id, n)
            # …and live afterwards, once each.
            latest = await publish_many(
                app, [("message.created", {"n": 30}, [firm_key(a.firm_id)]) for a in firms]
            )
            expected = {a.firm_id: e.id for a, e in zip(firms, latest, strict=True)}
            for actor, _, socket_ in clients:
                assert (await socket_.next())["id"] == expected[actor.firm_id]
