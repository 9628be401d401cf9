"""Test harness: one migrated database per test process, every test isolated by truncation.

``DISTRETTO_TEST_DB=sqlite`` (default) or ``postgres`` picks the backend; with
PostgreSQL the app also uses Redis (rate limits, live fan-out), as in production.

A test that asks for none of ``DATABASE_FIXTURES`` (directly or through its fixtures)
touches no database: it starts no app, needs no clean-up, and runs in the SQLite run
only (the PostgreSQL run deselects it, as it would prove nothing new there), unless it
is marked ``postgres_only`` (the fault suite runs servers of its own).

Under pytest-xdist (``-n auto``) every worker is its own process with its own session
fixtures: its own SQLite file or PostgreSQL database and its own Redis namespace, all
named after the worker (``gw0``, ``gw1``…) so a leftover is easy to trace.
"""

import asyncio
import fcntl
import os
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from distretto.app import create_app
from distretto.cli import run_migrations
from distretto.config import Settings
from distretto.models import metadata
from distretto.seed.demo import seed as seed_demo
from tests.helpers import bind_app

BACKEND = os.environ.get("DISTRETTO_TEST_DB", "sqlite")
PG_ADMIN_DSN = os.environ.get("DISTRETTO_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("DISTRETTO_TEST_REDIS", "redis://127.0.0.1:6379/0")
# Reference data loaded by migrations: never truncated.
KEEP_TABLES = {"phases", "alembic_version", "forum_categories"}
# Trade conventions (issue 13): the units catalogue loaded by migration 0080.
KEEP_TABLES |= {"units"}
# Property tests check values, not speed: on a shared CI box a 200 ms deadline fails
# correct code at random (Hypothesis' FlakyFailure), so no deadline.
hypothesis_settings.register_profile("distretto", deadline=None)
hypothesis_settings.load_profile("distretto")
# "gw0", "gw1"… under pytest-xdist; "main" in a plain run.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


# The fixtures through which a test reaches the worker's database (every database fixture
# of the suite depends on one of them), or the demo district's (below).
MAIN_DATABASE_FIXTURES = {"app", "settings", "database_url"}
DATABASE_FIXTURES = MAIN_DATABASE_FIXTURES | {"demo_settings"}
# Ramdisk for the SQLite files when the box has one: the tests check behaviour, not
# durability, and fsync on every commit costs more wall time than the queries.
FAST_TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


# One migration per run, not one per worker: the first worker that needs a database
# migrates a template under a file lock, and every worker copies it (SQLite: the file;
# PostgreSQL: CREATE DATABASE … TEMPLATE). The run's id names the template; the process
# that started the run (xdist's controller, or the only process) removes it at the end.
RUN_ID = pytest.StashKey[str]()
TEMPLATE_DIR = Path(FAST_TMP or tempfile.gettempdir())


def pytest_configure(config: pytest.Config) -> None:
    workerinput = getattr(config, "workerinput", None)
    config.stash[RUN_ID] = workerinput["distretto_run"] if workerinput else uuid.uuid4().hex[:10]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist's controller hands each worker the run's id (the template's name)."""
    node.workerinput["distretto_run"] = node.config.stash[RUN_ID]


def pytest_unconfigure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or RUN_ID not in config.stash:
        return
    run = config.stash[RUN_ID]
    for leftover in TEMPLATE_DIR.glob(f"distretto-test-{run}-template*"):
        leftover.unlink(missing_ok=True)
    if BACKEND == "postgres":
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{_pg_template(run)}" WITH (FORCE)'))


@contextmanager
def _template_lock(run: str) -> Iterator[None]:
    with open(TEMPLATE_DIR / f"distretto-test-{run}-template.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _pg_template(run: str) -> str:
    return f"distretto_test_template_{run}"


def _sqlite_copy_of_template(run: str, target: Path) -> None:
    template = TEMPLATE_DIR / f"distretto-test-{run}-template.db"
    with _template_lock(run):
        if not template.exists():
            # Migrated under another name and renamed: a half-migrated file never passes
            # for the template.
            partial = template.with_suffix(".partial")
            run_migrations(f"sqlite+aiosqlite:///{partial}")
            partial.rename(template)
    # The migration's engine is disposed: WAL checkpointed, the one file is the database.
    shutil.copyfile(template, target)


async def _pg_database_exists(name: str) -> bool:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


def _pg_copy_of_template(run: str, name: str) -> None:
    template = _pg_template(run)
    with _template_lock(run):
        if not asyncio.run(_pg_database_exists(template)):
            asyncio.run(_pg_admin(f'CREATE DATABASE "{template}"'))
            try:
                run_migrations(_pg_url(template))
            except BaseException:
                asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
                raise
        # Under the lock too: PostgreSQL refuses to copy a database someone is connected to.
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))


def _uses_database(item: pytest.Item) -> bool:
    return bool(DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


# Before xdist reads the groups (its hook is a plain one).
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.pluginmanager.hasplugin("xdist"):
        for item in items:
            if "demo_app" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.xdist_group(DEMO_GROUP))
    if BACKEND == "postgres":
        # A PostgreSQL-only test that brings servers of its own (tests/faults) stays too.
        unit = [
            item
            for item in items
            if not _uses_database(item) and "postgres_only" not in item.keywords
        ]
        if unit:
            config.hook.pytest_deselected(items=unit)
            items[:] = [item for item in items if _uses_database(item)]
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run with DISTRETTO_TEST_DB=postgres)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def _pg_url(name: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@contextmanager
def _migrated_database(run: str, purpose: str) -> Iterator[str]:
    """A database of this worker's own, copied from the run's template; its URL."""
    if BACKEND == "postgres":
        name = f"distretto_test_{WORKER}_{purpose}_{uuid.uuid4().hex[:10]}"
        _pg_copy_of_template(run, name)
        # A commit need not wait for the WAL flush: the server's durability is not what
        # the tests check, and the wait is most of a short request's time. (A database
        # setting: not copied from the template.)
        asyncio.run(_pg_admin(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
        yield _pg_url(name)
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        prefix = f"distretto-test-{WORKER}-{purpose}-"
        with tempfile.TemporaryDirectory(prefix=prefix, dir=FAST_TMP) as tmp:
            path = Path(tmp) / "test.db"
            _sqlite_copy_of_template(run, path)
            yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture(scope="session")
def database_url(pytestconfig: pytest.Config) -> Iterator[str]:
    with _migrated_database(pytestconfig.stash[RUN_ID], "main") as url:
        yield url


def _test_settings(database_url: str) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        redis_url=REDIS_URL if BACKEND == "postgres" else None,
        # Own keys per run: test runs sharing one Redis must not reset each other's limits.
        redis_namespace=f"distretto-test-{WORKER}-{uuid.uuid4().hex[:10]}",
        secret_key="test-secret-key-with-enough-length-0123456789",
        frontend_dist=None,
        # Uploaded documents of the run go to a directory of their own.
        documents_dir=tempfile.mkdtemp(prefix="distretto-test-documents-"),
        # Mail and scheduled jobs run when a test says so (tests/mail), not behind others.
        background_jobs=False,
        mail_dir=tempfile.mkdtemp(prefix="distretto-test-mail-"),
    )


@pytest.fixture(scope="session")
def settings(database_url: str) -> Settings:
    return _test_settings(database_url)


@asynccontextmanager
async def _running(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture(scope="session")
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    async with _running(settings) as application:
        yield application


# The demo district (`distretto seed-demo`) takes seconds of CPU to seed: its tests read
# one seeded copy, in a database of its own beside the worker's (clean_state never
# empties it), seeded on first use. Every test that asks for it joins one xdist group
# (pytest_collection_modifyitems), so with `--dist loadgroup` (the Makefile) a run seeds
# it once. A test of it must change nothing another one reads (signing in is fine).
DEMO_GROUP = "demo_district"


@pytest.fixture(scope="session")
def demo_settings(pytestconfig: pytest.Config) -> Iterator[Settings]:
    with _migrated_database(pytestconfig.stash[RUN_ID], "demo") as url:
        yield _test_settings(url)


@pytest.fixture(scope="session")
async def demo_app(demo_settings: Settings) -> AsyncIterator[FastAPI]:
    await seed_demo(demo_settings)
    async with _running(demo_settings) as application:
        yield application


@pytest.fixture
async def demo_client(demo_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=demo_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as c:
        bind_app(c, demo_app)
        yield c
    # Each test signs in afresh: the rate limits start again, as for the other tests.
    await demo_app.state.ctx.limiter.reset()


# The tables clean_state may empty, parents before children, and the one statement that
# finds which of them a test left rows in (most tests touch a handful of the schema's
# tables, and deleting from an empty table still costs a statement). Both built once:
# sorting the schema on every clean-up cost ~0.7 ms of its ~4 (SQLite, CPU).
CLEANED_TABLES = [t.name for t in metadata.sorted_tables if t.name not in KEEP_TABLES]
_PROBE = text(
    " UNION ALL ".join(
        f"SELECT '{table}' WHERE EXISTS (SELECT 1 FROM \"{table}\")" for table in CLEANED_TABLES
    )
)


async def _tables_with_rows(conn: AsyncConnection) -> set[str]:
    return set((await conn.execute(_PROBE)).scalars())


async def _truncate(application: FastAPI) -> None:
    # Events this test published but the dispatcher has not fanned out yet would reach
    # it after the clean-up, under ids the next test reuses (SQLite restarts them).
    async with asyncio.timeout(10):
        await application.state.realtime.dispatcher.settled()
    tables = CLEANED_TABLES
    engine = application.state.ctx.engine
    async with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # DELETE on a handful of rows is much cheaper than TRUNCATE (which rewrites
            # files and takes exclusive locks); replica mode skips FK and guard triggers.
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            # The notification relay (running in the app) locks its cursor row before it
            # writes: taking that table first makes the relay wait for the clean-up
            # instead of deadlocking with it over events and notifications.
            await conn.execute(text('LOCK TABLE "outbox_cursors" IN ACCESS EXCLUSIVE MODE'))
            dirty = await _tables_with_rows(conn)
            # The notification relay locks its cursor row first and the rows it reads
            # after: clean up in the same order (cursor first), or the two deadlock.
            for table in sorted(tables, key=lambda name: name != "outbox_cursors"):
                if table in dirty:
                    await conn.execute(text(f'DELETE FROM "{table}"'))
        else:
            # BEGIN IMMEDIATE (db.py) holds the write lock from here: no row can appear
            # between the probe and the deletes.
            dirty = await _tables_with_rows(conn)
            if not dirty:
                return
            # SQLite fires row triggers on DELETE, and the audit log's triggers refuse it:
            # lift the triggers of the tables to clean for the clean-up and put back the
            # exact SQL the migrations created (DDL is transactional in SQLite).
            triggers = (
                await conn.execute(
                    text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
                )
            ).all()
            lifted = [(name, sql) for name, table, sql in triggers if table in dirty]
            for name, _ in lifted:
                await conn.execute(text(f'DROP TRIGGER "{name}"'))
            # Orders and contracts refer to each other (sub-orders): no deletion order
            # satisfies both foreign keys row by row, so check them at COMMIT instead.
            await conn.execute(text("PRAGMA defer_foreign_keys = ON"))
            for table in reversed(tables):
                if table in dirty:
                    await conn.execute(text(f'DELETE FROM "{table}"'))
            for _, sql in lifted:
                await conn.execute(text(sql))


@pytest.fixture(autouse=True)
async def clean_state(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    if not MAIN_DATABASE_FIXTURES & set(request.fixturenames):
        # Touches no database (or only the demo district's): nothing to clean, and no app
        # to start for it.
        yield
        return
    application: FastAPI = request.getfixturevalue("app")
    yield
    await _truncate(application)
    await application.state.ctx.limiter.reset()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as c:
        bind_app(c, app)
        yield c
