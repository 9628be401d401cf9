"""Reputation queries: the facts the formula reads, stored scores, district means, history."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, bindparam, delete, func, insert, or_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import BindParameter, ColumnElement
from sqlmodel import col, select

from distretto.kit.repository import Repository
from distretto.models import (
    Contract,
    DeliveryLot,
    Firm,
    ReputationDistrictMean,
    ReputationScore,
    ReputationSnapshot,
    Review,
)
from distretto.models.contracts import ContractStatus
from distretto.models.trade import LotStatus
from distretto.reputation.formula import ALL_PHASES, ContractFact, LotFact, ReviewFact

CONCLUDED = (ContractStatus.COMPLETED, ContractStatus.CANCELLED)


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


_CONTRACT_FIELDS = tuple(f.name for f in fields(ContractFact) if f.name not in ("reviews", "lots"))
_REVIEW_FIELDS = tuple(f.name for f in fields(ReviewFact))


class DistrictMeansRow(NamedTuple):
    role: str
    as_of: datetime
    means: dict[str, float]
    contracts: int


class _FactsStatements(NamedTuple):
    contracts: Select[Any]
    reviews: Select[Any]
    lots: Select[Any]


@cache
def _facts_statements(of_some_firms: bool) -> _FactsStatements:
    """The three reads behind ``facts``, built once: building them (the ownership-group
    subquery, its aliases) cost more Python than running them on every acceptance.
    With ``of_some_firms`` they take the firms as the expanding ``firm_ids`` parameter."""
    where = [_eligible_contracts()]
    if of_some_firms:
        firm_ids: BindParameter[list[int]] = bindparam("firm_ids", expanding=True)
        where.append(
            or_(
                col(Contract.client_firm_id).in_(firm_ids),
                col(Contract.supplier_firm_id).in_(firm_ids),
            )
        )
    eligible_ids = select(Contract.id).where(*where)
    # The columns are the facts' own fields in their order, so a row builds its fact
    # positionally (no mapping per row).
    contracts = (
        select(*(getattr(Contract, name) for name in _CONTRACT_FIELDS))
        .where(*where)
        .order_by(Contract.id)
    )
    reviews = (
        select(Review.contract_id, *(getattr(Review, name) for name in _REVIEW_FIELDS))
        .where(col(Review.contract_id).in_(eligible_ids))
        .order_by(Review.id)
    )
    lots = (
        select(
            DeliveryLot.contract_id,
            DeliveryLot.quantity,
            DeliveryLot.on_time,
            DeliveryLot.accepted_quantity,
            DeliveryLot.rejected_quantity,
            DeliveryLot.status,
        )
        .where(col(DeliveryLot.contract_id).in_(eligible_ids))
        .order_by(DeliveryLot.id)
    )
    return _FactsStatements(contracts, reviews, lots)


class ReputationRepository(Repository):
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

    async def facts(self, firm_ids: Sequence[int] | None = None) -> list[ContractFact]:
        """The concluded contracts of these firms (every firm when None), with reviews."""
        statements = _facts_statements(firm_ids is not None)
        params = {} if firm_ids is None else {"firm_ids": list(firm_ids)}
        # Plain rows through the session's connection (its transaction): the ORM's
        # result machinery cost more than the rows themselves for a long history.
        connection = await self.session.connection()
        contracts = (await connection.execute(statements.contracts, params)).all()
        reviews: dict[int, list[ReviewFact]] = defaultdict(list)
        rows = await connection.execute(statements.reviews, params)
        for contract_id, *review in rows:
            reviews[contract_id].append(ReviewFact(*review))
        lots: dict[int, list[LotFact]] = defaultdict(list)
        lot_rows = await connection.execute(statements.lots, params)
        for lot in lot_rows.all():
            lots[lot.contract_id].append(
                LotFact(
                    quantity=lot.quantity,
                    on_time=lot.on_time,
                    accepted=lot.accepted_quantity,
                    rejected=lot.rejected_quantity,
                    checked=lot.status == LotStatus.ACCEPTED,
                )
            )
        return [
            ContractFact(
                *row, reviews=tuple(reviews.get(row.id, ())), lots=tuple(lots.get(row.id, ()))
            )
            for row in contracts
        ]

    async def district_means_in_force(self, version: str, now: datetime) -> list[DistrictMeansRow]:
        """The latest daily means computed for ``now`` or before, one row per role (the
        daily recompute writes both roles together), in one statement."""
        latest = (
            select(func.max(ReputationDistrictMean.as_of))
            .where(
                ReputationDistrictMean.formula_version == version,
                col(ReputationDistrictMean.as_of) <= now,
            )
            .scalar_subquery()
        )
        rows = await self.session.execute(
            select(
                ReputationDistrictMean.role,
                ReputationDistrictMean.as_of,
                ReputationDistrictMean.means,
                ReputationDistrictMean.contracts,
            ).where(
                ReputationDistrictMean.formula_version == version,
                ReputationDistrictMean.as_of == latest,
            )
        )
        return [DistrictMeansRow(*row) for row in rows]

    async def save_district_means(self, row: ReputationDistrictMean) -> None:
        """Store a day's means, replacing those computed earlier the same day."""
        insert = (
            pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        )
        stmt = insert(ReputationDistrictMean).values(
            formula_version=row.formula_version,
            role=row.role,
            as_of=row.as_of,
            means=row.means,
            contracts=row.contracts,
            computed_at=row.computed_at,
        )
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["formula_version", "role", "as_of"],
                set_={k: stmt.excluded[k] for k in ("means", "contracts", "computed_at")},
            )
        )

    async def replace_scores(
        self, firm_ids: Sequence[int] | None, rows: Sequence[dict[str, Any]]
    ) -> dict[tuple[int, str], tuple[float | None, int]]:
        """Swap the stored rows of these firms (all firms when None) for ``rows``; the
        overall scores they had come back from the delete itself (RETURNING), so the
        history needs no read of its own. Plain inserts, no ORM objects: building them
        cost more than the statement for a firm active in many phases."""
        table = ReputationScore.__table__
        stmt = delete(table).returning(
            table.c.firm_id, table.c.role, table.c.phase, table.c.score, table.c.contracts
        )
        if firm_ids is not None:
            stmt = stmt.where(table.c.firm_id.in_(firm_ids))
        before = {
            (firm_id, role): (score, contracts)
            for firm_id, role, phase, score, contracts in await self.session.execute(stmt)
            if phase == ALL_PHASES
        }
        if rows:
            await self.session.execute(insert(table), rows)
        return before

    async def add_snapshots(self, snapshots: Sequence[dict[str, Any]]) -> None:
        if snapshots:
            await self.session.execute(insert(ReputationSnapshot.__table__), snapshots)

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
