"""Idempotency records of retried market requests."""

from typing import Any

from sqlalchemy import (
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import select

from distretto.kit import clock
from distretto.kit.repository import Repository
from distretto.models import (
    IdempotencyRecord,
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
        id, or None if another request holds the key.

        ``ON CONFLICT DO NOTHING`` instead of a savepoint around a failing insert: one
        statement. On PostgreSQL a concurrent twin's insert waits on the unique key until
        the holder's transaction ends, then inserts nothing (and replays what was stored).
        """
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(IdempotencyRecord)
            .values(
                user_id=user_id,
                scope=scope,
                key=key,
                request_hash=request_hash,
                status_code=0,
                body={},
                created_at=clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "scope", "key"])
            .returning(IdempotencyRecord.id)
        )
        return (await self.session.execute(stmt)).scalar()

    async def store(self, record_id: int, status_code: int, body: dict[str, Any]) -> None:
        await self.session.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.id == record_id)
            .values(status_code=status_code, body=body)
            .execution_options(synchronize_session=False)
        )
