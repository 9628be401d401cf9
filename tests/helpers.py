"""Small builders the tests share: people, firms, tokens, valid VAT numbers."""

import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx

from distretto.firms.vat import vat_for_company

PASSWORD = "correct-horse-battery"
_counter = itertools.count(1)


def valid_vat(seed: int | None = None) -> str:
    number = seed if seed is not None else next(_counter)
    return vat_for_company((1_000_000 + number * 7) % 10_000_000)


@dataclass
class Actor:
    user_id: int
    email: str
    token: str
    refresh_token: str
    firm_ids: list[int] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def firm_id(self) -> int:
        return self.firm_ids[0]


async def register(
    client: httpx.AsyncClient,
    email: str | None = None,
    password: str = PASSWORD,
    full_name: str = "Test Person",
) -> Actor:
    email = email or f"user{next(_counter)}@example.it"
    created = await client.post(
        "/auth/register", json={"email": email, "password": password, "full_name": full_name}
    )
    assert created.status_code == 201, created.text
    tokens = await login(client, email, password)
    return Actor(created.json()["id"], email, tokens["access_token"], tokens["refresh_token"])


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def create_firm(client: httpx.AsyncClient, actor: Actor, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": f"Tessitura Prova {next(_counter)} S.r.l.",
        "vat_number": valid_vat(),
        "phases": ["weaving"],
        "region": "Toscana",
        "province": "PO",
        "size_class": "small",
        "description": "Test firm",
    }
    body.update(overrides)
    response = await client.post("/firms", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    firm = dict(response.json())
    actor.firm_ids.append(firm["id"])
    return firm


async def firm_owner(client: httpx.AsyncClient, **firm_fields: Any) -> Actor:
    actor = await register(client)
    await create_firm(client, actor, **firm_fields)
    return actor


async def add_member(client: httpx.AsyncClient, owner: Actor, role: str) -> Actor:
    person = await register(client)
    response = await client.post(
        f"/firms/{owner.firm_id}/members",
        json={"email": person.email, "role": role},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text
    person.firm_ids.append(owner.firm_id)
    return person


async def make_staff(app: Any, actor: Actor) -> Actor:
    from sqlalchemy import update

    from distretto.models import User

    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(User).where(User.id == actor.user_id).values(is_staff=True))
        await session.commit()
    return actor


def problem_fields(response: httpx.Response) -> set[str]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    return {e["field"] for e in response.json().get("errors", [])}
