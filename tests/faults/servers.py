"""Servers of the fault suite's own: a PostgreSQL cluster (initdb + pg_ctl in a temp dir),
a Redis, and the app as a real ``distretto serve`` process with two workers.

None of them is the shared PostgreSQL or Redis of the box: each listens on a port the OS
has just handed out, so the suite can restart and kill them freely.
"""

import asyncio
import glob
import os
import pwd
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from tests.realtime.builders import free_port

DISTRETTO = Path(sys.executable).with_name("distretto")
# A server process of the app started in over a minute on a loaded CI box.
APP_START_SECONDS = 180.0
PG_START_SECONDS = 60.0


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL's server programs (Debian's layout), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> float:
    return float(Path(path).parent.parent.name)


class PrivateCluster:
    """A throwaway PostgreSQL cluster: trust auth, no fsync (durability across a crash of
    the machine is not under test; a restart of the server is), its socket in its own dir.

    initdb refuses to run as root: as root every server program runs as ``postgres``."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/distretto"

    def _as_owner(self, program: str, *args: str) -> list[str]:
        command = [str(self.bin_dir / program), *args]
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *command]
        return command

    async def _run(self, program: str, *args: str) -> None:
        # Output to a file, not a pipe: a server pg_ctl starts inherits its stdout, and
        # reading a pipe to its end would wait for the server to exit.
        with tempfile.TemporaryFile() as output:
            process = await asyncio.create_subprocess_exec(
                *self._as_owner(program, *args), stdout=output, stderr=output
            )
            await process.wait()
            output.seek(0)
            said = output.read().decode(errors="replace")
        assert process.returncode == 0, f"{program} {args}: {said}"

    async def create(self) -> None:
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        await self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        await self.start()
        admin = await asyncpg.connect(self.url.replace("/distretto", "/postgres"))
        try:
            await admin.execute("CREATE DATABASE distretto")
        finally:
            await admin.close()

    async def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off "
            "-c max_connections=100 -c shared_buffers=32MB"
        )
        await self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", str(int(PG_START_SECONDS)), "start",
        )  # fmt: skip

    async def restart(self) -> None:
        """``pg_ctl restart -m fast``: every session is terminated, open transactions roll
        back, and the server is back (pg_ctl waits for it) with the same options."""
        await self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-m", "fast", "-w", "-t", str(int(PG_START_SECONDS)), "restart",
        )  # fmt: skip

    async def stop(self) -> None:
        await self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@asynccontextmanager
async def private_cluster() -> AsyncIterator[PrivateCluster]:
    bin_dir = postgres_bin()
    assert bin_dir is not None, "no PostgreSQL server programs under /usr/lib/postgresql"
    root = Path(tempfile.mkdtemp(prefix="distretto-faults-pg-"))
    cluster = PrivateCluster(bin_dir, root)
    try:
        await cluster.create()
        yield cluster
    finally:
        if (cluster.data / "postmaster.pid").exists():
            await cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class AppServer:
    base: str
    process: asyncio.subprocess.Process
    # The tail of the server's output, for failure messages.
    output: deque[str] = field(default_factory=lambda: deque(maxlen=400))
    # How many server processes uvicorn has started: a dead worker is replaced by a new
    # one, which would hide a crash the suite must see.
    worker_starts: int = 0

    def tail(self) -> str:
        return "".join(self.output)

    async def drain(self, stream: asyncio.StreamReader) -> None:
        # Keep reading, or the server blocks once the pipe is full.
        while line := (await stream.readline()).decode(errors="replace"):
            self.output.append(line)
            self.worker_starts += "Started server process" in line


def app_environment(database_url: str, redis_url: str) -> dict[str, str]:
    return os.environ | {
        "DISTRETTO_ENVIRONMENT": "test",
        "DISTRETTO_DATABASE_URL": database_url,
        "DISTRETTO_REDIS_URL": redis_url,
        "DISTRETTO_REDIS_NAMESPACE": "distretto-faults",
        "DISTRETTO_SECRET_KEY": "fault-suite-secret-key-with-enough-length-0123456789",
        # The mail sender and the scheduler are not under test: less CPU on a shared box.
        "DISTRETTO_BACKGROUND_JOBS": "false",
    }


async def migrate(environment: dict[str, str]) -> None:
    process = await asyncio.create_subprocess_exec(
        str(DISTRETTO), "migrate", env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode(errors="replace")


@asynccontextmanager
async def app_server(environment: dict[str, str], workers: int = 2) -> AsyncIterator[AppServer]:
    port = free_port()
    args: Sequence[str] = ("serve", "--host", "127.0.0.1", "--port", str(port))
    process = await asyncio.create_subprocess_exec(
        str(DISTRETTO), *args, "--workers", str(workers), env=environment,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert process.stdout is not None
    server = AppServer(f"http://127.0.0.1:{port}", process)
    drain = asyncio.create_task(server.drain(process.stdout))
    try:
        async with asyncio.timeout(APP_START_SECONDS), httpx.AsyncClient() as client:
            while server.worker_starts < workers or not await _ready(client, server.base):
                assert process.returncode is None, server.tail()
                await asyncio.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            async with asyncio.timeout(20):
                await process.wait()
        except TimeoutError:
            process.kill()
            await process.wait()
        await drain


async def _ready(client: httpx.AsyncClient, base: str) -> bool:
    try:
        return (await client.get(f"{base}/readyz")).status_code == 200
    except httpx.TransportError:
        return False
