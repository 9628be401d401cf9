from sqlalchemy import func, select

from distretto.app import build_context, close_context
from distretto.auth.security import hash_password
from distretto.config import Settings
from distretto.models import User


async def create_staff_user(settings: Settings, email: str, password: str) -> int:
    if len(password) < 10:
        raise SystemExit("password must be at least 10 characters")
    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            user = (
                await session.scalars(select(User).where(func.lower(User.email) == email.lower()))
            ).first()
            if user is None:
                # The name is shown to Italian readers (audit log, announcements):
                # the district's language, as the demo's staff account.
                user = User(email=email.lower(), full_name="Ufficio Associazione")
            user.is_staff = True
            user.password_hash = await hash_password(ctx.hasher, password)
            session.add(user)
            await session.commit()
            assert user.id is not None
            return user.id
    finally:
        await close_context(ctx)
