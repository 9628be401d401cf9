"""Mail fan-out (issue 19): one new order matching thousands of saved searches.

The set-up gives the district its watchers: users of firms of their own (firms that work
in no phase, so the live channel and the relay treat them like any office that only
reads the board), each with mail set to "immediate" and one saved search the order will
match, plus decoys that match too but must get no mail: people who may not see the
order (no firm, a disabled or a deleted account) and people who do not want it now
(daily digest, mail off, new-order mail turned off), and searches that miss the order.

Then, while the board is read at a fixed rate, a client firm posts the order through the
API and the harness waits, reading the database, until the product has queued the mails
the way it always does: the relay writes the order's notifications, the mail worker
matches the saved searches and emits one event addressed to their owners, the relay
writes those notifications, the mail worker queues an email per notification. The clock
runs from the order's POST to the last expected row in ``emails``; the board's p99
before the order is compared with its p99 during that burst (same run, same rate).

The set-up's people are marked (``@mailbench.example`` addresses, ``Mailbench`` firms)
and kept: a later run reuses them, adds only who is missing and deletes the mails an
earlier run queued for them. (Deleting thousands of users means a foreign-key check per
user on every table that names one: minutes.)
"""

import asyncio
import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

import asyncpg

from bench.context import Bench
from bench.district import POPULAR_PHASE
from bench.httpclient import HttpClient
from bench.scenarios.live import publishers
from bench.scenarios.reads import BOARD
from bench.stats import LatencySummary, new_histogram, record_seconds, summarize

MAIL_DOMAIN = "mailbench.example"
FIRM_PREFIX = "Mailbench"
MEMBERS_PER_FIRM = 100
ORDER_WORDS = "lana cardata"
ORDER_QUANTITY = 1200
# The bounds: the mails queued within 10 s, the board's p99 at most 20% slower.
QUEUE_BOUND_SECONDS = 10.0
BOARD_SLOWDOWN_BOUND = 1.2
# How long the harness waits for the mails before calling the run a miss.
PATIENCE_SECONDS = 120.0
POLL_SECONDS = 0.05


class Role(StrEnum):
    """Who a set-up user is, and so whether the order's mail must reach them."""

    WATCHER = "watcher"  # a member of a firm, mail immediate, a matching search: one mail
    NO_FIRM = "no_firm"  # in no firm: sees no order, so no mail
    DISABLED = "disabled"
    DELETED = "deleted"
    DAILY = "daily"  # may see it, but chose the digest: no mail now
    MAIL_OFF = "mail_off"
    KIND_OFF = "kind_off"  # immediate, but new matching orders turned off
    NO_MATCH = "no_match"  # the search misses the order


@dataclass(frozen=True)
class Search:
    phase: str | None = None
    region: str | None = None
    q: str | None = None
    min_quantity: int | None = None


@dataclass(frozen=True)
class SetUpUser:
    serial: int
    role: Role
    search: Search

    @property
    def email(self) -> str:
        return f"{self.role}-{self.serial}@{MAIL_DOMAIN}"

    @property
    def in_firm(self) -> bool:
        return self.role != Role.NO_FIRM

    @property
    def mail_mode(self) -> str:
        return {Role.DAILY: "daily", Role.MAIL_OFF: "off"}.get(self.role, "immediate")

    @property
    def kinds(self) -> dict[str, bool]:
        return {"order_matching": False} if self.role == Role.KIND_OFF else {}

    @property
    def expects_mail(self) -> bool:
        return self.role == Role.WATCHER


def matching_search(serial: int, region: str) -> Search:
    """Searches the order matches, on each of the fields a person may fill in."""
    return (
        Search(phase=POPULAR_PHASE),
        Search(q=ORDER_WORDS),
        Search(phase=POPULAR_PHASE, min_quantity=ORDER_QUANTITY // 2),
        Search(region=region.upper(), q=ORDER_WORDS.split()[-1]),
    )[serial % 4]


def missing_search(serial: int, other_phase: str) -> Search:
    """Searches that miss the order by one field each."""
    return (
        Search(phase=other_phase),
        Search(q="seta pura"),
        Search(phase=POPULAR_PHASE, min_quantity=ORDER_QUANTITY * 10),
        Search(region="Atlantide"),
    )[serial % 4]


def plan_users(
    watchers: int, decoys_per_role: int, region: str, other_phase: str
) -> list[SetUpUser]:
    """The watchers, then each kind of decoy; serials are unique across all of them."""
    users = [SetUpUser(i, Role.WATCHER, matching_search(i, region)) for i in range(watchers)]
    serial = watchers
    for role in Role:
        if role == Role.WATCHER:
            continue
        for i in range(decoys_per_role):
            search = (
                missing_search(i, other_phase)
                if role == Role.NO_MATCH
                else matching_search(i, region)
            )
            users.append(SetUpUser(serial, role, search))
            serial += 1
    return users


# --- the board's latency, split by time window ----------------------------------------------


@dataclass(frozen=True)
class Sample:
    intended: float  # loop time the request was meant to go out
    seconds: float  # from then to its answer
    ok: bool


def pooled(samples: Sequence[Sample], spans: Sequence[tuple[float, float]]) -> LatencySummary:
    """Latency of the requests meant to go out in any of the spans [start, end)."""
    histogram = new_histogram()
    for sample in samples:
        if any(start <= sample.intended < end for start, end in spans):
            record_seconds(histogram, sample.seconds)
    return summarize(histogram)


def window(samples: Sequence[Sample], start: float, end: float) -> LatencySummary:
    """Latency of the requests meant to go out in [start, end)."""
    return pooled(samples, [(start, end)])


def slowdown(before: LatencySummary, during: LatencySummary) -> float | None:
    """During's p99 as a multiple of before's (None without samples on either side)."""
    if not before.count or not during.count or before.p99_ms <= 0:
        return None
    return round(during.p99_ms / before.p99_ms, 3)


async def read_board(
    client: HttpClient, requests: Sequence[bytes], rate: float, stop: asyncio.Event
) -> list[Sample]:
    """Open loop at a fixed rate until ``stop``: latency from the intended send time."""
    loop = asyncio.get_running_loop()
    samples: list[Sample] = []
    tasks: set[asyncio.Task[None]] = set()

    async def one(index: int, intended: float) -> None:
        try:
            response = await client.send(requests[index % len(requests)])
            ok = response.status == 200
        except (ConnectionError, OSError):
            ok = False
        samples.append(Sample(intended, loop.time() - intended, ok))

    start = loop.time()
    index = 0
    while not stop.is_set():
        intended = start + index / rate
        delay = intended - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        task = loop.create_task(one(index, intended))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        index += 1
    if tasks:
        await asyncio.wait(tasks, timeout=30)
    return samples


# --- correctness -----------------------------------------------------------------------------


def mail_checks(
    planned: Sequence[SetUpUser], user_ids: dict[int, int], mailed: Sequence[int]
) -> dict[str, Any]:
    """Exactly one mail per watcher, none for anyone else.

    ``user_ids``: set-up serial -> user id; ``mailed``: the user id of every email row
    queued for the order's match (one entry per row, so duplicates show).
    """
    expected = {user_ids[u.serial] for u in planned if u.expects_mail}
    role_of = {user_ids[u.serial]: u.role for u in planned}
    got = set(mailed)
    twice = len(mailed) - len(got)
    wrong = sorted(got - expected)
    wrong_roles = sorted({str(role_of.get(u, "outsider")) for u in wrong})
    missing = len(expected - got)
    return {
        "exact_count": {
            "ok": len(mailed) == len(expected),
            "detail": f"{len(mailed):,} mails queued for {len(expected):,} watchers",
        },
        "one_per_user": {
            "ok": twice == 0 and missing == 0,
            "detail": f"{twice} users with more than one mail, {missing} watchers without",
        },
        "none_unseen_or_unwanted": {
            "ok": not wrong,
            "detail": (
                f"{len(wrong)} mails to people who may not see the order or did not want it"
                + (f" ({', '.join(wrong_roles)})" if wrong_roles else "")
            ),
        },
    }


# --- set-up and clean-up ---------------------------------------------------------------------


async def set_up(conn: asyncpg.Connection, planned: Sequence[SetUpUser]) -> dict[int, int]:
    """The planned users with their firms, settings and searches (inserting those an
    earlier run did not); serial -> user id."""
    known = {
        r["email"]: r["id"]
        for r in await conn.fetch(
            "SELECT id, email FROM users WHERE email LIKE $1", f"%@{MAIL_DOMAIN}"
        )
    }
    missing = [u for u in planned if u.email not in known]
    if missing:
        known.update(await _insert(conn, missing))
        await conn.execute("ANALYZE users, memberships, firms, mail_settings, saved_searches")
    # An earlier run's mails to them, sent or not: a backlog of its own making would
    # have this run's workers busy sending (and the board slow) before the order is
    # even posted.
    await conn.execute("DELETE FROM emails WHERE user_id = ANY($1::int[])", list(known.values()))
    return {u.serial: known[u.email] for u in planned}


async def _insert(conn: asyncpg.Connection, planned: Sequence[SetUpUser]) -> dict[str, int]:
    now = datetime.now(UTC)
    async with conn.transaction():
        rows = await conn.fetch(
            "INSERT INTO users (email, full_name, is_staff, is_active, created_at, deleted_at) "
            "SELECT e, 'Lettore ' || s, false, a, $4, d "
            "FROM unnest($1::text[], $2::int[], $3::bool[], $5::timestamptz[]) AS t(e, s, a, d) "
            "RETURNING id, email",
            [u.email for u in planned],
            [u.serial for u in planned],
            [u.role != Role.DISABLED for u in planned],
            now,
            [now if u.role == Role.DELETED else None for u in planned],
        )
        by_email = {r["email"]: r["id"] for r in rows}
        user_ids = {u.serial: by_email[u.email] for u in planned}
        members = [u for u in planned if u.in_firm]
        firm_count = -(-len(members) // MEMBERS_PER_FIRM)
        first = 1 + await conn.fetchval(
            "SELECT count(*) FROM firms WHERE name LIKE $1", f"{FIRM_PREFIX} %"
        )
        firm_ids = [
            r["id"]
            for r in await conn.fetch(
                "INSERT INTO firms (name, vat_number, region, province, size_class, description, "
                "status, verified, created_at, updated_at) "
                "SELECT $1 || ' ' || n, 'MB' || lpad(n::text, 9, '0'), 'Lombardia', 'MI', "
                "'small', 'Ufficio acquisti che legge la bacheca', 'active', true, $2, $2 "
                "FROM generate_series($3::int, $4::int) AS n RETURNING id",
                FIRM_PREFIX,
                now,
                first,
                first + firm_count - 1,
            )
        ]
        await conn.copy_records_to_table(
            "memberships",
            records=[
                (firm_ids[i // MEMBERS_PER_FIRM], user_ids[u.serial], "member", now)
                for i, u in enumerate(members)
            ],
            columns=["firm_id", "user_id", "role", "created_at"],
        )
        await conn.copy_records_to_table(
            "mail_settings",
            records=[
                (user_ids[u.serial], u.mail_mode, "it", json.dumps(u.kinds), now) for u in planned
            ],
            columns=["user_id", "email", "language", "kinds", "updated_at"],
        )
        await conn.copy_records_to_table(
            "saved_searches",
            records=[
                (
                    user_ids[u.serial],
                    "Ordini da seguire",
                    u.search.phase,
                    u.search.region,
                    None,
                    u.search.q,
                    u.search.min_quantity,
                    now,
                )
                for u in planned
            ],
            columns=[
                "user_id",
                "name",
                "phase",
                "region",
                "province",
                "q",
                "min_quantity",
                "created_at",
            ],
        )
    return by_email


# --- the scenario ------------------------------------------------------------------------------


def order_request(bench: Bench, user_id: int, firm_id: int) -> bytes:
    now = datetime.now(UTC)
    body = json.dumps(
        {
            "firm_id": firm_id,
            "title": f"Finissaggio di tessuto in {ORDER_WORDS}",
            "description": "Tessuto fornito dal committente; finissaggio e vaporizzo.",
            "phase": POPULAR_PHASE,
            "quantity": ORDER_QUANTITY,
            "unit": "metri",
            "target_unit_price": "3.20",
            "bid_deadline": (now + timedelta(days=10)).isoformat(),
            "delivery_due": (now + timedelta(days=40)).date().isoformat(),
            "visibility": "public",
        }
    ).encode()
    return bench.encode("POST", "/orders", user_id, body)


async def _matched_event(conn: asyncpg.Connection, order_id: int) -> int | None:
    return await conn.fetchval(
        "SELECT id FROM events WHERE type = 'saved_search.matched' "
        "AND (data ->> 'order_id')::bigint = $1",
        order_id,
    )


async def wait_for_mails(
    conn: asyncpg.Connection, order_id: int, expected: int, sent_at: float, patience: float
) -> dict[str, float | None]:
    """Seconds from the POST to each step the product takes (None: not reached)."""
    loop = asyncio.get_running_loop()
    marks: dict[str, float | None] = {"matched": None, "notified": None, "queued": None}
    event_id: int | None = None
    while loop.time() - sent_at < patience:
        if event_id is None:
            event_id = await _matched_event(conn, order_id)
            if event_id is not None:
                marks["matched"] = loop.time() - sent_at
        if event_id is not None:
            if (
                marks["notified"] is None
                and await conn.fetchval(
                    "SELECT count(*) FROM notifications WHERE event_id = $1", event_id
                )
                >= expected
            ):
                marks["notified"] = loop.time() - sent_at
            if (
                await conn.fetchval("SELECT count(*) FROM emails WHERE event_id = $1", event_id)
                >= expected
            ):
                marks["queued"] = loop.time() - sent_at
                return marks
        await asyncio.sleep(POLL_SECONDS)
    return marks


@dataclass(frozen=True)
class Burst:
    """One order posted, and how long each step of its mail took (None: not reached)."""

    order_id: int
    sent_at: float
    queued_at: float
    marks: dict[str, float | None]


async def one_burst(bench: Bench, poster: Any, client: HttpClient, watchers: int) -> Burst:
    loop = asyncio.get_running_loop()
    sent_at = loop.time()
    response = await client.send(order_request(bench, poster.user_id, poster.firm_id))
    if response.status != 201:
        raise RuntimeError(f"posting the order failed: HTTP {response.status}")
    order_id = int(json.loads(response.body)["id"])
    async with bench.pool.acquire() as conn:
        marks = await wait_for_mails(conn, order_id, watchers, sent_at, PATIENCE_SECONDS)
    return Burst(order_id, sent_at, loop.time(), marks)


async def mailed_for(bench: Bench, order_id: int) -> tuple[list[int], int]:
    """The user of every email queued for the order's match, and how many still pend."""
    async with bench.pool.acquire() as conn:
        event_id = await _matched_event(conn, order_id) or 0
        mailed = [
            int(r["user_id"])
            for r in await conn.fetch("SELECT user_id FROM emails WHERE event_id = $1", event_id)
        ]
        pending = await conn.fetchval(
            "SELECT count(*) FROM emails WHERE event_id = $1 AND status = 'pending'", event_id
        )
    return mailed, int(pending)


async def mail_fanout(bench: Bench) -> dict[str, Any]:
    profile = bench.profile
    poster = publishers(bench)[0]
    region = bench.cast.firms[poster.firm_id].region
    other_phase = next(p for p in sorted(bench.cast.by_phase) if p != POPULAR_PHASE)
    planned = plan_users(
        profile.mail_watchers, max(20, profile.mail_watchers // 100), region, other_phase
    )
    async with bench.pool.acquire() as conn:
        user_ids = await set_up(conn, planned)
        backlog = await conn.fetchval("SELECT count(*) FROM emails WHERE status = 'pending'")
    bench.log(
        f"  mail: {len(planned):,} users set up, {profile.mail_watchers:,} of them watchers; "
        f"{backlog:,} mails of earlier scenarios still to send"
    )
    viewers = bench.cast.sample_people(bench.rng, 3000)
    board_requests = [bench.encode("GET", BOARD, p.user_id) for p in viewers]
    board = bench.client(32)
    poster_client = bench.client(1)
    loop = asyncio.get_running_loop()
    bursts: list[Burst] = []
    try:
        warm = asyncio.Event()
        warming = asyncio.create_task(
            read_board(board, board_requests, profile.mail_board_rate, warm)
        )
        await asyncio.sleep(profile.warmup_seconds)
        warm.set()
        await warming
        stop = asyncio.Event()
        reading = asyncio.create_task(
            read_board(board, board_requests, profile.mail_board_rate, stop)
        )
        before_start = loop.time()
        await asyncio.sleep(profile.mail_before_seconds)
        # Several orders, one after the other, each once the previous one's mail has been
        # sent: one burst holds a few dozen board requests, whose p99 is their slowest.
        for _ in range(profile.mail_bursts):
            burst = await one_burst(bench, poster, poster_client, profile.mail_watchers)
            bursts.append(burst)
            if burst.marks["queued"] is None:
                break
            # The sending that follows the queueing, for the record.
            await asyncio.sleep(profile.mail_after_seconds)
        stop.set()
        samples = await reading
        end = loop.time()
        outcomes = [await mailed_for(bench, b.order_id) for b in bursts]
    finally:
        board.close()
        poster_client.close()
    first = bursts[0]
    before = window(samples, before_start, first.sent_at)
    during = pooled(samples, [(b.sent_at, b.queued_at) for b in bursts])
    after = pooled(
        samples,
        [(b.queued_at, nxt.sent_at) for b, nxt in itertools.pairwise(bursts)]
        + [(bursts[-1].queued_at, end)],
    )
    ratio = slowdown(before, during)
    errors = sum(1 for s in samples if not s.ok)
    queued = [b.marks["queued"] for b in bursts]
    seconds = None if None in queued else max(q for q in queued if q is not None)
    for b in bursts:
        bench.log(
            f"  mail: order {b.order_id}: matched {_secs(b.marks['matched'])}, notified "
            f"{_secs(b.marks['notified'])}, queued {_secs(b.marks['queued'])}"
        )
    bench.log(
        f"  mail: board p99 before {before.p99_ms} ms ({before.count}), during {during.p99_ms} ms "
        f"({during.count} requests in {len(bursts)} bursts), after {after.p99_ms} ms"
    )
    correctness: dict[str, Any] = {}
    for b, (mailed, _) in zip(bursts, outcomes, strict=True):
        for name, check in mail_checks(planned, user_ids, mailed).items():
            if name not in correctness or correctness[name]["ok"]:
                correctness[name] = {**check, "detail": f"order {b.order_id}: {check['detail']}"}
    watchers = profile.mail_watchers
    return {
        "watchers": watchers,
        "decoys": len(planned) - watchers,
        "bursts": len(bursts),
        "order_ids": [b.order_id for b in bursts],
        "backlog_before": backlog,
        "steps_seconds": [
            {k: None if v is None else round(v, 3) for k, v in b.marks.items()} for b in bursts
        ],
        "queued_seconds": None if seconds is None else round(seconds, 3),
        "patience_seconds": PATIENCE_SECONDS,
        "still_pending_at_end": sum(pending for _, pending in outcomes),
        "board_rate": profile.mail_board_rate,
        "board_errors": errors,
        "board_before": before.as_dict(),
        "board_during": during.as_dict(),
        "board_after_queued": after.as_dict(),
        "board_slowdown": ratio,
        "summary": (
            f"{watchers:,} mails queued per order, {len(bursts)} orders, the slowest "
            + (
                f"in {seconds:.2f} s"
                if seconds is not None
                else f"not all in {PATIENCE_SECONDS:.0f} s"
            )
            + " (saved-search event after "
            + ", ".join(_secs(b.marks["matched"]) for b in bursts)
            + "; notifications after "
            + ", ".join(_secs(b.marks["notified"]) for b in bursts)
            + ")"
        ),
        "board_summary": (
            f"board first page at {profile.mail_board_rate:.0f}/s: p99 {before.p99_ms} ms before "
            f"({before.count} requests), {during.p99_ms} ms during the bursts ({during.count}), "
            f"x{ratio if ratio is not None else '?'}; {after.p99_ms} ms while the mails were "
            f"being sent afterwards ({after.count}); {errors} errors"
        ),
        "correctness": correctness,
    }


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f} s"
