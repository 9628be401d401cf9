from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    bindparam,
    func,
    literal_column,
    null,
    type_coerce,
    union_all,
    update,
)
from sqlmodel import col, select

from distretto.kit.repository import Repository, compiled_rows
from distretto.models import (
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Firm,
    Membership,
    RefreshToken,
    User,
)
from distretto.models.base import UTCDateTime
from distretto.models.consortia import MemberStatus
from distretto.models.firms import FirmStatus

_USER_ID = bindparam("user_id", type_=Integer)

# Everything a request's ``Viewer`` is made of, in one round trip (it is read on every
# authenticated request, and never cached: a suspension or a removed membership must
# count from the next request on). Rows of three kinds, columns (kind, ref_id, detail,
# firm_status, is_staff, suspended_until):
#   user:       the account, only while it is usable; detail = email
#   firm:       one per membership; ref_id = firm, detail = role, firm_status
#   consortium: one per consortium the user manages; ref_id = consortium
# Built once: the statement and its compiled form are the same for every request.
VIEWER_FACTS = union_all(
    select(
        literal_column("'user'").label("kind"),
        col(User.id).label("ref_id"),
        col(User.email).label("detail"),
        null().label("firm_status"),
        col(User.is_staff).label("is_staff"),
        # Typed here, the first branch, so every row's value reads back as a datetime.
        type_coerce(null(), UTCDateTime).label("suspended_until"),
    ).where(User.id == _USER_ID, col(User.is_active).is_(True), col(User.deleted_at).is_(None)),
    select(
        literal_column("'firm'"),
        Membership.firm_id,
        Membership.role,
        Firm.status,
        null(),
        Firm.suspended_until,
    )
    .join(Firm, Firm.id == Membership.firm_id)
    .where(Membership.user_id == _USER_ID),
    select(
        literal_column("'consortium'"),
        ConsortiumManager.consortium_id,
        null(),
        null(),
        null(),
        null(),
    ).where(ConsortiumManager.user_id == _USER_ID),
)


class UserRepository(Repository):
    async def by_id(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def by_email(self, email: str) -> User | None:
        return (
            await self.session.scalars(select(User).where(func.lower(User.email) == email.lower()))
        ).first()

    async def email_taken(self, email: str) -> bool:
        return await self.by_email(email) is not None

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def memberships(self, user_id: int) -> list[tuple[int, str, str, str]]:
        rows = await self.session.execute(
            select(Membership.firm_id, Firm.name, Membership.role, Firm.status)
            .join(Firm, Firm.id == Membership.firm_id)
            .where(Membership.user_id == user_id)
            .order_by(Firm.name)
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows.all()]

    async def viewer_facts(self, user_id: int) -> list[Row[Any]]:
        """The rows of ``VIEWER_FACTS``: none when the account is unknown or disabled."""
        return list(await compiled_rows(self.session, VIEWER_FACTS, {"user_id": user_id}))

    async def consortium_roles(self, user_id: int) -> list[tuple[int, str]]:
        """Managers by appointment; members through an active member firm."""
        managed = set(
            (
                await self.session.scalars(
                    select(ConsortiumManager.consortium_id).where(
                        ConsortiumManager.user_id == user_id
                    )
                )
            ).all()
        )
        member_of = set(
            (
                await self.session.scalars(
                    select(ConsortiumMember.consortium_id)
                    .join(Membership, Membership.firm_id == ConsortiumMember.firm_id)
                    .join(Consortium, Consortium.id == ConsortiumMember.consortium_id)
                    .where(
                        Membership.user_id == user_id,
                        ConsortiumMember.status == MemberStatus.ACTIVE,
                    )
                )
            ).all()
        )
        roles = {cid: "manager" for cid in managed}
        roles.update({cid: "member" for cid in member_of - managed})
        return sorted(roles.items())


class FirmStandingRepository(Repository):
    async def lift_ended(self, firm_ids: Sequence[int], now: datetime) -> set[int]:
        """Reinstate those of ``firm_ids`` whose dated suspension ended by ``now``: one
        conditional UPDATE, so two requests lifting at once reinstate a firm once."""
        lifted = await self.session.execute(
            update(Firm)
            .where(
                col(Firm.id).in_(list(firm_ids)),
                col(Firm.status) == FirmStatus.SUSPENDED,
                col(Firm.suspended_until).is_not(None),
                col(Firm.suspended_until) <= now,
            )
            .values(status=FirmStatus.ACTIVE, suspended_until=None, updated_at=now)
            .returning(col(Firm.id))
            .execution_options(synchronize_session="fetch")
        )
        return {int(firm_id) for (firm_id,) in lifted if firm_id is not None}


class RefreshTokenRepository(Repository):
    async def add(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def by_hash(self, token_hash: str) -> RefreshToken | None:
        return (
            await self.session.scalars(
                select(RefreshToken).where(RefreshToken.token_hash == token_hash)
            )
        ).first()

    async def consume(self, token_id: int, now: datetime) -> bool:
        """Mark used only if still fresh; a False return means someone used it first."""
        result = await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token_id,
                col(RefreshToken.used_at).is_(None),
                col(RefreshToken.revoked_at).is_(None),
            )
            .values(used_at=now)
        )
        return result.rowcount == 1

    async def revoke_family(self, family_id: str, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )

    async def live_families(self, user_id: int) -> set[str]:
        rows = await self.session.scalars(
            select(RefreshToken.family_id).where(
                RefreshToken.user_id == user_id, col(RefreshToken.revoked_at).is_(None)
            )
        )
        return set(rows.all())

    async def revoke_all_for_user(self, user_id: int, now: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, col(RefreshToken.revoked_at).is_(None))
            .values(revoked_at=now)
        )
