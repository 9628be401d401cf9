"""One live websocket.

Three tasks share the socket: a reader (inbound size and rate limits, ``ping`` and
``resume``), a single writer draining a bounded queue (the only task that sends), and a
keep-alive timer (heartbeat, suspension check, token expiry, lifetime cap). Whichever
decides first that the socket must end records a close code; the supervisor then stops
all three and closes the socket.

Ordering and exactly-once: the writer remembers the last id it sent and drops anything at
or below it. A ``resume`` is replayed *by the writer* from the outbox, so live events
that arrive meanwhile wait in the queue behind it and are then either skipped (already
replayed) or sent (newer) — no gap, no duplicate.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from distretto.config import Settings
from distretto.kit.events import OutboxEvent
from distretto.realtime.metrics import CLOSED, DELIVERED, DROPPED
from distretto.realtime.policies import Audience

log = logging.getLogger("distretto.realtime")

# Close codes (RFC 6455 and our 4xxx application range).
UNSUPPORTED_DATA = 1003
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011
TRY_AGAIN_LATER = 1013
LIFETIME_REACHED = 4000
TOKEN_EXPIRED = 4001
FIRM_SUSPENDED = 4003


@dataclass(frozen=True)
class LiveLimits:
    send_queue: int
    max_message_bytes: int
    heartbeat_seconds: float
    lifetime_seconds: float
    max_frames_per_second: int = 20
    replay_page: int = 200

    @classmethod
    def from_settings(cls, settings: Settings) -> "LiveLimits":
        return cls(
            send_queue=settings.ws_send_queue,
            max_message_bytes=settings.ws_max_message_bytes,
            heartbeat_seconds=settings.ws_heartbeat_seconds,
            lifetime_seconds=settings.ws_lifetime_seconds,
        )


@dataclass(frozen=True)
class Replay:
    after: int


@dataclass(frozen=True)
class Control:
    message: dict[str, Any]


@dataclass(frozen=True)
class CloseAfterFlush:
    code: int
    reason: str


Outgoing = OutboxEvent | Replay | Control | CloseAfterFlush
# (keys, after, limit) -> visible events after the id, oldest first
ReplaySource = Callable[[frozenset[str], int, int], Awaitable[list[OutboxEvent]]]
# firm ids -> those of them now suspended
SuspensionCheck = Callable[[frozenset[int]], Awaitable[set[int]]]

_CLIENT_GONE = (WebSocketDisconnect, WebSocketDisconnected, OSError)


class LiveConnection:
    def __init__(
        self,
        websocket: WebSocket,
        audience: Audience,
        *,
        expires_at: datetime,
        limits: LiveLimits,
        replay_source: ReplaySource,
        suspension_check: SuspensionCheck,
    ) -> None:
        self._ws = websocket
        self.audience = audience
        self._expires_at = expires_at
        self._limits = limits
        self._replay_source = replay_source
        self._suspension_check = suspension_check
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue(limits.send_queue)
        self._last_sent = 0
        # One replay at a time: a client cannot make the server re-read history in a loop.
        self._replaying = False
        self._close: tuple[int | None, str] | None = None
        self._closed = asyncio.Event()

    @property
    def keys(self) -> frozenset[str]:
        return self.audience.keys

    # --- called by the hub (must never block) ----------------------------------------------

    def offer(self, event: OutboxEvent) -> None:
        self._enqueue(event)

    def firm_suspended(self, firm_id: int) -> None:
        if firm_id in self.audience.active_firm_ids:
            self._enqueue(CloseAfterFlush(FIRM_SUSPENDED, "firm suspended; reconnect"))

    def _enqueue(self, item: Outgoing) -> None:
        if self._close is not None:
            return
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            DROPPED.inc()
            self._request_close(TRY_AGAIN_LATER, "too slow to keep up; reconnect and resume")

    def _request_close(self, code: int | None, reason: str) -> None:
        if self._close is None:
            self._close = (code, reason)
            self._closed.set()

    # --- lifecycle ------------------------------------------------------------------------

    async def run(self) -> None:
        tasks = [
            asyncio.create_task(self._read(), name="ws-read"),
            asyncio.create_task(self._write(), name="ws-write"),
            asyncio.create_task(self._keep_alive(), name="ws-keepalive"),
        ]
        for task in tasks:
            task.add_done_callback(self._task_ended)
        try:
            await self._closed.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._close_socket()

    def _task_ended(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return  # a task that ends normally has already arranged the close
        if isinstance(exc, _CLIENT_GONE):
            self._request_close(None, "")
        else:
            log.error("live connection task %s failed", task.get_name(), exc_info=exc)
            self._request_close(INTERNAL_ERROR, "internal error; reconnect and resume")

    async def _close_socket(self) -> None:
        assert self._close is not None
        code, reason = self._close
        if code is None:
            return  # the client left; nothing to say
        CLOSED.labels(str(code)).inc()
        # A client that stopped reading may never take the close frame: do not wait on it.
        with contextlib.suppress(TimeoutError, RuntimeError, *_CLIENT_GONE):
            async with asyncio.timeout(1.0):
                await self._ws.close(code=code, reason=reason)

    # --- reader ---------------------------------------------------------------------------

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        window_start, frames = loop.time(), 0
        while True:
            message = await self._ws.receive()
            if message["type"] == "websocket.disconnect":
                self._request_close(None, "")
                return
            now = loop.time()
            if now - window_start >= 1.0:
                window_start, frames = now, 0
            frames += 1
            if frames > self._limits.max_frames_per_second:
                self._request_close(POLICY_VIOLATION, "too many messages")
                return
            text = message.get("text")
            if text is None:
                self._request_close(UNSUPPORTED_DATA, "send JSON text messages")
                return
            if len(text) > self._limits.max_message_bytes or (
                len(text.encode()) > self._limits.max_message_bytes
            ):
                self._request_close(MESSAGE_TOO_BIG, "message too big")
                return
            self._handle(text)

    def _handle(self, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict):
            self._reply_error("messages are JSON objects with a type")
            return
        kind = message.get("type")
        if kind == "ping":
            self._enqueue(Control({"type": "pong"}))
        elif kind == "resume":
            after = _event_id(message.get("after"))
            if after is None:
                self._reply_error("resume needs after: the last event id you saw (0 for all)")
            elif self._replaying:
                self._reply_error("a resume is already running; wait for resumed")
            else:
                self._replaying = True
                self._enqueue(Replay(after))
        else:
            self._reply_error("unknown message type; send ping or resume")

    def _reply_error(self, detail: str) -> None:
        self._enqueue(Control({"type": "error", "detail": detail}))

    # --- writer ---------------------------------------------------------------------------

    async def _write(self) -> None:
        while True:
            item = await self._queue.get()
            if isinstance(item, OutboxEvent):
                if item.id > self._last_sent:
                    await self._send_event(item)
            elif isinstance(item, Replay):
                await self._replay(item.after)
            elif isinstance(item, Control):
                await self._send(item.message)
            else:
                self._request_close(item.code, item.reason)
                return

    async def _replay(self, after: int) -> None:
        # The client says what it has: restart the stream from there.
        self._last_sent = after
        page = self._limits.replay_page
        while True:
            events = await self._replay_source(self.keys, self._last_sent, page)
            for event in events:
                await self._send_event(event)
            if len(events) < page:
                break
        await self._send({"type": "resumed", "last_id": self._last_sent})
        self._replaying = False

    async def _send_event(self, event: OutboxEvent) -> None:
        await self._send(event.envelope())
        self._last_sent = event.id
        DELIVERED.inc()

    async def _send(self, message: dict[str, Any]) -> None:
        await self._ws.send_text(json.dumps(message, separators=(",", ":"), default=str))

    # --- keep-alive -----------------------------------------------------------------------

    async def _keep_alive(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        token_end = start + (self._expires_at - datetime.now(UTC)).total_seconds()
        # Jitter, so sockets opened together (after a deploy) do not all reconnect together.
        lifetime_end = start + self._limits.lifetime_seconds * random.uniform(0.9, 1.0)
        next_beat = start + self._limits.heartbeat_seconds
        while True:
            now = loop.time()
            if now >= token_end:
                self._request_close(TOKEN_EXPIRED, "access token expired; reconnect with a new one")
                return
            if now >= lifetime_end:
                self._enqueue(CloseAfterFlush(LIFETIME_REACHED, "reconnect and resume"))
                return
            if now >= next_beat:
                if await self._firm_was_suspended():
                    self._enqueue(CloseAfterFlush(FIRM_SUSPENDED, "firm suspended; reconnect"))
                    return
                self._enqueue(Control({"type": "heartbeat"}))
                next_beat = now + self._limits.heartbeat_seconds
            await asyncio.sleep(max(0.0, min(next_beat, token_end, lifetime_end) - loop.time()))

    async def _firm_was_suspended(self) -> bool:
        firms = self.audience.active_firm_ids
        if not firms:
            return False
        try:
            return bool(await self._suspension_check(firms))
        except Exception:
            # The database is briefly unreachable: keep serving, ask again next beat
            # (a suspension also arrives as a firm.suspended event).
            log.warning("suspension check failed; retrying at the next heartbeat", exc_info=True)
            return False


def _event_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None
