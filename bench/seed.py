"""Seed a fresh, migrated PostgreSQL database with a large district through ``COPY``.

The database is reused while it still holds at least the profile's counts (``--reseed``
forces a fresh one); every run migrates it first, so new migrations always apply.
"""

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
from argon2 import PasswordHasher

from bench.config import BENCH_PASSWORD, PG_ADMIN_DSN, Profile
from bench.district import (
    AUDIENCE_COLUMNS,
    BID_COLUMNS,
    CONTRACT_COLUMNS,
    EVENT_COLUMNS,
    ORDER_COLUMNS,
    REVIEW_COLUMNS,
    District,
)
from distretto.cli import run_migrations

log = logging.getLogger("bench.seed")

# Tables whose integer id the seed sets itself: their sequences move past the seed after.
SEQUENCED = (
    "users",
    "firms",
    "memberships",
    "ownership_groups",
    "consortia",
    "consortium_members",
    "consortium_managers",
    "orders",
    "bids",
    "contracts",
    "reviews",
    "events",
)


def dsn(database: str) -> str:
    return f"{PG_ADMIN_DSN.rsplit('/', 1)[0]}/{database}"


def sqlalchemy_url(database: str) -> str:
    return dsn(database).replace("postgresql://", "postgresql+asyncpg://")


@dataclass
class SeedReport:
    database: str
    reused: bool
    seconds: float
    counts: dict[str, int]


async def table_counts(conn: asyncpg.Connection) -> dict[str, int]:
    """Exact counts of the tables the profile sizes (reltuples would do, but lie after COPY)."""
    counts = {}
    for table in ("firms", "users", "orders", "bids", "contracts", "reviews", "events"):
        counts[table] = int(await conn.fetchval(f"SELECT count(*) FROM {table}"))
    return counts


def counts_satisfy(counts: dict[str, int], profile: Profile) -> bool:
    sizes = profile.sizes
    return (
        counts.get("firms", 0) >= sizes.firms
        and counts.get("orders", 0) >= sizes.orders
        and counts.get("bids", 0) >= sizes.min_bids
        and counts.get("contracts", 0) >= sizes.min_contracts
    )


async def _database_exists(name: str) -> bool:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
    finally:
        await conn.close()


async def _recreate(name: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def migrate(database: str) -> None:
    # run_migrations drives its own event loop: give it a thread of its own.
    await asyncio.to_thread(run_migrations, sqlalchemy_url(database))


async def ensure_seeded(profile: Profile, *, reseed: bool) -> SeedReport:
    started = time.monotonic()
    name = profile.database
    if not reseed and await _database_exists(name):
        await migrate(name)
        conn = await asyncpg.connect(dsn(name))
        try:
            counts = await table_counts(conn)
        finally:
            await conn.close()
        if counts_satisfy(counts, profile):
            await _history_already_relayed(name)
            log.info("reusing %s: %s", name, counts)
            return SeedReport(name, True, time.monotonic() - started, counts)
        log.info("%s has %s, below the %s profile: reseeding", name, counts, profile.name)
    await _recreate(name)
    await migrate(name)
    conn = await asyncpg.connect(dsn(name))
    try:
        await conn.execute("SET synchronous_commit = off")
        await _load(conn, profile)
        await _reset_sequences(conn)
    finally:
        await conn.close()
    await _history_already_relayed(name)
    conn = await asyncpg.connect(dsn(name))
    try:
        log.info("vacuum analyze")
        await conn.execute("VACUUM (ANALYZE)")
        counts = await table_counts(conn)
    finally:
        await conn.close()
    seconds = time.monotonic() - started
    log.info("seeded %s in %.0f s: %s", name, seconds, counts)
    return SeedReport(name, False, seconds, counts)


async def _copy(
    conn: asyncpg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    if rows:
        await conn.copy_records_to_table(table, records=rows, columns=list(columns))


async def _load(conn: asyncpg.Connection, profile: Profile) -> None:
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    password_hash = PasswordHasher().hash(BENCH_PASSWORD)
    district = District(profile.sizes, now, password_hash)
    log.info("people: %d firms, %d users", len(district.firms), len(district.users))
    user_cols = (
        "id",
        "email",
        "full_name",
        "password_hash",
        "is_staff",
        "is_active",
        "created_at",
        "deleted_at",
    )
    await _copy(conn, "users", user_cols, district.users)
    await _copy(conn, "ownership_groups", ("id", "name", "created_at"), district.groups)
    firm_cols = (
        "id",
        "name",
        "vat_number",
        "region",
        "province",
        "size_class",
        "description",
        "status",
        "verified",
        "ownership_group_id",
        "created_at",
        "updated_at",
    )
    await _copy(conn, "firms", firm_cols, list(district.firm_records()))
    await _copy(conn, "firm_phases", ("firm_id", "phase_code"), district.firm_phases)
    await _copy(
        conn,
        "memberships",
        ("id", "firm_id", "user_id", "role", "created_at"),
        district.memberships,
    )
    await _copy(
        conn, "consortia", ("id", "name", "description", "kind", "created_at"), district.consortia
    )
    await _copy(
        conn,
        "consortium_members",
        ("id", "consortium_id", "firm_id", "status", "requested_at", "decided_at"),
        district.consortium_members,
    )
    await _copy(
        conn,
        "consortium_managers",
        ("id", "consortium_id", "user_id", "created_at"),
        district.consortium_managers,
    )
    loaded = 0
    for chunk in district.order_chunks():
        await _copy(conn, "orders", ORDER_COLUMNS, chunk.orders)
        await _copy(conn, "order_invitations", ("order_id", "firm_id"), chunk.invitations)
        await _copy(conn, "bids", BID_COLUMNS, chunk.bids)
        await _copy(conn, "contracts", CONTRACT_COLUMNS, chunk.contracts)
        await _copy(conn, "reviews", REVIEW_COLUMNS, chunk.reviews)
        await _copy(conn, "events", EVENT_COLUMNS, chunk.events)
        await _copy(conn, "event_audience", AUDIENCE_COLUMNS, chunk.audience)
        loaded += len(chunk.orders)
        if loaded % 50_000 < len(chunk.orders):
            log.info("orders: %d / %d", loaded, profile.sizes.orders)


async def _reset_sequences(conn: asyncpg.Connection) -> None:
    for table in SEQUENCED:
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
        )


async def _history_already_relayed(database: str) -> None:
    """Mark the seeded outbox history as already turned into notifications.

    The seed writes years of events but no notifications; without this the relay of the
    first app process would start materialising every historical event for every user
    it reached, which no real deployment ever does at once.
    """
    conn = await asyncpg.connect(dsn(database))
    try:
        if not await conn.fetchval("SELECT to_regclass('outbox_cursors') IS NOT NULL"):
            return
        # Mail too: its cursor was put at the empty outbox by the migration, and the mail
        # worker would otherwise walk the whole history (matching every old order).
        for relay in ("notifications", "mail"):
            await conn.execute(
                "INSERT INTO outbox_cursors (name, last_event_id, updated_at) "
                "VALUES ($1, (SELECT coalesce(max(id), 0) FROM events), now()) "
                "ON CONFLICT (name) DO UPDATE SET last_event_id = "
                "greatest(outbox_cursors.last_event_id, excluded.last_event_id)",
                relay,
            )
    finally:
        await conn.close()
