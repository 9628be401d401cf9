"""Flags and the weighted moderation queue."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Float, case, cast, func, tuple_, update
from sqlmodel import col, select

from distretto.kit.pagination import PageParams, decode_int_cursor, encode_cursor
from distretto.kit.repository import Repository
from distretto.models import Flag
from distretto.models.moderation import UPHELD_ACTIONS, FlagStatus, FlagTarget

# A reporter with no resolved flag yet: (1 + 0) / (2 + 0).
NEWCOMER_CREDIBILITY = 0.5
# Weights are summed in SQL and kept as integers of this scale, so the keyset cursor
# compares exact values on every database.
WEIGHT_SCALE = 10_000


@dataclass(frozen=True)
class QueueGroup:
    target_type: str
    target_id: int
    weight: float
    count: int
    first_flagged_at: datetime
    last_flagged_at: datetime
    first_flag_id: int


def _credibility() -> Any:
    """Per reporter: (1 + upheld) / (2 + resolved), Laplace-smoothed over resolved flags."""
    upheld = func.sum(case((col(Flag.resolution).in_(UPHELD_ACTIONS), 1), else_=0))
    return (
        select(
            Flag.reporter_user_id.label("reporter_user_id"),
            (cast(1 + upheld, Float) / cast(2 + func.count(), Float)).label("credibility"),
        )
        .where(Flag.status == FlagStatus.RESOLVED)
        .group_by(Flag.reporter_user_id)
        .subquery("credibility")
    )


class FlagRepository(Repository):
    async def add(self, flag: Flag) -> Flag:
        self.session.add(flag)
        await self.session.flush()
        return flag

    async def get(self, flag_id: int) -> Flag | None:
        return await self.session.get(Flag, flag_id)

    async def open_flag_by(self, reporter_user_id: int, target_type: str, target_id: int) -> bool:
        found = await self.session.scalar(
            select(Flag.id).where(
                Flag.reporter_user_id == reporter_user_id,
                Flag.target_type == target_type,
                Flag.target_id == target_id,
                Flag.status == FlagStatus.OPEN,
            )
        )
        return found is not None

    async def resolve_open(
        self,
        target_type: str,
        target_id: int,
        *,
        action: str,
        note: str,
        staff_user_id: int,
        now: datetime,
    ) -> list[int]:
        """Resolve every open flag on the target; the ids returned are the ones this
        call resolved (a concurrent resolution leaves nothing for the loser)."""
        open_on_target = (
            Flag.target_type == target_type,
            Flag.target_id == target_id,
            Flag.status == FlagStatus.OPEN,
        )
        ids = list((await self.session.scalars(select(Flag.id).where(*open_on_target))).all())
        if not ids:
            return []
        result = await self.session.execute(
            update(Flag)
            .where(col(Flag.id).in_(ids), Flag.status == FlagStatus.OPEN)
            .values(
                status=FlagStatus.RESOLVED,
                resolution=action,
                resolution_note=note,
                resolved_by_user_id=staff_user_id,
                resolved_at=now,
            )
            .returning(Flag.id)
        )
        return sorted(result.scalars().all())

    async def queue(
        self, status: str, target_type: str | None, params: PageParams
    ) -> tuple[list[QueueGroup], str | None]:
        """Targets with flags in ``status``, heaviest first (ties: oldest target last)."""
        credibility = _credibility()
        weight = cast(
            func.round(
                func.sum(func.coalesce(credibility.c.credibility, NEWCOMER_CREDIBILITY))
                * WEIGHT_SCALE
            ),
            BigInteger,
        )
        first_id = func.min(Flag.id)
        stmt = (
            select(
                Flag.target_type,
                Flag.target_id,
                weight.label("weight"),
                func.count().label("flag_count"),
                func.min(Flag.created_at).label("first_flagged_at"),
                func.max(Flag.created_at).label("last_flagged_at"),
                first_id.label("first_flag_id"),
            )
            .select_from(Flag)
            .outerjoin(credibility, credibility.c.reporter_user_id == Flag.reporter_user_id)
            .where(Flag.status == status)
            .group_by(Flag.target_type, Flag.target_id)
        )
        if target_type:
            stmt = stmt.where(Flag.target_type == target_type)
        if params.cursor:
            after_weight, after_id = decode_int_cursor(params.cursor, 2)
            stmt = stmt.having(tuple_(weight, first_id) < tuple_(after_weight, after_id))
        rows = (
            await self.session.execute(
                stmt.order_by(weight.desc(), first_id.desc()).limit(params.limit + 1)
            )
        ).all()
        next_cursor = None
        if len(rows) > params.limit:
            rows = rows[: params.limit]
            next_cursor = encode_cursor([rows[-1].weight, rows[-1].first_flag_id])
        return [
            QueueGroup(
                target_type=r.target_type,
                target_id=r.target_id,
                weight=r.weight / WEIGHT_SCALE,
                count=r.flag_count,
                first_flagged_at=r.first_flagged_at,
                last_flagged_at=r.last_flagged_at,
                first_flag_id=r.first_flag_id,
            )
            for r in rows
        ], next_cursor

    async def flags_on(self, status: str, targets: Sequence[tuple[str, int]]) -> list[Flag]:
        if not targets:
            return []
        return list(
            (
                await self.session.scalars(
                    select(Flag)
                    .where(
                        Flag.status == status,
                        tuple_(Flag.target_type, Flag.target_id).in_(list(targets)),
                    )
                    .order_by(Flag.id)
                )
            ).all()
        )

    async def credibility_of(self, reporter_ids: Sequence[int]) -> dict[int, float]:
        credibility = _credibility()
        rows = await self.session.execute(
            select(credibility.c.reporter_user_id, credibility.c.credibility).where(
                credibility.c.reporter_user_id.in_(set(reporter_ids))
            )
        )
        known = {user_id: float(value) for user_id, value in rows.all()}
        return {r: known.get(r, NEWCOMER_CREDIBILITY) for r in reporter_ids}

    async def open_counts_on_firms(self, firm_ids: Sequence[int]) -> dict[int, int]:
        rows = await self.session.execute(
            select(Flag.target_id, func.count())
            .where(
                Flag.target_type == FlagTarget.FIRM,
                col(Flag.target_id).in_(firm_ids),
                Flag.status == FlagStatus.OPEN,
            )
            .group_by(Flag.target_id)
        )
        return {int(firm_id): int(n) for firm_id, n in rows.all()}
