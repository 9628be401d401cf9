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
    """One create request under an optional key: ``begin`` → do the work → ``store``."""

    def __init__(
        self, session: AsyncSession, user_id: int, scope: str, key: str | None, data: BaseModel
    ) -> None:
        self.repo = IdempotencyRepository(session)
        self.user_id = user_id
        self.scope = scope
        self.key = key
        # Only a keyed request is compared with an earlier one.
        self.hash = request_hash(data) if key is not None else ""
        self.record_id: int | None = None

    async def begin(self) -> Outcome | None:
        """Hold the key for this request, or the stored outcome of the earlier request
        with this key. Called before any rule, so a retry of a bid that succeeded is
        replayed, not refused as a second bid; a request that then fails rolls back with
        its claim and leaves the key free for a retry."""
        if self.key is None:
            return None
        self.record_id = await self.repo.claim(self.user_id, self.scope, self.key, self.hash)
        if self.record_id is not None:
            return None
        earlier = await self.repo.find(self.user_id, self.scope, self.key)
        assert earlier is not None, "a conflict on the unique key implies the row exists"
        if earlier.request_hash != self.hash:
            raise Invalid(
                HEADER,
                "was already used for a different request; use a new key",
                code="idempotency.key_reused",
            )
        return Outcome(earlier.status_code, earlier.body, replayed=True)

    async def store(self, status_code: int, body: dict[str, Any]) -> Outcome:
        if self.record_id is not None:
            await self.repo.store(self.record_id, status_code, body)
        return Outcome(status_code, body)
