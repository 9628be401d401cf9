"""``WS /api/v1/ws?token=``: authenticate before accepting, then run the connection.

The socket is served ahead of the framework's stack (``LiveSocketShortcut``). A websocket
keeps its ASGI call open for up to an hour, and every layer that call went through stays
alive with it, and wraps every message it sends: the HTTP middleware, the router levels,
dependency injection and its exit stacks measured 13 of the 35 KB a socket cost, and
made a heartbeat round to 2,100 sockets take 82 ms instead of 50 (``bench/wsmemory.py``)
— for nothing, since the middleware only acts on HTTP and the endpoint needs no
dependency. The route in ``router.py`` is the same handler, declared so the route table
(the authorization matrix, the benchmark) shows the socket.
"""

from typing import Any
from urllib.parse import parse_qs

from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from distretto.realtime.connection import POLICY_VIOLATION, TRY_AGAIN_LATER, LiveConnection
from distretto.realtime.frames import raw_socket
from distretto.realtime.metrics import CONNECTIONS, REJECTED
from distretto.realtime.runtime import Realtime

# Far above any token we mint; a longer one is refused unread.
MAX_TOKEN_CHARS = 4096


async def serve(
    websocket: WebSocket,
    token: str | None,
    live: Realtime,
    raw: Any | None = None,
    receive: Receive | None = None,
) -> None:
    # Refuse before the handshake completes: a bad client never holds an open socket.
    claims = live.tokens.verify_access(token) if token and len(token) <= MAX_TOKEN_CHARS else None
    if claims is None or await live.is_revoked(claims):
        REJECTED.labels("token").inc()
        await websocket.close(code=POLICY_VIOLATION, reason="missing, invalid or expired token")
        return
    try:
        audience = await live.audience_of(claims.user_id)
    except PoolTimeout:
        REJECTED.labels("busy").inc()
        await websocket.close(code=TRY_AGAIN_LATER, reason="server busy; try again later")
        return
    if audience is None:
        REJECTED.labels("account").inc()
        await websocket.close(code=POLICY_VIOLATION, reason="account unknown or disabled")
        return
    await websocket.accept()
    connection = LiveConnection(
        websocket,
        audience,
        expires_at=claims.expires_at,
        limits=live.limits,
        replay_source=live.replay,
        raw=raw,
        receive=receive,
    )
    live.hub.register(connection)
    CONNECTIONS.inc()
    try:
        await connection.run()
    finally:
        live.hub.unregister(connection)
        CONNECTIONS.dec()


class LiveSocketShortcut:
    """ASGI middleware, outermost of the app's: websocket calls to ``path`` go straight to
    ``serve``; everything else passes through untouched."""

    def __init__(self, app: ASGIApp, path: str) -> None:
        self.app = app
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "websocket" or scope["path"] != scope.get("root_path", "") + self.path:
            await self.app(scope, receive, send)
            return
        tokens = parse_qs(scope["query_string"].decode("latin-1")).get("token")
        live: Realtime = scope["app"].state.realtime
        await serve(
            WebSocket(scope, receive, send),
            tokens[0] if tokens else None,
            live,
            raw_socket(send),
            receive,
        )
