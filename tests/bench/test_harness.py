"""The benchmark harness's own arithmetic: schedules, step verdicts, the rate search,
histogram summaries, target verdicts, websocket framing and the generated district.

No server and no database here: the benchmark itself never runs in the test suite.
"""

import struct
from collections import Counter
from datetime import UTC, datetime

import pytest
from bench.config import QUICK, Sizes
from bench.district import BID_COLUMNS, CONTRACT_COLUMNS, ORDER_COLUMNS, District
from bench.profiling import hot_frames
from bench.report import markdown, profile_lines, target_table
from bench.schedule import (
    StepVerdict,
    intended_offsets,
    judge_step,
    next_rates,
    search_max_rate,
)
from bench.seed import counts_satisfy
from bench.stats import new_histogram, ratio, record_seconds, summarize, verdict
from bench.wsclient import client_frame, mask, parse_frames


def test_offsets_are_evenly_spaced_from_zero() -> None:
    offsets = intended_offsets(4, 2.0)
    assert offsets == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75]
    assert intended_offsets(0, 5) == [] and intended_offsets(10, 0) == []


def test_grouped_offsets_fire_together() -> None:
    offsets = intended_offsets(2, 1.5, group=3)
    assert offsets == [0.0, 0.0, 0.0, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0]


@pytest.mark.parametrize(
    ("achieved", "p99", "errors", "passed", "reason"),
    [
        (100, 20, 0, True, "ok"),
        (100, 60, 0, False, "p99 60.0 ms > 50 ms"),
        (90, 20, 0, False, "served 90/s of 100/s offered"),
        (100, 20, 2, False, "2 of 1000 requests failed"),
        (96, 50, 1, True, "ok"),  # within 5% of the offered rate, 0.1% errors: still fine
    ],
)
def test_judge_step(achieved: float, p99: float, errors: int, passed: bool, reason: str) -> None:
    judged = judge_step(100, achieved, p99, errors, 1000, p99_bound_ms=50)
    assert (judged.passed, judged.reason) == (passed, reason)


def test_judge_step_with_nothing_sent_fails() -> None:
    assert not judge_step(100, 0, 0, 0, 0, p99_bound_ms=50).passed


def test_ladder_contains_the_target_and_stops_at_the_limit() -> None:
    ladder = next_rates(100, 2, 1000, must_include=300)
    assert ladder == [100, 200, 300, 400, 800]
    assert next_rates(100, 2, 1000, must_include=5000) == [100, 200, 400, 800]


async def test_search_climbs_then_bisects_to_the_edge() -> None:
    capacity = 530
    tried: list[float] = []

    async def run(rate: float) -> StepVerdict:
        tried.append(rate)
        return StepVerdict(rate, rate <= capacity, "ok" if rate <= capacity else "too slow")

    best, verdicts = await search_max_rate(run, [100, 200, 400, 800, 1600], refinements=2)
    assert tried[:4] == [100, 200, 400, 800]  # stops climbing at the first failure
    assert tried[4:] == [600, 500]  # then halves the gap twice
    assert best == 500
    assert [v.passed for v in verdicts] == [True, True, True, False, False, True]


async def test_search_reports_none_when_the_first_rate_fails() -> None:
    async def run(rate: float) -> StepVerdict:
        return StepVerdict(rate, False, "down")

    best, verdicts = await search_max_rate(run, [100, 200], refinements=2)
    assert best is None
    assert [v.rate for v in verdicts] == [100, 50, 25]


def test_summary_percentiles_in_milliseconds() -> None:
    histogram = new_histogram()
    for ms in range(1, 101):  # 1 ms .. 100 ms, one each
        record_seconds(histogram, ms / 1000)
    summary = summarize(histogram)
    assert summary.count == 100
    assert summary.p50_ms == pytest.approx(50, rel=0.01)
    assert summary.p99_ms == pytest.approx(99, rel=0.01)
    assert summary.max_ms == pytest.approx(100, rel=0.01)
    assert summarize(new_histogram()).count == 0


def test_verdict_margins_say_by_how_much() -> None:
    assert verdict(1500, 1000, higher_is_better=True).margin_pct == 50.0
    missed = verdict(250, 1000, higher_is_better=True)
    assert missed is not None and not missed.passed and missed.margin_pct == -75.0
    latency = verdict(150, 100, higher_is_better=False)
    assert latency is not None and not latency.passed and latency.margin_pct == -50.0
    assert verdict(None, 10, higher_is_better=True) is None
    assert ratio(300, 1200) == 0.25 and ratio(None, 10) is None and ratio(5, None) is None


def _searched(max_rate: float | None, *rates: float) -> dict:
    """A step-search summary as the harness writes it, with steps at ``rates``."""
    steps = [
        {
            "offered_rate": rate,
            "latency": {"p50_ms": 2.0, "p99_ms": 9.0 if rate <= (max_rate or 0) else 90.0},
            "cpu_ms_per_op": {"app_workers": 1.5, "postgres": 0.5},
        }
        for rate in rates
    ]
    return {
        "max_rate": max_rate,
        "p50_ms": 2.0 if max_rate else None,
        "p99_ms": 9.0 if max_rate else None,
        "p99_bound_ms": 50.0,
        "detail": {"steps": steps},
    }


def test_target_table_marks_pass_and_miss() -> None:
    scenarios = {
        "board": {
            # Ratios to the raw ceiling of the same page: 750 / 6000 and 3300 / 6000.
            "board_first": _searched(750.0, 500, 750, 1125) | {"raw": _searched(6000.0, 6000)},
            "board_deep": _searched(3300.0, 3000, 3300, 4500) | {"raw": _searched(6000.0, 6000)},
        },
        "detail": _searched(900.0, 900),
        "bids": _searched(None, 10, 5),
        "award": {"exactly_one_pct": 100.0, "summary": "1000 of 1000"},
    }
    rows = {line.split(" | ")[0].lstrip("| "): line for line in target_table(scenarios)}
    assert "**miss** by 75%" in rows["Board, first page"]
    assert "raw 6,000/s: ratio 0.12" in rows["Board, first page"]
    assert "**pass** (+10% headroom)" in rows["Board, deep pages"]
    # The app measured but no raw ceiling: no ratio to judge.
    assert "not measured" in rows["Order detail"]
    assert "**pass**" in rows["Award contention"]
    # Measured, and no offered rate held the bound: a full miss, with the lowest step shown.
    assert "**miss** by 100%" in rows["Bid placement"]
    assert "at 5/s p50 2.0 ms, p99 90.0 ms" in rows["Bid placement"]
    assert "not measured" in rows["Websockets held"]


def test_markdown_report_renders_without_every_scenario() -> None:
    report = {
        "started_at": "2026-11-22T22:00:00+00:00",
        "profile": "quick",
        "machine": {"cores": 2, "python": "3.11"},
        "seed": {"counts": {"orders": 10}},
        "scenarios": {"ceiling": _searched(2000.0, 1000, 2000, 3000), "bids": _searched(None, 5)},
        "skipped": {"fanout": "route missing"},
    }
    text = markdown(report)
    assert (
        "| Trivial JSON endpoint `/healthz` (ceiling) | 2,000 | 2.0 | 9.0 | 50 ms | 1.00 |" in text
    )
    assert "| Bid placement | none held the bound (at 5/s:) | 2.0 | 90.0 |" in text
    assert "- fanout: route missing" in text


def test_websocket_mask_is_an_involution_and_frames_parse() -> None:
    key = b"\x01\x02\x03\x04"
    payload = b'{"type":"resume","after":42}'
    assert mask(mask(payload, key), key) == payload
    frame = client_frame(1, payload)
    assert frame[0] == 0x81 and frame[1] & 0x80  # FIN + text, masked
    assert mask(frame[6:], frame[2:6]) == payload
    # Server frames (unmasked), one split across two reads and a 16-bit length.
    big = b"x" * 300
    stream = bytearray(bytes([0x81, len(payload)]) + payload)
    stream += bytes([0x81, 126]) + struct.pack("!H", len(big)) + big[:100]
    frames = parse_frames(stream)
    assert frames == [(True, 1, payload)] and len(stream) == 4 + 100
    stream += big[100:]
    assert parse_frames(stream) == [(True, 1, big)] and not stream


def test_hot_frames_shares() -> None:
    collapsed = "main;handle;query 6\nmain;handle;render 3\nmain;idle 1\n"
    frames = hot_frames(collapsed)
    assert frames["self"][0] == ("query", 60.0)
    assert ("handle", 90.0) in frames["inclusive"]


def test_cache_check_needs_every_floor() -> None:
    sizes = QUICK.sizes
    enough = {
        "firms": sizes.firms,
        "orders": sizes.orders,
        "bids": sizes.min_bids,
        "contracts": sizes.min_contracts,
    }
    assert counts_satisfy(enough, QUICK)
    assert not counts_satisfy({**enough, "bids": sizes.min_bids - 1}, QUICK)
    assert not counts_satisfy({}, QUICK)


def test_generated_district_keeps_the_market_rules() -> None:
    sizes = Sizes(
        firms=80,
        users_per_firm=5,
        orders=3000,
        bids_per_order=5.3,
        consortia=3,
        events_history=2000,
        min_bids=0,
        min_contracts=0,
    )
    district = District(sizes, datetime(2026, 11, 22, tzinfo=UTC), "hash", seed=3)
    firms = {f.id: f for f in district.firms}
    orders, bids, contracts, events = {}, [], [], []
    for chunk in district.order_chunks(chunk=700):
        orders.update({row[0]: dict(zip(ORDER_COLUMNS, row, strict=True)) for row in chunk.orders})
        bids += [dict(zip(BID_COLUMNS, row, strict=True)) for row in chunk.bids]
        contracts += [dict(zip(CONTRACT_COLUMNS, row, strict=True)) for row in chunk.contracts]
        events += [row[0] for row in chunk.events]
    assert len(orders) == 3000
    live = Counter(
        (b["order_id"], b["firm_id"])
        for b in bids
        if b["status"] in ("active", "needs_confirmation", "awarded")
    )
    assert max(live.values()) == 1  # one live bid per firm per order
    for bid in bids:
        order, bidder = orders[bid["order_id"]], firms[bid["firm_id"]]
        client = firms[order["client_firm_id"]]
        assert bidder.id != client.id and not bidder.suspended
        assert bidder.group_id is None or bidder.group_id != client.group_id
    awarded = [o for o in orders.values() if o["status"] == "awarded"]
    assert len(contracts) == len(awarded) == len({c["order_id"] for c in contracts})
    winners = {b["id"]: b for b in bids if b["status"] == "awarded"}
    for contract in contracts:
        assert winners[contract["bid_id"]]["order_id"] == contract["order_id"]
    assert events == sorted(events) == list(range(1, len(events) + 1))
    open_orders = [o for o in orders.values() if o["status"] == "open"]
    assert open_orders and all(o["bid_deadline"] > district.now for o in open_orders)
    common = sum(
        "tessuto" in (o["title"] + " " + o["description"]).lower().split() for o in orders.values()
    )
    assert 0.7 < common / len(orders) < 0.95  # the very common search word


def test_profile_lines_skip_the_event_loop() -> None:
    report = {
        "profiles": {
            "board": {
                "p-1.txt": {
                    "inclusive": [
                        ("run (asyncio/runners.py:118)", 100.0),
                        ("__call__ (distretto/kit/middleware.py:98)", 60.0),
                        ("board (distretto/market/service.py:243)", 41.5),
                        ("execute (sqlalchemy/orm/session.py:2251)", 30.0),
                    ],
                    "self": [("send (socket.py:1)", 12.5)],
                }
            },
            "award": {},
        }
    }
    lines = profile_lines(report, top=1)
    assert lines[2:] == [
        "- 41.5% `board (distretto/market/service.py:243)`",
        "- self 12.5% `send (socket.py:1)`",
        "",
    ]
