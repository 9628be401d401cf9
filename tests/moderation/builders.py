"""Builders for moderation tests: staff people, flags, resolutions, events."""

from typing import Any

import httpx
from sqlalchemy import select

from distretto.models import Event, EventAudience
from tests.helpers import Actor, make_staff, register


async def staff_member(client: httpx.AsyncClient, app: Any) -> Actor:
    return await make_staff(app, await register(client, full_name="Ufficio Associazione"))


async def flag(
    client: httpx.AsyncClient,
    reporter: Actor,
    target_type: str,
    target_id: int,
    reason: str = "Looks like a fake",
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        "/flags",
        json={"target_type": target_type, "target_id": target_id, "reason": reason, **extra},
        headers=reporter.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def resolve(
    client: httpx.AsyncClient, staff: Actor, flag_id: int, action: str, note: str = "Checked"
) -> dict[str, Any]:
    response = await client.post(
        f"/moderation/flags/{flag_id}/resolve",
        json={"action": action, "note": note},
        headers=staff.headers,
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def queue(client: httpx.AsyncClient, staff: Actor, **params: Any) -> list[dict[str, Any]]:
    response = await client.get("/moderation/flags", params=params, headers=staff.headers)
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def events_for(app: Any, audience_key: str) -> list[tuple[str, dict[str, Any]]]:
    async with app.state.ctx.sessionmaker() as session:
        rows = await session.execute(
            select(Event.type, Event.data)
            .join(EventAudience, EventAudience.event_id == Event.id)
            .where(EventAudience.audience_key == audience_key)
            .order_by(Event.id)
        )
        return [(t, d) for t, d in rows.all()]


async def audit_actions(client: httpx.AsyncClient, staff: Actor, **params: Any) -> list[str]:
    response = await client.get("/moderation/audit-log", params=params, headers=staff.headers)
    assert response.status_code == 200, response.text
    return [e["action"] for e in response.json()["items"]]
