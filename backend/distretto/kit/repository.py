"""The base every repository shares: the request's session and the unit-of-work steps.

Only repositories (and db.py, the relay, the CLI and the seed) talk to the session: a
check (tests/architecture/test_data_access.py) keeps ``session.add/flush/commit/execute``
out of services and routers.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Executable, update
from sqlalchemy import Row as SqlRow
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

Row = TypeVar("Row")


@dataclass(frozen=True)
class _Compiled:
    """A cached read statement compiled once, for one PostgreSQL dialect.

    Executing a statement through SQLAlchemy costs, at every request, its cache key
    (walking the whole statement: the market's visibility rule is most of a board's)
    and a result processor per column and row; together more CPU than asyncpg spends
    fetching a board page. Run as its SQL text instead, the statement costs neither,
    and its values come back as asyncpg decodes them: ``str`` for the enumerations (a
    ``StrEnum`` compares equal), ``Decimal`` at the column's scale, timestamps in UTC,
    which is what the column types would have made of them. The statement still goes
    through the engine's connection (its transaction, its events, statement counts)."""

    compiled: Any
    # Each parameter's conversion on its way to the database, as SQLAlchemy applies it.
    bind_processors: dict[str, Callable[[Any], Any]]

    def arguments(self, parameters: dict[str, Any]) -> tuple[str, tuple[Any, ...]]:
        """The SQL text and its positional values (a search's words rendered in)."""
        state = self.compiled.construct_expanded_state(parameters)
        processors = self.bind_processors
        values = tuple(
            processors[name](value) if name in processors else value
            for name, value in zip(state.positiontup, state.positional_parameters, strict=True)
        )
        return state.statement, values


@functools.lru_cache(maxsize=256)
def _compiled(statement: Executable, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    processors = {}
    for name, bind in compiled.binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    return _Compiled(compiled, processors)


async def compiled_rows(
    session: AsyncSession, statement: Executable, parameters: dict[str, Any]
) -> Sequence[SqlRow[Any]]:
    """The rows of ``statement`` in the session's transaction. For the hot reads'
    statements: built once per shape and kept (each is compiled once per dialect here,
    so it must not be built anew per request), every per-request value a bound parameter."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        # SQLite: its types convert values in Python (timestamps are text), so its rows
        # go through SQLAlchemy's processors; its CPU is no benchmark's concern.
        return (await connection.execute(statement, parameters)).all()
    sql, values = _compiled(statement, connection.dialect).arguments(parameters)
    return (await connection.exec_driver_sql(sql, values)).all()


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
