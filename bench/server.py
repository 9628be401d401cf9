"""Run the app as production does: uvicorn, 2 worker processes, PostgreSQL and Redis, and
``distretto worker`` beside them for the background work (notifications, mail, scheduled
jobs), as deploy/ runs it.

The command is ``distretto serve``'s (same factory and options) with the access log off
and warnings only: a line per request would cost the server CPU the benchmark measures.
"""

import asyncio
import contextlib
import os
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

from bench.config import HOST, REDIS_URL
from bench.httpclient import HttpClient
from bench.procs import children, cmdline, rss_bytes
from bench.seed import dsn, sqlalchemy_url
from distretto.cli import websocket_server_options
from distretto.config import Settings

REPO_ROOT = Path(__file__).resolve().parents[1]


def raise_open_file_limit() -> int:
    """Ten thousand websockets need as many descriptors, here and in the server."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _websocket_flags() -> list[str]:
    """``distretto serve``'s websocket options (at their defaults: the server's
    environment sets none) as uvicorn command-line flags."""
    flags: list[str] = []
    for name, value in websocket_server_options(Settings.model_construct()).items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        flags += [f"--{name.replace('_', '-')}", text]
    return flags


class AppServer:
    def __init__(self, database: str, port: int, log_path: Path, workers: int = 2) -> None:
        self.database = database
        self.port = port
        self.workers = workers
        self.log_path = log_path
        # A real secret, fresh per run; the harness mints tokens with it.
        self.secret_key = secrets.token_urlsafe(48)
        self.redis_namespace = f"distretto_bench_{port}"
        # No SMTP server: the mail worker writes .eml files, here rather than in the repo.
        self.mail_dir = tempfile.mkdtemp(prefix="distretto-bench-mail-")
        self._process: asyncio.subprocess.Process | None = None
        self._background: asyncio.subprocess.Process | None = None

    @property
    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISTRETTO_")}
        env.update(
            DISTRETTO_ENVIRONMENT="production",
            DISTRETTO_DATABASE_URL=sqlalchemy_url(self.database),
            DISTRETTO_REDIS_URL=REDIS_URL,
            DISTRETTO_REDIS_NAMESPACE=self.redis_namespace,
            DISTRETTO_SECRET_KEY=self.secret_key,
            DISTRETTO_MAIL_DIR=self.mail_dir,
            # The HTTP workers answer requests only; ``background_command`` does the rest.
            DISTRETTO_BACKGROUND_JOBS="false",
        )
        return env

    @property
    def background_command(self) -> list[str] | None:
        """``distretto worker`` (at its default priority, below the HTTP workers')."""
        return [sys.executable, "-c", "from distretto.cli import main; main()", "worker"]

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "distretto.app:create_app",
            "--factory",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            *_websocket_flags(),
            "--proxy-headers",
            "--no-server-header",
            "--no-access-log",
            "--log-level",
            "warning",
        ]

    async def start(self, ready_within: float = 120.0) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self._process = await self._spawn(self.command, log)
            if self.background_command is not None:
                self._background = await self._spawn(self.background_command, log)
        deadline = time.monotonic() + ready_within
        client = HttpClient(HOST, self.port, max_connections=1)
        try:
            while time.monotonic() < deadline:
                if self._process.returncode is not None:
                    raise RuntimeError(f"the app exited early; see {self.log_path}")
                if self._background is not None and self._background.returncode is not None:
                    raise RuntimeError(f"the worker exited early; see {self.log_path}")
                with contextlib.suppress(OSError, ConnectionError):
                    response = await client.get("/readyz")
                    if response.status == 200 and len(self.worker_pids()) == self.workers:
                        # Each worker answers readiness on its own: ask a few times.
                        for _ in range(8):
                            await client.get("/readyz")
                        return
                await asyncio.sleep(0.3)
        finally:
            client.close()
        raise RuntimeError(f"the app was not ready in {ready_within:.0f} s; see {self.log_path}")

    async def _spawn(self, command: list[str], log: IO[bytes]) -> asyncio.subprocess.Process:
        """A process of its own session (stopped as a group), logging into ``log``."""
        return await asyncio.create_subprocess_exec(
            *command,
            cwd=REPO_ROOT,
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def worker_pids(self) -> list[int]:
        if self._process is None:
            return []
        return [
            pid for pid in children(self._process.pid) if "resource_tracker" not in cmdline(pid)
        ]

    def workers_rss(self) -> int:
        return sum(rss_bytes(pid) for pid in self.worker_pids())

    async def stop(self, grace: float = 30.0) -> None:
        process, self._process = self._process, None
        background, self._background = self._background, None
        try:
            await self._end(background, grace)
            await self._end(process, grace)
        finally:
            shutil.rmtree(self.mail_dir, ignore_errors=True)

    async def _end(self, process: asyncio.subprocess.Process | None, grace: float) -> None:
        if process is None or process.returncode is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), grace)
        except TimeoutError:
            # Graceful shutdown waits for open websockets; past the grace, end the group.
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()


class RawServer(AppServer):
    """The raw ceiling (``bench/raw.py``) on the port after the app's, same worker count."""

    @property
    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DISTRETTO_")}
        env["BENCH_RAW_DSN"] = dsn(self.database)
        return env

    @property
    def background_command(self) -> list[str] | None:
        return None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.raw:app",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--no-server-header",
            "--no-access-log",
            "--log-level",
            "warning",
        ]
