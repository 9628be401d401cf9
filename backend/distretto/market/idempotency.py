"""``Idempotency-Key`` for the money-relevant creates (bids, awards).

The same user sending the same key to the same place again gets the stored response
back instead of a second bid or a 409; the same key with a different body is refused.
Only successful responses are stored: a refused request changed nothing, so retrying
it simply runs again.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit.errors import Invalid
from distretto.market.repository import IdempotencyRepository
from distretto.models import IdempotencyRecord

HEADER = "Idempotency-Key"


@dataclass(frozen=True)
class Outcome:
    """A create's response: status and JSON body, maybe replayed from an earlier call."""

    status_code: int
    body: dict[str, Any]
    replayed: bool = False


def request_hash(data: BaseModel) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class IdempotentCreate:
    """One create request under an optional key: ``replay`` → do the work → ``store``."""

    def __init__(
        self, session: AsyncSession, user_id: int, scope: str, key: str | None, data: BaseModel
    ) -> None:
        self.repo = IdempotencyRepository(session)
        self.user_id = user_id
        self.scope = scope
        self.key = key
        self.hash = request_hash(data)
        self.record: IdempotencyRecord | None = None

    def _replay(self, record: IdempotencyRecord) -> Outcome:
        if record.request_hash != self.hash:
            raise Invalid(HEADER, "was already used for a different request; use a new key")
        return Outcome(record.status_code, record.body, replayed=True)

    async def replay(self) -> Outcome | None:
        """The stored outcome if this key was used before (checked before any rule, so a
        retry of a bid that succeeded is not refused as a second bid)."""
        if self.key is None:
            return None
        record = await self.repo.find(self.user_id, self.scope, self.key)
        return None if record is None else self._replay(record)

    async def claim(self) -> Outcome | None:
        """Hold the key for this request; a twin that got there first is replayed."""
        if self.key is None:
            return None
        record = IdempotencyRecord(
            user_id=self.user_id,
            scope=self.scope,
            key=self.key,
            request_hash=self.hash,
            status_code=0,
            body={},
        )
        if await self.repo.claim(record):
            self.record = record
            return None
        twin = await self.repo.find(self.user_id, self.scope, self.key)
        assert twin is not None, "a unique key violation implies the row exists"
        return self._replay(twin)

    async def store(self, status_code: int, body: dict[str, Any]) -> Outcome:
        if self.record is not None:
            self.record.status_code = status_code
            self.record.body = body
            await self.repo.save(self.record)
        return Outcome(status_code, body)
