"""The mail worker: queue emails from new notifications, then send what is due.

Delivery is at least once and deduplicated. Queueing is keyed (user and event, user and
digest day, account token), so re-running it writes nothing twice. Sending claims rows
for a lease (``SKIP LOCKED`` on PostgreSQL, so several processes take different rows) and
marks each row sent in its own transaction right after the server accepted it: a process
that dies mid-batch leaves the unsent rows to be claimed again when the lease ends, and
never resends the sent ones. (A crash in the instant between the server's "250 OK" and
that commit would send one email twice; its Message-ID is stable, so the receiving side
can tell.)

A failed send is retried with exponential backoff and ends ``failed`` (with the error)
after ``MAX_ATTEMPTS``; an SMTP outage delays mail, it loses none. One bad message never
holds back the others: each is tried on its own.
"""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import aiosmtplib
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.config import Settings
from distretto.db import session_scope
from distretto.kit import clock
from distretto.kit.background import BackgroundLoop
from distretto.kit.events import EventSink
from distretto.mail.compose import Skip, compose
from distretto.mail.metrics import FAILED, RETRIED, SENT
from distretto.mail.repository import MailQueueRepository
from distretto.mail.service import queue_new_notifications
from distretto.mail.transport import MailTransport
from distretto.models import Email

log = logging.getLogger("distretto.mail")

SEND_BATCH = 50
# Background sending rests this long, relative to the time a batch took, after each one.
SEND_REST_RATIO = 1.0
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failed attempt, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LAST_RETRY)


def permanent(exc: Exception) -> bool:
    """A 5xx answer (no such mailbox, refused): trying again will not help."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


class MailSender(BackgroundLoop):
    task_name = "mail-sender"

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        transport: MailTransport,
        settings: Settings,
        sink: EventSink | None = None,
    ) -> None:
        self._sessions = sessionmaker
        # Saved-search matches are events: published live once their transaction commits.
        self._sink = sink
        self.transport = transport
        self._settings = settings
        self._wake = asyncio.Event()
        self._sendable = asyncio.Event()

    def wake(self) -> None:
        """New notifications were written: queue their mail now, not at the next poll."""
        self._wake.set()

    async def queue(self) -> int:
        """Queue the emails of every notification written so far; how many events."""
        total = 0
        while True:
            async with session_scope(self._sessions, self._sink) as session:
                done = await queue_new_notifications(session, clock.now())
            total += done
            if done == 0:
                return total

    async def send_due(self, limit: int = SEND_BATCH) -> int:
        """Send one batch of due emails; how many the server accepted."""
        now = clock.now()
        async with self._sessions.begin() as session:
            batch = await MailQueueRepository(session).claim_due(now, limit, LEASE)
        sent = 0
        for email in batch:
            sent += await self._send_one(email)
        return sent

    async def _send_one(self, email: Email) -> int:
        assert email.id is not None
        now = clock.now()
        try:
            async with self._sessions.begin() as session:
                message = await compose(session, email, self._settings, now)
        except Exception as exc:  # a template or data bug: fail this one, not the batch
            log.exception("email %s could not be composed", email.id)
            FAILED.labels("compose").inc()
            await self._finish_failed(email.id, f"compose: {exc!r}")
            return 0
        if isinstance(message, Skip):
            FAILED.labels("skipped").inc()
            await self._finish_failed(email.id, f"skipped: {message.reason}")
            return 0
        try:
            await self.transport.send(message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            await self._after_failure(email, exc)
            return 0
        async with self._sessions.begin() as session:
            await MailQueueRepository(session).mark_sent(
                email.id, clock.now(), forget_context=email.template not in ("event", "digest")
            )
        SENT.inc()
        return 1

    async def _after_failure(self, email: Email, exc: Exception) -> None:
        assert email.id is not None
        error = f"{type(exc).__name__}: {exc}"
        if permanent(exc) or email.attempts >= MAX_ATTEMPTS:
            log.warning("email %s failed for good: %s", email.id, error)
            FAILED.labels("refused" if permanent(exc) else "exhausted").inc()
            await self._finish_failed(email.id, error)
            return
        RETRIED.inc()
        at = clock.now() + retry_delay(email.attempts)
        log.info("email %s will be retried at %s: %s", email.id, at.isoformat(), error)
        async with self._sessions.begin() as session:
            await MailQueueRepository(session).mark_retry(email.id, at, error)

    async def _finish_failed(self, email_id: int, error: str) -> None:
        async with self._sessions.begin() as session:
            await MailQueueRepository(session).mark_failed(email_id, error)

    async def run_once(self) -> int:
        await self.queue()
        sent = 0
        while batch := await self.send_due():
            sent += batch
        return sent

    # --- in the background of an app process -------------------------------------------

    async def _run(self) -> None:
        # Two loops: sending a backlog of thousands takes minutes, and a new order's
        # matches must not wait behind it to be queued.
        await asyncio.gather(self._queue_forever(), self._send_forever())

    async def _queue_forever(self) -> None:
        while True:
            if await self._guarded(self.queue):
                self._sendable.set()
            # The poll stays: notifications written by a request or another process wake
            # no one here.
            await _wait(self._wake, self._settings.mail_poll_seconds)

    async def _send_forever(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            while await self._guarded(self.send_due):
                # Rest as long as the batch took: a backlog of thousands is sent at half
                # speed, and the process's requests (and the queueing of new matches) keep
                # at least half of its event loop meanwhile. Mail may wait seconds; a
                # board page may not.
                await asyncio.sleep((loop.time() - started) * SEND_REST_RATIO)
                started = loop.time()
            await _wait(self._sendable, self._settings.mail_poll_seconds)

    async def _guarded(self, step: Callable[[], Awaitable[int]]) -> int:
        """Run one step; a failure is logged and retried at the next round."""
        try:
            return await step()
        except IntegrityError as exc:
            log.warning("mail worker will retry: %s", exc.orig)
        except Exception:
            log.exception("mail worker failed; retrying")
        return 0


async def _wait(event: asyncio.Event, seconds: float) -> None:
    """Until ``event`` is set or ``seconds`` pass; then clear it."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await event.wait()
    event.clear()
