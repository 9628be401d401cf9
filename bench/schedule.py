"""Open-loop schedules and the search for the highest sustainable rate (pure functions).

Requests go out at their *intended* times whatever the server does, and latency is
measured from that intended time: a slow response delays nothing else, so queueing
inside the server (or the client) shows in the numbers instead of hiding behind a
slower send rate (no coordinated omission).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass


def intended_offsets(rate: float, duration: float, group: int = 1) -> list[float]:
    """Send times (seconds from the start) at a fixed ``rate`` of groups per second.

    ``group`` requests share each instant (the award racers fire together).
    """
    if rate <= 0 or duration <= 0:
        return []
    count = round(rate * duration)
    return [i / rate for i in range(count) for _ in range(group)]


@dataclass(frozen=True)
class StepVerdict:
    rate: float
    passed: bool
    reason: str


def judge_step(
    offered: float,
    achieved: float,
    p99_ms: float,
    errors: int,
    total: int,
    p99_bound_ms: float,
    max_error_share: float = 0.001,
    min_achieved_share: float = 0.95,
) -> StepVerdict:
    """A rate is sustainable when p99 holds, (almost) nothing fails and all gets done."""
    if total == 0:
        return StepVerdict(offered, False, "nothing was sent")
    if errors / total > max_error_share:
        return StepVerdict(offered, False, f"{errors} of {total} requests failed")
    if achieved < offered * min_achieved_share:
        return StepVerdict(offered, False, f"served {achieved:.0f}/s of {offered:.0f}/s offered")
    if p99_ms > p99_bound_ms:
        return StepVerdict(offered, False, f"p99 {p99_ms:.1f} ms > {p99_bound_ms:.0f} ms")
    return StepVerdict(offered, True, "ok")


def next_rates(
    start: float, growth: float, limit: float, must_include: float | None
) -> list[float]:
    """Geometric ladder of offered rates from ``start`` up to ``limit``.

    ``must_include`` (the target rate) is put on the ladder so the report can say whether
    the target itself holds, not only the nearest rung.
    """
    rates: list[float] = []
    rate = start
    while rate <= limit:
        rates.append(round(rate))
        rate *= growth
    if must_include is not None and must_include <= limit and must_include not in rates:
        rates.append(must_include)
    return sorted(set(rates))


async def search_max_rate(
    run_step: Callable[[float], Awaitable[StepVerdict]],
    ladder: list[float],
    refinements: int = 2,
) -> tuple[float | None, list[StepVerdict]]:
    """Climb the ladder until a rate fails, then bisect between the last pass and it.

    Returns the highest passing rate (None if even the first failed) and every verdict.
    """
    verdicts: list[StepVerdict] = []
    best: float | None = None
    failed_at: float | None = None
    for rate in ladder:
        verdict = await run_step(rate)
        verdicts.append(verdict)
        if not verdict.passed:
            failed_at = rate
            break
        best = rate
    low = best if best is not None else 0.0
    for _ in range(refinements if failed_at is not None else 0):
        assert failed_at is not None
        middle = round((low + failed_at) / 2)
        if middle <= low or middle >= failed_at or (failed_at - low) / failed_at < 0.08:
            break
        verdict = await run_step(middle)
        verdicts.append(verdict)
        if verdict.passed:
            low = best = middle
        else:
            failed_at = middle
    return best, verdicts
