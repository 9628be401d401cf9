"""Latency histograms and the report's arithmetic (pure functions)."""

from dataclasses import dataclass

from hdrh.histogram import HdrHistogram

# Microseconds, from 1 us to 2 minutes, 3 significant digits.
LOWEST_US, HIGHEST_US, DIGITS = 1, 120_000_000, 3


def new_histogram() -> HdrHistogram:
    return HdrHistogram(LOWEST_US, HIGHEST_US, DIGITS)


def record_seconds(histogram: HdrHistogram, seconds: float) -> None:
    histogram.record_value(min(HIGHEST_US, max(LOWEST_US, int(seconds * 1_000_000))))


@dataclass(frozen=True)
class LatencySummary:
    count: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    p999_ms: float
    max_ms: float
    mean_ms: float

    def as_dict(self) -> dict[str, float]:
        return {
            "count": self.count,
            "p50_ms": self.p50_ms,
            "p90_ms": self.p90_ms,
            "p99_ms": self.p99_ms,
            "p999_ms": self.p999_ms,
            "max_ms": self.max_ms,
            "mean_ms": self.mean_ms,
        }


def summarize(histogram: HdrHistogram) -> LatencySummary:
    def ms(value: float) -> float:
        return round(value / 1000, 2)

    count = histogram.get_total_count()
    if count == 0:
        return LatencySummary(0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    return LatencySummary(
        count=count,
        p50_ms=ms(histogram.get_value_at_percentile(50)),
        p90_ms=ms(histogram.get_value_at_percentile(90)),
        p99_ms=ms(histogram.get_value_at_percentile(99)),
        p999_ms=ms(histogram.get_value_at_percentile(99.9)),
        max_ms=ms(histogram.get_max_value()),
        mean_ms=ms(histogram.get_mean_value()),
    )


def ratio(value: float | None, ceiling: float | None) -> float | None:
    if value is None or not ceiling:
        return None
    return round(value / ceiling, 3)


@dataclass(frozen=True)
class Verdict:
    passed: bool
    # Signed distance to the bound in percent of the bound: positive is headroom,
    # negative is the miss ("-40%": 40% short of a throughput or 40% over a latency bound).
    margin_pct: float


def verdict(measured: float | None, bound: float, higher_is_better: bool) -> Verdict | None:
    if measured is None:
        return None
    if higher_is_better:
        margin = (measured - bound) / bound * 100
        return Verdict(measured >= bound, round(margin, 1))
    if bound == 0:
        return Verdict(measured <= bound, 0.0 if measured <= bound else -100.0)
    margin = (bound - measured) / bound * 100
    return Verdict(measured <= bound, round(margin, 1))
