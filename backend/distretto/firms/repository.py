from collections.abc import Sequence

from sqlalchemy import delete, func, or_, update
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import Firm, FirmPhase, Membership, OwnershipGroup, Phase, User
from distretto.models.firms import FirmRole


class PhaseRepository(Repository):
    async def all(self) -> list[Phase]:
        return list(
            (await self.session.scalars(select(Phase).order_by(Phase.position, Phase.code))).all()
        )

    async def unknown_codes(self, codes: Sequence[str]) -> list[str]:
        known = set(
            (
                await self.session.scalars(
                    select(Phase.code).where(col(Phase.code).in_(set(codes)))
                )
            ).all()
        )
        return sorted(set(codes) - known)


class FirmRepository(Repository):
    async def get(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    async def vat_taken(self, vat: str) -> bool:
        return (
            await self.session.scalar(
                select(func.count()).select_from(Firm).where(Firm.vat_number == vat)
            )
        ) != 0

    async def add(self, firm: Firm, phases: Sequence[str]) -> Firm:
        self.session.add(firm)
        await self.session.flush()
        await self.set_phases(firm, phases)
        return firm

    async def set_phases(self, firm: Firm, phases: Sequence[str]) -> None:
        assert firm.id is not None
        await self.session.execute(delete(FirmPhase).where(FirmPhase.firm_id == firm.id))
        self.session.add_all(
            [FirmPhase(firm_id=firm.id, phase_code=p) for p in dict.fromkeys(phases)]
        )
        await self.session.flush()

    async def phases_of(self, firm_ids: Sequence[int]) -> dict[int, list[str]]:
        rows = await self.session.execute(
            select(FirmPhase.firm_id, FirmPhase.phase_code)
            .where(col(FirmPhase.firm_id).in_(firm_ids))
            .order_by(FirmPhase.phase_code)
        )
        result: dict[int, list[str]] = {f: [] for f in firm_ids}
        for firm_id, code in rows.all():
            result[firm_id].append(code)
        return result

    def directory(
        self,
        *,
        phase: str | None,
        region: str | None,
        province: str | None,
        size_class: str | None,
        verified: bool | None,
        q: str | None,
    ) -> SelectOfScalar[Firm]:
        stmt = select(Firm)
        if phase:
            stmt = stmt.where(
                col(Firm.id).in_(select(FirmPhase.firm_id).where(FirmPhase.phase_code == phase))
            )
        if region:
            stmt = stmt.where(func.lower(Firm.region) == region.lower())
        if province:
            stmt = stmt.where(Firm.province == province.upper())
        if size_class:
            stmt = stmt.where(Firm.size_class == size_class)
        if verified is not None:
            stmt = stmt.where(Firm.verified == verified)
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(func.lower(Firm.name).like(pattern), func.lower(Firm.description).like(pattern))
            )
        return stmt

    async def page(
        self, stmt: SelectOfScalar[Firm], params: PageParams
    ) -> tuple[list[Firm], str | None]:
        return await keyset_page(self.session, stmt, [Firm.name, Firm.id], params, descending=False)

    async def members(self, firm_id: int) -> list[tuple[Membership, User]]:
        rows = await self.session.execute(
            select(Membership, User)
            .join(User, User.id == Membership.user_id)
            .where(Membership.firm_id == firm_id)
            .order_by(Membership.id)
        )
        return [(m, u) for m, u in rows.all()]

    async def membership(self, firm_id: int, user_id: int) -> Membership | None:
        return (
            await self.session.scalars(
                select(Membership).where(
                    Membership.firm_id == firm_id, Membership.user_id == user_id
                )
            )
        ).first()

    async def add_membership(self, membership: Membership) -> Membership:
        self.session.add(membership)
        await self.session.flush()
        return membership

    async def owner_count(self, firm_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(Membership)
                .where(Membership.firm_id == firm_id, Membership.role == FirmRole.OWNER)
            )
            or 0
        )

    async def remove_membership(self, membership: Membership) -> None:
        await self.session.delete(membership)
        await self.session.flush()

    async def firms(self, firm_ids: Sequence[int]) -> list[Firm]:
        return list(
            (await self.session.scalars(select(Firm).where(col(Firm.id).in_(firm_ids)))).all()
        )

    async def create_group(self, name: str, firm_ids: Sequence[int]) -> OwnershipGroup:
        group = OwnershipGroup(name=name)
        self.session.add(group)
        await self.session.flush()
        await self.session.execute(
            update(Firm).where(col(Firm.id).in_(firm_ids)).values(ownership_group_id=group.id)
        )
        return group
