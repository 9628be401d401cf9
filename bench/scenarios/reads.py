"""Read scenarios: the trivial ceiling, the board (first and deep pages), search, detail."""

import json
from typing import Any
from urllib.parse import quote

from bench.config import P99_BOUNDS_MS
from bench.context import Bench, summary_of
from bench.httpclient import HttpClient
from bench.load import Operation
from bench.text import COMMON_WORD, RARE_WORDS

BOARD = "/orders?status=open&limit=20"
VIEWERS = 3000
# The raw ceiling serves thousands a second: its ladder starts higher than the app's.
RAW_START_RATE = 100


def _cycle(requests: list[bytes], expect: int = 200, marker: bytes = b"") -> Operation:
    """An operation sending ``requests[i % n]`` and accepting status ``expect``."""

    async def operation(client: HttpClient, index: int) -> str | None:
        response = await client.send(requests[index % len(requests)])
        if response.status != expect:
            return f"HTTP {response.status}"
        if marker and marker not in response.body:
            return "unexpected body"
        return None

    return operation


async def ceiling(bench: Bench) -> dict[str, Any]:
    operation = _cycle([bench.encode("GET", "/healthz", api=False)])
    await bench.warm_up("ceiling", operation, 200)
    search = await bench.search(
        "ceiling",
        operation,
        start_rate=bench.profile.start_rates["ceiling"],
        p99_bound_ms=P99_BOUNDS_MS["ceiling"],
    )
    bench.ceiling_rate = search.max_rate
    return summary_of(search, None)


def _viewer_requests(
    bench: Bench, path: str, count: int = VIEWERS
) -> tuple[list[bytes], list[bytes]]:
    """The app's requests and the raw ceiling's same requests, viewer by viewer."""
    viewers = bench.cast.sample_people(bench.rng, count)
    return (
        [bench.encode("GET", path, p.user_id) for p in viewers],
        [bench.encode_raw("GET", path, p.user_id) for p in viewers],
    )


async def _with_raw(
    bench: Bench, name: str, summary: dict[str, Any], raw_requests: list[bytes], marker: bytes
) -> dict[str, Any]:
    await bench.against_raw(
        name,
        summary,
        _cycle(raw_requests, marker=marker),
        start_rate=RAW_START_RATE,
        p99_bound_ms=P99_BOUNDS_MS[name],
    )
    return summary


async def deep_cursors(bench: Bench, path: str, skip_pages: int) -> list[tuple[int, str]]:
    """Walk ``path`` by its own next_cursor links; keep cursors past ``skip_pages`` pages.

    Cursors come from the API itself, whatever its sort keys: (depth in rows, cursor).
    """
    viewer = bench.cast.people[0].user_id
    client = bench.client(1)
    cursors: list[tuple[int, str]] = []
    cursor: str | None = None
    depth = 0
    try:
        while True:
            page = path.replace("limit=20", "limit=100")
            if cursor:
                page += f"&cursor={quote(cursor)}"
            response = await client.send(bench.encode("GET", page, viewer))
            if response.status != 200:
                raise RuntimeError(f"walking the board: HTTP {response.status}")
            body = json.loads(response.body)
            depth += len(body["items"])
            cursor = body.get("next_cursor")
            if not cursor:
                return cursors
            if depth >= skip_pages * 20:
                cursors.append((depth, cursor))
    finally:
        client.close()


async def board(bench: Bench) -> dict[str, Any]:
    results: dict[str, Any] = {}
    app_requests, raw_requests = _viewer_requests(bench, BOARD)
    first = _cycle(app_requests, marker=b'"items"')
    await bench.warm_up("board_first", first, 100)
    results["board_first"] = await _with_raw(
        bench,
        "board_first",
        summary_of(
            await bench.search(
                "board_first",
                first,
                start_rate=bench.profile.start_rates["read"],
                p99_bound_ms=P99_BOUNDS_MS["board_first"],
            ),
            bench.ceiling_rate,
        ),
        raw_requests,
        b'"items"',
    )
    cursors = await deep_cursors(bench, BOARD, skip_pages=50)
    if not cursors:
        results["board_deep"] = {"skipped": "the board has fewer than 50 pages"}
        return results
    people = bench.cast.sample_people(bench.rng, VIEWERS)
    pages = [
        (f"{BOARD}&cursor={quote(cursor)}", people[i % len(people)].user_id)
        for i, (_, cursor) in enumerate(cursors * max(1, VIEWERS // len(cursors)))
    ]
    deep = _cycle([bench.encode("GET", p, u) for p, u in pages], marker=b'"items"')
    summary = await _with_raw(
        bench,
        "board_deep",
        summary_of(
            await bench.search(
                "board_deep",
                deep,
                start_rate=bench.profile.start_rates["read"],
                p99_bound_ms=P99_BOUNDS_MS["board_deep"],
            ),
            bench.ceiling_rate,
        ),
        [bench.encode_raw("GET", p, u) for p, u in pages],
        b'"items"',
    )
    summary["depth_rows"] = {"min": cursors[0][0], "max": cursors[-1][0], "cursors": len(cursors)}
    results["board_deep"] = summary
    return results


async def _word_counts(bench: Bench, words: tuple[str, ...]) -> dict[str, int]:
    """How many open orders each query word matches (the planner's problem, in numbers)."""
    counts = {}
    async with bench.pool.acquire() as conn:
        for word in words:
            counts[word] = await conn.fetchval(
                "SELECT count(*) FROM orders WHERE status = 'open' AND "
                "to_tsvector('simple', title || ' ' || description) @@ "
                "plainto_tsquery('simple', $1)",
                word,
            )
    return counts


async def search(bench: Bench) -> dict[str, Any]:
    results: dict[str, Any] = {}
    counts = await _word_counts(bench, (*RARE_WORDS, COMMON_WORD))
    people = bench.cast.sample_people(bench.rng, VIEWERS)
    rare = [
        (f"{BOARD}&q={RARE_WORDS[i % len(RARE_WORDS)]}", p.user_id) for i, p in enumerate(people)
    ]
    common = [(f"{BOARD}&q={COMMON_WORD}", p.user_id) for p in people]
    for name, pages in (("search_rare", rare), ("search_common", common)):
        operation = _cycle([bench.encode("GET", p, u) for p, u in pages], marker=b'"items"')
        await bench.warm_up(name, operation, 50)
        summary = await _with_raw(
            bench,
            name,
            summary_of(
                await bench.search(
                    name,
                    operation,
                    start_rate=bench.profile.start_rates["read"],
                    p99_bound_ms=P99_BOUNDS_MS[name],
                ),
                bench.ceiling_rate,
            ),
            [bench.encode_raw("GET", p, u) for p, u in pages],
            b'"items"',
        )
        words = RARE_WORDS if name == "search_rare" else (COMMON_WORD,)
        summary["open_orders_matching"] = {w: counts[w] for w in words}
        results[name] = summary
    return results


async def order_detail(bench: Bench) -> dict[str, Any]:
    async with bench.pool.acquire() as conn:
        ids = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM orders WHERE visibility = 'public' AND NOT hidden "
                "AND status <> 'draft' ORDER BY random() LIMIT 3000"
            )
        ]
    people = bench.cast.sample_people(bench.rng, len(ids))
    pairs = [(f"/orders/{order_id}", p.user_id) for order_id, p in zip(ids, people, strict=False)]
    operation = _cycle([bench.encode("GET", p, u) for p, u in pairs], marker=b'"bid_count"')
    await bench.warm_up("order_detail", operation, 100)
    return await _with_raw(
        bench,
        "order_detail",
        summary_of(
            await bench.search(
                "order_detail",
                operation,
                start_rate=bench.profile.start_rates["read"],
                p99_bound_ms=P99_BOUNDS_MS["order_detail"],
            ),
            bench.ceiling_rate,
        ),
        [bench.encode_raw("GET", p, u) for p, u in pairs],
        b'"bid_count"',
    )
