"""The raw ceiling of each hot path: the same answer with nothing but asyncpg and JSON.

A bare ASGI callable (no framework, no ORM, no token check, no validation) served by
uvicorn with the app's worker count, beside the app in the same run. For the board, a
search and an order it runs one hand-written statement that returns the same rows and
fields the app returns (client name and live bid count included, the market's visibility
rule for the viewer's firms, which the request names in ``viewer=``), and encodes them
with pydantic-core's JSON encoder; for a bid, one transaction writing the bid, its outbox
event (under the outbox's ordering lock) and the event's audience. What the app adds on
top of this is its own cost: the ratio app / raw is the figure of issue 18.

    uvicorn bench.raw:app --workers 2   # with BENCH_RAW_DSN=postgresql://...
"""

import json
import os
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import asyncpg
from pydantic_core import to_json

from distretto.kit.events import OUTBOX_WRITE_LOCK
from distretto.kit.pagination import decode_cursor, encode_cursor

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_WORD = re.compile(r"[^\W_]+")

_COLUMNS = """
    o.id, o.client_firm_id AS firm_id, o.client_firm_id, f.name AS client_firm_name,
    o.title, o.description, o.phase, trim_scale(o.quantity)::text AS quantity, o.unit,
    CASE WHEN scale(trim_scale(o.target_unit_price)) <= 2
        THEN to_char(o.target_unit_price, 'FM999999999990.00')
        ELSE trim_scale(o.target_unit_price)::text END AS target_unit_price,
    to_char(o.vat_rate, 'FM990.00') AS vat_rate, o.vat_nature,
    json_build_object('method', o.payment_method, 'days', o.payment_days,
                      'end_of_month', o.payment_end_of_month) AS payment_terms,
    to_char(o.delivery_tolerance_percent, 'FM990.00') AS delivery_tolerance_percent,
    o.bid_deadline, o.delivery_due, o.visibility,
    CASE WHEN o.visibility = 'invited' AND o.client_firm_id = ANY($1::int[]) THEN
        (SELECT array_agg(i.firm_id ORDER BY i.firm_id) FROM order_invitations i
         WHERE i.order_id = o.id) END AS invited_firm_ids,
    o.consortium_id, o.sealed,
    CASE WHEN o.client_firm_id = ANY($1::int[]) THEN o.parent_contract_id END
        AS parent_contract_id,
    o.region,
    CASE WHEN o.status = 'open' AND o.bid_deadline <= now() THEN 'closed' ELSE o.status END
        AS status,
    o.revision,
    (SELECT count(*) FROM bids b WHERE b.order_id = o.id
     AND b.status IN ('active', 'needs_confirmation', 'awarded')) AS bid_count,
    o.created_at, o.updated_at
"""

# The market's visibility rule for firm members (market/repositories/visibility.py).
_VISIBLE = """
    (o.client_firm_id = ANY($1::int[]) OR (
        o.status <> 'draft' AND NOT o.hidden AND (
            o.visibility = 'public'
            OR (o.visibility = 'invited' AND EXISTS (
                SELECT 1 FROM order_invitations i
                WHERE i.order_id = o.id AND i.firm_id = ANY($1::int[])))
            OR (o.visibility = 'consortium' AND o.consortium_id IN (
                SELECT m.consortium_id FROM consortium_members m
                WHERE m.firm_id = ANY($1::int[]) AND m.status = 'active'))
            OR EXISTS (SELECT 1 FROM bids b WHERE b.order_id = o.id
                       AND b.firm_id = ANY($1::int[])))))
"""


async def _json_as_objects(conn: asyncpg.Connection) -> None:
    # ``payment_terms`` is built by the query as JSON: decoded, it is written as an object.
    await conn.set_type_codec("json", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")


_FROM = "FROM orders o JOIN firms f ON f.id = o.client_firm_id"
_SEARCH = "to_tsvector('simple'::regconfig, o.title || ' ' || o.description) @@ to_tsquery("
_BOARD = (
    f"SELECT {_COLUMNS} {_FROM} WHERE {_VISIBLE} "
    "AND o.status = 'open' AND o.bid_deadline > now() {extra} ORDER BY o.id DESC LIMIT $2"
)
_DETAIL = f"SELECT {_COLUMNS} {_FROM} WHERE o.id = $2 AND {_VISIBLE}"

_INSERT_BID = """
INSERT INTO bids (order_id, firm_id, created_by_user_id, unit_price, total_price,
                  delivery_date, notes, status, order_revision, hidden, below_tariff,
                  created_at, updated_at)
SELECT o.id, $2, NULL, $3::numeric, round($3::numeric * o.quantity, 2), $4, $5, 'active',
       o.revision, false, false, now(), now()
FROM orders o WHERE o.id = $1
RETURNING id, order_id, firm_id, unit_price, total_price, delivery_date, notes, status,
          order_revision, below_tariff, created_at, updated_at
"""


class RawCeiling:
    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        assert self.pool is not None
        query = parse_qs(scope["query_string"].decode())
        firms = [int(f) for f in query.get("viewer", [""])[0].split(",") if f]
        path: str = scope["path"]
        parts = path.strip("/").split("/")
        if parts == ["readyz"]:
            status, body = 200, b'{"status":"ok"}'
        elif scope["method"] == "GET" and parts == ["orders"]:
            status, body = 200, await self._board(firms, query)
        elif scope["method"] == "GET" and len(parts) == 2 and parts[0] == "orders":
            status, body = await self._detail(firms, int(parts[1]))
        elif scope["method"] == "POST" and len(parts) == 3 and parts[2] == "bids":
            status, body = await self._bid(int(parts[1]), await _read_body(receive))
        else:
            status, body = 404, b'{"detail":"not found"}'
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # Idle connections close after a few seconds: the ceiling sits idle through
                # most of a run, and PostgreSQL's connection slots are shared with the app.
                self.pool = await asyncpg.create_pool(
                    self.dsn,
                    min_size=1,
                    max_size=10,
                    max_inactive_connection_lifetime=5,
                    init=_json_as_objects,
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _board(self, firms: list[int], query: dict[str, list[str]]) -> bytes:
        assert self.pool is not None
        limit = int(query.get("limit", ["20"])[0])
        args: list[Any] = [firms, limit + 1]
        extra = ""
        if "cursor" in query:
            (after,) = decode_cursor(query["cursor"][0], 1)
            args.append(after)
            extra += f" AND o.id < ${len(args)}"
        words = _WORD.findall(query.get("q", [""])[0].lower())[:8]
        if words:
            # A constant, as the app renders it: the plan then suits the word.
            tsquery = " & ".join(f"{w}:*" for w in words)
            extra += f" AND {_SEARCH}'simple'::regconfig, '{tsquery}')"
        rows = await self.pool.fetch(_BOARD.format(extra=extra), *args)
        cursor = None
        if len(rows) > limit:
            rows = rows[:limit]
            cursor = encode_cursor([rows[-1]["id"]])
        return to_json({"items": [dict(r) for r in rows], "next_cursor": cursor})

    async def _detail(self, firms: list[int], order_id: int) -> tuple[int, bytes]:
        assert self.pool is not None
        row = await self.pool.fetchrow(_DETAIL, firms, order_id)
        if row is None:
            return 404, b'{"detail":"not found"}'
        return 200, to_json(dict(row))

    async def _bid(self, order_id: int, raw: bytes) -> tuple[int, bytes]:
        assert self.pool is not None
        data = json.loads(raw)
        async with self.pool.acquire() as conn, conn.transaction():
            bid = await conn.fetchrow(
                _INSERT_BID,
                order_id,
                data["firm_id"],
                Decimal(data["unit_price"]),
                date.fromisoformat(data["delivery_date"]),
                data.get("notes", ""),
            )
            if bid is None:
                return 404, b'{"detail":"not found"}'
            await conn.execute("SELECT pg_advisory_xact_lock($1)", OUTBOX_WRITE_LOCK)
            # A dict: the connection's json codec encodes it (a string would be stored as
            # a JSON string, which the app's notification relay cannot read).
            payload = {"bid_id": bid["id"], "order_id": order_id, "firm_id": bid["firm_id"]}
            event_id = await conn.fetchval(
                "INSERT INTO events (type, data, created_at) VALUES ('bid.created', $1, $2) "
                "RETURNING id",
                payload,
                datetime.now(UTC),
            )
            await conn.execute(
                "INSERT INTO event_audience (event_id, audience_key) SELECT $1, unnest($2::text[])",
                event_id,
                [f"firm:{bid['firm_id']}", f"order:{order_id}"],
            )
        return 201, to_json(dict(bid) | {"firm_name": "", "amounts_hidden": False})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


app = RawCeiling(os.environ.get("BENCH_RAW_DSN", "postgresql://postgres@127.0.0.1/distretto_bench"))
