"""Database roles on PostgreSQL: the owner migrates, the app runs with less.

``distretto migrate --app-role NAME`` (run with the owner's URL) creates or updates the
app's role: it may read and write the application's tables, but the audit log only
INSERT and SELECT. It owns nothing, so it cannot TRUNCATE, ALTER (disable the audit
log's triggers) or create tables, and, not being a superuser, it cannot switch
``session_replication_role`` to skip triggers. Run again by every deploy: idempotent.
"""

import asyncpg

AUDIT_TABLE = "audit_log"


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a plain role name: {name!r}")
    return f'"{name}"'


async def grant_app_role(owner_url: str, role: str, password: str | None) -> None:
    dsn = owner_url.replace("postgresql+asyncpg://", "postgresql://")
    who = _ident(role)
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                await conn.execute(f"CREATE ROLE {who} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE")
            if password is not None:
                # A literal (CREATE/ALTER ROLE take no parameters), quoted by the server.
                quoted = await conn.fetchval("SELECT quote_literal($1)", password)
                await conn.execute(f"ALTER ROLE {who} PASSWORD {quoted}")
            database = await conn.fetchval("SELECT current_database()")
            await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {who}')
            await conn.execute(f"GRANT USAGE ON SCHEMA public TO {who}")
            await conn.execute(f"REVOKE CREATE ON SCHEMA public FROM {who}")
            await conn.execute(
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}"
            )
            await conn.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}")
            # The audit log is append-only for the app.
            await conn.execute(f"REVOKE ALL ON {AUDIT_TABLE} FROM {who}")
            await conn.execute(f"GRANT SELECT, INSERT ON {AUDIT_TABLE} TO {who}")
    finally:
        await conn.close()
