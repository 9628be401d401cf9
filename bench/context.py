"""What every scenario gets: the profile, the running app, the database, the people."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench.actors import Cast
from bench.config import HOST, Profile
from bench.httpclient import HttpClient, Request
from bench.load import LoadGenerator, Operation, SearchResult, find_max_rate
from bench.schedule import intended_offsets, next_rates
from bench.server import AppServer, RawServer

API = "/api/v1"


@dataclass
class Bench:
    profile: Profile
    server: AppServer
    pool: asyncpg.Pool
    cast: Cast
    generator: LoadGenerator
    log: Callable[[str], None]
    routes: set[str]
    rng: random.Random = field(default_factory=lambda: random.Random(88))
    # Highest sustainable rate of the trivial endpoint, the denominator of every ratio.
    ceiling_rate: float | None = None
    # The raw ceiling of the hot paths (bench/raw.py) and a load generator aimed at it.
    raw_server: RawServer | None = None
    raw_generator: LoadGenerator | None = None

    def client(self, connections: int = 64) -> HttpClient:
        return HttpClient(HOST, self.server.port, connections)

    def encode(
        self,
        method: str,
        path: str,
        user_id: int | None = None,
        body: bytes = b"",
        extra: list[tuple[str, str]] | None = None,
        *,
        api: bool = True,
    ) -> bytes:
        headers = list(extra or [])
        if user_id is not None:
            headers.append(self.cast.auth(user_id))
        if body:
            headers.append(("content-type", "application/json"))
        return Request(method, f"{API if api else ''}{path}", body, headers).encode(HOST)

    def encode_raw(self, method: str, path: str, user_id: int, body: bytes = b"") -> bytes:
        """The raw ceiling's request for what ``encode`` asks the app: no token, the
        viewer's firms in the query string instead."""
        firms = ",".join(str(f) for f in sorted(self.cast.user_firms.get(user_id, [])))
        separator = "&" if "?" in path else "?"
        headers = [("content-type", "application/json")] if body else []
        return Request(method, f"{path}{separator}viewer={firms}", body, headers).encode(HOST)

    async def against_raw(
        self,
        scenario: str,
        app_summary: dict[str, Any],
        operation: Operation,
        *,
        start_rate: float,
        p99_bound_ms: float,
        max_rate: float = 20_000,
        warm: bool = True,
    ) -> None:
        """The same work served by the raw ceiling, in the same run, right after the app's
        step search: its max rate and the app's ratio to it go into ``app_summary``."""
        if self.raw_generator is None:
            return
        if warm:  # reads only: a write's fixture serves each index once
            await self.raw_generator.run(
                f"{scenario}_raw",
                operation,
                intended_offsets(start_rate * 2, self.profile.warmup_seconds),
                measure_cpu=False,
            )
        raw = await find_max_rate(
            self.raw_generator,
            f"{scenario}_raw",
            operation,
            start_rate=start_rate,
            step_seconds=self.profile.step_seconds,
            p99_bound_ms=p99_bound_ms,
            max_rate=max_rate,
            log=self.log,
        )
        app_summary["raw"] = summary_of(raw, None)
        app_rate = app_summary.get("max_rate")
        app_summary["ratio_to_raw"] = (
            round(app_rate / raw.max_rate, 3) if app_rate and raw.max_rate else None
        )

    async def search(
        self,
        scenario: str,
        operation: Operation,
        *,
        start_rate: float,
        p99_bound_ms: float,
        max_rate: float = 20_000,
        target_rate: float | None = None,
    ) -> SearchResult:
        return await find_max_rate(
            self.generator,
            scenario,
            operation,
            start_rate=start_rate,
            step_seconds=self.profile.step_seconds,
            p99_bound_ms=p99_bound_ms,
            max_rate=max_rate,
            target_rate=target_rate,
            log=self.log,
        )

    def operations_budget(self, start_rate: float, max_rate: float, target: float | None) -> int:
        """Operations a full climb of the ladder (and its refinements) can send at most."""
        ladder = next_rates(start_rate, 1.5, max_rate, target)
        return int((sum(ladder) + 2 * ladder[-1]) * self.profile.step_seconds) + 100

    async def warm_up(self, scenario: str, operation: Operation, rate: float) -> None:
        """Fill caches and connection pools before measuring (not recorded)."""
        offsets = intended_offsets(rate, self.profile.warmup_seconds)
        await self.generator.run(scenario, operation, offsets, measure_cpu=False)


def summary_of(search: SearchResult, ceiling: float | None) -> dict[str, Any]:
    """A scenario's headline: max sustainable rate, its latency, the ceiling ratio."""
    at = search.at_max
    return {
        "max_rate": search.max_rate,
        "p50_ms": at.latency.p50_ms if at else None,
        "p99_ms": at.latency.p99_ms if at else None,
        "ratio_to_ceiling": round(search.max_rate / ceiling, 3)
        if search.max_rate and ceiling
        else None,
        "p99_bound_ms": search.p99_bound_ms,
        # From the lowest offered rate (least queueing): what one operation costs each party.
        "cpu_ms_per_op": min(search.steps, key=lambda s: s.offered_rate).cpu_ms_per_op()
        if search.steps
        else None,
        "detail": search.as_dict(),
    }
