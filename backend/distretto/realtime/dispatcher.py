"""One per process: takes events from the broker and fans them out in id order, gap-free.

Live fan-out is fast but not complete on its own: two requests may publish in the other
order than they committed, and Redis pub/sub drops what it cannot deliver (a restart, a
dead connection). So the dispatcher keeps a high-water mark (the last id it fanned out)
and treats the outbox as the truth:

- an event above ``mark + 1`` means ids in between were missed or are late: they are read
  back from the outbox first. Because ``emit`` makes events commit in id order, anything
  below a committed id is already final, so one read fills the gap for good (an id that
  is not there was rolled back);
- an event at or below the mark was already fanned out (read back earlier): skipped;
- after every (re)subscription and on a short timer, everything past the mark is read
  back, which also carries events written by processes without a broker (the CLI, a
  second worker in the embedded mode).

Connections then only ever see rising ids, each once.
"""

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.auth import viewer
from distretto.kit.events import OutboxEvent
from distretto.realtime.broker import Broker, Resubscribed
from distretto.realtime.hub import ConnectionHub
from distretto.realtime.metrics import OUTBOX_CATCH_UP
from distretto.realtime.relay import NotificationRelay
from distretto.realtime.repository import EventRepository

log = logging.getLogger("distretto.realtime")

PAGE = 500


class LiveDispatcher:
    def __init__(
        self,
        broker: Broker,
        hub: ConnectionHub,
        sessionmaker: async_sessionmaker[AsyncSession],
        relay: NotificationRelay,
        *,
        poll_seconds: float = 2.0,
    ) -> None:
        self._broker = broker
        self._hub = hub
        self._sessionmaker = sessionmaker
        self._relay = relay
        self._poll_seconds = poll_seconds
        # None until the outbox could be read (the database may come up after the app).
        self._mark: int | None = None
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        try:
            await self.anchor()
        except Exception:
            log.warning("outbox not readable yet; live fan-out starts when it is", exc_info=True)
        self._tasks = [
            asyncio.create_task(self._consume(), name="live-dispatch"),
            asyncio.create_task(self._poll(), name="outbox-poll"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def anchor(self) -> None:
        """Start from the outbox as it is now: history is for ``resume``, not fan-out."""
        async with self._lock:
            self._mark = await self._latest_id()

    async def settled(self) -> None:
        """Return once every batch already published to this process is fanned out.

        The test harness empties the outbox under a running app, and ids restart on
        SQLite: a batch of the previous test still queued would be taken for new events.
        """
        await self._broker.settled()

    async def _consume(self) -> None:
        async for item in self._broker.subscribe():
            try:
                if isinstance(item, Resubscribed):
                    await self.catch_up()
                else:
                    await self._accept(item)
            except Exception:
                # A database hiccup while filling a gap: the poll retries from the mark.
                log.exception("live dispatch failed; the outbox poll will retry")

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._poll_seconds)
            try:
                await self.catch_up()
            except Exception:
                log.exception("outbox poll failed")

    async def catch_up(self) -> None:
        """Fan out everything committed past the mark."""
        async with self._lock:
            latest = await self._latest_id()
            if self._mark is None:
                self._mark = latest
            elif latest < self._mark:
                self._outbox_restarted(latest)
            elif latest > self._mark and await self._read_back(before=None):
                self._relay.wake()

    async def _accept(self, batch: list[OutboxEvent]) -> None:
        async with self._lock:
            if self._mark is None:
                self._mark = await self._latest_id()
            for event in sorted(batch, key=lambda e: e.id):
                if event.id <= self._mark:
                    if await self._latest_id() >= self._mark:
                        continue  # a late copy of an event already fanned out
                    self._outbox_restarted(event.id - 1)
                if event.id > self._mark + 1:
                    await self._read_back(before=event.id)
                self._fan_out(event)
        self._relay.wake()

    async def _read_back(self, *, before: int | None) -> int:
        """Fan out the outbox past the mark (up to ``before``); returns how many events."""
        assert self._mark is not None
        found = 0
        while True:
            async with self._sessionmaker() as session:
                missed = await EventRepository(session).after(self._mark, PAGE, before=before)
            for event in missed:
                self._fan_out(event)
            found += len(missed)
            if len(missed) < PAGE:
                break
        if before is not None:
            # Ids below ``before`` that are not in the outbox were rolled back.
            self._mark = max(self._mark, before - 1)
        OUTBOX_CATCH_UP.inc(found)
        return found

    def _fan_out(self, event: OutboxEvent) -> None:
        # A suspension or membership change made by another process: drop cached viewers.
        viewer.event_seen(event.type)
        self._hub.deliver(event)
        self._mark = event.id

    def _outbox_restarted(self, mark: int) -> None:
        # Ids went below the mark: the outbox was emptied or restored (the test harness
        # truncates it under a running app). Re-anchor instead of staying deaf.
        log.warning("outbox ids restarted below %s; re-anchoring at %s", self._mark, mark)
        self._mark = mark

    async def _latest_id(self) -> int:
        async with self._sessionmaker() as session:
            return await EventRepository(session).latest_id()
