"""The demo district's mail: settings, saved searches, a pending invitation, and no
flood of its history into anyone's inbox."""

import random

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select

from distretto.auth.security import hash_password
from distretto.models import Email, Event, OutboxCursor, SavedSearch
from distretto.seed.firms import seed_firms
from distretto.seed.mail import seed_mail
from distretto.seed.world import DEMO_PASSWORD, DemoWorld
from tests.helpers import login
from tests.mail.smtp import deliver, smtp_server


async def test_demo_mail_settings_searches_and_invitation(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    ctx = app.state.ctx
    async with ctx.sessionmaker() as session:
        world = DemoWorld(
            session=session,
            rng=random.Random(1),
            password_hash=await hash_password(ctx.hasher, DEMO_PASSWORD),
            settings=ctx.settings,
        )
        await seed_firms(world)
        await seed_mail(world)
        await session.commit()
        searches = (await session.scalars(select(SavedSearch))).all()
        latest = await session.scalar(select(func.max(Event.id))) or 0
        cursor = await session.get(OutboxCursor, "mail")
    assert len(searches) == 3 and {s.phase for s in searches} == {"dyeing", "stitching"}
    assert cursor is not None and cursor.last_event_id == latest

    owner = world.final_firms[0]
    tokens = await login(client, owner.owner_email, DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    pending = await client.get(f"/firms/{owner.id}/invitations", headers=headers)
    assert [(i["email"], i["role"]) for i in pending.json()] == [
        ("nuova.collaboratrice@example.it", "manager")
    ]
    with smtp_server() as (box, url):
        await deliver(app, url)
    assert box.received == []
    async with ctx.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Email)) == 0
