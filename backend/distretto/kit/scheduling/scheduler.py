"""A scheduler that runs in every app process and fires each job once per slot.

A job names its slots: ``daily_at`` 06:00 gives one slot per district day, named by its
date (the first tick after 06:00 on the district's wall clock fires it, 06:00 in Prato in
winter and in summer), ``every`` 15 minutes one per quarter hour. Firing a slot is one
transaction: insert the ``(job, slot)`` row, run the job, commit. Two processes ticking
at once cannot both insert the row (the primary key), and a job that fails or a process
that dies mid-job rolls the row back with the job's writes, so the next tick — here or
in another process — runs it again. Jobs therefore need no locking of their own, only
to do their work in the session they are given.

The same ``tick`` serves the Kubernetes CronJob option (``distretto jobs run``): with
``DISTRETTO_BACKGROUND_JOBS=false`` the app processes leave the jobs to it.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit import clock
from distretto.kit.background import BackgroundLoop
from distretto.kit.scheduling.repository import RunRepository

log = logging.getLogger("distretto.scheduler")

JobBody = Callable[[AsyncSession, datetime], Awaitable[int]]
SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


@dataclass(frozen=True)
class Job:
    name: str
    run: JobBody
    daily_at: time | None = None
    every: timedelta | None = None

    def __post_init__(self) -> None:
        if (self.daily_at is None) == (self.every is None):
            raise ValueError(f"job {self.name}: give exactly one of daily_at and every")

    def slot(self, now: datetime) -> str:
        if self.daily_at is not None:
            # The wall clock, not elapsed hours: a day of 23 or 25 hours is still one slot.
            # A time the spring change skips fires at 03:00; one the autumn change repeats
            # falls twice in the same slot, which the lease fires once.
            local = now.astimezone(clock.DISTRICT_TIME)
            day = local.date()
            if local.time() < self.daily_at:
                day -= timedelta(days=1)
            return day.isoformat()
        assert self.every is not None
        return str(int(now.timestamp() // self.every.total_seconds()))


class Scheduler(BackgroundLoop):
    task_name = "scheduler"

    def __init__(
        self, jobs: Sequence[Job], sessions: SessionFactory, *, tick_seconds: float = 30.0
    ) -> None:
        self.jobs = list(jobs)
        self._sessions = sessions
        self._tick_seconds = tick_seconds

    async def fire(self, job: Job, now: datetime) -> int | None:
        """Run ``job`` for its slot at ``now`` unless some process already did; how
        many items it handled, or None when the slot was taken."""
        slot = job.slot(now)
        async with self._sessions() as session:
            runs = RunRepository(session)
            if not await runs.claim(job.name, slot, now):
                return None
            done = await job.run(session, now)
            await runs.finish(job.name, slot, clock.now(), f"ok: {done}")
        log.info("job %s (%s) handled %d", job.name, slot, done)
        return done

    async def tick(self, names: Sequence[str] | None = None) -> dict[str, int | None]:
        """Fire every due job (or those named); a failing job does not stop the others."""
        now = clock.now()
        fired: dict[str, int | None] = {}
        for job in self.jobs:
            if names is not None and job.name not in names:
                continue
            try:
                fired[job.name] = await self.fire(job, now)
            except Exception:
                log.exception("job %s failed; the next tick retries it", job.name)
        return fired

    async def _run(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self._tick_seconds)
