"""All SQL of guarantees and caps. A firm's reads are scoped by ``readable``: its own
firms' guarantees, or every guarantee of a consortium the viewer manages."""

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import and_, false, func, or_, update
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import ConsortiumMember, Contract, Firm, Guarantee, GuaranteeCap
from distretto.models.consortia import MemberStatus
from distretto.models.contracts import ContractStatus
from distretto.models.guarantees import GuaranteeStatus


def readable(viewer: Viewer) -> SelectOfScalar[Guarantee]:
    scopes = []
    if viewer.managed_consortia:
        scopes.append(col(Guarantee.consortium_id).in_(sorted(viewer.managed_consortia)))
    if viewer.firm_ids:
        scopes.append(col(Guarantee.firm_id).in_(viewer.firm_ids))
    return select(Guarantee).where(or_(*scopes) if scopes else false())


def live(today: date) -> list[object]:
    """Approved and not yet at its expiry day: what counts against the cap."""
    return [Guarantee.status == GuaranteeStatus.APPROVED, col(Guarantee.expires_on) > today]


class GuaranteeRepository(Repository):
    async def add(self, row: Guarantee) -> Guarantee:
        self.session.add(row)
        await self.session.flush()
        return row

    async def readable_one(self, viewer: Viewer, guarantee_id: int) -> Guarantee | None:
        return (
            await self.session.scalars(readable(viewer).where(Guarantee.id == guarantee_id))
        ).first()

    async def get(self, guarantee_id: int) -> Guarantee | None:
        return await self.session.get(Guarantee, guarantee_id)

    async def page_for_consortium(
        self,
        viewer: Viewer,
        consortium_id: int,
        params: PageParams,
        *,
        status: GuaranteeStatus | None,
        firm_id: int | None,
        today: date,
    ) -> tuple[list[Guarantee], str | None]:
        stmt = readable(viewer).where(Guarantee.consortium_id == consortium_id)
        if firm_id is not None:
            stmt = stmt.where(Guarantee.firm_id == firm_id)
        if status == GuaranteeStatus.EXPIRED:
            stmt = stmt.where(
                or_(
                    Guarantee.status == GuaranteeStatus.EXPIRED,
                    and_(
                        col(Guarantee.status) == GuaranteeStatus.APPROVED,
                        col(Guarantee.expires_on) <= today,
                    ),
                )
            )
        elif status == GuaranteeStatus.APPROVED:
            stmt = stmt.where(*live(today))
        elif status is not None:
            stmt = stmt.where(Guarantee.status == status)
        return await keyset_page(self.session, stmt, [Guarantee.id], params)

    async def live_guarantees(
        self, consortium_id: int, firm_ids: Sequence[int], today: date
    ) -> list[Guarantee]:
        if not firm_ids:
            return []
        rows = await self.session.scalars(
            select(Guarantee).where(
                Guarantee.consortium_id == consortium_id,
                col(Guarantee.firm_id).in_(firm_ids),
                *live(today),
            )
        )
        return list(rows.all())

    async def pending_counts(self, consortium_id: int) -> dict[int, int]:
        rows = await self.session.execute(
            select(Guarantee.firm_id, func.count())
            .where(
                Guarantee.consortium_id == consortium_id,
                Guarantee.status == GuaranteeStatus.PENDING,
            )
            .group_by(Guarantee.firm_id)
        )
        return {firm: int(n) for firm, n in rows.all()}

    async def decide(self, guarantee_id: int, values: dict[str, object]) -> bool:
        """Only a pending request is decided, once: a racing second decision changes nothing."""
        result = await self.session.execute(
            update(Guarantee)
            .where(col(Guarantee.id) == guarantee_id, Guarantee.status == GuaranteeStatus.PENDING)
            .values(**values)
        )
        return bool(result.rowcount)

    async def expire_due(self, today: date, now: datetime) -> list[Guarantee]:
        rows = await self.session.scalars(
            select(Guarantee).where(
                Guarantee.status == GuaranteeStatus.APPROVED, col(Guarantee.expires_on) <= today
            )
        )
        due = list(rows.all())
        if due:
            await self.session.execute(
                update(Guarantee)
                .where(col(Guarantee.id).in_([g.id for g in due]))
                .values(status=GuaranteeStatus.EXPIRED, expired_at=now)
            )
        return due

    # -- caps --

    async def cap(
        self, consortium_id: int, firm_id: int, *, lock: bool = False
    ) -> GuaranteeCap | None:
        stmt = select(GuaranteeCap).where(
            GuaranteeCap.consortium_id == consortium_id, GuaranteeCap.firm_id == firm_id
        )
        if lock:
            # Every approval for this firm takes this row first, so exposures are summed
            # and raised one at a time (SQLite: BEGIN IMMEDIATE already serialises).
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        return (await self.session.scalars(stmt)).first()

    async def caps(self, consortium_id: int) -> dict[int, GuaranteeCap]:
        rows = await self.session.scalars(
            select(GuaranteeCap).where(GuaranteeCap.consortium_id == consortium_id)
        )
        return {c.firm_id: c for c in rows.all()}

    async def save_cap(self, cap: GuaranteeCap) -> GuaranteeCap:
        self.session.add(cap)
        await self.session.flush()
        return cap

    # -- facts from other features --

    async def active_members(self, consortium_id: int) -> list[Firm]:
        rows = await self.session.scalars(
            select(Firm)
            .join(ConsortiumMember, ConsortiumMember.firm_id == Firm.id)
            .where(
                ConsortiumMember.consortium_id == consortium_id,
                ConsortiumMember.status == MemberStatus.ACTIVE,
            )
            .order_by(Firm.name, Firm.id)
        )
        return list(rows.all())

    async def is_active_member(self, consortium_id: int, firm_id: int) -> bool:
        found = await self.session.scalar(
            select(ConsortiumMember.id).where(
                ConsortiumMember.consortium_id == consortium_id,
                ConsortiumMember.firm_id == firm_id,
                ConsortiumMember.status == MemberStatus.ACTIVE,
            )
        )
        return found is not None

    async def supplied_active_contract(self, contract_id: int, firm_id: int) -> Contract | None:
        return (
            await self.session.scalars(
                select(Contract).where(
                    Contract.id == contract_id,
                    Contract.supplier_firm_id == firm_id,
                    Contract.status == ContractStatus.ACTIVE,
                )
            )
        ).first()

    async def firms(self, firm_ids: Sequence[int]) -> dict[int, Firm]:
        if not firm_ids:
            return {}
        rows = await self.session.scalars(select(Firm).where(col(Firm.id).in_(set(firm_ids))))
        return {f.id: f for f in rows.all() if f.id is not None}
