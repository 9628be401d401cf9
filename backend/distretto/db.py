"""Engine and the per-request session: one transaction per request.

Services only ``flush()``; the session dependency commits once when the endpoint
returns (or rolls back on any error), then hands the outbox events written in that
transaction to the event sink.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import event, text
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from distretto.kit.errors import DomainError
from distretto.kit.events import OUTBOX_KEY, EventSink

# Connections older than this are replaced at checkout, before an idle timeout of a
# firewall or proxy between us and PostgreSQL can cut them silently.
POOL_RECYCLE_SECONDS = 1800


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    # No pool_pre_ping: it costs a round trip on every request. A connection the server
    # closed (restart, terminated backend) is caught at checkout without one (below); one
    # that dies unnoticed fails its statement, and SQLAlchemy then invalidates it and every
    # pooled connection older than it, so the next request gets fresh ones.
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=pool_size * 2, pool_recycle=POOL_RECYCLE_SECONDS
    )
    event.listen(engine.sync_engine, "checkout", _refuse_closed_connection)
    event.listen(engine.sync_engine, "handle_error", _count_broken_connection_as_lost)
    return engine


# What a server going away looks like through asyncpg: its sessions terminated (a fast
# shutdown or restart), a server still starting, a refused or reset connection. A
# connection that had a termination notice arrive while idle in a transaction is left
# mid-message, and its next statement fails with InternalClientError ("another operation
# is in progress"): it is as lost as a closed one (seen by tests/faults under a restart).
_SERVER_AWAY = (
    asyncpg.PostgresConnectionError,
    asyncpg.OperatorInterventionError,
    asyncpg.InternalClientError,
    ConnectionError,
)


def _caused_by_server_away(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, _SERVER_AWAY):
            return True
        exc = exc.__cause__
    return False


def is_database_outage(exc: BaseException) -> bool:
    """The error came from the database being away, not from the request (503, retry)."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return _caused_by_server_away(exc)


def _count_broken_connection_as_lost(context: ExceptionContext) -> None:
    """SQLAlchemy invalidates a connection (and the pooled ones older than it) only for
    errors it knows mean a disconnect; asyncpg's InternalClientError is not among them,
    so a broken connection went back to the pool and failed the next request too."""
    if _caused_by_server_away(context.original_exception):
        context.is_disconnect = True


def _refuse_closed_connection(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """The driver already knows a connection the server closed (it read the end of the
    stream while idle in the pool): checking costs no round trip, and DisconnectionError
    makes the pool replace it with a new one."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _: Any) -> None:
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: concurrent writers wait on
        # busy_timeout instead of failing when a read lock cannot be upgraded.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


def create_read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for requests that only read (``market.hot_reads``). On PostgreSQL their
    statements run outside an explicit transaction: each is a transaction of its own
    with its own snapshot, and the request saves the BEGIN and the COMMIT, two of the
    three round trips of a board page. What such a request reads in two statements
    (the viewer, then the orders) was never more consistent than the viewer cache's
    few seconds anyway. Nothing may write through these sessions (each statement would
    commit alone); SQLite keeps its transaction (its BEGIN costs no round trip)."""
    if engine.dialect.name != "postgresql":
        return create_sessionmaker(engine)
    return create_sessionmaker(engine.execution_options(isolation_level="AUTOCOMMIT"))


@asynccontextmanager
async def session_scope(
    sessionmaker: async_sessionmaker[AsyncSession], sink: EventSink | None
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except DomainError as exc:
            await session.rollback()
            await _run_rollback_actions(sessionmaker, exc)
            raise
        except BaseException:
            await session.rollback()
            raise
        events = session.info.pop(OUTBOX_KEY, [])
        if events and sink is not None:
            await sink.publish(events)


async def _run_rollback_actions(
    sessionmaker: async_sessionmaker[AsyncSession], exc: DomainError
) -> None:
    if not exc.on_rollback:
        return
    async with sessionmaker() as own:
        for action in exc.on_rollback:
            await action(own)
        await own.commit()


async def _request_session(request: Request) -> AsyncIterator[AsyncSession]:
    state = request.app.state
    async with session_scope(state.sessionmaker, getattr(state, "event_sink", None)) as session:
        yield session


# scope="function": commit before the response is sent, so a 201 is never a lie.
SessionDep = Annotated[AsyncSession, Depends(_request_session, scope="function")]


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers (the readiness probe)."""
    async with engine.connect() as conn:
        await conn.execute(text("SELECT 1"))
