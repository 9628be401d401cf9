"""Firm sanctions and verification, warnings, and reading the audit log."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import AuditEntry, Consortium, Contract, Firm, FirmWarning, Order, User
from distretto.models.firms import FirmStatus
from distretto.moderation.schemas import AuditFilters

SUSPENSION_ACTION = "moderation.firm_suspended"


@dataclass(frozen=True)
class Suspension:
    at: datetime
    reason: str


class GovernanceRepository(Repository):
    async def firm(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    def firms(
        self, status: str | None, verified: bool | None, q: str | None
    ) -> SelectOfScalar[Firm]:
        stmt = select(Firm)
        if status:
            stmt = stmt.where(Firm.status == status)
        if verified is not None:
            stmt = stmt.where(Firm.verified == verified)
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(func.lower(Firm.name).like(pattern), Firm.vat_number.like(pattern))
            )
        return stmt

    async def firm_page(
        self, stmt: SelectOfScalar[Firm], params: PageParams
    ) -> tuple[list[Firm], str | None]:
        return await keyset_page(self.session, stmt, [Firm.id], params)

    async def add_warning(self, warning: FirmWarning) -> FirmWarning:
        self.session.add(warning)
        await self.session.flush()
        return warning

    async def warning_counts(self, firm_ids: Sequence[int]) -> dict[int, int]:
        rows = await self.session.execute(
            select(FirmWarning.firm_id, func.count())
            .where(col(FirmWarning.firm_id).in_(firm_ids))
            .group_by(FirmWarning.firm_id)
        )
        return {firm_id: int(n) for firm_id, n in rows.all()}

    async def latest_suspensions(self, firm_ids: Sequence[int]) -> dict[int, Suspension]:
        """When and why each firm was last suspended, read from the audit log."""
        if not firm_ids:
            return {}
        rows = await self.session.execute(
            select(AuditEntry.target_id, AuditEntry.at, AuditEntry.reason)
            .where(
                AuditEntry.action == SUSPENSION_ACTION,
                AuditEntry.target_type == "firm",
                col(AuditEntry.target_id).in_([str(f) for f in firm_ids]),
            )
            .order_by(AuditEntry.id.desc())
        )
        latest: dict[int, Suspension] = {}
        for target_id, at, reason in rows.all():
            latest.setdefault(int(target_id), Suspension(at, reason))
        return latest

    async def audit_page(
        self, filters: AuditFilters, params: PageParams
    ) -> tuple[list[AuditEntry], str | None]:
        stmt = select(AuditEntry)
        if filters.action:
            stmt = stmt.where(AuditEntry.action == filters.action)
        if filters.actor_user_id is not None:
            stmt = stmt.where(AuditEntry.actor_user_id == filters.actor_user_id)
        if filters.target_type:
            stmt = stmt.where(AuditEntry.target_type == filters.target_type)
        if filters.target_id:
            stmt = stmt.where(AuditEntry.target_id == filters.target_id)
        if filters.since is not None:
            stmt = stmt.where(AuditEntry.at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(AuditEntry.at < filters.until)
        return await keyset_page(self.session, stmt, [AuditEntry.id], params)

    # --- Names for the audit log -----------------------------------------------------------

    async def user_names(self, user_ids: Sequence[int]) -> dict[int, str]:
        if not user_ids:
            return {}
        rows = await self.session.execute(
            select(User.id, User.full_name).where(col(User.id).in_(sorted(set(user_ids))))
        )
        return {int(uid): name for uid, name in rows.all()}

    async def firm_names(self, firm_ids: Sequence[int]) -> dict[int, str]:
        if not firm_ids:
            return {}
        rows = await self.session.execute(
            select(Firm.id, Firm.name).where(col(Firm.id).in_(sorted(set(firm_ids))))
        )
        return {int(fid): name for fid, name in rows.all()}

    async def target_titles(self, targets: Sequence[tuple[str, int]]) -> dict[tuple[str, int], str]:
        """Order titles for orders, for contracts the title of their order, consortium names."""
        orders = sorted({tid for kind, tid in targets if kind == "order"})
        consortia = sorted({tid for kind, tid in targets if kind == "consortium"})
        contracts = sorted({tid for kind, tid in targets if kind == "contract"})
        titles: dict[tuple[str, int], str] = {}
        if orders:
            rows = await self.session.execute(
                select(Order.id, Order.title).where(col(Order.id).in_(orders))
            )
            titles.update({("order", int(oid)): title for oid, title in rows.all()})
        if contracts:
            rows = await self.session.execute(
                select(Contract.id, Order.title)
                .join(Order, col(Order.id) == col(Contract.order_id))
                .where(col(Contract.id).in_(contracts))
            )
            titles.update({("contract", int(cid)): title for cid, title in rows.all()})
        if consortia:
            rows = await self.session.execute(
                select(Consortium.id, Consortium.name).where(col(Consortium.id).in_(consortia))
            )
            titles.update({("consortium", int(cid)): name for cid, name in rows.all()})
        return titles

    async def suspension_ended_ids(self, now: datetime) -> list[int]:
        """Firms whose dated suspension has reached its end (to lift before listing)."""
        rows = await self.session.execute(
            select(Firm.id).where(
                col(Firm.status) == FirmStatus.SUSPENDED,
                col(Firm.suspended_until).is_not(None),
                col(Firm.suspended_until) <= now,
            )
        )
        return [int(r[0]) for r in rows.all()]
