"""All SQL of account mail: single-use tokens, invitations, and the few user and
membership writes they lead to."""

from datetime import datetime

from sqlalchemy import update
from sqlmodel import col, select

from distretto.kit.repository import Repository
from distretto.models import AccountToken, Firm, FirmInvitation, Membership, User
from distretto.models.firms import FirmRole
from distretto.models.mail import AccountTokenPurpose, InvitationStatus


class AccountTokenRepository(Repository):
    async def by_hash(self, token_hash: str, purpose: AccountTokenPurpose) -> AccountToken | None:
        return (
            await self.session.scalars(
                select(AccountToken).where(
                    AccountToken.token_hash == token_hash, AccountToken.purpose == purpose
                )
            )
        ).first()

    async def use(self, token_id: int, now: datetime) -> bool:
        """Spend the token; False if it was already spent or has expired (two clicks
        at once: one wins)."""
        result = await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.id == token_id,
                col(AccountToken.used_at).is_(None),
                col(AccountToken.expires_at) > now,
            )
            .values(used_at=now)
        )
        return bool(result.rowcount)

    async def spend_all(self, user_id: int, purpose: AccountTokenPurpose, now: datetime) -> None:
        """Every other outstanding link of this kind stops working too."""
        await self.session.execute(
            update(AccountToken)
            .where(
                AccountToken.user_id == user_id,
                AccountToken.purpose == purpose,
                col(AccountToken.used_at).is_(None),
            )
            .values(used_at=now)
        )


class InvitationRepository(Repository):
    async def by_hash(self, token_hash: str) -> FirmInvitation | None:
        return (
            await self.session.scalars(
                select(FirmInvitation).where(FirmInvitation.token_hash == token_hash)
            )
        ).first()

    async def pending(self, firm_id: int, now: datetime) -> list[FirmInvitation]:
        rows = await self.session.scalars(
            select(FirmInvitation)
            .where(
                FirmInvitation.firm_id == firm_id,
                FirmInvitation.status == InvitationStatus.PENDING,
                col(FirmInvitation.expires_at) > now,
            )
            .order_by(col(FirmInvitation.id).desc())
        )
        return list(rows.all())

    async def pending_for(self, firm_id: int, email: str, now: datetime) -> FirmInvitation | None:
        return (
            await self.session.scalars(
                select(FirmInvitation).where(
                    FirmInvitation.firm_id == firm_id,
                    FirmInvitation.email == email,
                    FirmInvitation.status == InvitationStatus.PENDING,
                    col(FirmInvitation.expires_at) > now,
                )
            )
        ).first()

    async def decide(
        self,
        invitation_id: int,
        status: InvitationStatus,
        now: datetime,
        *,
        firm_id: int | None = None,
        user_id: int | None = None,
    ) -> bool:
        """Move a pending, unexpired invitation to ``status``; False if it was not
        pending any more (accepted or revoked meanwhile) or has expired."""
        stmt = update(FirmInvitation).where(
            FirmInvitation.id == invitation_id,
            FirmInvitation.status == InvitationStatus.PENDING,
            col(FirmInvitation.expires_at) > now,
        )
        if firm_id is not None:
            stmt = stmt.where(FirmInvitation.firm_id == firm_id)
        result = await self.session.execute(
            stmt.values(status=status, decided_at=now, accepted_by_user_id=user_id)
        )
        return bool(result.rowcount)


class PeopleRepository(Repository):
    async def user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def usable_by_email(self, email: str) -> User | None:
        return (
            await self.session.scalars(
                select(User).where(
                    User.email == email.lower(),
                    User.is_active == True,  # noqa: E712
                    col(User.deleted_at).is_(None),
                )
            )
        ).first()

    async def set_password(self, user_id: int, password_hash: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(password_hash=password_hash)
        )

    async def mark_verified(self, user_id: int, email: str, now: datetime) -> bool:
        """Only while the account still has the address the link was sent to."""
        result = await self.session.execute(
            update(User)
            .where(User.id == user_id, User.email == email, col(User.email_verified_at).is_(None))
            .values(email_verified_at=now)
        )
        return bool(result.rowcount)

    async def firm(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    async def is_member(self, firm_id: int, user_id: int) -> bool:
        found = await self.session.scalar(
            select(Membership.id).where(
                Membership.firm_id == firm_id, Membership.user_id == user_id
            )
        )
        return found is not None

    async def member_emails(self, firm_id: int) -> set[str]:
        rows = await self.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.firm_id == firm_id)
        )
        return set(rows.all())

    async def join(self, firm_id: int, user_id: int, role: FirmRole, now: datetime) -> None:
        await self.add_and_flush(
            Membership(firm_id=firm_id, user_id=user_id, role=role, created_at=now)
        )
