"""A lean HTTP/1.1 keep-alive client on raw asyncio protocols.

The load generator runs on the same two cores as the server, so every microsecond it
spends is taken from the app: httpx costs several times more CPU per request than
this (an ``asyncio.Protocol`` plus httptools' C parser, the one uvicorn uses).
One request at a time per connection; no pipelining, no TLS, no redirects.
"""

import asyncio
from dataclasses import dataclass, field
from typing import cast

import httptools


@dataclass
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    def encode(self, host: str) -> bytes:
        lines = [f"{self.method} {self.path} HTTP/1.1", f"host: {host}"]
        lines += [f"{name}: {value}" for name, value in self.headers]
        if self.body or self.method in ("POST", "PUT", "PATCH"):
            lines.append(f"content-length: {len(self.body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


@dataclass
class Response:
    status: int
    body: bytes


class ConnectionClosed(ConnectionError):
    pass


class HttpConnection(asyncio.Protocol):
    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._body: list[bytes] = []
        self._waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self.last_used = 0.0
        self._keep_alive = True

    @classmethod
    async def open(cls, host: str, port: int) -> "HttpConnection":
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_connection(cls, host, port)
        return protocol

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(ConnectionClosed(f"bad response: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(ConnectionClosed(str(exc or "connection closed by the server")))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._keep_alive = self._parser.should_keep_alive()
        response = Response(self._parser.get_status_code(), b"".join(self._body))
        self._body = []
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(response)
        if not self._keep_alive:
            self.close()

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)

    async def send(self, raw: bytes) -> Response:
        if self.closed or self.transport is None:
            raise ConnectionClosed("connection already closed")
        self._waiter = asyncio.get_running_loop().create_future()
        self.transport.write(raw)
        return await self._waiter

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class HttpClient:
    """A pool of keep-alive connections to one server, reused most-recent-first.

    Most-recent-first keeps the working set of connections small at low rates, so the
    server's keep-alive timeout closes only connections nobody is using; a connection
    idle for longer than ``max_idle`` is replaced before use instead of racing that close.
    """

    def __init__(self, host: str, port: int, max_connections: int, max_idle: float = 3.0):
        self.host, self.port = host, port
        self.max_connections = max_connections
        self.max_idle = max_idle
        self._idle: list[HttpConnection] = []
        self._open = 0
        self._slots = asyncio.Semaphore(max_connections)
        self.connections_opened = 0

    async def _acquire(self) -> HttpConnection:
        loop = asyncio.get_running_loop()
        while self._idle:
            conn = self._idle.pop()
            if not conn.closed and loop.time() - conn.last_used < self.max_idle:
                return conn
            conn.close()
            self._open -= 1
        conn = await HttpConnection.open(self.host, self.port)
        self._open += 1
        self.connections_opened += 1
        return conn

    async def request(self, request: Request) -> Response:
        return await self.send(request.encode(self.host))

    async def send(self, raw: bytes) -> Response:
        """Send an already encoded request (hot loops encode theirs once, up front)."""
        async with self._slots:
            conn = await self._acquire()
            try:
                response = await conn.send(raw)
            except BaseException:
                conn.close()
                self._open -= 1
                raise
            if conn.closed:
                self._open -= 1
            else:
                conn.last_used = asyncio.get_running_loop().time()
                self._idle.append(conn)
            return response

    async def get(self, path: str, headers: list[tuple[str, str]] | None = None) -> Response:
        return await self.request(Request("GET", path, headers=headers or []))

    def close(self) -> None:
        for conn in self._idle:
            conn.close()
        self._idle.clear()
        self._open = 0
