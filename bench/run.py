"""``python -m bench.run``: seed, start the app, run the scenarios, write the report.

python -m bench.run                 # the full run (minutes of seeding the first time)
python -m bench.run --quick         # small district, short steps: a smoke run
python -m bench.run --scenario board --scenario search
python -m bench.run --reseed        # rebuild the seeded database
python -m bench.run --profile       # py-spy samples of the workers per scenario
python -m bench.run --nice -10 --wait-quiet 5   # on a box shared with other work
"""

import argparse
import asyncio
import json
import logging
import os
import platform
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg

from bench.actors import Cast, check_sign_in
from bench.config import APP_PORT, HOST, PROFILES, Profile
from bench.context import Bench
from bench.explain import explain_request
from bench.httpclient import HttpClient
from bench.load import LoadGenerator
from bench.procs import renice, wait_until_quiet
from bench.profiling import Profiler
from bench.report import write_report
from bench.scenarios import live, mail, market, reads
from bench.seed import dsn, ensure_seeded, sqlalchemy_url
from bench.server import AppServer, RawServer, raise_open_file_limit
from bench.text import COMMON_WORD, RARE_WORDS
from distretto.app import create_app
from distretto.config import Settings

RESULTS = Path(__file__).resolve().parent / "results"
Scenario = Callable[[Bench], Awaitable[dict[str, Any]]]


async def explain_board(bench: Bench) -> dict[str, Any]:
    """EXPLAIN (ANALYZE, BUFFERS) of the board's own queries at the first and a deep page."""
    settings = Settings(
        environment="production",
        database_url=sqlalchemy_url(bench.profile.database),
        secret_key=bench.server.secret_key,
    )
    viewer = bench.cast.people[0].user_id
    token = bench.cast.token(viewer)
    cursors = await reads.deep_cursors(bench, reads.BOARD, skip_pages=50)
    pages = {"first": f"/api/v1{reads.BOARD}"}
    if cursors:
        cursor = cursors[-1][1]
        pages["deep"] = f"/api/v1{reads.BOARD}&cursor={cursor}"
    pages["search_common"] = f"/api/v1{reads.BOARD}&q={COMMON_WORD}"
    pages["search_rare"] = f"/api/v1{reads.BOARD}&q={RARE_WORDS[0]}"
    out: dict[str, Any] = {}
    for name, path in pages.items():
        out[name] = await explain_request(settings, dsn(bench.profile.database), path, token)
        main = out[name]["main_query"]
        bench.log(
            f"  explain {name}: {out[name]['statements']} statements, board query "
            f"{main['execution_ms'] if main else '?'} ms execution "
            f"+ {main['planning_ms'] if main else '?'} ms planning"
        )
    if cursors:
        out["deep"]["depth_rows"] = cursors[-1][0]
    return out


# name -> (runner, routes it needs); scenarios run in this order.
SCENARIOS: dict[str, tuple[Scenario, tuple[str, ...]]] = {
    "ceiling": (reads.ceiling, ()),
    "board": (reads.board, ("GET /api/v1/orders",)),
    "explain": (explain_board, ("GET /api/v1/orders",)),
    "search": (reads.search, ("GET /api/v1/orders",)),
    "detail": (reads.order_detail, ("GET /api/v1/orders/{order_id}",)),
    "bids": (market.bids, ("POST /api/v1/orders/{order_id}/bids",)),
    "ws_capacity": (live.capacity, ("WS /api/v1/ws",)),
    "fanout": (live.fanout, ("WS /api/v1/ws", "POST /api/v1/orders")),
    "resume": (live.resume, ("WS /api/v1/ws", "POST /api/v1/orders")),
    "mail": (mail.mail_fanout, ("POST /api/v1/orders", "GET /api/v1/orders")),
    "completion": (
        market.completion,
        (
            "POST /api/v1/contracts/{contract_id}/deliver",
            "POST /api/v1/contracts/{contract_id}/accept",
        ),
    ),
    # Last: 20,000 racing requests take long on a busy box; the rest is written by then.
    "award": (market.award, ("POST /api/v1/orders/{order_id}/award",)),
}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small district, short steps")
    parser.add_argument("--reseed", action="store_true", help="rebuild the seeded database")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=sorted(SCENARIOS),
        help="run only these (repeatable); the ceiling always runs",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the workers per scenario")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="MINUTES",
        help="before each scenario, wait up to this long for other work on the box to stop",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority of the harness and the app it starts (e.g. -10 on a shared "
        "box: the neighbours' work then yields to the benchmark; recorded in the report)",
    )
    parser.add_argument(
        "--mail-watchers",
        type=int,
        metavar="N",
        help="saved searches the mail scenario's order matches (default: the profile's)",
    )
    parser.add_argument("--port", type=int, default=APP_PORT, help="app port (8170-8179)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="results directory")
    return parser.parse_args(argv)


async def keep_backends_prioritized(database: str, niceness: int) -> None:
    """Give the PostgreSQL backends serving the benchmark database the harness's priority.

    The app's pool opens connections as load grows, so this looks again every second.
    """
    conn = await asyncpg.connect(dsn(database))
    try:
        while True:
            pids = await conn.fetch("SELECT pid FROM pg_stat_activity WHERE datname = $1", database)
            renice((r["pid"] for r in pids), niceness)
            await asyncio.sleep(1.0)
    finally:
        await conn.close()


async def app_routes(bench_port: int) -> set[str]:
    """Routes of the running app as "METHOD /path", websockets as "WS /path"."""
    client = HttpClient(HOST, bench_port, 1)
    try:
        response = await client.get("/openapi.json")
    finally:
        client.close()
    routes: set[str] = set()
    if response.status == 200:
        for path, methods in json.loads(response.body)["paths"].items():
            routes.update(f"{m.upper()} {path}" for m in methods)
    # Websocket routes are not in OpenAPI: ask the app object itself.
    app = create_app(Settings(environment="production", secret_key="r" * 48))
    routes.update(f"WS {path}" for path in websocket_paths(app.routes))
    return routes


def websocket_paths(routes: list[Any], prefix: str = "") -> list[str]:
    """Full paths of websocket routes, through routers included in routers."""
    found = []
    for route in routes:
        nested = getattr(route, "original_router", None)
        if nested is not None:  # FastAPI >= 0.16x keeps included routers as wrappers
            found += websocket_paths(nested.routes, getattr(nested, "prefix", "") or prefix)
        elif type(route).__name__ == "APIWebSocketRoute":
            path = route.path
            found.append(path if path.startswith(prefix) else prefix + path)
    return found


async def run(args: argparse.Namespace) -> dict[str, Any]:
    profile: Profile = PROFILES["quick" if args.quick else "full"]
    if args.mail_watchers:
        profile = replace(profile, mail_watchers=args.mail_watchers)
    log = _logger()
    started = time.monotonic()
    fd_limit = raise_open_file_limit()
    if args.nice:
        # Inherited by the app's processes, started below.
        os.setpriority(os.PRIO_PROCESS, 0, args.nice)
    log(f"profile {profile.name}: database {profile.database}, open-file limit {fd_limit}")
    seed = await ensure_seeded(profile, reseed=args.reseed)
    log(f"seed: {'reused' if seed.reused else 'built'} in {seed.seconds:.0f} s: {seed.counts}")
    stamp = datetime.now(UTC)
    server = AppServer(profile.database, args.port, args.output / f"{stamp:%Y-%m-%d}-server.log")
    raw_server = RawServer(
        profile.database, args.port + 1, args.output / f"{stamp:%Y-%m-%d}-raw.log"
    )
    pool = await asyncpg.create_pool(dsn(profile.database), min_size=1, max_size=4)
    prioritizer: asyncio.Task[None] | None = None
    report: dict[str, Any] = {
        "started_at": stamp.isoformat(),
        "profile": profile.name,
        "machine": {**_machine(fd_limit), "nice": args.nice},
        "seed": {"reused": seed.reused, "seconds": round(seed.seconds), "counts": seed.counts},
        "scenarios": {},
        "skipped": {},
    }
    try:
        await server.start()
        log(f"app up on {HOST}:{args.port}, workers {server.worker_pids()}")
        await raw_server.start()
        log(f"raw ceiling up on {HOST}:{raw_server.port}, workers {raw_server.worker_pids()}")
        if args.nice:
            prioritizer = asyncio.create_task(
                keep_backends_prioritized(profile.database, args.nice)
            )
        async with pool.acquire() as conn:
            cast = await Cast.load(conn, server.secret_key, sqlalchemy_url(profile.database))
        routes = await app_routes(args.port)
        bench = Bench(
            profile=profile,
            server=server,
            pool=pool,
            cast=cast,
            generator=LoadGenerator(HOST, args.port, profile.max_connections, server.worker_pids()),
            log=log,
            routes=routes,
            raw_server=raw_server,
            raw_generator=LoadGenerator(
                HOST, raw_server.port, profile.max_connections, raw_server.worker_pids()
            ),
        )
        async with pool.acquire() as conn:
            report["sign_in_works"] = await check_sign_in(bench.client(1), conn)
        wanted = ["ceiling", *(args.scenario or [s for s in SCENARIOS if s != "ceiling"])]
        profiler = Profiler(args.output, stamp, server.worker_pids()) if args.profile else None
        for name in dict.fromkeys(wanted):
            runner, needs = SCENARIOS[name]
            missing = [r for r in needs if r not in routes]
            if missing:
                report["skipped"][name] = f"route(s) not in the app yet: {', '.join(missing)}"
                log(f"- {name}: skipped ({report['skipped'][name]})")
                continue
            background = await wait_until_quiet(args.wait_quiet * 60)
            log(f"- {name} (background load before it: {background:.2f} cores)")
            cast.refresh_tokens()
            scenario_started = time.monotonic()
            if profiler:
                profiler.start(name)
            try:
                report["scenarios"][name] = await runner(bench)
            finally:
                if profiler:
                    report.setdefault("profiles", {})[name] = await profiler.stop()
            report["scenarios"][name]["scenario_seconds"] = round(
                time.monotonic() - scenario_started
            )
            report["scenarios"][name]["background_cores_before"] = round(background, 2)
            # Written after every scenario, so an interrupted run still leaves its numbers.
            report["total_seconds"] = round(time.monotonic() - started)
            write_report(report, args.output, stamp)
    finally:
        if prioritizer is not None:
            prioritizer.cancel()
        await server.stop()
        await raw_server.stop()
        await pool.close()
    report["total_seconds"] = round(time.monotonic() - started)
    paths = write_report(report, args.output, stamp)
    log(f"report: {', '.join(str(p) for p in paths)}")
    return report


def _machine(fd_limit: int) -> dict[str, Any]:
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "open_file_limit": fd_limit,
        "note": "load generator, 2 app workers, PostgreSQL and Redis share these cores",
    }


def _logger() -> Callable[[str], None]:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", stream=sys.stdout)
    for noisy in ("alembic", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logger = logging.getLogger("bench")
    return logger.info


def main(argv: list[str] | None = None) -> None:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        import uvloop
    except ImportError:
        asyncio.run(run(args))
    else:
        # The same event loop the app's uvicorn runs on, and a cheaper client.
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
