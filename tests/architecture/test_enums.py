"""Every status and kind enum agrees with the CHECK constraint the migrations created."""

import re
from enum import StrEnum

from fastapi import FastAPI
from sqlalchemy import CheckConstraint, text

from distretto.models import metadata


def enum_checks() -> dict[str, type[StrEnum]]:
    """``ck_<table>_<name>`` → the enum its values come from (as the models declare it)."""
    found = {}
    for table in metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint) and "enum" in constraint.info:
                found[str(constraint.name)] = constraint.info["enum"]
    return found


async def database_checks(app: FastAPI) -> dict[str, set[str]]:
    """The quoted values of every CHECK constraint in the migrated database."""
    engine = app.state.ctx.engine
    async with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = (
                await conn.execute(
                    text(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
                        " WHERE contype = 'c'"
                    )
                )
            ).all()
            return {name: set(re.findall(r"'([^']*)'", sql)) for name, sql in rows}
        tables = (
            await conn.execute(text("SELECT sql FROM sqlite_master WHERE type = 'table'"))
        ).scalars()
        checks: dict[str, set[str]] = {}
        for sql in tables:
            for name, body in re.findall(
                r"CONSTRAINT\s+\"?(ck_\w+)\"?\s+CHECK\s*\((.*?)\)\s*(?:,|\n|$)", sql or "", re.S
            ):
                checks[name] = set(re.findall(r"'([^']*)'", body))
        return checks


def test_every_status_and_kind_column_is_checked_against_an_enum() -> None:
    checks = enum_checks()
    assert "ck_orders_status" in checks
    assert "ck_flags_resolution" in checks
    assert len(checks) >= 17


async def test_each_enum_equals_its_constraint_in_the_database(app: FastAPI) -> None:
    in_database = await database_checks(app)
    mismatches = {
        name: (sorted(str(v) for v in enum), sorted(in_database.get(name, set())))
        for name, enum in enum_checks().items()
        if {str(v) for v in enum} != in_database.get(name)
    }
    assert mismatches == {}, "enum values (left) differ from the migrated CHECK (right)"
