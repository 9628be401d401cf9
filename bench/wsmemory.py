"""Memory per live socket: N authenticated websockets held by one real uvicorn process.

    uv run python -m bench.wsmemory              # 2,000 sockets, `distretto serve`'s options
    uv run python -m bench.wsmemory --sockets 5000 --ws websockets
    uv run python -m bench.wsmemory --database-url postgresql+asyncpg://postgres@127.0.0.1/db

The server runs with exactly the websocket options of ``distretto serve``
(``distretto.cli.websocket_server_options``; ``--ws`` swaps only the implementation) and one
worker, so its RSS is the whole cost. Sequence: open ``--warmup`` sockets and let a heartbeat
reach them (every code path loaded, allocator pools primed), read the RSS, open ``--sockets``
more, wait until the server counts them all and every one has had a heartbeat (so the
writer side has run too), read the RSS again. The difference divided by the new sockets is
the figure reported. Without ``--database-url`` a temporary SQLite database is migrated
and filled with the demo district; sockets are spread round-robin over its members.

It then listens for three more heartbeat periods and reports how long each heartbeat
round took from its first to its last arrival: one message fanned out to every socket,
and the server's CPU over those periods per heartbeat delivered.

Not a test and not part of ``bench.run``: a measurement to run on purpose (the target is
≤ 30 KB per socket, issue 8). The client side is ``bench.wsclient`` (no task per socket).
"""

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import httpx
import uvicorn
from sqlalchemy import text

from bench.config import HOST
from bench.procs import cpu_seconds, rss_bytes
from bench.server import raise_open_file_limit
from bench.wsclient import HandshakeFailed, WsClient
from distretto.auth.security import TokenService
from distretto.cli import REPO_ROOT, run_migrations, websocket_server_options
from distretto.config import Settings
from distretto.db import create_engine

# The last port of the harness's range (8170-8179), so a running `bench.run` is not hit.
PORT = 8179
SECRET_KEY = "bench-wsmemory-secret-key-0123456789-abcdefghij"
KB = 1024


def number(client: WsClient) -> int:
    return cast(int, client.tag)


@dataclass
class Sockets:
    """The client side: every socket opened, and what each has received."""

    clients: list[WsClient] = field(default_factory=list)
    heartbeats: Counter[int] = field(default_factory=Counter)  # socket number -> heartbeats
    heartbeat_arrivals: list[float] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)

    def on_text(self, client: WsClient, payload: bytes, now: float) -> None:
        if b'"heartbeat"' in payload:
            self.heartbeats[number(client)] += 1
            self.heartbeat_arrivals.append(now)

    def heartbeats_now(self) -> dict[int, int]:
        return {number(c): self.heartbeats[number(c)] for c in self.clients}

    def open_count(self) -> int:
        return sum(1 for c in self.clients if c.is_open)

    def close_codes(self) -> Counter[str]:
        return Counter(str(c.close_code) for c in self.clients if not c.is_open)


def settings_for(database_url: str, heartbeat: float) -> Settings:
    return Settings(
        environment="test",
        database_url=database_url,
        secret_key=SECRET_KEY,
        ws_heartbeat_seconds=heartbeat,
        docs_enabled=False,
    )


async def prepare_database(database_url: str) -> None:
    from distretto.seed.demo import seed

    # Alembic's env runs its own event loop: not on ours.
    await asyncio.to_thread(run_migrations, database_url)
    await seed(settings_for(database_url, heartbeat=20.0))


async def members(database_url: str) -> list[int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT DISTINCT m.user_id FROM memberships m JOIN users u "
                    "ON u.id = m.user_id WHERE u.is_active ORDER BY m.user_id"
                )
            )
            return [int(user_id) for (user_id,) in rows.all()]
    finally:
        await engine.dispose()


def serve(port: int, ws: str | None) -> None:
    """The child process: the app as ``distretto serve`` runs it, one worker."""
    options = websocket_server_options(settings_for(os.environ["DISTRETTO_DATABASE_URL"], 20))
    if ws:
        options["ws"] = ws
    uvicorn.run(
        "distretto.app:create_app",
        factory=True,
        host=HOST,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        server_header=False,
        **options,
    )


async def start_server(
    database_url: str, port: int, ws: str | None, heartbeat: float
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTRETTO_")}
    env |= {
        "DISTRETTO_ENVIRONMENT": "test",
        "DISTRETTO_DATABASE_URL": database_url,
        "DISTRETTO_SECRET_KEY": SECRET_KEY,
        "DISTRETTO_WS_HEARTBEAT_SECONDS": str(heartbeat),
    }
    command = [sys.executable, "-m", "bench.wsmemory", "--serve", "--port", str(port)]
    if ws:
        command += ["--ws", ws]
    process = await asyncio.create_subprocess_exec(*command, cwd=REPO_ROOT, env=env)
    async with asyncio.timeout(60), httpx.AsyncClient() as http:
        while True:
            if process.returncode is not None:
                raise RuntimeError("the server exited during start-up")
            with contextlib.suppress(httpx.TransportError):
                if (await http.get(f"http://{HOST}:{port}/readyz")).status_code == 200:
                    return process
            await asyncio.sleep(0.2)


async def stop_server(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        async with asyncio.timeout(20):
            await process.wait()
    except TimeoutError:
        process.kill()
        await process.wait()


async def server_connections(port: int) -> int:
    async with httpx.AsyncClient() as http:
        metrics = (await http.get(f"http://{HOST}:{port}/metrics")).text
    for line in metrics.splitlines():
        if line.startswith("distretto_ws_connections "):
            return int(float(line.split()[1]))
    return 0


async def open_sockets(
    sockets: Sockets, tokens: list[str], port: int, count: int, concurrency: int
) -> None:
    gate = asyncio.Semaphore(concurrency)
    first = len(sockets.clients)

    async def one(index: int) -> None:
        async with gate:
            token = tokens[index % len(tokens)]
            try:
                client = await WsClient.connect(
                    HOST, port, f"/api/v1/ws?token={token}", sockets.on_text, index
                )
            except (HandshakeFailed, OSError) as exc:
                sockets.failures[f"{type(exc).__name__}: {exc}"[:80]] += 1
                return
            sockets.clients.append(client)

    await asyncio.gather(*(one(first + n) for n in range(count)))


async def settle(sockets: Sockets, port: int, heartbeat: float, since: dict[int, int]) -> None:
    """Until the server holds every open socket and each has had a heartbeat since ``since``."""
    async with asyncio.timeout(max(120.0, 10 * heartbeat)):
        while True:
            await asyncio.sleep(0.5)
            held = await server_connections(port)
            waiting = any(
                c.is_open and sockets.heartbeats[number(c)] <= since.get(number(c), 0)
                for c in sockets.clients
            )
            if held == sockets.open_count() and not waiting:
                return


def heartbeat_rounds(arrivals: list[float], sockets: int, period: float) -> list[float]:
    """First-to-last arrival (s) of each heartbeat round that reached (nearly) every
    socket: one message fanned out to all of them, as the clients saw it. A server that
    heartbeats each socket on its own timer has no such rounds."""
    clusters: list[list[float]] = []
    for arrival in sorted(arrivals):
        if not clusters or arrival - clusters[-1][-1] > period / 2:
            clusters.append([])
        clusters[-1].append(arrival)
    return [c[-1] - c[0] for c in clusters if 0.95 * sockets <= len(c) <= sockets]


async def measure(args: argparse.Namespace) -> None:
    raise_open_file_limit()
    with tempfile.TemporaryDirectory(prefix="distretto-wsmemory-") as tmp:
        database_url = args.database_url
        if database_url is None:
            database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'wsmemory.db'}"
            print("seeding a temporary SQLite database with the demo district…")
            await prepare_database(database_url)
        people = await members(database_url)
        if not people:
            raise SystemExit("no active members in the database")
        minter = TokenService(settings_for(database_url, args.heartbeat))
        tokens = [minter.mint_access(user_id) for user_id in people]
        process = await start_server(database_url, args.port, args.ws, args.heartbeat)
        sockets = Sockets()
        try:
            await open_sockets(sockets, tokens, args.port, args.warmup, args.concurrency)
            await settle(sockets, args.port, args.heartbeat, {})
            before = rss_bytes(process.pid)
            marks = sockets.heartbeats_now()
            await open_sockets(sockets, tokens, args.port, args.sockets, args.concurrency)
            opened = len(sockets.clients) - args.warmup
            await settle(sockets, args.port, args.heartbeat, marks)
            after = rss_bytes(process.pid)
            held = await server_connections(args.port)
            sockets.heartbeat_arrivals.clear()
            cpu_before = cpu_seconds(process.pid)
            await asyncio.sleep(3 * args.heartbeat)
            # The server's CPU while it only sends heartbeats: the fan-out's cost per message.
            listened_cpu = cpu_seconds(process.pid) - cpu_before
            delivered = len(sockets.heartbeat_arrivals)
            spreads = heartbeat_rounds(sockets.heartbeat_arrivals, held, args.heartbeat)
            closed_by_server = sockets.close_codes()
        finally:
            for client in sockets.clients:
                if client.is_open:
                    client.close()
            await stop_server(process)
    added = held - args.warmup
    ws = args.ws or websocket_server_options(settings_for(database_url, 20))["ws"]
    print(f"implementation      {ws}")
    print(f"users               {len(people)} (sockets round-robin over them)")
    print(f"sockets opened      {opened} (+{args.warmup} warm-up)")
    print(f"failed handshakes   {dict(sockets.failures)}")
    print(f"closed by server    {dict(closed_by_server)}")
    print(f"held at the end     {held}")
    print(f"RSS before          {before / KB / KB:.1f} MB")
    print(f"RSS after           {after / KB / KB:.1f} MB")
    if added > 0:
        print(f"per socket          {(after - before) / added / KB:.1f} KB")
    if spreads:
        worst = max(spreads)
        print(
            f"heartbeat fan-out   {len(spreads)} rounds to {held} sockets; first to last "
            f"arrival at most {worst * 1000:.0f} ms ({held / worst:,.0f} messages/s)"
        )
    if delivered:
        print(
            f"server CPU          {listened_cpu * 1e6 / delivered:.1f} us per heartbeat "
            f"delivered ({delivered:,} in {3 * args.heartbeat:.0f} s, idle costs included)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sockets", type=int, default=2000, help="sockets measured")
    parser.add_argument("--warmup", type=int, default=100, help="sockets opened first")
    parser.add_argument("--ws", help="uvicorn websocket implementation (default: the app's)")
    parser.add_argument("--database-url", help="an existing, migrated database with users")
    parser.add_argument("--heartbeat", type=float, default=3.0, help="heartbeat period, s")
    parser.add_argument("--concurrency", type=int, default=50, help="handshakes at a time")
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port, args.ws)
    else:
        asyncio.run(measure(args))


if __name__ == "__main__":
    main()
