"""Fan-out's pre-framed writes: the frames are what a websocket library would send, and
on the server the app runs on, events go straight onto the transport."""

import httpx
import pytest
from fastapi import FastAPI
from websockets.frames import Frame, Opcode

from distretto.kit.events import firm_key
from distretto.realtime.frames import text_frame
from tests.helpers import firm_owner
from tests.realtime.builders import live, publish


@pytest.mark.parametrize("size", [0, 125, 126, 65_535, 65_536, 100_000])
def test_a_text_frame_is_the_one_websockets_would_send(size: int) -> None:
    payload = ("é" * size).encode()[:size]
    assert text_frame(payload) == Frame(Opcode.TEXT, payload).serialize(mask=False, extensions=[])


async def test_events_go_onto_the_transport_in_order_without_a_writer(
    client: httpx.AsyncClient, app: FastAPI, live_server: str
) -> None:
    actor = await firm_owner(client)
    audience = [firm_key(actor.firm_id)]
    async with live(live_server, actor.token) as socket:
        (connection,) = app.state.realtime.hub._connections
        # The server protocol is reachable: fan-out may write frames itself.
        assert connection._raw is not None
        sizes = [10, 200, 70_000, 3]
        written = [
            await publish(app, "message.created", {"body": "x" * size}, audience) for size in sizes
        ]
        # Written at once, so no writer task was needed for any of them.
        assert connection._writer is None
        received = [await socket.next() for _ in sizes]
    assert [m["id"] for m in received] == [e.id for e in written]
    assert [len(m["data"]["body"]) for m in received] == sizes
