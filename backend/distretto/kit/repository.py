"""The base every repository shares: the request's session and the unit-of-work steps.

Only repositories (and db.py, the relay, the CLI and the seed) talk to the session: a
check (tests/architecture/test_data_access.py) keeps ``session.add/flush/commit/execute``
out of services and routers.
"""

from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

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

    async def bump_revision(self, row: Any, expected: int | None) -> bool:
        """``revision = revision + 1`` if the row is still at ``expected`` (any revision
        when None), in one statement: of two racing writers with the same ``expected``
        the second waits for the first's row lock, then matches nothing. False then."""
        table = type(row)
        stmt = update(table).where(table.id == row.id)
        if expected is not None:
            stmt = stmt.where(table.revision == expected)
        result = await self.session.execute(
            stmt.values(revision=table.revision + 1)
            .returning(table.revision)
            .execution_options(synchronize_session=False)
        )
        revision = result.scalar_one_or_none()
        if revision is None:
            return False
        set_committed_value(row, "revision", revision)
        return True
