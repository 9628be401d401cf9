"""All SQL of consortia, membership, trade fairs, campaigns and quality seals.

Reads a firm makes start from a ``readable_*`` statement restricted to what the viewer
may see: the consortium's managers, users of its active member firms, firms that take
part (a firm that left still sees the fair it paid for) and association staff.
"""

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, false, func, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import (
    Campaign,
    CampaignParticipation,
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Firm,
    QualitySeal,
    ReputationScore,
    SealGrant,
    TradeFair,
    TradeFairParticipation,
    User,
)
from distretto.models.consortia import MemberStatus
from distretto.models.contracts import PartyRole
from distretto.models.firms import FirmStatus


def member_consortium_ids(firm_ids: Sequence[int]) -> SelectOfScalar[int]:
    """Consortia in which one of these firms is an active member."""
    return select(ConsortiumMember.consortium_id).where(
        col(ConsortiumMember.firm_id).in_(firm_ids), ConsortiumMember.status == MemberStatus.ACTIVE
    )


def _consortium_scope(viewer: Viewer | None, consortium_column: Any) -> Any:
    """The condition "the viewer manages or belongs to the row's consortium"."""
    if viewer is None:
        return false()
    return or_(
        col(consortium_column).in_(sorted(viewer.managed_consortia)),
        col(consortium_column).in_(member_consortium_ids(viewer.firm_ids)),
    )


class ConsortiumRepository(Repository):
    async def get(self, consortium_id: int) -> Consortium | None:
        return await self.session.get(Consortium, consortium_id)

    async def name_taken(self, name: str, *, other_than: int | None = None) -> bool:
        stmt = (
            select(func.count())
            .select_from(Consortium)
            .where(func.lower(Consortium.name) == name.lower())
        )
        if other_than is not None:
            stmt = stmt.where(Consortium.id != other_than)
        return bool(await self.session.scalar(stmt))

    async def add(self, consortium: Consortium) -> Consortium:
        self.session.add(consortium)
        await self.session.flush()
        return consortium

    def directory(self, *, kind: str | None, q: str | None) -> SelectOfScalar[Consortium]:
        stmt = select(Consortium)
        if kind:
            stmt = stmt.where(Consortium.kind == kind)
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(Consortium.name).like(pattern),
                    func.lower(Consortium.description).like(pattern),
                )
            )
        return stmt

    async def page(
        self, stmt: SelectOfScalar[Consortium], params: PageParams
    ) -> tuple[list[Consortium], str | None]:
        return await keyset_page(
            self.session, stmt, [Consortium.name, Consortium.id], params, descending=False
        )

    async def member_counts(self, consortium_ids: Sequence[int]) -> dict[int, int]:
        rows = await self.session.execute(
            select(ConsortiumMember.consortium_id, func.count())
            .where(
                col(ConsortiumMember.consortium_id).in_(consortium_ids),
                ConsortiumMember.status == MemberStatus.ACTIVE,
            )
            .group_by(ConsortiumMember.consortium_id)
        )
        counts = {cid: 0 for cid in consortium_ids}
        counts.update({cid: int(n) for cid, n in rows.all()})
        return counts

    async def member_of(self, consortium_ids: Sequence[int], firm_ids: Sequence[int]) -> set[int]:
        """Which of these consortia count one of these firms as an active member."""
        if not firm_ids:
            return set()
        return set(
            (
                await self.session.scalars(
                    member_consortium_ids(firm_ids).where(
                        col(ConsortiumMember.consortium_id).in_(consortium_ids)
                    )
                )
            ).all()
        )

    # -- membership --

    async def membership(self, consortium_id: int, firm_id: int) -> ConsortiumMember | None:
        return (
            await self.session.scalars(
                select(ConsortiumMember).where(
                    ConsortiumMember.consortium_id == consortium_id,
                    ConsortiumMember.firm_id == firm_id,
                )
            )
        ).first()

    async def is_active_member(self, consortium_id: int, firm_id: int) -> bool:
        membership = await self.membership(consortium_id, firm_id)
        return membership is not None and membership.status == MemberStatus.ACTIVE

    async def save_membership(self, membership: ConsortiumMember) -> ConsortiumMember:
        self.session.add(membership)
        await self.session.flush()
        return membership

    async def members_with_firms(
        self, consortium_id: int, statuses: Sequence[str]
    ) -> list[tuple[ConsortiumMember, Firm]]:
        rows = await self.session.execute(
            select(ConsortiumMember, Firm)
            .join(Firm, Firm.id == ConsortiumMember.firm_id)
            .where(
                ConsortiumMember.consortium_id == consortium_id,
                col(ConsortiumMember.status).in_(statuses),
            )
            .order_by(Firm.name, Firm.id)
        )
        return [(m, f) for m, f in rows.all()]

    async def active_member_firm_ids(self, consortium_id: int) -> list[int]:
        return list(
            (
                await self.session.scalars(
                    select(ConsortiumMember.firm_id)
                    .where(
                        ConsortiumMember.consortium_id == consortium_id,
                        ConsortiumMember.status == MemberStatus.ACTIVE,
                    )
                    .order_by(ConsortiumMember.firm_id)
                )
            ).all()
        )

    async def showcase_firms(self, consortium_id: int) -> list[Firm]:
        """Active members in good standing: what a foreign buyer may be shown."""
        return list(
            (
                await self.session.scalars(
                    select(Firm)
                    .join(ConsortiumMember, ConsortiumMember.firm_id == Firm.id)
                    .where(
                        ConsortiumMember.consortium_id == consortium_id,
                        ConsortiumMember.status == MemberStatus.ACTIVE,
                        Firm.status == FirmStatus.ACTIVE,
                    )
                    .order_by(Firm.name, Firm.id)
                )
            ).all()
        )

    # -- managers --

    async def managers(self, consortium_id: int) -> list[tuple[ConsortiumManager, User]]:
        rows = await self.session.execute(
            select(ConsortiumManager, User)
            .join(User, User.id == ConsortiumManager.user_id)
            .where(ConsortiumManager.consortium_id == consortium_id)
            .order_by(ConsortiumManager.id)
        )
        return [(m, u) for m, u in rows.all()]

    async def manager(self, consortium_id: int, user_id: int) -> ConsortiumManager | None:
        return (
            await self.session.scalars(
                select(ConsortiumManager).where(
                    ConsortiumManager.consortium_id == consortium_id,
                    ConsortiumManager.user_id == user_id,
                )
            )
        ).first()

    async def manager_user_ids(self, consortium_id: int) -> list[int]:
        return list(
            (
                await self.session.scalars(
                    select(ConsortiumManager.user_id).where(
                        ConsortiumManager.consortium_id == consortium_id
                    )
                )
            ).all()
        )

    async def add_manager(self, manager: ConsortiumManager) -> ConsortiumManager:
        self.session.add(manager)
        await self.session.flush()
        return manager

    async def remove_manager(self, manager: ConsortiumManager) -> None:
        await self.session.delete(manager)
        await self.session.flush()


class TradeFairRepository(Repository):
    def readable(self, viewer: Viewer | None) -> SelectOfScalar[TradeFair]:
        stmt = select(TradeFair)
        if viewer is not None and viewer.is_staff:
            return stmt
        taking_part = (
            col(TradeFair.id).in_(
                select(TradeFairParticipation.trade_fair_id).where(
                    col(TradeFairParticipation.firm_id).in_(viewer.firm_ids)
                )
            )
            if viewer is not None
            else false()
        )
        return stmt.where(or_(_consortium_scope(viewer, TradeFair.consortium_id), taking_part))

    async def get_readable(self, viewer: Viewer | None, fair_id: int) -> TradeFair | None:
        return (
            await self.session.scalars(self.readable(viewer).where(TradeFair.id == fair_id))
        ).first()

    async def get(self, fair_id: int) -> TradeFair | None:
        return await self.session.get(TradeFair, fair_id)

    async def lock(self, fair_id: int) -> TradeFair | None:
        """Load the fair holding its row lock, so signups for it run one at a time.

        PostgreSQL: ``SELECT … FOR UPDATE``. SQLite has no row locks but every write
        transaction starts with ``BEGIN IMMEDIATE``, which serialises writers already.
        """
        return (
            await self.session.scalars(
                select(TradeFair)
                .where(TradeFair.id == fair_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).first()

    async def add(self, fair: TradeFair) -> TradeFair:
        self.session.add(fair)
        await self.session.flush()
        return fair

    async def page_for_consortium(
        self,
        viewer: Viewer | None,
        consortium_id: int,
        upcoming: bool | None,
        today: date,
        params: PageParams,
    ) -> tuple[list[TradeFair], str | None]:
        stmt = self.readable(viewer).where(TradeFair.consortium_id == consortium_id)
        if upcoming is True:
            stmt = stmt.where(TradeFair.ends_on >= today)
        elif upcoming is False:
            stmt = stmt.where(TradeFair.ends_on < today)
        return await keyset_page(self.session, stmt, [TradeFair.id], params)

    async def upcoming_for_consortium(self, consortium_id: int, today: date) -> list[TradeFair]:
        return list(
            (
                await self.session.scalars(
                    select(TradeFair)
                    .where(TradeFair.consortium_id == consortium_id, TradeFair.ends_on >= today)
                    .order_by(TradeFair.starts_on, TradeFair.id)
                )
            ).all()
        )

    async def participants(
        self, fair_id: int
    ) -> list[tuple[TradeFairParticipation, Firm, User | None]]:
        """Participations in signup order, with the firm and the user who signed up."""
        rows = await self.session.execute(
            select(TradeFairParticipation, Firm, User)
            .join(Firm, Firm.id == TradeFairParticipation.firm_id)
            .outerjoin(User, User.id == TradeFairParticipation.signed_up_by_user_id)
            .where(TradeFairParticipation.trade_fair_id == fair_id)
            .order_by(TradeFairParticipation.id)
        )
        return [(p, f, u) for p, f, u in rows.all()]

    async def totals(self, fair_ids: Sequence[int]) -> dict[int, tuple[int, Decimal]]:
        """``{fair_id: (participant count, area taken)}``."""
        rows = await self.session.execute(
            select(
                TradeFairParticipation.trade_fair_id,
                func.count(),
                func.coalesce(func.sum(TradeFairParticipation.area_m2), 0),
            )
            .where(col(TradeFairParticipation.trade_fair_id).in_(fair_ids))
            .group_by(TradeFairParticipation.trade_fair_id)
        )
        result = {fid: (0, Decimal(0)) for fid in fair_ids}
        result.update({fid: (int(n), Decimal(str(area))) for fid, n, area in rows.all()})
        return result

    async def participation(self, fair_id: int, firm_id: int) -> TradeFairParticipation | None:
        return (
            await self.session.scalars(
                select(TradeFairParticipation).where(
                    TradeFairParticipation.trade_fair_id == fair_id,
                    TradeFairParticipation.firm_id == firm_id,
                )
            )
        ).first()

    async def add_participation(
        self, participation: TradeFairParticipation
    ) -> TradeFairParticipation:
        self.session.add(participation)
        await self.session.flush()
        return participation

    async def remove_participation(self, participation: TradeFairParticipation) -> None:
        await self.session.delete(participation)
        await self.session.flush()

    async def save(self, fair: TradeFair) -> None:
        self.session.add(fair)
        await self.session.flush()


class CampaignRepository(Repository):
    def readable(self, viewer: Viewer | None) -> SelectOfScalar[Campaign]:
        stmt = select(Campaign)
        if viewer is not None and viewer.is_staff:
            return stmt
        taking_part = (
            col(Campaign.id).in_(
                select(CampaignParticipation.campaign_id).where(
                    col(CampaignParticipation.firm_id).in_(viewer.firm_ids)
                )
            )
            if viewer is not None
            else false()
        )
        return stmt.where(or_(_consortium_scope(viewer, Campaign.consortium_id), taking_part))

    async def get_readable(self, viewer: Viewer | None, campaign_id: int) -> Campaign | None:
        return (
            await self.session.scalars(self.readable(viewer).where(Campaign.id == campaign_id))
        ).first()

    async def get(self, campaign_id: int) -> Campaign | None:
        return await self.session.get(Campaign, campaign_id)

    async def lock(self, campaign_id: int) -> Campaign | None:
        return (
            await self.session.scalars(
                select(Campaign)
                .where(Campaign.id == campaign_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).first()

    async def add(self, campaign: Campaign) -> Campaign:
        self.session.add(campaign)
        await self.session.flush()
        return campaign

    async def page_for_consortium(
        self, viewer: Viewer | None, consortium_id: int, params: PageParams
    ) -> tuple[list[Campaign], str | None]:
        stmt = self.readable(viewer).where(Campaign.consortium_id == consortium_id)
        return await keyset_page(self.session, stmt, [Campaign.id], params)

    async def participants(self, campaign_id: int) -> list[tuple[CampaignParticipation, Firm]]:
        rows = await self.session.execute(
            select(CampaignParticipation, Firm)
            .join(Firm, Firm.id == CampaignParticipation.firm_id)
            .where(CampaignParticipation.campaign_id == campaign_id)
            .order_by(CampaignParticipation.id)
        )
        return [(p, f) for p, f in rows.all()]

    async def participant_counts(self, campaign_ids: Sequence[int]) -> dict[int, int]:
        rows = await self.session.execute(
            select(CampaignParticipation.campaign_id, func.count())
            .where(col(CampaignParticipation.campaign_id).in_(campaign_ids))
            .group_by(CampaignParticipation.campaign_id)
        )
        counts = {cid: 0 for cid in campaign_ids}
        counts.update({cid: int(n) for cid, n in rows.all()})
        return counts

    async def participation(self, campaign_id: int, firm_id: int) -> CampaignParticipation | None:
        return (
            await self.session.scalars(
                select(CampaignParticipation).where(
                    CampaignParticipation.campaign_id == campaign_id,
                    CampaignParticipation.firm_id == firm_id,
                )
            )
        ).first()

    async def add_participation(
        self, participation: CampaignParticipation
    ) -> CampaignParticipation:
        self.session.add(participation)
        await self.session.flush()
        return participation

    async def remove_participation(self, participation: CampaignParticipation) -> None:
        await self.session.delete(participation)
        await self.session.flush()


class SealRepository(Repository):
    """Seals and their grants are public: they exist to be shown to buyers."""

    async def get(self, seal_id: int) -> QualitySeal | None:
        return await self.session.get(QualitySeal, seal_id)

    async def name_taken(self, consortium_id: int, name: str) -> bool:
        return bool(
            await self.session.scalar(
                select(func.count())
                .select_from(QualitySeal)
                .where(
                    QualitySeal.consortium_id == consortium_id,
                    func.lower(QualitySeal.name) == name.lower(),
                )
            )
        )

    async def add(self, seal: QualitySeal) -> QualitySeal:
        self.session.add(seal)
        await self.session.flush()
        return seal

    async def for_consortium(self, consortium_id: int) -> list[QualitySeal]:
        return list(
            (
                await self.session.scalars(
                    select(QualitySeal)
                    .where(QualitySeal.consortium_id == consortium_id)
                    .order_by(QualitySeal.name, QualitySeal.id)
                )
            ).all()
        )

    async def holders(self, seal_ids: Sequence[int]) -> list[tuple[SealGrant, Firm]]:
        rows = await self.session.execute(
            select(SealGrant, Firm)
            .join(Firm, Firm.id == SealGrant.firm_id)
            .where(col(SealGrant.seal_id).in_(seal_ids))
            .order_by(Firm.name, Firm.id)
        )
        return [(g, f) for g, f in rows.all()]

    async def grant(self, seal_id: int, firm_id: int) -> SealGrant | None:
        return (
            await self.session.scalars(
                select(SealGrant).where(SealGrant.seal_id == seal_id, SealGrant.firm_id == firm_id)
            )
        ).first()

    async def add_grant(self, grant: SealGrant) -> SealGrant:
        self.session.add(grant)
        await self.session.flush()
        return grant

    async def remove_grant(self, grant: SealGrant) -> None:
        await self.session.delete(grant)
        await self.session.flush()

    async def revoke_consortium_seals(self, consortium_id: int, firm_id: int) -> int:
        """Take back every seal of this consortium from a firm that leaves it."""
        result = await self.session.execute(
            delete(SealGrant).where(
                SealGrant.firm_id == firm_id,
                col(SealGrant.seal_id).in_(
                    select(QualitySeal.id).where(QualitySeal.consortium_id == consortium_id)
                ),
            )
        )
        return int(result.rowcount or 0)

    async def badges_of(
        self, firm_ids: Sequence[int]
    ) -> list[tuple[SealGrant, QualitySeal, Consortium]]:
        rows = await self.session.execute(
            select(SealGrant, QualitySeal, Consortium)
            .join(QualitySeal, QualitySeal.id == SealGrant.seal_id)
            .join(Consortium, Consortium.id == QualitySeal.consortium_id)
            .where(col(SealGrant.firm_id).in_(firm_ids))
            .order_by(Consortium.name, QualitySeal.name, SealGrant.id)
        )
        return [(g, s, c) for g, s, c in rows.all()]

    async def supplier_reputation(self, firm_ids: Sequence[int]) -> dict[int, ReputationScore]:
        """Overall score as a supplier (role 'supplier', phase '*'), where one exists."""
        rows = await self.session.scalars(
            select(ReputationScore).where(
                col(ReputationScore.firm_id).in_(firm_ids),
                ReputationScore.role == PartyRole.SUPPLIER,
                ReputationScore.phase == "*",
            )
        )
        return {score.firm_id: score for score in rows.all()}
