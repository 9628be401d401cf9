"""One live websocket.

At most two tasks per socket, nothing else: the reader is the task the server runs the
endpoint in (inbound size and rate limits, ``ping`` and ``resume``); the writer drains a
bounded send queue and is the only one that sends. The writer exists only while there is
something to send: most sockets are idle most of the time, and ten thousand parked tasks
would cost memory for nothing. Heartbeats and the suspension check come from one
process-wide watch over the hub (``watch.py``); the token expiry and the lifetime cap are
one loop timer. Whichever decides first that the socket must end records a close code and
stops both tasks; the reader's task then closes the socket.

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
from datetime import datetime
from typing import Any

from starlette.types import Receive
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketDisconnected

from distretto.config import Settings
from distretto.kit import clock
from distretto.kit.events import OutboxEvent
from distretto.realtime.frames import text_frame, write_ready
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


@dataclass(frozen=True, slots=True)
class Replay:
    after: int


@dataclass(frozen=True, slots=True)
class Control:
    text: str


@dataclass(frozen=True, slots=True)
class CloseAfterFlush:
    code: int
    reason: str


def control(message: dict[str, object]) -> Control:
    return Control(json.dumps(message, separators=(",", ":")))


# Shared by every socket: encoded once.
HEARTBEAT = control({"type": "heartbeat"})
HEARTBEAT_FRAME = text_frame(HEARTBEAT.text.encode())
PONG = control({"type": "pong"})

Outgoing = OutboxEvent | Replay | Control | CloseAfterFlush
# (keys, after, limit) -> visible events after the id, oldest first
ReplaySource = Callable[[frozenset[str], int, int], Awaitable[list[OutboxEvent]]]

_CLIENT_GONE = (WebSocketDisconnect, WebSocketDisconnected, OSError)


class LiveConnection:
    # Ten thousand of these per process: no per-instance dict.
    __slots__ = (
        "_close",
        "_ending",
        "_expires_at",
        "_last_sent",
        "_limits",
        "_queue",
        "_raw",
        "_reader",
        "_receive",
        "_replay_source",
        "_replaying",
        "_writer",
        "_ws",
        "audience",
    )

    def __init__(
        self,
        websocket: WebSocket,
        audience: Audience,
        *,
        expires_at: datetime,
        limits: LiveLimits,
        replay_source: ReplaySource,
        raw: Any | None = None,
        receive: Receive | None = None,
    ) -> None:
        self._ws = websocket
        # The server's own receive when given: starlette's wrapper would be one more
        # coroutine frame held by every idle socket.
        self._receive = receive or websocket.receive
        # The server protocol, when pre-framed messages may be written to it (frames.py).
        self._raw: Any = raw
        self.audience = audience
        self._expires_at = expires_at
        self._limits = limits
        self._replay_source = replay_source
        # A list, not a deque: it is short and mostly empty, and an empty deque already
        # allocates a 64-slot block per socket.
        self._queue: list[Outgoing] = []
        # A CloseAfterFlush is queued: nothing offered after it would ever be sent.
        self._ending = False
        self._last_sent = 0
        # One replay at a time: a client cannot make the server re-read history in a loop.
        self._replaying = False
        self._close: tuple[int | None, str] | None = None
        self._writer: asyncio.Task[None] | None = None  # only while it has work
        self._reader: asyncio.Task[None] | None = None  # only while it waits for the client

    @property
    def keys(self) -> frozenset[str]:
        return self.audience.keys

    @property
    def active_firm_ids(self) -> frozenset[int]:
        return self.audience.active_firm_ids

    # --- called by the hub and the timer (must never block) ---------------------------------

    def offer(self, event: OutboxEvent, frame: bytes | None = None) -> bool:
        """Send ``event`` (``frame``: its text frame, built once for every socket) or
        queue it; True when it was written at once."""
        if frame is not None and self._idle():
            if event.id > self._last_sent:
                self._raw.transport.write(frame)
                self._last_sent = event.id
                return True
            return False
        self._enqueue(event)
        return False

    def heartbeat(self) -> None:
        if self._idle():
            self._raw.transport.write(HEARTBEAT_FRAME)
        else:
            self._enqueue(HEARTBEAT)

    def _idle(self) -> bool:
        """Nothing queued or being sent, and the transport takes a frame now: writing it
        directly keeps the order, and costs no task."""
        return (
            self._raw is not None
            and self._writer is None
            and not self._queue
            and self._close is None
            and not self._ending
            and write_ready(self._raw)
        )

    def firm_suspended(self) -> None:
        self._enqueue(CloseAfterFlush(FIRM_SUSPENDED, "firm suspended; reconnect"))

    def _enqueue(self, item: Outgoing) -> None:
        if self._close is not None or self._ending:
            return
        if len(self._queue) >= self._limits.send_queue:
            DROPPED.inc()
            self._request_close(TRY_AGAIN_LATER, "too slow to keep up; reconnect and resume")
            return
        self._queue.append(item)
        if isinstance(item, CloseAfterFlush):
            self._ending = True
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write(), name="ws-write")

    def _request_close(self, code: int | None, reason: str) -> None:
        """End the socket now: record why, stop both tasks (the caller stops by itself)."""
        if self._close is not None:
            return
        self._close = (code, reason)
        current = asyncio.current_task()  # None in a timer callback
        for task in (self._writer, self._reader):
            if task is not None and task is not current:
                task.cancel()

    # --- lifecycle ------------------------------------------------------------------------

    async def run(self) -> None:
        deadline = self._schedule_deadline(asyncio.get_running_loop())
        # The reader is this task; reading here rather than in a helper coroutine keeps
        # one frame less alive per idle socket.
        reader = asyncio.current_task()
        assert reader is not None
        self._reader = reader
        try:
            await self._read()
        except asyncio.CancelledError:
            # A close requested elsewhere interrupts the wait for the client's next
            # message (``_request_close``); any other cancellation goes on up.
            if self._close is None or reader.uncancel() > 0:
                raise
        finally:
            self._reader = None
            deadline.cancel()
            if self._close is None:
                self._close = (None, "")  # cancelled from outside: no new writer, no word
            writer = self._writer
            if writer is not None:
                writer.cancel()
                await asyncio.gather(writer, return_exceptions=True)
            await self._close_socket()

    def _schedule_deadline(self, loop: asyncio.AbstractEventLoop) -> asyncio.TimerHandle:
        """One timer per socket: the token expiry or the lifetime cap, whichever comes first."""
        now = loop.time()
        token_end = now + (self._expires_at - clock.now()).total_seconds()
        # Jitter, so sockets opened together (after a deploy) do not all reconnect together.
        lifetime_end = now + self._limits.lifetime_seconds * random.uniform(0.9, 1.0)
        if token_end <= lifetime_end:
            return loop.call_at(
                token_end,
                self._request_close,
                TOKEN_EXPIRED,
                "access token expired; reconnect with a new one",
            )
        return loop.call_at(
            lifetime_end, self._enqueue, CloseAfterFlush(LIFETIME_REACHED, "reconnect and resume")
        )

    async def _close_socket(self) -> None:
        code, reason = self._close or (None, "")
        if code is None:
            return  # the client left (or the server is stopping): nothing to say
        CLOSED.labels(str(code)).inc()
        # A client that stopped reading may never take the close frame: do not wait on it.
        with contextlib.suppress(TimeoutError, RuntimeError, *_CLIENT_GONE):
            async with asyncio.timeout(1.0):
                await self._ws.close(code=code, reason=reason)

    # --- reader ---------------------------------------------------------------------------

    async def _read(self) -> None:
        loop = asyncio.get_running_loop()
        window_start, frames = loop.time(), 0
        while self._close is None:
            message = await self._receive()
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
            self._enqueue(PONG)
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
        self._enqueue(control({"type": "error", "detail": detail}))

    # --- writer ---------------------------------------------------------------------------

    async def _write(self) -> None:
        """Send until the queue is empty (started again by the next ``_enqueue``)."""
        try:
            await self._drain()
        except _CLIENT_GONE:
            self._request_close(None, "")
        except Exception:
            log.exception("live connection writer failed")
            self._request_close(INTERNAL_ERROR, "internal error; reconnect and resume")
        finally:
            # In the same step as the last check of the queue: anything enqueued from here
            # on starts a new writer.
            self._writer = None

    async def _drain(self) -> None:
        queue = self._queue
        while queue:
            item = queue.pop(0)
            if isinstance(item, OutboxEvent):
                if item.id > self._last_sent:
                    await self._send_event(item)
            elif isinstance(item, Control):
                await self._ws.send_text(item.text)
            elif isinstance(item, Replay):
                await self._replay(item.after)
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
        await self._ws.send_text(control({"type": "resumed", "last_id": self._last_sent}).text)
        self._replaying = False

    async def _send_event(self, event: OutboxEvent) -> None:
        await self._ws.send_text(event.text)
        self._last_sent = event.id
        DELIVERED.inc()


def _event_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, int) and value >= 0:
        return value
    return None
