"""Builders for consortium tests: a consortium with its manager, member firms, fairs."""

import itertools
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from distretto.models import Event, EventAudience, Firm, TradeFair
from tests.helpers import Actor, firm_owner, register

_names = itertools.count(1)


def days_from_now(days: int) -> date:
    return datetime.now(UTC).date() + timedelta(days=days)


def moment_from_now(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).isoformat()


async def consortium(
    client: httpx.AsyncClient, manager: Actor | None = None, **overrides: Any
) -> tuple[Actor, dict[str, Any]]:
    """A consortium and the user who created it (and so manages it)."""
    manager = manager or await register(client, full_name="Segreteria Consorzio")
    body = {
        "name": f"Consorzio Prova {next(_names)}",
        "description": "Export consortium of the district",
        "kind": "export",
    }
    body.update(overrides)
    response = await client.post("/consortia", json=body, headers=manager.headers)
    assert response.status_code == 201, response.text
    return manager, dict(response.json())


async def join(client: httpx.AsyncClient, consortium_id: int, owner: Actor) -> None:
    response = await client.post(
        f"/consortia/{consortium_id}/members",
        json={"firm_id": owner.firm_id},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text


async def approve(
    client: httpx.AsyncClient, consortium_id: int, manager: Actor, firm_id: int
) -> None:
    response = await client.post(
        f"/consortia/{consortium_id}/members/{firm_id}/approve", headers=manager.headers
    )
    assert response.status_code == 200, response.text


async def member_firm(
    client: httpx.AsyncClient, consortium_id: int, manager: Actor, **firm_fields: Any
) -> Actor:
    """The owner of a new firm that is an active member of the consortium."""
    owner = await firm_owner(client, **firm_fields)
    await join(client, consortium_id, owner)
    await approve(client, consortium_id, manager, owner.firm_id)
    return owner


def fair_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Pitti Immagine Filati",
        "venue": "Fortezza da Basso",
        "city": "Firenze",
        "country": "Italia",
        "starts_on": days_from_now(60).isoformat(),
        "ends_on": days_from_now(62).isoformat(),
        "signup_deadline": moment_from_now(days=30),
        "total_cost": "48500.00",
        "booth_area_m2": 120,
        "cost_split": "equal",
        "max_firms": 8,
    }
    body.update(overrides)
    return body


async def trade_fair(
    client: httpx.AsyncClient, manager: Actor, consortium_id: int, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/consortia/{consortium_id}/trade-fairs",
        json=fair_body(**overrides),
        headers=manager.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def sign_up(
    client: httpx.AsyncClient, fair_id: int, owner: Actor, area: Any = None
) -> httpx.Response:
    body: dict[str, Any] = {"firm_id": owner.firm_id}
    if area is not None:
        body["area_m2"] = area
    return await client.post(
        f"/trade-fairs/{fair_id}/participations", json=body, headers=owner.headers
    )


async def pass_signup_deadline(app: Any, fair_id: int) -> None:
    """Move the deadline into the past (the API refuses to create a fair like that)."""
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(TradeFair)
            .where(TradeFair.id == fair_id)
            .values(signup_deadline=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()


async def set_firm(app: Any, firm_id: int, **values: Any) -> None:
    """Association decisions (verify, suspend) made directly: moderation is not ours."""
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Firm).where(Firm.id == firm_id).values(**values))
        await session.commit()


async def events_for(app: Any, audience_key: str, type_: str) -> list[dict[str, Any]]:
    from sqlmodel import select

    async with app.state.ctx.sessionmaker() as session:
        rows = await session.scalars(
            select(Event)
            .join(EventAudience, EventAudience.event_id == Event.id)
            .where(EventAudience.audience_key == audience_key, Event.type == type_)
            .order_by(Event.id)
        )
        return [dict(e.data) for e in rows.all()]
