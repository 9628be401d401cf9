"""The notification relay: turns outbox events into per-user notifications, exactly once.

Design. Notifications are *materialised* rows (user, event, title, read_at) rather than
computed from the outbox at read time, so read marks are plain columns, the unread count
is one indexed count, and recipients are the users an event reached when it happened
(someone who joins a firm later does not inherit a backlog of its old news).

Exactly once without a transaction spanning the request: the relay reads the outbox after
a durable cursor and writes the notifications *and* advances the cursor in one
transaction, holding the cursor's row lock, so any number of processes may run it and a
crash simply leaves the work for the next run. It runs in the background of every
process (woken by live fan-out, and on a timer) and also at the start of every
notification read, so a user always sees the notifications of what has already
committed ("read your writes").

Who waits for the lock. The background relay does not: when another transaction holds
the cursor it returns at once (``SKIP LOCKED``) instead of parking a pooled connection
behind it, and looks again a moment later (the holder may have read the outbox before
the newest events committed). A notification read *does* wait: answering before the
holder commits could leave out notifications of events that committed before the read
began.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.realtime.metrics import NOTIFICATIONS_WRITTEN
from distretto.realtime.policies import parse_audience
from distretto.realtime.repository import (
    AudienceRepository,
    EventRepository,
    NotificationRepository,
)
from distretto.realtime.titles import title_for

log = logging.getLogger("distretto.realtime")

CURSOR = "notifications"
BATCH = 200


async def materialise_pending(
    session: AsyncSession, *, max_events: int = 2000, wait_for_lock: bool = True
) -> int | None:
    """Write the notifications of events past the cursor (at most ``max_events``); how
    many events it turned into notifications.

    Runs in the caller's transaction: the rows and the cursor commit together. With
    ``wait_for_lock=False`` it returns None at once, having done nothing, while another
    transaction holds the cursor.
    """
    notifications = NotificationRepository(session)
    events = EventRepository(session)
    # Cheap check first: most calls find nothing to do and take no lock. (Cursor before
    # outbox, the order in which the relay always touches its tables.)
    seen = await notifications.cursor(CURSOR)
    if await events.latest_id() <= seen:
        return 0
    position = await notifications.lock_cursor(CURSOR, wait=wait_for_lock)
    if position is None:
        return None
    audiences = AudienceRepository(session)
    done = 0
    while done < max_events:
        batch = await events.after(position, min(BATCH, max_events - done))
        if not batch:
            break
        writes = []
        for event in batch:
            recipients = audiences.recipients(parse_audience(event.audience), event.created_at)
            if recipients is not None:
                writes.append((event, title_for(event.type, event.data), recipients))
        # One statement for the whole batch: a bid placed every few milliseconds would
        # otherwise cost the relay a round trip (and a statement prepared anew) each.
        await notifications.add_for_events(writes)
        position = batch[-1].id
        done += len(batch)
    if done:
        await notifications.advance_cursor(CURSOR, position)
        NOTIFICATIONS_WRITTEN.inc(done)
    return done


# After a wake-up the relay waits this long before writing. The event that woke it is
# being sent to its sockets by this same event loop at that moment, and writing one
# announcement's thousands of notification rows would hold those sends back; the wait
# also gathers a busy second's events (every bid wakes the relay) into one transaction.
# Reads of notifications do not wait for it: they materialise what is pending themselves.
SETTLE_SECONDS = 0.5


class NotificationRelay:
    """Background runner of ``materialise_pending`` for one process."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        poll_seconds: float = 5.0,
        settle_seconds: float = SETTLE_SECONDS,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._poll_seconds = poll_seconds
        self._settle_seconds = settle_seconds
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._on_written: list[Callable[[], None]] = []
        # Where this relay last saw the cursor: past it, notifications were written since,
        # here or by another process's relay.
        self._seen: int | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="notification-relay")

    def wake(self) -> None:
        self._wake.set()

    def on_written(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` when this relay finds notifications written since it last
        looked, by itself or by another process's relay that came first: work that follows
        the relay (the mail queue, maybe in a worker beside app processes) starts then
        instead of at its next poll."""
        self._on_written.append(callback)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow the
            # cancellation from stop() when the wake-up lands at the same moment, and the
            # loop then runs on with stop() waiting for it forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_seconds):
                    await self._wake.wait()
            await asyncio.sleep(self._settle_seconds)
            self._wake.clear()
            try:
                while await self._run_once():
                    pass
            except IntegrityError as exc:
                # An event or user deleted under us (retention, account removal): the
                # transaction rolled back whole, so the next run simply does it again.
                log.warning("notification relay will retry: %s", exc.orig)
            except Exception:
                # A database hiccup must not kill the relay; the next wake retries.
                log.exception("notification relay failed; retrying")

    async def _run_once(self) -> bool:
        """One transaction; whether it wrote anything (so there may be more to do)."""
        async with self._sessionmaker() as session:
            done = await materialise_pending(session, wait_for_lock=False)
            position = await NotificationRepository(session).cursor(CURSOR)
            await session.commit()
        # The first look announces too: what was written before it is news here (a
        # worker that started a moment after an app process's relay wrote).
        seen, self._seen = self._seen, position
        if position != seen:
            for callback in self._on_written:
                callback()
        if done is None:
            # Another process holds the cursor: look again after the next settle.
            self._wake.set()
            return False
        return done > 0
