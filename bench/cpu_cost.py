"""CPU per request of the app and of the raw ceiling, in process, on a seeded district.

Rates on a shared box move with the neighbours; the CPU one request costs moves much
less. This sends the hot requests of ``bench.run`` one after another to the app and to
the raw ceiling (``bench/raw.py``), both in this process through ASGI calls (no sockets,
no load generator), over a seeded benchmark database, and reports the process CPU per
request of each (``time.process_time``: what the Python side costs, the app's
background relay and dispatcher included, its mail sender not; PostgreSQL's CPU is not
in it) and their ratio. Rounds alternate app and raw so that drift of the box affects
both alike; the median round is reported. Viewers rotate over many users, as in
``bench.run``, so the app's viewer cache rarely hits; ``--warm`` repeats one viewer.

    uv run python -m bench.cpu_cost                      # distretto_bench_quick
    uv run python -m bench.cpu_cost --database distretto_bench --requests 400
    uv run python -m bench.cpu_cost --profile            # and where the app's CPU goes
    uv run python -m bench.cpu_cost --only board --only bid   # some kinds only
"""

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import random
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import asyncpg

from bench import fixtures
from bench.actors import Cast
from bench.config import REDIS_URL
from bench.raw import RawCeiling
from bench.seed import dsn, sqlalchemy_url
from bench.text import COMMON_WORD, RARE_WORDS
from distretto.app import create_app
from distretto.config import Settings

App = Callable[..., Awaitable[None]]
BOARD = "status=open&limit=20"


async def call(
    app: App, method: str, path: str, query: str, headers: list[tuple[bytes, bytes]], body: bytes
) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
        "state": {},
    }
    status = 0
    chunks: list[bytes] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:  # asked again only to learn of a disconnect: there is none
            await asyncio.Event().wait()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


class Lifespan:
    """Runs an ASGI app's lifespan protocol (the raw ceiling's asyncpg pool)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> None:
        self.task = asyncio.create_task(
            self.app({"type": "lifespan"}, self.inbox.get, self.outbox.put)
        )
        await self.inbox.put({"type": "lifespan.startup"})
        await self.outbox.get()

    async def __aexit__(self, *_: object) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        if self.task is not None:
            await self.task


Request = tuple[str, str, str, list[tuple[bytes, bytes]], bytes]


async def measure(app: App, requests: list[Request], expect: int) -> float:
    started = time.process_time()
    for method, path, query, headers, body in requests:
        status, answer = await call(app, method, path, query, headers, body)
        if status != expect:
            raise RuntimeError(f"{method} {path}?{query}: HTTP {status} {answer[:200]!r}")
    return (time.process_time() - started) * 1000 / len(requests)


async def profiled(app: App, requests: list[Request], expect: int, name: str) -> str:
    """Where one more round of the app's requests spends its time (cProfile, own time
    and cumulative, the heaviest functions): what ``--profile`` prints per kind."""
    # Process time, not wall time: the waits for PostgreSQL are not the app's cost.
    profile = cProfile.Profile(time.process_time)
    profile.enable()
    await measure(app, requests, expect)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    print(f"## {name}: {len(requests)} requests", file=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()


async def run(
    database: str,
    count: int,
    rounds: int,
    warm: bool,
    profile: bool = False,
    only: list[str] | None = None,
) -> list[str]:
    secret = "cpu-cost-" + uuid.uuid4().hex * 2
    settings = Settings(
        environment="production",
        database_url=sqlalchemy_url(database),
        redis_url=REDIS_URL,
        redis_namespace=f"distretto_cpu_cost_{uuid.uuid4().hex[:6]}",
        secret_key=secret,
        frontend_dist=None,
        bid_rate_per_minute=1_000_000,
        # The mail sender works through the seeded district's mail in the background:
        # its CPU is no request's (bench.run measures mail in a scenario of its own).
        background_jobs=False,
    )
    app = create_app(settings)
    raw = RawCeiling(dsn(database))
    rng = random.Random(18)
    conn = await asyncpg.connect(dsn(database))
    try:
        cast = await Cast.load(conn, secret, sqlalchemy_url(database))
        order_ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM orders WHERE visibility = 'public' AND NOT hidden "
                "AND status <> 'draft' ORDER BY random() LIMIT $1",
                count,
            )
        ]
        slots = await fixtures.bid_slots(conn, cast, rng, (2 * rounds + 1) * count + 20)
        running = (
            await fixtures.active_contracts(conn, cast, rng, (rounds + profile) * count)
            if not only or any(word in "contract completion" for word in only)
            else []
        )
    finally:
        await conn.close()
    people = cast.sample_people(rng, 1 if warm else count)

    def app_get(path: str, query: str, i: int) -> Request:
        person = people[i % len(people)]
        token = cast.token(person.user_id)
        return (
            "GET",
            f"/api/v1{path}",
            query,
            [(b"authorization", f"Bearer {token}".encode())],
            b"",
        )

    def raw_get(path: str, query: str, i: int) -> Request:
        firms = ",".join(str(f) for f in sorted(cast.user_firms[people[i % len(people)].user_id]))
        return ("GET", path, f"{query}&viewer={firms}" if query else f"viewer={firms}", [], b"")

    profiles: list[str] = []
    lines = [
        "| request | app CPU ms/request | raw CPU ms/request | ratio raw/app |",
        "|---|---|---|---|",
    ]
    async with app.router.lifespan_context(app), Lifespan(raw):
        first = json.loads((await call(app, *app_get("/orders", BOARD, 0)))[1])
        cursor = first["next_cursor"]
        for _ in range(60):  # some 1,200 rows deep
            page = json.loads(
                (await call(app, *app_get("/orders", f"{BOARD}&cursor={quote(cursor)}", 0)))[1]
            )
            cursor = page["next_cursor"] or cursor
        kinds: dict[str, tuple[str, Callable[[int], str]]] = {
            "board, first page": ("/orders", lambda i: BOARD),
            "board, deep page": ("/orders", lambda i: f"{BOARD}&cursor={quote(cursor)}"),
            "search, selective word": (
                "/orders",
                lambda i: f"{BOARD}&q={RARE_WORDS[i % len(RARE_WORDS)]}",
            ),
            "search, most common word": ("/orders", lambda i: f"{BOARD}&q={COMMON_WORD}"),
            "order detail": ("/orders/{id}", lambda i: ""),
        }
        for name, (template, query) in kinds.items():
            if only and not any(word in name for word in only):
                continue

            def path(i: int, template: str = template) -> str:
                return template.replace("{id}", str(order_ids[i % len(order_ids)]))

            # Access tokens live 5 minutes, and a loaded box takes longer than that.
            cast.refresh_tokens()
            app_requests = [app_get(path(i), query(i), i) for i in range(count)]
            raw_requests = [raw_get(path(i), query(i), i) for i in range(count)]
            await measure(app, app_requests[:20], 200)  # warm the code paths and caches
            await measure(raw, raw_requests[:20], 200)
            app_ms, raw_ms = [], []
            for _ in range(rounds):
                app_ms.append(await measure(app, app_requests, 200))
                raw_ms.append(await measure(raw, raw_requests, 200))
            lines.append(_line(name, app_ms, raw_ms))
            if profile:
                profiles.append(await profiled(app, app_requests, 200, name))
        if not only or any(word in "bid placement" for word in only):
            bids = await _bids(app, raw, cast, slots, count, rounds, profiles if profile else None)
            lines.append(bids)
        if running:
            lines += await _completions(
                app, cast, running, count, rounds, profiles if profile else None
            )
    return lines + profiles


async def _bids(
    app: App,
    raw: App,
    cast: Cast,
    slots: list[fixtures.BidSlot],
    count: int,
    rounds: int,
    profiles: list[str] | None,
) -> str:
    def request(slot: fixtures.BidSlot, for_raw: bool) -> Request:
        body = json.dumps(
            {
                "firm_id": slot.firm_id,
                "unit_price": "9.50",
                "delivery_date": slot.delivery_date.isoformat(),
                "notes": "Disponibilità immediata, consegna franco vostro magazzino.",
            }
        ).encode()
        headers = [(b"content-type", b"application/json")]
        if for_raw:
            firms = ",".join(str(f) for f in sorted(cast.user_firms[slot.user_id]))
            return ("POST", f"/orders/{slot.order_id}/bids", f"viewer={firms}", headers, body)
        token = cast.token(slot.user_id)
        headers += [
            (b"authorization", f"Bearer {token}".encode()),
            (b"idempotency-key", uuid.uuid4().hex.encode()),
        ]
        return ("POST", f"/api/v1/orders/{slot.order_id}/bids", "", headers, body)

    unused = iter(slots)
    app_ms, raw_ms = [], []
    for _ in range(rounds):
        cast.refresh_tokens()
        app_ms.append(await measure(app, [request(next(unused), False) for _ in range(count)], 201))
        raw_ms.append(await measure(raw, [request(next(unused), True) for _ in range(count)], 201))
    if profiles is not None:
        cast.refresh_tokens()
        requests = [request(next(unused), False) for _ in range(count)]
        profiles.append(await profiled(app, requests, 201, "bid placement"))
    return _line("bid placement (Idempotency-Key)", app_ms, raw_ms)


async def _completions(
    app: App,
    cast: Cast,
    running: list[fixtures.RunningContract],
    count: int,
    rounds: int,
    profiles: list[str] | None,
) -> list[str]:
    """The completion scenario's two requests on fresh active contracts: the supplier
    delivers them all, then the client accepts them all (each its own round, so the CPU
    of an acceptance, with its reputation update, is not blurred by the delivery's).
    No raw ceiling: the issue sets this target as a rate of its own."""

    def request(contract: fixtures.RunningContract, action: str) -> Request:
        firm = contract.supplier if action == "deliver" else contract.client
        token = cast.token(firm.actors[0].user_id)
        headers = [
            (b"content-type", b"application/json"),
            (b"authorization", f"Bearer {token}".encode()),
        ]
        return ("POST", f"/api/v1/contracts/{contract.contract_id}/{action}", "", headers, b"{}")

    unused = iter(running)

    def next_round() -> tuple[list[Request], list[Request]]:
        cast.refresh_tokens()
        contracts = [next(unused) for _ in range(count)]
        return [request(c, "deliver") for c in contracts], [request(c, "accept") for c in contracts]

    deliver_ms, accept_ms = [], []
    for _ in range(rounds):
        delivers, accepts = next_round()
        deliver_ms.append(await measure(app, delivers, 200))
        accept_ms.append(await measure(app, accepts, 200))
    if profiles is not None:
        delivers, accepts = next_round()
        await measure(app, delivers, 200)
        profiles.append(await profiled(app, accepts, 200, "contract acceptance"))
    return [
        f"| contract completion: deliver | {statistics.median(deliver_ms):.2f} | no ceiling | |",
        f"| contract completion: accept | {statistics.median(accept_ms):.2f} | no ceiling | |",
    ]


def _line(name: str, app_ms: list[float], raw_ms: list[float]) -> str:
    app, raw = statistics.median(app_ms), statistics.median(raw_ms)
    return f"| {name} | {app:.2f} | {raw:.2f} | {raw / app:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="distretto_bench_quick")
    parser.add_argument("--requests", type=int, default=300, help="per kind and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", action="store_true", help="one viewer, its cache warm")
    parser.add_argument(
        "--profile", action="store_true", help="also print a cProfile of one app round per kind"
    )
    parser.add_argument(
        "--only", action="append", help="only the kinds whose name holds this word (repeatable)"
    )
    args = parser.parse_args()
    work = run(args.database, args.requests, args.rounds, args.warm, args.profile, args.only)
    try:
        import uvloop
    except ImportError:
        lines = asyncio.run(work)
    else:
        lines = uvloop.run(work)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
