"""``WS /api/v1/ws?token=``: authenticate before accepting, then run the connection."""

from starlette.websockets import WebSocket

from distretto.realtime.connection import POLICY_VIOLATION, LiveConnection
from distretto.realtime.metrics import CONNECTIONS, REJECTED
from distretto.realtime.runtime import Realtime


async def serve(websocket: WebSocket, token: str | None, live: Realtime) -> None:
    # Refuse before the handshake completes: a bad client never holds an open socket.
    claims = live.tokens.verify_access(token) if token else None
    if claims is None:
        REJECTED.labels("token").inc()
        await websocket.close(code=POLICY_VIOLATION, reason="missing, invalid or expired token")
        return
    audience = await live.audience_of(claims.user_id)
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
        suspension_check=live.suspended_firms,
    )
    live.hub.register(connection)
    CONNECTIONS.inc()
    try:
        await connection.run()
    finally:
        live.hub.unregister(connection)
        CONNECTIONS.dec()
