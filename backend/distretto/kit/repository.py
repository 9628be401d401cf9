"""The base every repository shares: the request's session and the unit-of-work steps.

Only repositories (and db.py, the relay, the CLI and the seed) talk to the session: a
check (tests/architecture/test_data_access.py) keeps ``session.add/flush/commit/execute``
out of services and routers.
"""

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

Row = TypeVar("Row")


class Repository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add_and_flush(self, row: Row) -> Row:
        """Put the row in the transaction and write it now (ids assigned, constraints
        checked); the request's single commit makes it durable."""
        self.session.add(row)
        await self.session.flush()
        return row

    async def reload_row(self, row: Any) -> None:
        """Read the row's columns again (after a bulk UPDATE changed them in SQL)."""
        await self.session.refresh(row)

    def savepoint(self) -> AsyncSessionTransaction:
        """``async with repo.savepoint():`` a step that may lose a race (a unique key) and
        be retried or refused without undoing the rest of the request."""
        return self.session.begin_nested()
