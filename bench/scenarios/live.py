"""Live-channel scenarios: connections held, fan-out to thousands, resume after a gap.

Events are produced the way the district produces them: a client firm posts a public
order, and ``order.created`` goes to every firm working in that phase. The clients are
users of firms in the district's most common phase, so one order reaches thousands.
"""

import asyncio
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from bench.actors import Person
from bench.context import Bench
from bench.district import POPULAR_PHASE
from bench.httpclient import HttpClient
from bench.procs import CpuMeter, cpu_seconds
from bench.stats import LatencySummary, new_histogram, record_seconds, summarize
from bench.wsclient import HandshakeFailed, WsClient
from distretto.config import Settings

CONNECT_CONCURRENCY = 200
# The app's default heartbeat period (the harness runs it with production defaults).
HEARTBEAT_SECONDS = float(Settings.model_fields["ws_heartbeat_seconds"].default)
FANOUT_BOUND_MS = 500.0


@dataclass
class Listener:
    """What one connected client has seen."""

    person: Person
    ids: list[int] = field(default_factory=list)
    controls: Counter[str] = field(default_factory=Counter)
    last_arrival: float = 0.0


def listener_of(client: WsClient) -> Listener:
    return cast(Listener, client.tag)


class Room:
    """Many clients and the arrival time of every announced order at each of them.

    An event may reach clients before the POST that caused it has its response (fan-out
    starts at COMMIT), so arrivals are kept by order id and matched to send times later.
    """

    def __init__(self) -> None:
        self.clients: list[WsClient] = []
        self.sent_at: dict[int, float] = {}  # order id -> when its POST went out
        self.arrivals: list[tuple[int, float]] = []  # (order id, arrival) per delivery

    def on_text(self, client: WsClient, payload: bytes, now: float) -> None:
        listener = listener_of(client)
        message = json.loads(payload)
        if "id" not in message:
            listener.controls[str(message.get("type"))] += 1
            return
        listener.ids.append(message["id"])
        listener.last_arrival = now
        if message.get("type") == "order.created":
            order_id = message.get("data", {}).get("order_id")
            if isinstance(order_id, int):
                self.arrivals.append((order_id, now))

    def measure(self, order_ids: Iterable[int]) -> tuple[LatencySummary, int, float]:
        """Latency summary, deliveries and the last arrival of the given orders' events."""
        wanted = set(order_ids)
        histogram = new_histogram()
        count, last = 0, 0.0
        for order_id, arrival in self.arrivals:
            sent = self.sent_at.get(order_id)
            if order_id in wanted and sent is not None:
                record_seconds(histogram, arrival - sent)
                count += 1
                last = max(last, arrival)
        return summarize(histogram), count, last

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.clients if c.is_open)


async def connect_all(
    bench: Bench, room: Room, people: list[Person], concurrency: int = CONNECT_CONCURRENCY
) -> dict[str, Any]:
    """Open one authenticated socket per person; returns handshake timings and failures."""
    handshakes = new_histogram()
    failures: Counter[str] = Counter()
    gate = asyncio.Semaphore(concurrency)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + bench.profile.connect_seconds_max
    skipped = 0

    async def one(person: Person) -> None:
        nonlocal skipped
        async with gate:
            if loop.time() > deadline:
                skipped += 1
                return
            started = loop.time()
            try:
                client = await WsClient.connect(
                    "127.0.0.1",
                    bench.server.port,
                    f"/api/v1/ws?token={bench.cast.token(person.user_id)}",
                    room.on_text,
                    Listener(person),
                )
            except (HandshakeFailed, OSError) as exc:
                failures[f"{type(exc).__name__}: {exc}"[:80]] += 1
                return
            record_seconds(handshakes, loop.time() - started)
            room.clients.append(client)

    started = loop.time()
    await asyncio.gather(*(one(p) for p in people))
    seconds = loop.time() - started
    return {
        "attempted": len(people) - skipped,
        "connected": len(people) - skipped - sum(failures.values()),
        "not_attempted_time_box": skipped,
        "failures": dict(failures),
        "seconds": round(seconds, 1),
        "per_second": round(len(people) / seconds, 1) if seconds else None,
        "handshake": summarize(handshakes).as_dict(),
    }


def close_all(room: Room) -> None:
    for client in room.clients:
        if client.is_open:
            client.close()
    room.clients = []


def phase_people(bench: Bench, count: int) -> list[Person]:
    """Distinct users of active firms working in the popular phase (all get its events)."""
    firms = bench.cast.by_phase.get(POPULAR_PHASE, [])
    people = [p for f in firms for p in f.people]
    bench.rng.shuffle(people)
    return people[:count]


def publishers(bench: Bench) -> list[Person]:
    """Managers of active firms outside the popular phase: they post the orders."""
    return [
        p
        for f in bench.cast.firms.values()
        if f.status == "active" and POPULAR_PHASE not in f.phases
        for p in f.actors
    ]


def order_request(bench: Bench, person: Person, serial: int) -> bytes:
    now = datetime.now(UTC)
    body = json.dumps(
        {
            "firm_id": person.firm_id,
            "title": f"Finissaggio di tessuto in lana cardata, lotto {serial}",
            "description": "Tessuto fornito dal committente; finissaggio e vaporizzo.",
            "phase": POPULAR_PHASE,
            "quantity": 1200,
            "unit": "metri",
            "target_unit_price": "3.20",
            "bid_deadline": (now + timedelta(days=10)).isoformat(),
            "delivery_due": (now + timedelta(days=40)).date().isoformat(),
            "visibility": "public",
        }
    ).encode()
    return bench.encode("POST", "/orders", person.user_id, body)


async def publish(
    bench: Bench, room: Room | None, client: HttpClient, person: Person, serial: int
) -> int | None:
    """Post one order; returns its id (its send time is recorded before sending)."""
    loop = asyncio.get_running_loop()
    raw = order_request(bench, person, serial)
    sent = loop.time()
    response = await client.send(raw)
    if response.status != 201:
        bench.log(f"  posting an order failed: HTTP {response.status} {response.body[:200]!r}")
        return None
    order_id = int(json.loads(response.body)["id"])
    if room is not None:
        room.sent_at[order_id] = sent
    return order_id


async def db_activity(bench: Bench) -> dict[str, int]:
    async with bench.pool.acquire() as conn:
        row = await conn.fetchrow(
            "SELECT xact_commit + xact_rollback AS transactions, tup_returned, tup_fetched, "
            "blks_read FROM pg_stat_database WHERE datname = current_database()"
        )
    return dict(row)


# --- capacity -----------------------------------------------------------------------------


async def capacity(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    people = bench.cast.sample_people(bench.rng, profile.ws_connections)
    room = Room()
    await asyncio.sleep(2)
    rss_before = bench.server.workers_rss()
    connected = await connect_all(bench, room, people)
    bench.log(
        f"  connected {connected['connected']} of {connected['attempted']} in "
        f"{connected['seconds']} s (handshake p99 {connected['handshake']['p99_ms']} ms)"
    )
    # Hold past one heartbeat period so every socket proves it is alive.
    hold = HEARTBEAT_SECONDS + 5
    activity_before = await db_activity(bench)
    cpu_before = _cpu(bench)
    await asyncio.sleep(hold)
    cpu_idle = _cpu_share(bench, cpu_before, hold)
    activity = _delta(activity_before, await db_activity(bench))
    rss_after = bench.server.workers_rss()
    held = room.open_count
    beats = sum(1 for c in room.clients if listener_of(c).controls.get("heartbeat"))
    close_all(room)
    kb = (rss_after - rss_before) / 1024 / max(held, 1)
    return {
        "connect": connected,
        "connections_held": held,
        "held_seconds": hold,
        "heartbeats_seen_by": beats,
        "workers_rss_mb": {
            "before": round(rss_before / 2**20, 1),
            "after": round(rss_after / 2**20, 1),
        },
        "kb_per_connection": round(kb, 1),
        "idle_cpu_cores_app_workers": cpu_idle,
        "idle_db_transactions_per_s": round(activity["transactions"] / hold, 1),
        "summary": (
            f"{held:,} sockets held for {hold:.0f} s ({beats:,} saw a heartbeat; "
            f"{connected['not_attempted_time_box']:,} not attempted within the "
            f"{profile.connect_seconds_max:.0f} s connect time box); "
            f"{connected['per_second']}/s connected, handshake p99 "
            f"{connected['handshake']['p99_ms']} ms"
        ),
        "memory_summary": (
            f"{kb:.1f} KB per connection (workers' RSS {rss_before / 2**20:.0f} → "
            f"{rss_after / 2**20:.0f} MB for {held:,} sockets)"
        ),
    }


def _cpu(bench: Bench) -> float:
    return sum(cpu_seconds(p) for p in bench.server.worker_pids())


def _cpu_share(bench: Bench, before: float, seconds: float) -> float:
    return round((_cpu(bench) - before) / seconds, 3)


def _delta(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {k: after[k] - before[k] for k in before}


# --- fan-out ------------------------------------------------------------------------------


async def fanout(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    people = phase_people(bench, profile.fanout_clients)
    posters = publishers(bench)
    room = Room()
    connected = await connect_all(bench, room, people)
    bench.log(f"  fan-out: {connected['connected']} clients in phase {POPULAR_PHASE}")
    client = bench.client(32)
    serial = 0
    try:
        # One event at a time, spaced out: delivery latency of a single announcement.
        singles = []
        # Who spends the CPU while events fan out: the app's workers sending, or the one
        # load-generator process reading 5,000 frames per event on the same cores.
        meter = CpuMeter(bench.server.worker_pids())
        meter.start()
        for _ in range(profile.fanout_events_per_step):
            serial += 1
            order_id = await publish(bench, room, client, posters[serial % len(posters)], serial)
            if order_id is not None:
                singles.append(order_id)
            await asyncio.sleep(1.5)
        await asyncio.sleep(2)
        single_cpu = meter.stop().as_dict()
        single, single_delivered, _ = room.measure(singles)
        expected_single = len(singles) * len(room.clients)
        bench.log(
            f"  single events: {single_delivered}/{expected_single} delivered, "
            f"p50 {single.p50_ms} ms p99 {single.p99_ms} ms, cpu {single_cpu}"
        )
        steps = []
        best: float | None = None
        for rate in (1, 2, 4, 6, 8, 12, 16):
            step = await _fanout_step(bench, room, client, posters, rate, serial)
            serial += step["events"]
            steps.append(step)
            bench.log(
                f"  fan-out @ {rate} events/s: {step['delivered_per_s']:,.0f} msg/s delivered, "
                f"p99 {step['latency']['p99_ms']} ms, {step['missing']} missing, "
                f"cpu {step['cpu_cores']} -> {'ok' if step['passed'] else 'fails'}"
            )
            if not step["passed"]:
                break
            best = step["delivered_per_s"]
        correctness = _fanout_checks(room)
    finally:
        client.close()
        close_all(room)
    return {
        "clients": connected,
        "single_event": {
            **single.as_dict(),
            "delivered": single_delivered,
            "expected": expected_single,
            "cpu_cores": single_cpu,
        },
        "steps": steps,
        "max_delivered_per_s": best,
        "summary": (
            f"one event to {len(people):,} clients: p50 {single.p50_ms} ms, "
            f"p99 {single.p99_ms} ms ({single_delivered:,}/{expected_single:,} delivered)"
        ),
        "throughput_summary": _throughput_text(best, steps),
        "correctness": correctness,
    }


async def _fanout_step(
    bench: Bench,
    room: Room,
    client: HttpClient,
    posters: list[Person],
    rate: float,
    serial: int,
) -> dict[str, Any]:
    seconds = max(3.0, bench.profile.step_seconds)
    count = int(rate * seconds)
    loop = asyncio.get_running_loop()
    meter = CpuMeter(bench.server.worker_pids())
    meter.start()
    start = loop.time()
    tasks = []
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - loop.time()))
        poster = posters[(serial + i) % len(posters)]
        tasks.append(asyncio.create_task(publish(bench, room, client, poster, serial + i)))
    published = [t for t in await asyncio.gather(*tasks) if t is not None]
    # Let the tail arrive: at most the bound past the last send, plus a margin.
    await asyncio.sleep(FANOUT_BOUND_MS / 1000 + 1.0)
    cpu = meter.stop()
    open_clients = room.open_count
    expected = len(published) * open_clients
    latency, delivered, last = room.measure(published)
    window = max(last - start, 1e-3)
    missing = max(0, expected - delivered)
    return {
        "events_per_s": rate,
        "events": count,
        "published": len(published),
        "clients_open": open_clients,
        "expected_deliveries": expected,
        "delivered": delivered,
        "missing": missing,
        "delivered_per_s": round(delivered / window, 1),
        "latency": latency.as_dict(),
        "cpu_cores": cpu.as_dict(),
        "passed": latency.p99_ms <= FANOUT_BOUND_MS and missing == 0,
    }


def _throughput_text(best: float | None, steps: list[dict[str, Any]]) -> str:
    if best:
        return f"{best:,.0f} msg/s delivered with p99 ≤ {FANOUT_BOUND_MS:.0f} ms"
    if not steps:
        return "not run"
    first = steps[0]
    return (
        f"no publish rate kept p99 within {FANOUT_BOUND_MS:.0f} ms; at {first['events_per_s']} "
        f"event/s: {first['delivered_per_s']:,.0f} msg/s, p99 {first['latency']['p99_ms']} ms"
    )


def _fanout_checks(room: Room) -> dict[str, Any]:
    duplicated = sum(
        1 for c in room.clients if len(listener_of(c).ids) != len(set(listener_of(c).ids))
    )
    unordered = sum(1 for c in room.clients if listener_of(c).ids != sorted(listener_of(c).ids))
    closed = Counter(str(c.close_code) for c in room.clients if not c.is_open)
    return {
        "each_event_once": {
            "ok": duplicated == 0,
            "detail": f"{duplicated} of {len(room.clients)} clients received an id twice",
        },
        "ids_rising": {
            "ok": unordered == 0,
            "detail": f"{unordered} clients saw ids out of order",
        },
        "no_clients_dropped": {
            "ok": not closed,
            "detail": f"closed by the server during fan-out: {dict(closed) or 'none'}",
        },
    }


# --- resume -------------------------------------------------------------------------------


async def resume(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    people = phase_people(bench, profile.resume_clients)
    posters = publishers(bench)
    room = Room()
    http = bench.client(16)
    serial = 10_000_000
    try:
        await connect_all(bench, room, people)
        async with bench.pool.acquire() as conn:
            start_id = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM events"))
        for client in room.clients:
            client.send_text(json.dumps({"type": "resume", "after": start_id}))
        # A few live events, so every client has a last id of its own before the gap.
        for _ in range(3):
            serial += 1
            await publish(bench, room, http, posters[serial % len(posters)], serial)
            await asyncio.sleep(0.5)
        await asyncio.sleep(2)
        last_seen = {
            listener_of(c).person.user_id: max(listener_of(c).ids or [start_id])
            for c in room.clients
        }
        listeners = {listener_of(c).person.user_id: listener_of(c) for c in room.clients}
        close_all(room)
        # The gap: clients are away while the district keeps publishing.
        loop = asyncio.get_running_loop()
        gap_end = loop.time() + profile.resume_gap_seconds
        published = 0
        while loop.time() < gap_end:
            serial += 1
            if await publish(bench, None, http, posters[serial % len(posters)], serial):
                published += 1
            await asyncio.sleep(0.5)
        bench.log(
            f"  resume: {published} orders posted during a {profile.resume_gap_seconds:.0f} s gap"
        )
        # Everyone comes back at once and asks for what it missed.
        activity_before = await db_activity(bench)
        peak = asyncio.create_task(_peak_backends(bench))
        back = Room()
        back.on_text = _resume_recorder(back)  # type: ignore[method-assign]
        reconnect_started = loop.time()
        returning = [listeners[p.user_id].person for p in people if p.user_id in listeners]
        connected = await connect_all(bench, back, returning, concurrency=len(returning))
        for client in back.clients:
            after = last_seen[listener_of(client).person.user_id]
            client.send_text(json.dumps({"type": "resume", "after": after}))
        await _wait_resumed(back, within=60)
        recovery = new_histogram()
        for client in back.clients:
            listener = listener_of(client)
            if listener.controls.get("resumed"):
                record_seconds(recovery, listener.last_arrival - reconnect_started)
        peak.cancel()
        peak_backends = await asyncio.gather(peak, return_exceptions=True)
        activity = _delta(activity_before, await db_activity(bench))
        checks = await _resume_checks(bench, back, last_seen)
        returned = len(back.clients)
        close_all(back)
    finally:
        http.close()
        close_all(room)
    recovered = checks.pop("_recovered_pct")
    recovery_summary = summarize(recovery)
    peak_value = peak_backends[0] if isinstance(peak_backends[0], int) else None
    return {
        "clients": len(people),
        "gap_seconds": profile.resume_gap_seconds,
        "orders_posted_in_gap": published,
        "reconnect": connected,
        "recovery": recovery_summary.as_dict(),
        "recovered_pct": recovered,
        "db_during_reconnect": {
            **activity,
            "per_client_transactions": round(activity["transactions"] / max(len(people), 1), 2),
            "peak_active_backends": peak_value,
        },
        "summary": (
            f"{recovered}% of missed events recovered by {returned:,} clients "
            f"reconnecting together; all caught up in {recovery_summary.max_ms:.0f} ms "
            f"(p99 {recovery_summary.p99_ms} ms); {activity['transactions']:,} DB transactions, "
            f"peak {peak_value} active backends"
        ),
        "correctness": checks,
    }


def _resume_recorder(room: Room) -> Any:
    def on_text(client: WsClient, payload: bytes, now: float) -> None:
        listener = listener_of(client)
        message = json.loads(payload)
        if "id" in message:
            listener.ids.append(message["id"])
            listener.last_arrival = now
        else:
            kind = str(message.get("type"))
            listener.controls[kind] += 1
            if kind == "resumed":
                listener.last_arrival = max(listener.last_arrival, now)

    return on_text


async def _wait_resumed(room: Room, within: float) -> None:
    """Until every client has had its ``resumed`` marker (or ``within`` seconds pass)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if all(listener_of(c).controls.get("resumed") for c in room.clients):
            return
        await asyncio.sleep(0.05)


async def _peak_backends(bench: Bench) -> int:
    peak = 0
    try:
        async with bench.pool.acquire() as conn:
            while True:
                active = await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND pid <> pg_backend_pid()"
                )
                peak = max(peak, int(active))
                await asyncio.sleep(0.02)
    except asyncio.CancelledError:
        return peak


async def _resume_checks(bench: Bench, room: Room, last_seen: dict[int, int]) -> dict[str, Any]:
    """Every event addressed to a client after its last id arrived, exactly once."""
    missing_clients = duplicated = complete = 0
    expected_total = received_total = 0
    async with bench.pool.acquire() as conn:
        for client in room.clients:
            listener = listener_of(client)
            after = last_seen[listener.person.user_id]
            keys = await _keys_of(conn, listener.person)
            expected = {
                r["event_id"]
                for r in await conn.fetch(
                    "SELECT DISTINCT event_id FROM event_audience "
                    "WHERE event_id > $1 AND audience_key = ANY($2::text[])",
                    after,
                    keys,
                )
            }
            got = [i for i in listener.ids if i > after]
            expected_total += len(expected)
            received_total += len(expected & set(got))
            if len(got) != len(set(got)):
                duplicated += 1
            if expected - set(got):
                missing_clients += 1
            else:
                complete += 1
    pct = round(received_total / expected_total * 100, 2) if expected_total else 100.0
    # Why a client fell short: the server closed it, or its replay had not finished.
    closed = Counter(str(c.close_code) for c in room.clients if not c.is_open)
    unfinished = sum(1 for c in room.clients if not listener_of(c).controls.get("resumed"))
    return {
        "_recovered_pct": pct,
        "every_event_recovered": {
            "ok": missing_clients == 0,
            "detail": (
                f"{complete} of {len(room.clients)} clients got every event after their last "
                f"id ({received_total:,} of {expected_total:,} deliveries); closed by the "
                f"server meanwhile: {dict(closed) or 'none'}; replay unfinished after 60 s: "
                f"{unfinished}"
            ),
        },
        "each_event_once": {
            "ok": duplicated == 0,
            "detail": f"{duplicated} clients received an id twice",
        },
    }


async def _keys_of(conn: Any, person: Person) -> list[str]:
    phases = await conn.fetch(
        "SELECT fp.phase_code FROM firm_phases fp JOIN firms f ON f.id = fp.firm_id "
        "WHERE fp.firm_id = $1 AND f.status = 'active'",
        person.firm_id,
    )
    return [f"user:{person.user_id}", f"firm:{person.firm_id}"] + [
        f"phase:{r['phase_code']}" for r in phases
    ]
