"""``distretto seed-demo``: a believable district, built by steps in order.

Later features add their step to ``STEPS`` (market history, trade fairs, …).
"""

import random
from collections.abc import Awaitable, Callable

from sqlalchemy import func, select

from distretto.app import build_context, close_context
from distretto.auth.security import hash_password
from distretto.config import Settings
from distretto.models import Firm
from distretto.seed.capacity import seed_capacity
from distretto.seed.consortia import seed_consortia
from distretto.seed.consortia_activity import seed_consortia_activity
from distretto.seed.documents import seed_documents
from distretto.seed.firms import seed_firms
from distretto.seed.forum import seed_forum
from distretto.seed.guarantees import seed_guarantees
from distretto.seed.mail import seed_mail
from distretto.seed.market import seed_market
from distretto.seed.moderation import seed_moderation
from distretto.seed.tariffs import seed_tariffs
from distretto.seed.trade import seed_trade
from distretto.seed.world import DEMO_PASSWORD, DemoWorld

Step = Callable[[DemoWorld], Awaitable[None]]
STEPS: list[Step] = [
    seed_firms,
    seed_consortia,
    seed_consortia_activity,
    seed_market,
    seed_trade,
    seed_moderation,
    seed_documents,
    seed_tariffs,
    seed_capacity,
    seed_forum,
    seed_guarantees,
    seed_mail,
]


async def seed(settings: Settings) -> str:
    ctx = build_context(settings)
    try:
        async with ctx.sessionmaker() as session:
            if await session.scalar(select(func.count()).select_from(Firm)):
                return "database already has firms; demo seed skipped"
            world = DemoWorld(
                session=session,
                rng=random.Random(20261122),
                password_hash=await hash_password(ctx.hasher, DEMO_PASSWORD),
                settings=settings,
            )
            for step in STEPS:
                await step(world)
            await session.commit()
            return (
                f"demo district seeded: {len(world.firms)} firms, "
                f"{len(world.consortia)} consortia; sign in as "
                f"{world.final_firms[0].owner_email} / {DEMO_PASSWORD} "
                f"or staff@distretto.example / {DEMO_PASSWORD}"
            )
    finally:
        await close_context(ctx)
