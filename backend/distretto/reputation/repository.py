"""Reputation queries: the facts the formula reads, stored scores, district means, history."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select

from distretto.models import (
    Contract,
    Firm,
    ReputationDistrictMean,
    ReputationScore,
    ReputationSnapshot,
    Review,
)
from distretto.reputation.formula import ALL_PHASES, ContractFact, ReviewFact

CONCLUDED = ("completed", "cancelled")
# Arbitrary fixed key of the advisory lock around computing a day's district means.
DISTRICT_MEANS_LOCK = 0x7265707574


def _eligible_contracts() -> ColumnElement[bool]:
    """Concluded contracts between firms that are not of one ownership group."""
    client, supplier = aliased(Firm), aliased(Firm)
    related = (
        select(client.id)
        .join(supplier, supplier.id == Contract.supplier_firm_id)
        .where(
            client.id == Contract.client_firm_id,
            client.ownership_group_id.is_not(None),
            client.ownership_group_id == supplier.ownership_group_id,
        )
        .correlate(Contract)
    )
    return and_(col(Contract.status).in_(CONCLUDED), ~related.exists())


def _concluded_by(moment: datetime) -> ColumnElement[bool]:
    return or_(
        and_(Contract.status == "completed", col(Contract.completed_at) <= moment),
        and_(Contract.status == "cancelled", col(Contract.cancelled_at) <= moment),
    )


class ReputationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_firms(self, firm_ids: Sequence[int] | None) -> None:
        """Serialise score writers per firm (PostgreSQL; SQLite serialises all writers).

        Without it two completions for one firm, committed concurrently, would each
        compute from a snapshot missing the other's contract and the later write would
        lose one. NO KEY UPDATE leaves foreign-key checks on the firm unblocked.
        """
        stmt = select(Firm.id).order_by(Firm.id).with_for_update(key_share=True)
        if firm_ids is not None:
            stmt = stmt.where(col(Firm.id).in_(firm_ids))
        await self.session.execute(stmt)

    async def serialise_district_computation(self) -> None:
        """One transaction at a time computes a day's district means (PostgreSQL).

        The first completions of a day would otherwise each load the whole district's
        history at once; the others wait here and then find the stored row. Taken after
        the firm locks and released at commit, so it adds no lock cycle.
        """
        if self.session.get_bind().dialect.name == "postgresql":
            await self.session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": DISTRICT_MEANS_LOCK}
            )

    async def facts(
        self, *, firm_ids: Sequence[int] | None = None, concluded_by: datetime | None = None
    ) -> list[ContractFact]:
        where = [_eligible_contracts()]
        if firm_ids is not None:
            where.append(
                or_(
                    col(Contract.client_firm_id).in_(firm_ids),
                    col(Contract.supplier_firm_id).in_(firm_ids),
                )
            )
        if concluded_by is not None:
            where.append(_concluded_by(concluded_by))
        contracts = (
            await self.session.execute(
                select(
                    Contract.id,
                    Contract.client_firm_id,
                    Contract.supplier_firm_id,
                    Contract.phase,
                    Contract.total_price,
                    Contract.due_date,
                    Contract.status,
                    Contract.completed_at,
                    Contract.cancelled_at,
                    Contract.delivered_at,
                    Contract.dispute_outcome,
                    Contract.dispute_opened_by_firm_id,
                )
                .where(*where)
                .order_by(Contract.id)
            )
        ).all()
        reviews: dict[int, list[ReviewFact]] = defaultdict(list)
        rows = await self.session.execute(
            select(
                Review.contract_id,
                Review.reviewer_firm_id,
                Review.created_at,
                Review.quality,
                Review.timeliness,
                Review.communication,
                Review.hidden,
            )
            .where(col(Review.contract_id).in_(select(Contract.id).where(*where)))
            .order_by(Review.id)
        )
        for row in rows.mappings():
            fields = dict(row)
            reviews[fields.pop("contract_id")].append(ReviewFact(**fields))
        return [
            ContractFact(**row._mapping, reviews=tuple(reviews.get(row.id, ())))
            for row in contracts
        ]

    async def district_mean(
        self, version: str, role: str, as_of: datetime
    ) -> ReputationDistrictMean | None:
        # populate_existing: the row may have been (re)written by a Core statement since.
        return await self.session.get(
            ReputationDistrictMean, (version, role, as_of), populate_existing=True
        )

    async def save_district_mean(self, row: ReputationDistrictMean, *, replace: bool) -> None:
        """Store a day's means; ``replace`` rewrites a row computed earlier that day.

        Without ``replace`` a concurrent first update of the day may have stored the
        same row already: then keep that one (both are computed from the same data).
        """
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        values = {
            "formula_version": row.formula_version,
            "role": row.role,
            "as_of": row.as_of,
            "means": row.means,
            "contracts": row.contracts,
            "computed_at": row.computed_at,
        }
        stmt = insert(ReputationDistrictMean).values(**values)
        key = ["formula_version", "role", "as_of"]
        if replace:
            updated = {k: stmt.excluded[k] for k in ("means", "contracts", "computed_at")}
            stmt = stmt.on_conflict_do_update(index_elements=key, set_=updated)
        else:
            stmt = stmt.on_conflict_do_nothing(index_elements=key)
        await self.session.execute(stmt)

    async def overall_scores(
        self, firm_ids: Sequence[int] | None
    ) -> dict[tuple[int, str], tuple[float | None, int]]:
        stmt = select(
            ReputationScore.firm_id,
            ReputationScore.role,
            ReputationScore.score,
            ReputationScore.contracts,
        ).where(ReputationScore.phase == ALL_PHASES)
        if firm_ids is not None:
            stmt = stmt.where(col(ReputationScore.firm_id).in_(firm_ids))
        return {(f, r): (s, n) for f, r, s, n in (await self.session.execute(stmt)).all()}

    async def replace_scores(
        self, firm_ids: Sequence[int] | None, rows: Sequence[ReputationScore]
    ) -> None:
        """Swap the stored rows of these firms (all firms when None) for ``rows``."""
        stmt = delete(ReputationScore)
        if firm_ids is not None:
            stmt = stmt.where(col(ReputationScore.firm_id).in_(firm_ids))
        await self.session.execute(stmt)
        self.session.add_all(rows)
        await self.session.flush()

    async def add_snapshots(self, snapshots: Sequence[ReputationSnapshot]) -> None:
        self.session.add_all(snapshots)
        await self.session.flush()

    async def scores_of(self, firm_id: int) -> list[ReputationScore]:
        return list(
            (
                await self.session.scalars(
                    select(ReputationScore)
                    .where(ReputationScore.firm_id == firm_id)
                    .order_by(ReputationScore.role, ReputationScore.phase)
                )
            ).all()
        )

    async def history(self, firm_id: int, limit: int) -> list[ReputationSnapshot]:
        """The latest ``limit`` snapshots of the firm, oldest first."""
        latest = (
            await self.session.scalars(
                select(ReputationSnapshot)
                .where(ReputationSnapshot.firm_id == firm_id)
                .order_by(col(ReputationSnapshot.at).desc(), col(ReputationSnapshot.id).desc())
                .limit(limit)
            )
        ).all()
        return list(reversed(latest))

    async def summaries(self, firm_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        """Overall score and contract count per role, for many firms in one query."""
        result: dict[int, dict[str, Any]] = {}
        for firm_id, role, score, contracts in await self.session.execute(
            select(
                ReputationScore.firm_id,
                ReputationScore.role,
                ReputationScore.score,
                ReputationScore.contracts,
            ).where(
                col(ReputationScore.firm_id).in_(firm_ids),
                ReputationScore.phase == ALL_PHASES,
            )
        ):
            summary = result.setdefault(
                firm_id,
                {
                    "supplier_score": None,
                    "supplier_contracts": 0,
                    "client_score": None,
                    "client_contracts": 0,
                },
            )
            summary[f"{role}_score"] = score
            summary[f"{role}_contracts"] = contracts
        return result

    async def firm_exists(self, firm_id: int) -> bool:
        return bool(
            await self.session.scalar(
                select(func.count()).select_from(Firm).where(Firm.id == firm_id)
            )
        )

    async def firm_ids(self) -> list[int]:
        return list((await self.session.scalars(select(Firm.id).order_by(Firm.id))).all())
