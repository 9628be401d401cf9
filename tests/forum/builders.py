"""Builders for forum tests: staff, topics, consultations, and moving their clocks."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from distretto.models import ForumTopic
from tests.helpers import Actor, make_staff, register


async def staff(client: httpx.AsyncClient, app: Any) -> Actor:
    return await make_staff(app, await register(client, full_name="Segreteria Associazione"))


async def topic(client: httpx.AsyncClient, author: Actor, **overrides: Any) -> dict[str, Any]:
    body = {
        "category": "abbigliamento",
        "title": "Tariffe di riferimento per la cucitura",
        "body": "Qualcuno ha già visto le nuove **tariffe**?",
    }
    body.update(overrides)
    response = await client.post("/forum/topics", json=body, headers=author.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def consultation(
    client: httpx.AsyncClient, staff_user: Actor, **overrides: Any
) -> dict[str, Any]:
    body = {
        "category": "consultazioni",
        "title": "Tariffa minima proposta per l'orlatura",
        "body": "L'associazione propone 2,10 € al paio come minimo.",
        "options": ["Favorevole", "Contrario", "Astenuto"],
        "closes_at": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
    }
    body.update(overrides)
    return await topic(client, staff_user, **body)


async def close_now(app: Any, topic_id: int) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(ForumTopic)
            .where(ForumTopic.id == topic_id)
            .values(closes_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()


async def vote(
    client: httpx.AsyncClient, topic_id: int, voter: Actor, option: str, firm_id: int | None = None
) -> httpx.Response:
    return await client.post(
        f"/forum/topics/{topic_id}/votes",
        json={"firm_id": firm_id or voter.firm_id, "option": option},
        headers=voter.headers,
    )
