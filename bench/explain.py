"""Database time of a request: the SQL the app really runs, under EXPLAIN (ANALYZE, BUFFERS).

The app is created in-process on the benchmark database; an engine hook records every
statement (with its parameters) that one request executes, and each is then explained
with those same parameters. Whatever shape the market's queries take, the report shows
the plans PostgreSQL chose for them.
"""

import contextvars
import json
import statistics
from typing import Any

import asyncpg
import httpx
from sqlalchemy import event

from distretto.app import create_app
from distretto.config import Settings

REPEATS = 7
# Set only around the probed request: the app's background tasks (outbox poll, relay)
# run in contexts of their own, so their statements are not mistaken for the request's.
_probing: contextvars.ContextVar[bool] = contextvars.ContextVar("bench_probing", default=False)


async def capture_statements(
    settings: Settings, path: str, token: str
) -> tuple[int, list[tuple[str, tuple[Any, ...]]]]:
    """Status and (sql, parameters) of every statement one GET of ``path`` executes."""
    app = create_app(settings)
    captured: list[tuple[str, tuple[Any, ...]]] = []
    async with app.router.lifespan_context(app):
        engine = app.state.ctx.engine.sync_engine

        def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
            if _probing.get():
                captured.append((statement, tuple(parameters or ())))

        event.listen(engine, "before_cursor_execute", record)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            probing = _probing.set(True)
            try:
                response = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            finally:
                _probing.reset(probing)
        event.remove(engine, "before_cursor_execute", record)
    return response.status_code, captured


async def explain(conn: asyncpg.Connection, sql: str, parameters: tuple[Any, ...]) -> dict:
    """Median execution and planning time over REPEATS runs, with the last plan's buffers."""
    executions, plannings = [], []
    plan: dict[str, Any] = {}
    for _ in range(REPEATS):
        raw = await conn.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", *parameters)
        plan = json.loads(raw)[0]
        executions.append(plan["Execution Time"])
        plannings.append(plan["Planning Time"])
    top = plan["Plan"]
    return {
        "execution_ms": round(statistics.median(executions), 3),
        "planning_ms": round(statistics.median(plannings), 3),
        "shared_hit_blocks": top.get("Shared Hit Blocks", 0),
        "shared_read_blocks": top.get("Shared Read Blocks", 0),
        "rows": top.get("Actual Rows"),
        "plan": _outline(top),
    }


def _outline(node: dict[str, Any], depth: int = 0) -> list[str]:
    """The plan as short indented lines (node type, relation, index, actual rows)."""
    label = node["Node Type"]
    if node.get("Index Name"):
        label += f" using {node['Index Name']}"
    if node.get("Relation Name"):
        label += f" on {node['Relation Name']}"
    label += f" (rows={node.get('Actual Rows')}, loops={node.get('Actual Loops')})"
    lines = ["  " * depth + label]
    for child in node.get("Plans", []):
        lines += _outline(child, depth + 1)
    return lines


async def explain_request(
    settings: Settings, dsn: str, path: str, token: str, main_table: str = "orders"
) -> dict[str, Any]:
    """Every SELECT of one request explained; the main one is the costliest on ``main_table``."""
    status, statements = await capture_statements(settings, path, token)
    conn = await asyncpg.connect(dsn)
    try:
        explained = []
        for sql, parameters in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            result = await explain(conn, sql, parameters)
            flat = " ".join(sql.split())
            # Judged on the whole text: a long column list pushes FROM past the excerpt.
            result["on_main"] = f" {main_table} " in f" {flat} ".replace('"', " ")
            result["sql"] = flat[:600]
            explained.append(result)
    finally:
        await conn.close()
    on_main = [e for e in explained if e["on_main"]]
    main = max(on_main, key=lambda e: e["execution_ms"], default=None)
    return {
        "path": path,
        "status": status,
        "statements": len(explained),
        "total_execution_ms": round(sum(e["execution_ms"] for e in explained), 3),
        "total_planning_ms": round(sum(e["planning_ms"] for e in explained), 3),
        "main_query": main,
        "all": explained,
    }
