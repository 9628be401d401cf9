"""Small builders the tests share: people, firms, tokens, valid VAT numbers.

The set-up helpers (``register``, ``login``, ``create_firm``, ``firm_owner``,
``add_member``) build through the app's own services, in one transaction each, when the
client is one of ``tests/conftest.py``'s (``bind_app`` records its app): the same
services the routes call, the same ``session_scope`` the request dependency opens (its
events published after the commit), so every row, audit entry, outbox event and mail is
written as by the route, without the HTTP and ASGI machinery around it, which cost most
of a set-up's CPU. A test whose subject is that request itself passes ``via_http=True``
(or posts it with the client); a client of a server in another process goes over HTTP.
"""

import inspect
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.accounts import service as accounts_service
from distretto.auth import service as auth_service
from distretto.auth.schemas import RegisterIn
from distretto.auth.viewer import Viewer, viewer_of_token
from distretto.db import session_scope
from distretto.firms import schemas as firm_schemas
from distretto.firms import service as firms_service
from distretto.firms.vat import vat_for_company
from distretto.kit.clock import get_clock
from distretto.kit.messages import negotiate

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


# The app behind each in-process test client, recorded by the client fixtures.
_APPS: WeakKeyDictionary[httpx.AsyncClient, FastAPI] = WeakKeyDictionary()
# The peer address httpx's ASGITransport gives every request (what the routes see).
ASGI_PEER = "127.0.0.1"


def bind_app(client: httpx.AsyncClient, app: FastAPI) -> None:
    """``client`` talks to ``app`` in this process: set-up helpers may use its services."""
    _APPS[client] = app


def _direct(client: httpx.AsyncClient, via_http: bool) -> FastAPI | None:
    return None if via_http else _APPS.get(client)


@asynccontextmanager
async def _transaction(app: FastAPI) -> AsyncIterator[AsyncSession]:
    """One transaction as a request's (``db._request_session``): committed at the end,
    its outbox events handed to the app's sink after the commit."""
    state = app.state
    async with session_scope(state.sessionmaker, getattr(state, "event_sink", None)) as session:
        yield session


async def _now(app: FastAPI) -> datetime:
    """The instant a route's ``ClockDep`` would give (a test may override it per app)."""
    clock_of_request = app.dependency_overrides.get(get_clock, get_clock)()
    if inspect.isawaitable(clock_of_request):
        clock_of_request = await clock_of_request
    instant: datetime = clock_of_request()
    return instant


async def _viewer(app: FastAPI, session: AsyncSession, actor: Actor) -> Viewer:
    """Who the actor's bearer token speaks for, read as the routes read it."""
    viewer, _ = await viewer_of_token(app.state, session, actor.token, await _now(app))
    return viewer


async def register(
    client: httpx.AsyncClient,
    email: str | None = None,
    password: str = PASSWORD,
    full_name: str = "Test Person",
    *,
    via_http: bool = False,
) -> Actor:
    email = email or f"user{next(_counter)}@example.it"
    app = _direct(client, via_http)
    if app is None:
        created = await client.post(
            "/auth/register", json={"email": email, "password": password, "full_name": full_name}
        )
        assert created.status_code == 201, created.text
        tokens = await login(client, email, password, via_http=True)
        return Actor(created.json()["id"], email, tokens["access_token"], tokens["refresh_token"])
    data = RegisterIn(email=email, password=password, full_name=full_name)
    # As POST /auth/register (no Accept-Language: the default language), then the tokens
    # a sign-in issues (the password was just set: checking it again proves nothing).
    async with _transaction(app) as session:
        ctx = app.state.ctx
        user = await accounts_service.register(session, ctx, data, negotiate(None), await _now(app))
        assert user.id is not None
        pair = await auth_service.issue_tokens(session, ctx, user.id)
    return Actor(user.id, email, pair.access_token, pair.refresh_token)


async def login(
    client: httpx.AsyncClient, email: str, password: str = PASSWORD, *, via_http: bool = False
) -> dict[str, Any]:
    app = _direct(client, via_http)
    if app is None:
        response = await client.post("/auth/token", data={"username": email, "password": password})
        assert response.status_code == 200, response.text
        return dict(response.json())
    async with _transaction(app) as session:
        pair = await auth_service.login(session, app.state.ctx, email, password, ASGI_PEER)
    return pair.model_dump(mode="json")


async def create_firm(
    client: httpx.AsyncClient, actor: Actor, *, via_http: bool = False, **overrides: Any
) -> dict[str, Any]:
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
    app = _direct(client, via_http)
    if app is None:
        response = await client.post("/firms", json=body, headers=actor.headers)
        assert response.status_code == 201, response.text
        firm = dict(response.json())
    else:
        data = firm_schemas.FirmCreate.model_validate(body)
        async with _transaction(app) as session:
            out = await firms_service.create(session, await _viewer(app, session, actor), data)
        firm = out.model_dump(mode="json")
    actor.firm_ids.append(firm["id"])
    return firm


async def firm_owner(
    client: httpx.AsyncClient, *, via_http: bool = False, **firm_fields: Any
) -> Actor:
    actor = await register(client, via_http=via_http)
    await create_firm(client, actor, via_http=via_http, **firm_fields)
    return actor


async def add_member(
    client: httpx.AsyncClient, owner: Actor, role: str, *, via_http: bool = False
) -> Actor:
    person = await register(client, via_http=via_http)
    app = _direct(client, via_http)
    if app is None:
        response = await client.post(
            f"/firms/{owner.firm_id}/members",
            json={"email": person.email, "role": role},
            headers=owner.headers,
        )
        assert response.status_code == 201, response.text
    else:
        data = firm_schemas.MemberIn.model_validate({"email": person.email, "role": role})
        async with _transaction(app) as session:
            viewer = await _viewer(app, session, owner)
            await firms_service.add_member(session, viewer, owner.firm_id, data)
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
