"""Resume after a gap: every missed visible event once, in order, then live without gaps."""

import asyncio

import httpx
from fastapi import FastAPI

from distretto.kit.events import firm_key
from tests.helpers import firm_owner, problem_fields
from tests.realtime.builders import live, publish, publish_many


async def test_ws_resume_after_a_gap_replays_missed_events_once_in_order(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    me = await firm_owner(client)
    other = await firm_owner(client)
    mine, theirs = [firm_key(me.firm_id)], [firm_key(other.firm_id)]
    async with live(live_server, me.token) as first:
        seen = await publish(app, "contract.updated", {"n": 0}, mine)
        assert (await first.next())["id"] == seen.id
    # Offline: mine and others' events interleave, several per transaction.
    missed = []
    for n in range(1, 6):
        written = await publish_many(
            app,
            [
                ("contract.updated", {"n": n}, mine),
                ("contract.updated", {"n": -n}, theirs),
                ("message.created", {"n": n}, mine),
            ],
        )
        missed += [e for e in written if e.audience == tuple(mine)]

    async with live(live_server, me.token) as again:
        replayed = await again.resume(seen.id)
        assert [m["id"] for m in replayed] == [e.id for e in missed]
        assert [m["data"]["n"] for m in replayed] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        # …and then live, exactly once.
        after = await publish(app, "contract.updated", {"n": 6}, mine)
        assert (await again.next())["id"] == after.id

    # Resuming from 0 gives the whole visible history; from the newest id, nothing.
    async with live(live_server, me.token) as fresh:
        everything = await fresh.resume(0)
        assert [m["id"] for m in everything] == [seen.id] + [e.id for e in missed] + [after.id]
        assert await fresh.resume(after.id) == []


async def test_resume_while_events_keep_coming_has_no_gap_and_no_duplicate(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    me = await firm_owner(client)
    audience = [firm_key(me.firm_id)]
    history = [await publish(app, "message.created", {"n": n}, audience) for n in range(30)]

    async def keep_publishing() -> list[int]:
        ids = []
        for n in range(30, 60):
            ids.append((await publish(app, "message.created", {"n": n}, audience)).id)
            await asyncio.sleep(0)
        return ids

    async with live(live_server, me.token) as socket:
        producer = asyncio.create_task(keep_publishing())
        await socket.send({"type": "resume", "after": history[4].id})
        live_ids = await producer
        expected = [e.id for e in history[5:]] + live_ids
        received: list[int] = []
        while len(received) < len(expected):
            message = await socket.next()
            if message["type"] != "resumed":
                received.append(message["id"])
        assert received == expected
        # Nothing else was queued behind them: the next event is the new one. ("resumed"
        # may still come first: when the replay read every event the producer wrote, the
        # last of them arrive before it.)
        last = await publish(app, "message.created", {"n": 60}, audience)
        message = await socket.next()
        while message["type"] in {"resumed", "heartbeat"}:
            message = await socket.next()
        assert message["id"] == last.id


async def test_resume_requests_are_validated(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    me = await firm_owner(client)
    async with live(live_server, me.token) as socket:
        for bad in (
            {"type": "resume"},
            {"type": "resume", "after": -1},
            {"type": "resume", "after": True},
        ):
            await socket.send(bad)
            reply = await socket.next()
            assert reply["type"] == "error" and "after" in reply["detail"]
        await socket.send("not json")
        assert (await socket.next())["type"] == "error"
        await socket.send({"type": "subscribe"})
        assert (await socket.next())["type"] == "error"
        await socket.send({"type": "ping"})
        assert await socket.next() == {"type": "pong"}
        # Still open and live after all that.
        event = await publish(app, "contract.updated", {}, [firm_key(me.firm_id)])
        assert (await socket.next())["id"] == event.id


async def test_http_events_after_pages_forward_and_is_scoped(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await firm_owner(client)
    other = await firm_owner(client)
    mine = []
    for n in range(7):
        mine.append(await publish(app, "contract.updated", {"n": n}, [firm_key(me.firm_id)]))
        await publish(app, "contract.updated", {"n": n}, [firm_key(other.firm_id)])

    first = (await client.get("/events?after=0&limit=3", headers=me.headers)).json()
    assert [i["id"] for i in first["items"]] == [e.id for e in mine[:3]]
    assert set(first["items"][0]) == {"id", "type", "data", "created_at"}
    assert first["next_cursor"]
    second = (
        await client.get(f"/events?cursor={first['next_cursor']}&limit=3", headers=me.headers)
    ).json()
    assert [i["id"] for i in second["items"]] == [e.id for e in mine[3:6]]
    # after= from any id the client saw gives the rest.
    rest = (await client.get(f"/events?after={mine[5].id}", headers=me.headers)).json()
    assert [i["id"] for i in rest["items"]] == [mine[6].id]
    assert rest["next_cursor"] is None
    # Nothing after the newest.
    assert (await client.get(f"/events?after={mine[6].id}", headers=me.headers)).json() == {
        "items": [],
        "next_cursor": None,
    }


async def test_http_events_refuses_bad_input(client: httpx.AsyncClient) -> None:
    me = await firm_owner(client)
    assert (await client.get("/events?after=0")).status_code == 401
    for query, field in (
        ("after=-1", "after"),
        ("after=abc", "after"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("after=1&cursor=WzFd", "cursor"),
    ):
        response = await client.get(f"/events?{query}", headers=me.headers)
        assert response.status_code == 422, query
        assert field in problem_fields(response), query
