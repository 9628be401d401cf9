"""Everything a firm owns or is party to (for its export), and erasing a person."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, or_, update
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.contracts.service import readable_messages, readable_reviews
from distretto.kit.repository import Repository
from distretto.models import (
    AccountToken,
    Bid,
    CampaignParticipation,
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Contract,
    ContractMessage,
    Email,
    Enrolment,
    Firm,
    FirmPhase,
    FirmWarning,
    Flag,
    IdempotencyRecord,
    MailSettings,
    Membership,
    Order,
    OrderInvitation,
    ReputationScore,
    Review,
    SavedSearch,
    SealGrant,
    TradeFairParticipation,
    User,
)
from distretto.models.firms import FirmRole
from distretto.models.notifications import Notification


class ExportRepository(Repository):
    async def _all(self, stmt: Any) -> list[Any]:
        return list((await self.session.scalars(stmt)).all())

    async def firm(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    async def phases(self, firm_id: int) -> list[str]:
        return await self._all(
            select(FirmPhase.phase_code)
            .where(FirmPhase.firm_id == firm_id)
            .order_by(FirmPhase.phase_code)
        )

    async def members(self, firm_id: int) -> list[dict[str, Any]]:
        rows = await self.session.execute(
            select(User.id, User.email, User.full_name, Membership.role, Membership.created_at)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.firm_id == firm_id)
            .order_by(Membership.id)
        )
        return [
            {"user_id": i, "email": e, "full_name": n, "role": r, "since": s}
            for i, e, n, r, s in rows.all()
        ]

    async def orders(self, firm_id: int) -> list[Order]:
        return await self._all(
            select(Order).where(Order.client_firm_id == firm_id).order_by(Order.id)
        )

    async def invitations(self, order_ids: Sequence[int]) -> list[OrderInvitation]:
        return await self._all(
            select(OrderInvitation)
            .where(col(OrderInvitation.order_id).in_(order_ids))
            .order_by(OrderInvitation.order_id, OrderInvitation.firm_id)
        )

    async def own_bids(self, firm_id: int) -> list[Bid]:
        return await self._all(select(Bid).where(Bid.firm_id == firm_id).order_by(Bid.id))

    async def contracts(self, firm_id: int) -> list[Contract]:
        return await self._all(
            select(Contract)
            .where(or_(Contract.client_firm_id == firm_id, Contract.supplier_firm_id == firm_id))
            .order_by(Contract.id)
        )

    async def messages(self, as_firm: Viewer) -> list[Any]:
        """The threads of the firm's contracts as the firm reads them (moderation-hidden
        messages of the other side stay out)."""
        return await self._all(readable_messages(as_firm).order_by(ContractMessage.id))

    async def reviews(self, as_firm: Viewer, firm_id: int, now: datetime) -> list[Review]:
        """Reviews the firm wrote, and those about it that it may already read."""
        return await self._all(
            readable_reviews(as_firm, now)
            .where(or_(Review.reviewer_firm_id == firm_id, Review.reviewee_firm_id == firm_id))
            .order_by(Review.id)
        )

    async def consortium_memberships(self, firm_id: int) -> list[dict[str, Any]]:
        rows = await self.session.execute(
            select(ConsortiumMember, Consortium.name)
            .join(Consortium, Consortium.id == ConsortiumMember.consortium_id)
            .where(ConsortiumMember.firm_id == firm_id)
            .order_by(ConsortiumMember.id)
        )
        return [{**m.model_dump(mode="json"), "consortium_name": name} for m, name in rows.all()]

    async def trade_fair_participations(self, firm_id: int) -> list[TradeFairParticipation]:
        return await self._all(
            select(TradeFairParticipation).where(TradeFairParticipation.firm_id == firm_id)
        )

    async def campaign_participations(self, firm_id: int) -> list[CampaignParticipation]:
        return await self._all(
            select(CampaignParticipation).where(CampaignParticipation.firm_id == firm_id)
        )

    async def seal_grants(self, firm_id: int) -> list[SealGrant]:
        return await self._all(select(SealGrant).where(SealGrant.firm_id == firm_id))

    async def enrolments(self, firm_id: int) -> list[Enrolment]:
        return await self._all(
            select(Enrolment).where(Enrolment.firm_id == firm_id).order_by(Enrolment.id)
        )

    async def reputation(self, firm_id: int) -> list[ReputationScore]:
        return await self._all(select(ReputationScore).where(ReputationScore.firm_id == firm_id))

    async def warnings(self, firm_id: int) -> list[FirmWarning]:
        return await self._all(
            select(FirmWarning).where(FirmWarning.firm_id == firm_id).order_by(FirmWarning.id)
        )

    async def flags_raised(self, firm_id: int) -> list[Flag]:
        return await self._all(
            select(Flag).where(Flag.reporter_firm_id == firm_id).order_by(Flag.id)
        )


class AccountRepository(Repository):
    async def user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def sole_owner_of_shared_firms(self, user_id: int) -> list[str]:
        """Firms the user alone owns while other people still work for them."""
        owned = select(Membership.firm_id).where(
            Membership.user_id == user_id, Membership.role == FirmRole.OWNER
        )
        rows = await self.session.execute(
            select(Firm.name)
            .join(Membership, Membership.firm_id == Firm.id)
            .where(col(Firm.id).in_(owned))
            .group_by(Firm.id, Firm.name)
            .having(
                func.sum(case((Membership.role == FirmRole.OWNER, 1), else_=0)) == 1,
                func.count() > 1,
            )
            .order_by(Firm.name)
        )
        return list(rows.scalars().all())

    async def sole_manager_of(self, user_id: int) -> list[str]:
        """Consortia the user alone manages (nobody could run them after the deletion)."""
        managed = select(ConsortiumManager.consortium_id).where(
            ConsortiumManager.user_id == user_id
        )
        rows = await self.session.execute(
            select(Consortium.name)
            .join(ConsortiumManager, ConsortiumManager.consortium_id == Consortium.id)
            .where(col(Consortium.id).in_(managed))
            .group_by(Consortium.id, Consortium.name)
            .having(func.count() == 1)
            .order_by(Consortium.name)
        )
        return list(rows.scalars().all())

    async def remove_roles(self, user_id: int) -> None:
        await self.session.execute(delete(Membership).where(Membership.user_id == user_id))
        await self.session.execute(
            delete(ConsortiumManager).where(ConsortiumManager.user_id == user_id)
        )

    async def remove_personal_records(self, user_id: int) -> None:
        """The user's inbox, the stored replies of their create requests, and their mail:
        settings, saved searches, queued or sent emails (they hold the address) and
        outstanding account links."""
        await self.session.execute(delete(Notification).where(Notification.user_id == user_id))
        for mail_table in (Email, MailSettings, SavedSearch, AccountToken):
            await self.session.execute(delete(mail_table).where(mail_table.user_id == user_id))
        await self.session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user_id)
        )

    async def tombstone(self, user_id: int, now: datetime) -> None:
        await self.session.execute(
            update(User)
            .where(User.id == user_id)
            .values(
                email=f"deleted-user-{user_id}@deleted.invalid",
                full_name="Deleted user",
                password_hash=None,
                is_active=False,
                is_staff=False,
                deleted_at=now,
            )
        )
