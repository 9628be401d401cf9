"""Board search: any input is just words, and on PostgreSQL the GIN index answers it."""

from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from distretto.market.repository import search_condition, search_parameters
from distretto.models import Order
from tests.helpers import firm_owner
from tests.market.builders import post_order, statements


async def test_search_input_is_only_ever_words(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client)
    order = await post_order(client, owner, title="Stampa l'étoffe fiorata", description="")
    for q in ("l'étoffe", "ÉTOFFE & | !", "fior:* (stampa)", "%", "_", "' OR 1=1 --"):
        response = await client.get("/orders", params={"q": q}, headers=owner.headers)
        assert response.status_code == 200, (q, response.text)
        ids = [o["id"] for o in response.json()["items"]]
        assert ids in ([order["id"]], []), q
    hits = await client.get("/orders", params={"q": "fior stampa"}, headers=owner.headers)
    assert [o["id"] for o in hits.json()["items"]] == [order["id"]]
    misses = await client.get("/orders", params={"q": "%"}, headers=owner.headers)
    assert [o["id"] for o in misses.json()["items"]] == [order["id"]]  # no words: no filter


@pytest.mark.postgres_only
async def test_postgres_search_is_answered_by_the_gin_index(app: FastAPI) -> None:
    statement = (
        select(Order.id)
        .where(search_condition(2, "postgresql"))
        .order_by(Order.id.desc())
        .limit(21)
        .params(search_parameters(["tessut", "lana"], "postgresql"))
    )
    sql = str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
    async with app.state.ctx.engine.begin() as conn:
        # On a small table the planner rightly prefers a scan (of the table, or of the
        # primary key backwards, stopping at the LIMIT); forbid both to see whether the
        # GIN index can answer the query at all, i.e. whether the expressions match.
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        await conn.execute(text("SET LOCAL enable_indexscan = off"))
        plan = "\n".join(row[0] for row in await conn.execute(text(f"EXPLAIN {sql}")))
    assert "ix_orders_search" in plan, plan


def _sql_literal(value: object) -> str:
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):  # the viewer's firms: one array parameter on PostgreSQL
        return "'{" + ",".join(str(v) for v in value) + "}'"
    text_value = value.isoformat() if isinstance(value, datetime) else str(value)
    return "'" + text_value.replace("'", "''") + "'"


@pytest.mark.postgres_only
async def test_an_open_board_search_can_read_only_the_open_orders_index(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The statement the app runs for ``?status=open&q=`` matches the partial index of open
    orders (migration 0002d): same document expression, and ``status = 'open'`` written
    as a constant, so even a prepared statement's generic plan may use the index."""
    owner = await firm_owner(client)
    await post_order(client, owner, title="Filato di vigogna pettinato")
    async with statements(app) as executed:
        page = await client.get(
            "/orders", params={"status": "open", "q": "vigogna"}, headers=owner.headers
        )
    assert len(page.json()["items"]) == 1
    sql, parameters = next((s, p) for s, p in executed if "FROM orders" in s)
    arguments = ", ".join(_sql_literal(value) for value in parameters)
    async with app.state.ctx.engine.connect() as conn, conn.begin() as transaction:
        # On a tiny table any index looks as cheap as any other: take the competing ones
        # away (in a transaction rolled back below) and forbid scans, so the plan shows
        # whether the partial index can answer the query at all; and plan it as a
        # prepared statement run many times is planned, without its parameters' values.
        await conn.execute(text("DROP INDEX ix_orders_status_id, ix_orders_search"))
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        await conn.execute(text("SET LOCAL enable_indexscan = off"))
        await conn.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        await driver.execute(f"PREPARE open_board_search AS {sql}")
        rows = await driver.fetch(f"EXPLAIN EXECUTE open_board_search({arguments})")
        await driver.execute("DEALLOCATE open_board_search")
        await transaction.rollback()
    plan = "\n".join(row[0] for row in rows)
    assert "Bitmap Index Scan on ix_orders_open_search" in plan, plan
