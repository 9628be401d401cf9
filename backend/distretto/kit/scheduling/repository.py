"""The scheduler's lease: one ``scheduled_runs`` row per job and slot."""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from distretto.kit.repository import Repository
from distretto.models import ScheduledRun


class RunRepository(Repository):
    async def claim(self, job: str, slot: str, now: datetime) -> bool:
        """Insert the run row in the caller's transaction; whether this caller got it.

        On PostgreSQL a second inserter of the same key waits for the first transaction:
        if it commits, ON CONFLICT DO NOTHING inserts nothing; if it rolls back (the job
        failed, the process died), the second inserts and runs the job itself. SQLite's
        ``BEGIN IMMEDIATE`` serialises the two transactions whole.
        """
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        result = await self.session.execute(
            insert(ScheduledRun)
            .values(job=job, slot=slot, started_at=now)
            .on_conflict_do_nothing(index_elements=["job", "slot"])
        )
        return bool(result.rowcount)

    async def finish(self, job: str, slot: str, now: datetime, result: str) -> None:
        await self.session.execute(
            update(ScheduledRun)
            .where(ScheduledRun.job == job, ScheduledRun.slot == slot)
            .values(finished_at=now, result=result[:500])
        )
