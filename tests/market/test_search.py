"""Board search: any input is just words, and on PostgreSQL the GIN index answers it."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from distretto.market.repository import search_condition
from distretto.models import Order
from tests.helpers import firm_owner
from tests.market.builders import post_order


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
        .where(search_condition(["tessut", "lana"], "postgresql"))
        .order_by(Order.id.desc())  # type: ignore[union-attr]
        .limit(21)
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
