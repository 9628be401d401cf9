"""Least privilege on PostgreSQL: migrations run as the owner, the app as a role that
may only INSERT and SELECT the audit log (no TRUNCATE, no UPDATE/DELETE, no way around
its triggers), created by ``distretto migrate --app-role`` from the owner's URL."""

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest
from fastapi import FastAPI

from distretto.dbroles import grant_app_role

pytestmark = pytest.mark.postgres_only


def _dsn(database_url: str, user: str | None = None) -> str:
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
    if user is None:
        return dsn
    rest = dsn.removeprefix("postgresql://").split("@", 1)[1]
    return f"postgresql://{user}@{rest}"


@pytest.fixture
async def app_role(database_url: str) -> AsyncIterator[str]:
    name = f"distretto_app_{uuid.uuid4().hex[:8]}"
    await grant_app_role(database_url, name, password=None)
    yield name
    owner = await asyncpg.connect(_dsn(database_url))
    try:
        await owner.execute(f'DROP OWNED BY "{name}"')
        await owner.execute(f'DROP ROLE "{name}"')
    finally:
        await owner.close()


async def test_the_app_role_only_inserts_and_reads_the_audit_log(
    app: FastAPI, database_url: str, app_role: str
) -> None:
    """(``app``: started first, as the clean-up after the test needs.)"""
    conn = await asyncpg.connect(_dsn(database_url, app_role))
    try:
        await conn.execute(
            "INSERT INTO audit_log (action, actor_user_id, reason, details, at) "
            "VALUES ('test.role', NULL, '', '{}', now())"
        )
        assert await conn.fetchval("SELECT count(*) FROM audit_log") >= 1
        for statement in (
            "TRUNCATE audit_log",
            "UPDATE audit_log SET reason = 'rewritten'",
            "DELETE FROM audit_log",
            "ALTER TABLE audit_log DISABLE TRIGGER ALL",
            "SET session_replication_role = replica",
            "CREATE TABLE sneaky (id int)",
        ):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
        # Everything else the app does still works: it reads and writes its tables.
        assert await conn.fetchval("SELECT count(*) FROM firms") >= 0
    finally:
        await conn.close()
    # Granting again (every deploy runs migrate) is harmless.
    await grant_app_role(database_url, app_role, password=None)
