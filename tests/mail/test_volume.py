"""One order matching 5,000 saved searches: 5,000 notifications and 5,000 queued emails,
each once. How fast is the benchmark's business, never a timed test (3.6 s measured on
PostgreSQL under a load of ~10 when this was written)."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, insert, select

from distretto.kit import clock
from distretto.models import Email, MailSettings, Membership, Notification, SavedSearch, User
from tests.helpers import firm_owner
from tests.mail.smtp import notify, sender
from tests.market.builders import post_order

WATCHERS = 5000


@pytest.mark.postgres_only
async def test_one_order_matching_5000_saved_searches_queues_5000_mails_quickly(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    weaver = await firm_owner(client, phases=["weaving"])
    office = await firm_owner(client, phases=["spinning"])
    now = clock.now()
    async with app.state.ctx.sessionmaker() as session:
        ids = (
            await session.scalars(
                insert(User)
                .returning(User.id)
                .values(
                    [
                        {
                            "email": f"watcher{i}@volume.example.it",
                            "full_name": f"Tintore {i}",
                            "is_staff": False,
                            "is_active": True,
                            "created_at": now,
                        }
                        for i in range(WATCHERS)
                    ]
                )
            )
        ).all()
        # Members of a spinning mill: they may see public orders, and the
        # board's own announcement of the order does not reach them.
        await session.execute(
            insert(Membership).values(
                [
                    {"firm_id": office.firm_id, "user_id": u, "role": "member", "created_at": now}
                    for u in ids
                ]
            )
        )
        await session.execute(
            insert(SavedSearch).values(
                [
                    {"user_id": u, "name": "Tintura", "phase": "dyeing", "created_at": now}
                    for u in ids
                ]
            )
        )
        # Half of them read English: the language costs nothing at queue time.
        await session.execute(
            insert(MailSettings).values(
                [
                    {
                        "user_id": u,
                        "email": "immediate",
                        "language": "en",
                        "kinds": {},
                        "updated_at": now,
                    }
                    for u in ids[::2]
                ]
            )
        )
        await session.commit()

    await post_order(client, weaver)
    await notify(app)  # the order.created event itself
    mail = sender(app, "smtp://127.0.0.1:9")  # never reached: this test only queues
    await mail.queue()  # matches the searches: one event addressed to 5,000 people
    await notify(app)  # 5,000 notifications
    await mail.queue()  # 5,000 emails

    async with app.state.ctx.sessionmaker() as session:
        notified = await session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.type == "saved_search.matched")
        )
        queued = await session.scalar(
            select(func.count(func.distinct(Email.user_id))).where(Email.template == "event")
        )
        rows = await session.scalar(
            select(func.count()).select_from(Email).where(Email.template == "event")
        )
    assert notified == WATCHERS and queued == WATCHERS and rows == WATCHERS
