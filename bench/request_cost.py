"""App CPU and SQL statements per request, measured in process.

No server and no load generator: a small district is built through the API in a fresh
PostgreSQL database, then each kind of request is sent N times in sequence through
httpx's ASGI transport. For each kind it reports the process CPU time per request
(``time.process_time``: the app plus the in-process client; ``/healthz`` shows what the
framework and the client alone cost) and the SQL statements the request itself executed
(background tasks such as the notification relay run in their own context and are not
counted). A regression check of the cost of one request, not a throughput test.

    uv run python -m bench.request_cost --requests 500
"""

import argparse
import asyncio
import contextvars
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import asyncpg
import httpx
from fastapi import FastAPI
from sqlalchemy import event

from bench.config import PG_ADMIN_DSN, REDIS_URL
from distretto.app import create_app
from distretto.cli import run_migrations
from distretto.config import Settings
from distretto.firms.vat import vat_for_company
from distretto.models import Consortium, ConsortiumMember
from distretto.realtime.relay import NotificationRelay

PASSWORD = "request-cost-password"
RARE_WORD = "vigogna"
# One order in this many carries the rare word (a selective search returns a few).
RARE_EVERY = 40

_counting: contextvars.ContextVar[list[int] | None] = contextvars.ContextVar(
    "counting", default=None
)


@dataclass
class Cost:
    name: str
    cpu_ms: list[float]
    statements: list[int]

    def line(self) -> str:
        mean = statistics.fmean(self.cpu_ms)
        median = statistics.median(self.cpu_ms)
        counts = sorted(set(self.statements))
        shown = str(counts[0]) if len(counts) == 1 else f"{counts[0]}-{counts[-1]}"
        return f"| {self.name} | {mean:.2f} | {median:.2f} | {shown} |"


def _count_statements(_conn: Any, *_args: Any) -> None:
    counter = _counting.get()
    if counter is not None:
        counter[0] += 1


async def _measure(
    name: str, send: Callable[[int], Awaitable[httpx.Response]], requests: int, status: int
) -> Cost:
    cpu_ms: list[float] = []
    statements: list[int] = []
    for i in range(requests):
        counter = [0]
        token = _counting.set(counter)
        started = time.process_time()
        response = await send(i)
        cpu_ms.append((time.process_time() - started) * 1000)
        _counting.reset(token)
        assert response.status_code == status, (name, response.status_code, response.text)
        statements.append(counter[0])
    return Cost(name, cpu_ms, statements)


@dataclass
class Person:
    token: str
    firm_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


_serial = iter(range(1, 1_000_000))


async def _owner(client: httpx.AsyncClient, phase: str) -> Person:
    n = next(_serial)
    email = f"cost{n}@example.it"
    created = await client.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "full_name": f"Person {n}"}
    )
    assert created.status_code == 201, created.text
    tokens = await client.post("/auth/token", data={"username": email, "password": PASSWORD})
    token = tokens.json()["access_token"]
    firm = await client.post(
        "/firms",
        json={
            "name": f"Lanificio Misura {n} S.r.l.",
            "vat_number": vat_for_company(4_000_000 + n * 13),
            "phases": [phase],
            "region": "Toscana",
            "province": "PO",
            "size_class": "small",
            "description": "request cost district",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert firm.status_code == 201, firm.text
    return Person(token, firm.json()["id"])


async def _consortium(app: FastAPI, firm_ids: list[int]) -> int:
    async with app.state.ctx.sessionmaker() as session:
        consortium = Consortium(name=f"Consorzio Misura {uuid.uuid4().hex[:6]}", kind="export")
        session.add(consortium)
        await session.flush()
        assert consortium.id is not None
        session.add_all(
            [
                ConsortiumMember(consortium_id=consortium.id, firm_id=f, status="active")
                for f in firm_ids
            ]
        )
        await session.commit()
        return consortium.id


@dataclass
class District:
    clients: list[Person]
    viewer: Person
    rival: Person
    order_ids: list[int]


async def _district(client: httpx.AsyncClient, app: FastAPI, orders: int) -> District:
    """Two clients, the viewing bidder and a rival; public, invited and consortium
    orders, half of them with a rival bid, so every page has counts, names, invitations."""
    clients = [await _owner(client, "weaving") for _ in range(2)]
    viewer, rival = await _owner(client, "dyeing"), await _owner(client, "dyeing")
    consortium_id = await _consortium(app, [clients[0].firm_id, viewer.firm_id, rival.firm_id])
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    due = (datetime.now(UTC) + timedelta(days=40)).date().isoformat()
    order_ids = []
    for i in range(orders):
        poster = clients[i % 2]
        body: dict[str, Any] = {
            "firm_id": poster.firm_id,
            "title": f"Tessuto cardato lotto {i}"
            + (f" {RARE_WORD}" if i % RARE_EVERY == 0 else ""),
            "description": "Tessuto di lana rigenerata, finissaggio morbido, colore blu navy",
            "phase": "dyeing",
            "quantity": 1000 + i,
            "unit": "m",
            "target_unit_price": "4.20",
            "bid_deadline": deadline,
            "delivery_due": due,
        }
        if i % 7 == 3:
            body |= {"visibility": "invited", "invited_firm_ids": [viewer.firm_id, rival.firm_id]}
        elif i % 5 == 4 and poster is clients[0]:
            body |= {"visibility": "consortium", "consortium_id": consortium_id}
        created = await client.post("/orders", json=body, headers=poster.headers)
        assert created.status_code == 201, created.text
        order_ids.append(created.json()["id"])
    for order_id in order_ids[::2]:
        bid = await client.post(
            f"/orders/{order_id}/bids",
            json=_bid(rival.firm_id, "4.05"),
            headers=rival.headers,
        )
        assert bid.status_code == 201, bid.text
    return District(clients, viewer, rival, order_ids)


def _bid(firm_id: int, unit_price: str) -> dict[str, Any]:
    due = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    return {"firm_id": firm_id, "unit_price": unit_price, "delivery_date": due, "notes": "ok"}


async def _cursor_after(client: httpx.AsyncClient, person: Person, pages: int) -> str:
    cursor = ""
    for _ in range(pages):
        params = {"status": "open"} | ({"cursor": cursor} if cursor else {})
        page = await client.get("/orders", params=params, headers=person.headers)
        cursor = page.json()["next_cursor"]
        assert isinstance(cursor, str), page.text
    return cursor


async def run(requests: int, *, relay: bool = True) -> list[Cost]:
    name = f"distretto_cost_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_DSN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = (
        f"{PG_ADMIN_DSN.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+asyncpg://')}/{name}"
    )
    try:
        await asyncio.to_thread(run_migrations, url)
        settings = Settings(
            environment="test",
            database_url=url,
            redis_url=REDIS_URL,
            redis_namespace=f"distretto-cost-{uuid.uuid4().hex[:8]}",
            secret_key="request-cost-secret-key-0123456789-abcdefghijklmnop",
            frontend_dist=None,
            bid_rate_per_minute=1_000_000,
        )
        app = create_app(settings)
        # Each bid wakes the notification relay, whose work then counts in the CPU of the
        # requests it overlaps; without it the figures are the requests' own.
        relay_start = NotificationRelay.start if relay else lambda _: None
        with mock.patch.object(NotificationRelay, "start", relay_start):
            async with app.router.lifespan_context(app):
                event.listen(
                    app.state.ctx.engine.sync_engine, "before_cursor_execute", _count_statements
                )
                return await _scenarios(app, requests)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _scenarios(app: FastAPI, requests: int) -> list[Cost]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test/api/v1") as client:
        d = await _district(client, app, requests + 40)
        viewer, owner = d.viewer, d.clients[0]
        deep = await _cursor_after(client, viewer, 10)
        ids = d.order_ids
        unbid = iter(ids[1::2] + ids[::2])

        def board(person: Person, **params: str) -> Callable[[int], Awaitable[httpx.Response]]:
            return lambda _: client.get("/orders", params=params, headers=person.headers)

        async def place(i: int) -> httpx.Response:
            order_id = next(unbid)
            return await client.post(
                f"/orders/{order_id}/bids",
                json=_bid(viewer.firm_id, "3.95"),
                headers=viewer.headers | {"Idempotency-Key": f"cost-{i}"},
            )

        scenarios: list[tuple[str, Callable[[int], Awaitable[httpx.Response]], int]] = [
            ("GET /healthz", lambda _: client.get("http://test/healthz"), 200),
            ("board, first page (bidder)", board(viewer, status="open"), 200),
            ("board, first page (client)", board(owner, status="open"), 200),
            ("board, deep page (bidder)", board(viewer, status="open", cursor=deep), 200),
            ("search, selective word", board(viewer, status="open", q=RARE_WORD), 200),
            ("search, common word", board(viewer, status="open", q="tessuto"), 200),
            (
                "order detail",
                lambda i: client.get(f"/orders/{ids[i % len(ids)]}", headers=viewer.headers),
                200,
            ),
            ("bid placement (Idempotency-Key)", place, 201),
        ]
        # Warm every read's code path and statement caches (bids warm up in the seeding).
        for _, send, status in scenarios[:-1]:
            for i in range(5):
                assert (await send(i)).status_code == status
        return [await _measure(name, send, requests, status) for name, send, status in scenarios]


def _table(costs: list[Cost]) -> Iterator[str]:
    yield "| request | CPU ms/request (mean) | CPU ms (median) | SQL statements |"
    yield "|---|---|---|---|"
    for cost in costs:
        yield cost.line()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="of each kind")
    parser.add_argument(
        "--without-relay", action="store_true", help="do not run the notification relay"
    )
    args = parser.parse_args()
    for line in _table(asyncio.run(run(args.requests, relay=not args.without_relay))):
        print(line)


if __name__ == "__main__":
    main()
