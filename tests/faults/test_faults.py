"""Faults under load: PostgreSQL restarted, Redis killed (and brought back, and left down)
while bids and awards pour in over HTTP into a real two-worker server.

Every write carries an ``Idempotency-Key`` and is retried with the same key until it gets a
definite answer, as a careful client does. Afterwards the database holds every
acknowledged write exactly once and nothing half-done, each retry was answered as the
first time, and after each fault the app answered a real read and ``/readyz`` within
``RECOVERY_SECONDS``, without being restarted. While PostgreSQL is away a request fails
with 503 and Retry-After (never 500). With Redis down, writes never fail and ``/readyz``
says ``degraded`` and why.

Own servers only (``tests/faults/servers.py``): the shared PostgreSQL and Redis of the box
are never touched.
"""

import asyncio
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from tests.faults.servers import (
    AppServer,
    PrivateCluster,
    app_environment,
    app_server,
    migrate,
    postgres_bin,
    private_cluster,
)
from tests.helpers import valid_vat
from tests.realtime.builders import RedisServer, free_port

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="no redis-server"),
    pytest.mark.skipif(postgres_bin() is None, reason="no PostgreSQL server programs"),
]

BIDDERS = 4
ORDERS_PER_PHASE = 5
# The promise: the app answers again within this long after a fault ends.
RECOVERY_SECONDS = 10.0
# A write still without a definite answer this long after it was first sent fails the test.
WRITE_DEADLINE = 90.0
# Concurrent writes in flight: enough for requests to be cut mid-way, modest on 2 cores.
IN_FLIGHT = 6
PASSWORD = "fault-suite-password"


@dataclass
class Write:
    """One create (a bid or an award) and everything the client saw of it."""

    phase: str
    kind: str
    path: str
    body: dict[str, Any]
    token: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: int | None = None
    answer: dict[str, Any] | None = None
    # 5xx answers and broken connections before the definite answer.
    failures: list[str] = field(default_factory=list)

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Idempotency-Key": self.key}


class Load:
    """Sends writes through one connection pool, retrying each with its key until the
    answer is definite: a 2xx, or a 409 (an award that lost its race)."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.writes: list[Write] = []
        self.slots = asyncio.Semaphore(IN_FLIGHT)
        self.answered = asyncio.Condition()

    def acknowledged(self, phase: str) -> int:
        return sum(w.acknowledged for w in self.writes if w.phase == phase)

    async def send(self, write: Write) -> Write:
        self.writes.append(write)
        deadline = time.monotonic() + WRITE_DEADLINE
        pause = 0.05
        async with self.slots:
            while True:
                try:
                    response = await self.http.post(
                        write.path, json=write.body, headers=write.headers
                    )
                except httpx.TransportError as exc:
                    write.failures.append(f"{type(exc).__name__}: {exc}")
                else:
                    if response.status_code < 500:
                        write.status = response.status_code
                        write.answer = response.json()
                        async with self.answered:
                            self.answered.notify_all()
                        return write
                    write.failures.append(f"{response.status_code}: {response.text[:300]}")
                assert time.monotonic() < deadline, f"no definite answer: {write}"
                await asyncio.sleep(pause)
                pause = min(pause * 2, 0.5)


@dataclass
class District:
    client_token: str
    client_firm_id: int
    bidders: list[tuple[str, int]]  # (token, firm id)


async def _person_with_firm(http: httpx.AsyncClient, n: int, phase: str) -> tuple[str, int]:
    email = f"faults{n}-{uuid.uuid4().hex[:8]}@example.it"
    registered = await http.post(
        "/auth/register", json={"email": email, "password": PASSWORD, "full_name": f"Person {n}"}
    )
    assert registered.status_code == 201, registered.text
    signed_in = await http.post("/auth/token", data={"username": email, "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["access_token"]
    firm = await http.post(
        "/firms",
        json={
            "name": f"Fault Firm {n} {uuid.uuid4().hex[:6]} S.r.l.",
            "vat_number": valid_vat(900 + n),
            "phases": [phase],
            "region": "Toscana",
            "province": "PO",
            "size_class": "small",
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert firm.status_code == 201, firm.text
    return token, int(firm.json()["id"])


async def _order(http: httpx.AsyncClient, district: District, n: int) -> int:
    now = datetime.now(UTC)
    response = await http.post(
        "/orders",
        json={
            "firm_id": district.client_firm_id,
            "title": f"Tintura filato, lotto {n}",
            "phase": "dyeing",
            "quantity": 400,
            "unit": "kg",
            "target_unit_price": "3.20",
            "bid_deadline": (now + timedelta(days=5)).isoformat(),
            "delivery_due": (now + timedelta(days=40)).date().isoformat(),
            "visibility": "public",
        },
        headers={"Authorization": f"Bearer {district.client_token}"},
    )
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _bid(phase: str, order_id: int, bidder: tuple[str, int], n: int) -> Write:
    token, firm_id = bidder
    delivery = (datetime.now(UTC) + timedelta(days=30)).date().isoformat()
    body = {"firm_id": firm_id, "unit_price": f"3.{10 + n}", "delivery_date": delivery}
    return Write(phase, "bid", f"/orders/{order_id}/bids", body, token)


def _award(phase: str, order_id: int, bid_id: int, token: str) -> Write:
    return Write(phase, "award", f"/orders/{order_id}/award", {"bid_id": bid_id}, token)


async def _phase_load(
    load: Load,
    district: District,
    phase: str,
    orders: list[int],
    fault: Callable[[], Awaitable[None]],
) -> None:
    """Bids on every order from every bidder, then two racing awards per order; the fault
    strikes once a few writes of the phase are acknowledged, while the rest are in flight."""

    async def bids_and_award(order_id: int) -> None:
        placed = await asyncio.gather(
            *(load.send(_bid(phase, order_id, b, n)) for n, b in enumerate(district.bidders))
        )
        rivals = [w.answer["id"] for w in placed if w.answer and w.acknowledged][:2]
        await asyncio.gather(
            *(load.send(_award(phase, order_id, bid, district.client_token)) for bid in rivals)
        )

    async def strike() -> None:
        async with asyncio.timeout(WRITE_DEADLINE), load.answered:
            await load.answered.wait_for(lambda: load.acknowledged(phase) >= BIDDERS)
        await fault()

    await asyncio.gather(strike(), *(bids_and_award(order) for order in orders))


async def _readiness(base: str) -> tuple[int, dict[str, Any]]:
    # A new connection each time: uvicorn's workers share the listening socket, so fresh
    # connections reach both.
    async with httpx.AsyncClient(timeout=3.0) as probe:
        response = await probe.get(f"{base}/readyz")
        return response.status_code, response.json()


async def _recovered(server: AppServer, district: District, order_id: int) -> float:
    """Seconds until a real read and ``/readyz`` answer (ready) several times in a row."""
    started = time.monotonic()
    streak = 0
    async with asyncio.timeout(RECOVERY_SECONDS * 3):
        while streak < 6:
            try:
                status, body = await _readiness(server.base)
                async with httpx.AsyncClient(timeout=3.0) as probe:
                    read = await probe.get(
                        f"{server.base}/api/v1/orders/{order_id}",
                        headers={"Authorization": f"Bearer {district.client_token}"},
                    )
                ok = status == 200 and body["status"] == "ready" and read.status_code == 200
            except httpx.TransportError:
                ok = False
            streak = streak + 1 if ok else 0
            if not ok:
                await asyncio.sleep(0.1)
    return time.monotonic() - started


async def _degraded(server: AppServer) -> dict[str, Any]:
    async with asyncio.timeout(RECOVERY_SECONDS):
        while True:
            status, body = await _readiness(server.base)
            if status == 200 and body["status"] == "degraded":
                return body
            await asyncio.sleep(0.1)


@pytest.fixture
async def servers() -> AsyncIterator[tuple[PrivateCluster, RedisServer, AppServer]]:
    async with private_cluster() as cluster:
        redis = RedisServer(free_port())
        await redis.start()
        try:
            env = app_environment(
                cluster.url.replace("postgresql://", "postgresql+asyncpg://"), redis.url
            )
            # Tokens outlive a slow run on a loaded box (the suite signs in once).
            env["DISTRETTO_ACCESS_TOKEN_MINUTES"] = "60"
            await migrate(env)
            async with app_server(env) as server:
                yield cluster, redis, server
        finally:
            await redis.kill()


async def test_faults_lose_nothing_and_the_app_recovers_unaided(
    servers: tuple[PrivateCluster, RedisServer, AppServer],
) -> None:
    cluster, redis, server = servers
    async with httpx.AsyncClient(base_url=f"{server.base}/api/v1", timeout=10.0) as http:
        client = await _person_with_firm(http, 0, "weaving")
        bidders = [await _person_with_firm(http, n + 1, "dyeing") for n in range(BIDDERS)]
        district = District(client[0], client[1], bidders)
        phases = ["steady", "postgres restart", "redis bounce", "redis down"]
        orders = {
            phase: [await _order(http, district, i * 10 + n) for n in range(ORDERS_PER_PHASE)]
            for i, phase in enumerate(phases)
        }
        load = Load(http)
        recovery: dict[str, float] = {}
        probe_order = orders["steady"][0]

        async def nothing() -> None:
            return None

        await _phase_load(load, district, "steady", orders["steady"], nothing)

        await _phase_load(
            load, district, "postgres restart", orders["postgres restart"], cluster.restart
        )
        recovery["postgres restart"] = await _recovered(server, district, probe_order)

        async def bounce_redis() -> None:
            await redis.kill()
            await redis.start()

        await _phase_load(load, district, "redis bounce", orders["redis bounce"], bounce_redis)
        recovery["redis bounce"] = await _recovered(server, district, probe_order)

        await redis.kill()
        degraded = await _degraded(server)
        assert any("redis" in reason for reason in degraded["reasons"]), degraded
        await _phase_load(load, district, "redis down", orders["redis down"], nothing)
        assert (await _readiness(server.base))[1]["status"] == "degraded"
        await redis.start()
        recovery["redis down"] = await _recovered(server, district, probe_order)

        replays = [await _replay(http, w) for w in load.writes if w.acknowledged]

    assert server.process.returncode is None, server.tail()
    assert server.worker_starts == 2, f"a worker was restarted:\n{server.tail()}"
    for phase, seconds in recovery.items():
        assert seconds <= RECOVERY_SECONDS, f"{phase}: answered again after {seconds:.1f} s"
    # The database away is a 503 to retry (Retry-After), never a 500 of a bug.
    for write in load.writes:
        assert not [f for f in write.failures if f.startswith("500")], write
    # Redis is an accelerator: its loss, brief or long, never fails a write.
    for write in load.writes:
        if write.phase.startswith("redis"):
            assert not write.failures, write
    assert all(replays), [w for w, same in zip(load.writes, replays, strict=False) if not same]
    await _assert_database_agrees(cluster, load)


async def _replay(http: httpx.AsyncClient, write: Write) -> bool:
    """The same key again: the first answer, marked as replayed, and nothing new."""
    response = await http.post(write.path, json=write.body, headers=write.headers)
    return (
        response.status_code == write.status
        and response.json() == write.answer
        and response.headers.get("Idempotent-Replayed") == "true"
    )


def _created_id(write: Write) -> int:
    assert write.answer is not None
    return int(write.answer["id"])


async def _assert_database_agrees(cluster: PrivateCluster, load: Load) -> None:
    bids = {_created_id(w): w for w in load.writes if w.kind == "bid" and w.acknowledged}
    awards = {_created_id(w): w for w in load.writes if w.kind == "award" and w.acknowledged}
    refused = [w for w in load.writes if w.status is not None and not w.acknowledged]
    assert len(bids) == sum(w.kind == "bid" for w in load.writes), "a bid was not acknowledged"
    assert all(w.kind == "award" and w.status == 409 for w in refused), refused
    awarded_orders = {w.path.split("/")[2] for w in awards.values()}
    assert len(awarded_orders) == len(awards), "an order was awarded twice"

    db = await asyncpg.connect(cluster.url)
    try:
        # Every acknowledged bid once, and no bid nobody was told about.
        rows = await db.fetch("SELECT id, order_id, firm_id, status FROM bids")
        assert sorted(r["id"] for r in rows) == sorted(bids)
        assert len({(r["order_id"], r["firm_id"]) for r in rows}) == len(rows)
        # Every acknowledged award is one contract, of an awarded order and its awarded bid.
        contracts = await db.fetch(
            "SELECT c.id, c.order_id, c.bid_id, o.status AS order_status, b.status AS bid_status"
            " FROM contracts c JOIN orders o ON o.id = c.order_id JOIN bids b ON b.id = c.bid_id"
        )
        assert sorted(c["id"] for c in contracts) == sorted(awards)
        assert len({c["order_id"] for c in contracts}) == len(contracts)
        assert {(c["order_status"], c["bid_status"]) for c in contracts} == {("awarded", "awarded")}
        for contract in contracts:
            assert awards[contract["id"]].body["bid_id"] == contract["bid_id"]
        # No order awarded without its contract; the losers of each award rejected.
        awarded = await db.fetch("SELECT id FROM orders WHERE status = 'awarded'")
        assert {r["id"] for r in awarded} == {c["order_id"] for c in contracts}
        by_order = {c["order_id"]: c["bid_id"] for c in contracts}
        for bid in rows:
            if bid["order_id"] in by_order and bid["id"] != by_order[bid["order_id"]]:
                assert bid["status"] == "rejected", dict(bid)
        # Each key's record holds its answer (a claim without one would be half-done).
        records = await db.fetch("SELECT key, status_code FROM idempotency_records")
        acknowledged_keys = {w.key for w in load.writes if w.acknowledged}
        assert {r["key"] for r in records} == acknowledged_keys
        assert {r["status_code"] for r in records} <= {201}
        await _assert_outbox_agrees(db, rows, contracts)
    finally:
        await db.close()


async def _assert_outbox_agrees(
    db: asyncpg.Connection, bids: list[asyncpg.Record], contracts: list[asyncpg.Record]
) -> None:
    """One event per fact, and the relay made each into notifications exactly once."""
    counted = await db.fetch(
        "SELECT type, (data::jsonb ->> 'bid_id')::bigint AS bid_id,"
        " (data::jsonb ->> 'order_id')::bigint AS order_id, count(*) AS n"
        " FROM events WHERE type IN ('bid.created', 'order.awarded', 'contract.created')"
        " GROUP BY 1, 2, 3"
    )
    assert {r["n"] for r in counted} == {1}, [dict(r) for r in counted if r["n"] != 1]
    created = {r["bid_id"] for r in counted if r["type"] == "bid.created"}
    assert created == {b["id"] for b in bids}
    assert {r["order_id"] for r in counted if r["type"] == "order.awarded"} == {
        c["order_id"] for c in contracts
    }
    assert sum(r["type"] == "contract.created" for r in counted) == len(contracts)
    # The relay runs in the background of both workers: it catches up with the outbox.
    async with asyncio.timeout(30):
        while True:
            behind = await db.fetchval(
                "SELECT coalesce(max(id), 0) > coalesce("
                "(SELECT last_event_id FROM outbox_cursors WHERE name = 'notifications'), 0)"
                " FROM events"
            )
            if not behind:
                break
            await asyncio.sleep(0.2)
    unnotified = await db.fetch(
        "SELECT e.id, e.type FROM events e"
        " WHERE e.type IN ('bid.created', 'order.awarded', 'contract.created')"
        " AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.id)"
    )
    assert not unnotified, [dict(r) for r in unnotified]
    twice = await db.fetchval(
        "SELECT count(*) FROM (SELECT 1 FROM notifications"
        " GROUP BY user_id, event_id HAVING count(*) > 1) AS d"
    )
    assert twice == 0
