"""The open-loop load generator: operations fired at intended times, latency from then.

An *operation* is one user action (a GET, a POST, or deliver-then-accept); it returns
None when it succeeded or a short label of what went wrong. The generator never waits
for a response before sending the next operation: if every connection is busy, the
operation waits for one and that wait is part of its latency.
"""

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.httpclient import ConnectionClosed, HttpClient
from bench.procs import CpuMeter, CpuShares
from bench.schedule import StepVerdict, intended_offsets, judge_step, next_rates, search_max_rate
from bench.stats import LatencySummary, new_histogram, record_seconds, summarize

Operation = Callable[[HttpClient, int], Awaitable[str | None]]
# Past this backlog (seconds of offered work in flight) a step has clearly failed: stop
# sending instead of queueing minutes of work the next step would have to wait out.
ABORT_BACKLOG_SECONDS = 2.0
DRAIN_TIMEOUT = 20.0


@dataclass
class StepResult:
    scenario: str
    offered_rate: float
    seconds: float
    sent: int
    ok: int
    errors: int
    error_kinds: dict[str, int]
    achieved_rate: float
    latency: LatencySummary
    cpu: CpuShares | None
    aborted: bool
    histogram: Any = field(repr=False, default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "offered_rate": self.offered_rate,
            "seconds": round(self.seconds, 2),
            "sent": self.sent,
            "ok": self.ok,
            "errors": self.errors,
            "error_kinds": self.error_kinds,
            "achieved_rate": round(self.achieved_rate, 1),
            "latency": self.latency.as_dict(),
            "cpu_cores": self.cpu.as_dict() if self.cpu else None,
            "cpu_ms_per_op": self.cpu_ms_per_op(),
            "aborted_overloaded": self.aborted,
        }

    def cpu_ms_per_op(self) -> dict[str, float] | None:
        """CPU each party spent per successful operation: comparable across machines and
        neighbours, where throughput on a shared box is not."""
        if self.cpu is None or not self.ok:
            return None
        per = 1000 * self.seconds / self.ok
        return {
            "app_workers": round(self.cpu.app_workers * per, 2),
            "postgres": round(self.cpu.postgres * per, 2),
            "load_generator": round(self.cpu.load_generator * per, 2),
        }


class LoadGenerator:
    def __init__(self, host: str, port: int, max_connections: int, app_pids: list[int]) -> None:
        self.host, self.port = host, port
        self.max_connections = max_connections
        self.app_pids = app_pids

    async def run(
        self,
        scenario: str,
        operation: Operation,
        offsets: list[float],
        *,
        first_index: int = 0,
        measure_cpu: bool = True,
        abort_when_overloaded: bool = True,
        drain_timeout: float = DRAIN_TIMEOUT,
    ) -> StepResult:
        """Fire ``operation(client, first_index + i)`` at ``start + offsets[i]``."""
        loop = asyncio.get_running_loop()
        client = HttpClient(self.host, self.port, self.max_connections)
        histogram = new_histogram()
        errors: Counter[str] = Counter()
        ok = 0
        in_flight: dict[asyncio.Task[None], float] = {}
        meter = CpuMeter(self.app_pids) if measure_cpu else None
        last_done = 0.0
        duration = offsets[-1] if offsets else 0.0
        backlog_limit = max(200, int(len(offsets) / max(duration, 1e-3) * ABORT_BACKLOG_SECONDS))

        async def one(index: int, intended: float) -> None:
            nonlocal ok, last_done
            try:
                failure = await operation(client, index)
            except (ConnectionClosed, OSError) as exc:
                failure = f"connection: {type(exc).__name__}"
            done = loop.time()
            last_done = max(last_done, done)
            record_seconds(histogram, done - intended)
            if failure is None:
                ok += 1
            else:
                errors[failure] += 1

        if meter:
            meter.start()
        start = loop.time() + 0.02
        sent = 0
        aborted = False
        for i, offset in enumerate(offsets):
            intended = start + offset
            delay = intended - loop.time()
            if delay > 0.0005:
                await asyncio.sleep(delay)
            if abort_when_overloaded and len(in_flight) > backlog_limit:
                aborted = True
                break
            task = loop.create_task(one(first_index + i, intended))
            in_flight[task] = intended
            task.add_done_callback(in_flight.pop)
            sent += 1
        if in_flight:
            _, pending = await asyncio.wait(set(in_flight), timeout=drain_timeout)
            for task in pending:
                task.cancel()
                # Unanswered: count as failed, with the latency they had reached so far.
                record_seconds(histogram, loop.time() - in_flight.get(task, start))
            errors["timeout"] += len(pending)
        cpu = meter.stop() if meter else None
        client.close()
        elapsed = max(duration, (last_done or loop.time()) - start, 1e-3)
        return StepResult(
            scenario=scenario,
            offered_rate=round(len(offsets) / duration, 1) if duration else float(len(offsets)),
            seconds=elapsed,
            sent=sent,
            ok=ok,
            errors=sum(errors.values()),
            error_kinds=dict(errors),
            achieved_rate=ok / elapsed,
            latency=summarize(histogram),
            cpu=cpu,
            aborted=aborted,
            histogram=histogram,
        )


@dataclass
class SearchResult:
    scenario: str
    p99_bound_ms: float
    max_rate: float | None
    at_max: StepResult | None
    steps: list[StepResult]
    verdicts: list[StepVerdict]

    def as_dict(self) -> dict[str, Any]:
        at = self.at_max
        return {
            "p99_bound_ms": self.p99_bound_ms,
            "max_sustainable_rate": self.max_rate,
            "at_max": at.as_dict() if at else None,
            "steps": [
                {**s.as_dict(), "verdict": v.reason, "passed": v.passed}
                for s, v in zip(self.steps, self.verdicts, strict=True)
            ],
        }


async def find_max_rate(
    generator: LoadGenerator,
    scenario: str,
    operation: Operation,
    *,
    start_rate: float,
    step_seconds: float,
    p99_bound_ms: float,
    max_rate: float,
    target_rate: float | None = None,
    growth: float = 1.5,
    pause: float = 1.0,
    log: Callable[[str], None] = print,
) -> SearchResult:
    """Step the offered rate up until p99 or errors break, refining the edge."""
    steps: list[StepResult] = []
    counter = 0

    async def run_step(rate: float) -> StepVerdict:
        nonlocal counter
        offsets = intended_offsets(rate, step_seconds)
        result = await generator.run(scenario, operation, offsets, first_index=counter)
        counter += len(offsets)
        steps.append(result)
        judged = judge_step(
            rate,
            result.achieved_rate,
            result.latency.p99_ms,
            result.errors,
            max(result.sent, 1),
            p99_bound_ms,
        )
        if result.aborted:
            judged = StepVerdict(rate, False, "overloaded: backlog grew past 2 s, step stopped")
        cpu = result.cpu.as_dict() if result.cpu else {}
        log(
            f"  {scenario} @ {rate:>6.0f}/s: served {result.achieved_rate:>7.1f}/s "
            f"p50 {result.latency.p50_ms:>7.2f} ms p99 {result.latency.p99_ms:>8.2f} ms "
            f"errors {result.errors:<4} cpu {cpu} -> {judged.reason}"
        )
        await asyncio.sleep(pause)
        return judged

    ladder = next_rates(start_rate, growth, max_rate, target_rate)
    best, verdicts = await search_max_rate(run_step, ladder)
    at_max = next(
        (s for s, v in zip(steps, verdicts, strict=True) if v.passed and v.rate == best), None
    )
    return SearchResult(scenario, p99_bound_ms, best, at_max, steps, verdicts)
