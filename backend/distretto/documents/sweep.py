"""Removing stored objects that no row refers to.

Uploads write their bytes before their row commits; when that transaction fails (or the
process dies in between), the object is left behind. It counts nowhere, since only rows
are listed and read, and this sweep deletes it once it is older than the grace period
(younger objects may belong to an upload whose transaction is still running).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from distretto.documents.repository import StoredKeys
from distretto.documents.storage import Storage, StoredObject

BATCH = 500


@dataclass
class SweepSummary:
    scanned: int = 0
    removed: int = 0

    def describe(self) -> str:
        return f"{self.scanned} stored objects looked at, {self.removed} unreferenced removed"


async def _sweep_batch(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    batch: Sequence[StoredObject],
    summary: SweepSummary,
) -> None:
    keys = [item.key for item in batch]
    async with sessionmaker() as session:
        referenced = await StoredKeys(session).referenced(keys)
    for key in keys:
        if key not in referenced:
            await storage.delete(key)
            summary.removed += 1


async def sweep(
    sessionmaker: async_sessionmaker[AsyncSession],
    storage: Storage,
    now: datetime,
    grace: timedelta,
) -> SweepSummary:
    summary = SweepSummary()
    cutoff = now - grace
    batch: list[StoredObject] = []
    async for item in storage.list():
        summary.scanned += 1
        if item.modified_at <= cutoff:
            batch.append(item)
        if len(batch) >= BATCH:
            await _sweep_batch(sessionmaker, storage, batch, summary)
            batch = []
    if batch:
        await _sweep_batch(sessionmaker, storage, batch, summary)
    return summary
