"""A lean websocket client (RFC 6455) on a raw asyncio protocol.

Ten thousand clients live in the load generator's one process, next to the server on
the same two cores, so each must cost little: no task per connection, frames parsed in
``data_received``, every text message handed to one callback with its arrival time.
Client frames are masked as the RFC requires; no extensions, no compression.
"""

import asyncio
import base64
import hashlib
import os
import struct
from collections.abc import Callable
from typing import cast

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, BINARY, CLOSE, PING, PONG, CONTINUATION = 1, 2, 8, 9, 10, 0


class HandshakeFailed(ConnectionError):
    pass


def mask(payload: bytes, key: bytes) -> bytes:
    """XOR ``payload`` with the repeating 4-byte ``key`` (whole-buffer integer XOR)."""
    if not payload:
        return payload
    repeated = (key * (len(payload) // 4 + 1))[: len(payload)]
    value = int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")
    return value.to_bytes(len(payload), "big")


def client_frame(opcode: int, payload: bytes) -> bytes:
    key = os.urandom(4)
    length = len(payload)
    if length < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    return header + key + mask(payload, key)


def parse_frames(buffer: bytearray) -> list[tuple[bool, int, bytes]]:
    """Take every complete (unmasked, server-sent) frame off the front of ``buffer``."""
    frames = []
    while len(buffer) >= 2:
        first, second = buffer[0], buffer[1]
        length = second & 0x7F
        offset = 2
        if length == 126:
            if len(buffer) < 4:
                break
            length = struct.unpack_from("!H", buffer, 2)[0]
            offset = 4
        elif length == 127:
            if len(buffer) < 10:
                break
            length = struct.unpack_from("!Q", buffer, 2)[0]
            offset = 10
        if second & 0x80:  # a masked server frame breaks the protocol; read it anyway
            offset += 4
        if len(buffer) < offset + length:
            break
        payload = bytes(buffer[offset : offset + length])
        del buffer[: offset + length]
        frames.append((bool(first & 0x80), first & 0x0F, payload))
    return frames


class WsClient(asyncio.Protocol):
    def __init__(self, on_text: Callable[["WsClient", bytes, float], None], tag: object = None):
        self.on_text = on_text
        self.tag = tag
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._fragments: list[bytes] = []
        self._key = base64.b64encode(os.urandom(16))
        self._request = b""
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.closed: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        self.close_code: int | None = None
        self._loop = asyncio.get_running_loop()

    @classmethod
    async def connect(
        cls,
        host: str,
        port: int,
        path: str,
        on_text: Callable[["WsClient", bytes, float], None],
        tag: object = None,
    ) -> "WsClient":
        loop = asyncio.get_running_loop()
        request = (
            f"GET {path} HTTP/1.1\r\nhost: {host}:{port}\r\nupgrade: websocket\r\n"
            f"connection: Upgrade\r\nsec-websocket-version: 13\r\n"
        ).encode()

        def factory() -> "WsClient":
            client = cls(on_text, tag)
            client._request = request + b"sec-websocket-key: " + client._key + b"\r\n\r\n"
            return client

        _, client = await loop.create_connection(factory, host, port)
        await client.opened
        return client

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = cast(asyncio.Transport, transport)
        self.transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self.opened.done():
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self._buffer[:end]).decode("latin-1")
            del self._buffer[: end + 4]
            expected = base64.b64encode(hashlib.sha1(self._key + GUID).digest()).decode()
            if not head.startswith("HTTP/1.1 101") or expected not in head:
                status = head.split("\r\n", 1)[0]
                self.opened.set_exception(HandshakeFailed(status))
                self._finish(None)
                return
            self.opened.set_result(None)
        now = self._loop.time()
        for fin, opcode, payload in parse_frames(self._buffer):
            if opcode in (TEXT, BINARY):
                if fin:
                    self.on_text(self, payload, now)
                else:
                    self._fragments = [payload]
            elif opcode == CONTINUATION:
                self._fragments.append(payload)
                if fin:
                    self.on_text(self, b"".join(self._fragments), now)
                    self._fragments = []
            elif opcode == PING:
                self._write(client_frame(PONG, payload))
            elif opcode == CLOSE:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                self._write(client_frame(CLOSE, payload[:2]))
                self._finish(code)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed(str(exc or "connection lost")))
        self._finish(self.close_code)

    def _finish(self, code: int | None) -> None:
        self.close_code = code
        if not self.closed.done():
            self.closed.set_result(code)
        if self.transport is not None:
            self.transport.close()

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    @property
    def is_open(self) -> bool:
        return self.opened.done() and not self.closed.done()

    def send_text(self, text: str) -> None:
        self._write(client_frame(TEXT, text.encode()))

    def close(self, code: int = 1000) -> None:
        """Say goodbye and drop the socket (the server sees a clean disconnect)."""
        self._write(client_frame(CLOSE, struct.pack("!H", code)))
        self._finish(code)
