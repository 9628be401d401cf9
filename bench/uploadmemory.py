"""Document uploads against one real uvicorn process: memory growth and concurrency.

    uv run python -m bench.uploadmemory                    # 20 MB file, then 50 x 5 MB at once
    uv run python -m bench.uploadmemory --concurrent 20 --concurrent-mb 2

Uploads stream to disk (``distretto.documents.receiving``): the app must never hold a
file in memory. Sequence: a temporary SQLite database with the demo district and a
temporary documents directory; the app started as ``distretto serve`` runs it (one
worker, so its RSS is the whole cost); two 1 MB uploads to warm every code path; then one
20 MB upload while the server's RSS is sampled every 10 ms: the peak above the level
before it is the figure (target < 5 MB, issue 14). Then ``--concurrent`` uploads of
``--concurrent-mb`` each, all at once, which must all answer 201 and all be listed.

Not a test and not part of ``bench.run``: a measurement to run on purpose (about a minute,
most of it seeding the demo district). Port 8178, inside the harness's reserved range.
"""

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import text

from bench.config import HOST
from bench.procs import rss_bytes
from distretto.auth.security import TokenService
from distretto.cli import REPO_ROOT, run_migrations, websocket_server_options
from distretto.config import Settings
from distretto.db import create_engine

PORT = 8178
SECRET_KEY = "bench-uploadmemory-secret-key-0123456789-abcdef"
MB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = "distretto-bench-boundary"
TARGET_GROWTH_BYTES = 5 * MB
# A PDF's magic number, then filler: the sniffer reads the head, the limit counts it all.
PDF_HEAD = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def settings_for(database_url: str) -> Settings:
    return Settings(
        environment="test", database_url=database_url, secret_key=SECRET_KEY, docs_enabled=False
    )


async def prepare(database_url: str) -> tuple[int, int]:
    """Migrate and seed; return (user id of a client firm's owner, one of its open orders)."""
    from distretto.seed.demo import seed

    await asyncio.to_thread(run_migrations, database_url)
    await seed(settings_for(database_url))
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            row = (
                await conn.execute(
                    text(
                        "SELECT m.user_id, o.id FROM orders o JOIN memberships m "
                        "ON m.firm_id = o.client_firm_id AND m.role = 'owner' "
                        "WHERE o.status = 'open' ORDER BY o.id LIMIT 1"
                    )
                )
            ).one()
            return int(row[0]), int(row[1])
    finally:
        await engine.dispose()


def serve(port: int) -> None:
    uvicorn.run(
        "distretto.app:create_app",
        factory=True,
        host=HOST,
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,
        **websocket_server_options(settings_for(os.environ["DISTRETTO_DATABASE_URL"])),
    )


async def start_server(
    database_url: str, documents_dir: str, port: int
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISTRETTO_")}
    env |= {
        "DISTRETTO_ENVIRONMENT": "test",
        "DISTRETTO_DATABASE_URL": database_url,
        "DISTRETTO_SECRET_KEY": SECRET_KEY,
        "DISTRETTO_DOCUMENTS_DIR": documents_dir,
    }
    command = [sys.executable, "-m", "bench.uploadmemory", "--serve", "--port", str(port)]
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


def multipart_length(size: int) -> int:
    return len(_opening()) + size + len(_closing())


def _opening() -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="file"; filename="scheda-tecnica.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()


def _closing() -> bytes:
    return f"\r\n--{BOUNDARY}--\r\n".encode()


async def multipart_body(size: int) -> AsyncIterator[bytes]:
    """A multipart body generated as it is sent: the client holds one chunk at a time."""
    yield _opening() + PDF_HEAD
    left = size - len(PDF_HEAD)
    filler = b"0" * CHUNK
    while left > 0:
        yield filler[: min(CHUNK, left)]
        left -= CHUNK
    yield _closing()


async def upload(http: httpx.AsyncClient, url: str, token: str, size: int) -> httpx.Response:
    return await http.post(
        url,
        content=multipart_body(size),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Content-Length": str(multipart_length(size)),
        },
    )


async def peak_rss_during(pid: int, work: asyncio.Task[httpx.Response]) -> int:
    peak = rss_bytes(pid)
    while not work.done():
        peak = max(peak, rss_bytes(pid))
        await asyncio.sleep(0.01)
    return max(peak, rss_bytes(pid))


async def measure(args: argparse.Namespace) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="distretto-uploadmemory-") as tmp:
        database_url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        user_id, order_id = await prepare(database_url)
        token = TokenService(settings_for(database_url)).mint_access(user_id)
        process = await start_server(database_url, str(Path(tmp) / "documents"), args.port)
        url = f"http://{HOST}:{args.port}/api/v1/orders/{order_id}/attachments"
        try:
            timeout = httpx.Timeout(120.0)
            limits = httpx.Limits(max_connections=args.concurrent)
            async with httpx.AsyncClient(timeout=timeout, limits=limits) as http:
                for _ in range(2):
                    warm = await upload(http, url, token, 1 * MB)
                    assert warm.status_code == 201, warm.text
                await asyncio.sleep(0.5)
                before = rss_bytes(process.pid)
                work = asyncio.create_task(upload(http, url, token, args.size_mb * MB))
                peak = await peak_rss_during(process.pid, work)
                big = work.result()
                assert big.status_code == 201, big.text
                growth = peak - before

                started = time.perf_counter()
                answers = await asyncio.gather(
                    *(
                        upload(http, url, token, args.concurrent_mb * MB)
                        for _ in range(args.concurrent)
                    )
                )
                elapsed = time.perf_counter() - started
                statuses: dict[int, int] = {}
                for answer in answers:
                    statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                listed = await http.get(url, headers={"Authorization": f"Bearer {token}"})
                stored = len(listed.json())
        finally:
            await stop_server(process)
    return {
        "upload_mb": args.size_mb,
        "rss_before_mb": round(before / MB, 1),
        "rss_growth_mb": round(growth / MB, 2),
        "growth_target_mb": TARGET_GROWTH_BYTES / MB,
        "growth_ok": growth < TARGET_GROWTH_BYTES,
        "concurrent_uploads": args.concurrent,
        "concurrent_mb_each": args.concurrent_mb,
        "concurrent_statuses": statuses,
        "concurrent_seconds": round(elapsed, 2),
        "concurrent_ok": statuses == {201: args.concurrent},
        # The two warm-up files, the big one and the concurrent ones (plus the demo's own).
        "files_listed_on_order": stored,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size-mb", type=int, default=20)
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--concurrent-mb", type=int, default=5)
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.port)
        return
    result = asyncio.run(measure(args))
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["growth_ok"] and result["concurrent_ok"] else 1)


if __name__ == "__main__":
    main()
