"""Writing a pre-framed websocket message straight to a socket's transport.

Fan-out sends the same event to thousands of sockets. Through ASGI each send is a task
step, a ``websocket.send`` message, the server's framing of the same bytes again and a
write; here the frame is built once per event (``text_frame``) and each socket only gets
``transport.write``. That is only done where it is known to be safe, so it depends on
the server: uvicorn's sans-I/O websocket protocol (the one ``distretto serve`` and the
benchmark run) with no compression, and only while the connection is open and its
transport is not paused. Anything else (another server, the test client, a paused
transport) takes the ASGI path, which waits for the transport and keeps a slow client's
queue bounded.
"""

import struct
from typing import Any

from starlette.types import Send
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

TEXT_FIN = 0x81  # FIN + text opcode; server frames are never masked (RFC 6455 5.1)


def text_frame(payload: bytes) -> bytes:
    """One unfragmented, unmasked text frame carrying ``payload``."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", TEXT_FIN, size)
    elif size < 1 << 16:
        header = struct.pack("!BBH", TEXT_FIN, 126, size)
    else:
        header = struct.pack("!BBQ", TEXT_FIN, 127, size)
    return header + payload


def raw_socket(send: Send) -> Any | None:
    """The server protocol behind an ASGI ``send``, when frames may be written to it."""
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    if protocol.conn.extensions:  # a negotiated extension (compression) changes frames
        return None
    return protocol


def write_ready(protocol: Any) -> bool:
    """Open, not closing, and not paused by a full transport buffer."""
    return (
        protocol.conn.state is State.OPEN
        and not protocol.close_sent
        and protocol.writable.is_set()
        and not protocol.transport.is_closing()
    )
