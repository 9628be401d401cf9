"""Idempotency records of retried market requests.

The claim and the store run on every keyed bid and award: they are Core statements built
once at import, against the table rather than the mapped class, so a request pays neither
for building them again nor for the ORM's bulk-insert and bulk-update machinery (issue 18:
these two cost a keyed bid more than a millisecond each when built per call through the
ORM).
"""

from types import ModuleType
from typing import Any

from sqlalchemy import Executable, Table, bindparam, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from distretto.kit import clock
from distretto.kit.repository import Repository
from distretto.models import (
    IdempotencyRecord,
)

_RECORDS: Table = IdempotencyRecord.__table__


def _claim_statement(dialect: ModuleType) -> Executable:
    """``ON CONFLICT DO NOTHING`` instead of a savepoint around a failing insert: one
    statement. On PostgreSQL a concurrent twin's insert waits on the unique key until the
    holder's transaction ends, then inserts nothing (and replays what was stored)."""
    return (
        dialect.insert(_RECORDS)
        .values(
            user_id=bindparam("user_id"),
            scope=bindparam("scope"),
            key=bindparam("key"),
            request_hash=bindparam("request_hash"),
            status_code=0,
            body={},
            created_at=bindparam("created_at"),
        )
        .on_conflict_do_nothing(index_elements=["user_id", "scope", "key"])
        .returning(_RECORDS.c.id)
    )


_CLAIM = {"postgresql": _claim_statement(postgresql), "sqlite": _claim_statement(sqlite)}

_STORE = (
    update(_RECORDS)
    .where(_RECORDS.c.id == bindparam("record_id"))
    .values(status_code=bindparam("status_code"), body=bindparam("body"))
)


class IdempotencyRepository(Repository):
    async def find(self, user_id: int, scope: str, key: str) -> IdempotencyRecord | None:
        stmt = (
            select(IdempotencyRecord)
            .where(
                IdempotencyRecord.user_id == user_id,
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
            )
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def claim(self, user_id: int, scope: str, key: str, request_hash: str) -> int | None:
        """Insert the key's record (its response still to come) before doing the work: its
        id, or None if another request holds the key."""
        claim = _CLAIM[self.session.get_bind().dialect.name]
        parameters = {
            "user_id": user_id,
            "scope": scope,
            "key": key,
            "request_hash": request_hash,
            "created_at": clock.now(),
        }
        return (await self.session.execute(claim, parameters)).scalar()

    async def store(self, record_id: int, status_code: int, body: dict[str, Any]) -> None:
        await self.session.execute(
            _STORE, {"record_id": record_id, "status_code": status_code, "body": body}
        )
