"""Write scenarios: bid placement, award contention, contract completion.

Each one checks afterwards, in the database, that what the API acknowledged is there
exactly once: no lost bids, one outbox event per bid, one contract per raced order.
"""

import asyncio
import json
import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from bench import fixtures
from bench.config import P99_BOUNDS_MS
from bench.context import Bench, summary_of
from bench.httpclient import HttpClient
from bench.procs import CpuMeter
from bench.stats import new_histogram, record_seconds, summarize

# Bid ladder's top rung: well past the 1,000/s target, and bounds the slots prepared.
BID_MAX_RATE = 4000
# Raced orders in flight at once (each with all its racers firing together).
AWARD_ORDERS_AT_ONCE = 4


def _check(ok: bool, detail: str) -> dict[str, Any]:
    return {"ok": ok, "detail": detail}


async def _max_event_id(bench: Bench) -> int:
    async with bench.pool.acquire() as conn:
        return int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))


async def bids(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    needed = bench.operations_budget(profile.start_rates["bids"], BID_MAX_RATE, 1000)
    async with bench.pool.acquire() as conn:
        # Every other slot for the raw ceiling's inserts: both must succeed.
        both = await fixtures.bid_slots(conn, bench.cast, bench.rng, needed * 2)
    slots, raw_slots = both[::2], both[1::2]
    acknowledged: list[int] = []
    bodies: dict[int, tuple[bytes, bytes]] = {}

    def bid_body(slot: fixtures.BidSlot, index: int) -> bytes:
        return json.dumps(
            {
                "firm_id": slot.firm_id,
                "unit_price": f"{9 + index % 300 / 100:.2f}",
                "delivery_date": slot.delivery_date.isoformat(),
                "notes": "Disponibilità immediata, consegna franco vostro magazzino.",
            }
        ).encode()

    def request(index: int, key: str) -> bytes:
        slot = slots[index]
        body = bid_body(slot, index)
        return bench.encode(
            "POST",
            f"/orders/{slot.order_id}/bids",
            slot.user_id,
            body,
            [("idempotency-key", key)],
        )

    async def place(client: HttpClient, index: int) -> str | None:
        if index >= len(slots):
            return "fixture exhausted"
        raw = request(index, uuid.uuid4().hex)
        response = await client.send(raw)
        if response.status != 201:
            return f"HTTP {response.status}"
        bid_id = int(json.loads(response.body)["id"])
        acknowledged.append(bid_id)
        if len(bodies) < 20:
            bodies[index] = (raw, response.body)
        return None

    events_before = await _max_event_id(bench)
    started = datetime.now(UTC)
    search = await bench.search(
        "bids",
        place,
        start_rate=profile.start_rates["bids"],
        p99_bound_ms=P99_BOUNDS_MS["bids"],
        target_rate=1000,
        max_rate=BID_MAX_RATE,
    )
    result = summary_of(search, bench.ceiling_rate)
    result["correctness"] = await _bid_checks(bench, acknowledged, events_before, bodies, started)

    async def place_raw(client: HttpClient, index: int) -> str | None:
        if index >= len(raw_slots):
            return "fixture exhausted"
        slot = raw_slots[index]
        raw = bench.encode_raw(
            "POST", f"/orders/{slot.order_id}/bids", slot.user_id, bid_body(slot, index)
        )
        response = await client.send(raw)
        return None if response.status == 201 else f"HTTP {response.status}"

    await bench.against_raw(
        "bids",
        result,
        place_raw,
        start_rate=profile.start_rates["bids"] * 5,
        p99_bound_ms=P99_BOUNDS_MS["bids"],
        max_rate=BID_MAX_RATE,
        warm=False,
    )
    return result


async def _bid_checks(
    bench: Bench,
    acknowledged: list[int],
    events_before: int,
    replays: dict[int, tuple[bytes, bytes]],
    started: datetime,
) -> dict[str, Any]:
    async with bench.pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT count(*) FROM bids WHERE id = ANY($1::bigint[])", acknowledged
        )
        events = await conn.fetchval(
            "SELECT count(DISTINCT (data::jsonb ->> 'bid_id')) FROM events "
            "WHERE id > $1 AND type = 'bid.created' AND (data::jsonb ->> 'bid_id')::bigint "
            "= ANY($2::bigint[])",
            events_before,
            acknowledged,
        )
    # Sending a request again with its Idempotency-Key replays the stored answer.
    client = bench.client(4)
    same = 0
    try:
        for raw, first_body in replays.values():
            again = await client.send(raw)
            if again.status == 201 and json.loads(again.body)["id"] == json.loads(first_body)["id"]:
                same += 1
    finally:
        client.close()
    unique = len(set(acknowledged))
    return {
        "no_lost_bids": _check(
            stored == unique == len(acknowledged),
            f"{len(acknowledged)} bids acknowledged (201), {stored} of them in the database",
        ),
        "outbox": _check(
            events == unique,
            f"{events} bid.created outbox events for {unique} acknowledged bids",
        ),
        "idempotent_replay": _check(
            same == len(replays),
            f"{same} of {len(replays)} replayed requests returned the original bid",
        ),
    }


async def award(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    racers = profile.award_racers
    async with bench.pool.acquire() as conn:
        raced = await fixtures.award_orders(
            conn, bench.cast, bench.rng, profile.award_orders, racers
        )
    statuses: Counter[str] = Counter()

    def request(index: int) -> bytes:
        order = raced[index // racers]
        racer = index % racers
        actors = order.client.actors
        body = json.dumps({"bid_id": order.bid_ids[racer]}).encode()
        return bench.encode(
            "POST",
            f"/orders/{order.order_id}/award",
            actors[racer % len(actors)].user_id,
            body,
            [("idempotency-key", uuid.uuid4().hex)],
        )

    requests = [request(i) for i in range(len(raced) * racers)]

    # The race is per order: its racers fire together. Orders run a few at a time so the
    # app is never queueing minutes of work (that would test the pool timeout, not the
    # award); every racer's answer is awaited, the check needs all of them.
    loop = asyncio.get_running_loop()
    client = bench.client(AWARD_ORDERS_AT_ONCE * racers)
    latency = new_histogram()
    gate = asyncio.Semaphore(AWARD_ORDERS_AT_ONCE)

    async def racer(index: int, started: float) -> None:
        try:
            response = await client.send(requests[index])
            statuses[str(response.status)] += 1
        except ConnectionError as exc:
            statuses[f"connection: {type(exc).__name__}"] += 1
        record_seconds(latency, loop.time() - started)

    deadline = loop.time() + profile.award_seconds_max
    raced_orders: list[fixtures.RacedOrder] = []

    async def race_order(position: int) -> None:
        async with gate:
            if loop.time() > deadline:
                return
            raced_orders.append(raced[position])
            started = loop.time()
            first = position * racers
            await asyncio.gather(*(racer(first + i, started) for i in range(racers)))

    meter = CpuMeter(bench.server.worker_pids())
    meter.start()
    began = loop.time()
    try:
        await asyncio.gather(*(race_order(k) for k in range(len(raced))))
    finally:
        client.close()
    seconds = loop.time() - began
    cpu = meter.stop()
    summary = summarize(latency)
    sent = sum(statuses.values())
    bench.log(
        f"  award: {len(raced_orders)} orders x {racers} racers in {seconds:.1f} s, "
        f"statuses {dict(statuses)}, p99 {summary.p99_ms} ms"
    )
    order_ids = [o.order_id for o in raced_orders]
    async with bench.pool.acquire() as conn:
        per_order = await conn.fetch(
            "SELECT o.id, o.status, "
            "(SELECT count(*) FROM contracts c WHERE c.order_id = o.id) AS contracts, "
            "(SELECT count(*) FROM bids b WHERE b.order_id = o.id AND b.status = 'awarded') "
            "AS awarded FROM orders o WHERE o.id = ANY($1::bigint[])",
            order_ids,
        )
    exactly_one = sum(1 for r in per_order if r["contracts"] == 1)
    double = sum(1 for r in per_order if r["contracts"] > 1)
    consistent = sum(
        1
        for r in per_order
        if r["contracts"] == 1 and r["awarded"] == 1 and r["status"] == "awarded"
    )
    wins = statuses.get("201", 0)
    return {
        "orders": len(raced_orders),
        "orders_prepared": len(raced),
        "racers_per_order": racers,
        "orders_at_once": AWARD_ORDERS_AT_ONCE,
        "requests": sent,
        "statuses": dict(statuses),
        "seconds": round(seconds, 2),
        "awards_per_s": round(sent / seconds, 1),
        "latency": summary.as_dict(),
        "cpu_cores": cpu.as_dict(),
        "exactly_one_pct": round(exactly_one / max(1, len(raced_orders)) * 100, 2),
        "summary": (
            f"{exactly_one} of {len(raced_orders)} raced orders with exactly one contract "
            f"({len(raced)} prepared, {profile.award_seconds_max:.0f} s time box), "
            f"{double} double; "
            f"{wins} x 201 and {statuses.get('409', 0)} x 409 of {sent} racing requests "
            f"in {seconds:.0f} s (p50 {summary.p50_ms} ms, p99 {summary.p99_ms} ms)"
        ),
        "correctness": {
            "no_double_awards": _check(double == 0, f"{double} orders with more than one contract"),
            "one_winner_per_order": _check(
                wins == len(raced_orders) == exactly_one,
                f"{wins} awards acknowledged for {len(raced_orders)} orders",
            ),
            "state_consistent": _check(
                consistent == len(raced_orders),
                f"{consistent} orders awarded with one awarded bid and one contract",
            ),
        },
    }


async def completion(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    async with bench.pool.acquire() as conn:
        running = await fixtures.active_contracts(
            conn, bench.cast, bench.rng, profile.completion_contracts
        )
    deliver_latency, accept_latency = new_histogram(), new_histogram()
    completed: list[int] = []
    empty = b"{}"
    first_of_day = await _first_completion(bench, running.pop())
    bench.log(f"  first completion: {first_of_day}")

    async def complete(client: HttpClient, index: int) -> str | None:
        if index >= len(running):
            return "fixture exhausted"
        contract = running[index]
        loop_time = client_time()
        response = await client.send(
            bench.encode(
                "POST",
                f"/contracts/{contract.contract_id}/deliver",
                contract.supplier.actors[0].user_id,
                empty,
            )
        )
        delivered_at = client_time()
        record_seconds(deliver_latency, delivered_at - loop_time)
        if response.status != 200:
            return f"deliver HTTP {response.status}"
        response = await client.send(
            bench.encode(
                "POST",
                f"/contracts/{contract.contract_id}/accept",
                contract.client.actors[0].user_id,
                empty,
            )
        )
        record_seconds(accept_latency, client_time() - delivered_at)
        if response.status != 200:
            return f"accept HTTP {response.status}"
        completed.append(contract.contract_id)
        return None

    started = datetime.now(UTC)
    search = await bench.search(
        "completion",
        complete,
        start_rate=profile.start_rates["completion"],
        p99_bound_ms=P99_BOUNDS_MS["completion"],
    )
    result = summary_of(search, bench.ceiling_rate)
    result["first_completion"] = first_of_day
    result["per_request"] = {
        "deliver": summarize(deliver_latency).as_dict(),
        "accept": summarize(accept_latency).as_dict(),
    }
    async with bench.pool.acquire() as conn:
        done = await conn.fetchval(
            "SELECT count(*) FROM contracts WHERE id = ANY($1::bigint[]) AND status = 'completed'",
            completed,
        )
        suppliers = {c.supplier.id for c in running if c.contract_id in set(completed)}
        scored = await conn.fetchval(
            "SELECT count(DISTINCT firm_id) FROM reputation_scores "
            "WHERE firm_id = ANY($1::int[]) AND role = 'supplier' AND updated_at >= $2",
            list(suppliers),
            started,
        )
    result["correctness"] = {
        "contracts_completed": _check(
            done == len(completed),
            f"{len(completed)} completions acknowledged, {done} contracts completed",
        ),
        "reputation_updated": _check(
            scored == len(suppliers),
            f"{scored} of {len(suppliers)} supplier firms have a fresh reputation score",
        ),
    }
    return result


async def _first_completion(bench: Bench, contract: fixtures.RunningContract) -> dict[str, Any]:
    """Deliver and accept one contract alone, before any load.

    The first completion of a UTC day also computes the day's district means of the
    reputation formula (over every completed contract); measured on its own, so the
    steady state that follows is not that one-off.
    """
    async with bench.pool.acquire() as conn:
        means_before = (
            await conn.fetchval(
                "SELECT count(*) FROM reputation_district_means "
                "WHERE as_of >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
            )
            if await conn.fetchval("SELECT to_regclass('reputation_district_means') IS NOT NULL")
            else None
        )
    client = bench.client(1)
    timings = {}
    try:
        for action, user in (
            ("deliver", contract.supplier.actors[0].user_id),
            ("accept", contract.client.actors[0].user_id),
        ):
            started = client_time()
            response = await client.send(
                bench.encode("POST", f"/contracts/{contract.contract_id}/{action}", user, b"{}")
            )
            timings[f"{action}_ms"] = round((client_time() - started) * 1000, 1)
            timings[f"{action}_status"] = response.status
    finally:
        client.close()
    return {**timings, "district_means_of_today_before": means_before}


def client_time() -> float:
    return asyncio.get_running_loop().time()
