from datetime import datetime

from sqlalchemy import delete, update
from sqlmodel import select

from distretto.kit.repository import Repository
from distretto.models import OidcIdentity


class IdentityRepository(Repository):
    async def find(self, provider: str, subject: str) -> OidcIdentity | None:
        return (
            await self.session.scalars(
                select(OidcIdentity).where(
                    OidcIdentity.provider == provider, OidcIdentity.subject == subject
                )
            )
        ).first()

    async def add(self, identity: OidcIdentity) -> OidcIdentity:
        self.session.add(identity)
        await self.session.flush()
        return identity

    async def touch(self, identity_id: int, email: str, now: datetime) -> None:
        await self.session.execute(
            update(OidcIdentity)
            .where(OidcIdentity.id == identity_id)
            .values(email=email, last_login_at=now)
        )

    async def unlink_all(self, user_id: int) -> None:
        await self.session.execute(delete(OidcIdentity).where(OidcIdentity.user_id == user_id))
