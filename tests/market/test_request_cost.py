"""What the hot requests cost the database, pinned (issue 8: the board, an order's page,
a bid). The viewer is one statement; a board page one more (bid counts and the client's
name come with the orders), plus one for the invitations only where the viewer may read
them; a bid reads everything it checks in one statement and never reads back what it
wrote. A change that adds a round trip to these paths fails here. And the pool, which
no longer pings PostgreSQL before each request, still never hands out a dead connection
twice."""

import asyncio
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from distretto.auth.viewer_cache import ViewerCache
from distretto.db import POOL_RECYCLE_SECONDS, create_engine
from tests.helpers import Actor
from tests.market.builders import (
    District,
    bid_body,
    consortium_with,
    district,
    place_bid,
    post_order,
    statements,
)


@pytest.fixture(autouse=True)
def cold_viewers(app: FastAPI) -> Iterator[None]:
    """Every request reads its viewer (a cache that keeps nothing): the counts below are
    those of a token's first request; a warm one reads one statement fewer
    (``tests/auth/test_viewer_cache.py``)."""
    usual = app.state.viewers
    app.state.viewers = ViewerCache(ttl=0)
    yield
    app.state.viewers = usual


async def _board_world(client: httpx.AsyncClient, app: FastAPI) -> tuple[District, list[int]]:
    """Public, invited and consortium orders of two clients, some of them bid on."""
    d = await district(client, app)
    consortium = await consortium_with(
        app, {d.client_owner.firm_id: "active", d.bidder.firm_id: "active"}
    )
    orders = [
        await post_order(client, d.client_owner, title="Tessuto di vigogna blu"),
        await post_order(
            client,
            d.client_owner,
            visibility="invited",
            invited_firm_ids=[d.bidder.firm_id, d.rival.firm_id],
        ),
        await post_order(client, d.client_owner, visibility="consortium", consortium_id=consortium),
        await post_order(client, d.outsider, phase="lasting"),
    ]
    for order in orders[:3]:
        await place_bid(client, d.bidder, order["id"])
    await place_bid(client, d.rival, orders[0]["id"])
    return d, [o["id"] for o in orders]


async def _get(
    client: httpx.AsyncClient, app: FastAPI, actor: Actor, path: str, **params: str
) -> tuple[httpx.Response, int]:
    async with statements(app) as executed:
        response = await client.get(path, params=params, headers=actor.headers)
    assert response.status_code == 200, response.text
    return response, len(executed)


async def test_a_board_page_is_the_viewer_and_one_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d, ids = await _board_world(client, app)
    page, count = await _get(client, app, d.rival, "/orders", status="open")
    assert count == 2
    # Rival: sees the public orders and the invited one, not the consortium's (no member).
    items = {o["id"]: o for o in page.json()["items"]}
    assert sorted(items) == sorted([ids[0], ids[1], ids[3]])
    assert items[ids[0]]["bid_count"] == 2 and items[ids[1]]["bid_count"] == 1
    assert items[ids[3]]["bid_count"] == 0
    assert items[ids[0]]["client_firm_name"] and items[ids[1]]["invited_firm_ids"] is None
    searched, count = await _get(client, app, d.rival, "/orders", status="open", q="vigogna")
    assert count == 2 and [o["id"] for o in searched.json()["items"]] == [ids[0]]
    first, _ = await _get(client, app, d.bidder, "/orders", limit="2")
    deep, count = await _get(
        client, app, d.bidder, "/orders", limit="2", cursor=first.json()["next_cursor"]
    )
    assert count == 2 and [o["id"] for o in deep.json()["items"]] == [ids[1], ids[0]]


async def test_the_client_reads_its_invitations_in_one_more_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d, ids = await _board_world(client, app)
    page, count = await _get(client, app, d.client_owner, "/orders", mine="true")
    assert count == 3
    invited = {o["id"]: o["invited_firm_ids"] for o in page.json()["items"]}
    assert invited == {
        ids[0]: None,
        ids[1]: sorted([d.bidder.firm_id, d.rival.firm_id]),
        ids[2]: None,
    }
    # No invited order on the page: no statement for invitations.
    _, count = await _get(client, app, d.client_owner, "/orders", mine="true", limit="1")
    assert count == 2


async def test_an_order_page_is_the_viewer_and_one_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d, ids = await _board_world(client, app)
    order, count = await _get(client, app, d.bidder, f"/orders/{ids[2]}")
    assert count == 2
    assert order.json()["bid_count"] == 1 and order.json()["consortium_id"] is not None
    async with statements(app) as executed:
        hidden = await client.get(f"/orders/{ids[2]}", headers=d.outsider.headers)
    assert hidden.status_code == 404 and len(executed) == 2


async def test_placing_a_bid_runs_no_avoidable_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    orders = [await post_order(client, d.client_owner) for _ in range(2)]
    # The viewer; the order with the firms and every fact the rules check; the insert;
    # the outbox event and its audience (on PostgreSQL one statement with the outbox lock).
    expected = 4 if app.state.ctx.engine.dialect.name == "postgresql" else 5
    async with statements(app) as executed:
        placed = await client.post(
            f"/orders/{orders[0]['id']}/bids",
            json=bid_body(d.bidder.firm_id),
            headers=d.bidder.headers,
        )
    assert placed.status_code == 201, placed.text
    assert len(executed) == expected, [sql for sql, _ in executed]
    # With an Idempotency-Key: the key is claimed, and the answer stored for a retry.
    async with statements(app) as executed:
        keyed = await client.post(
            f"/orders/{orders[1]['id']}/bids",
            json=bid_body(d.bidder.firm_id),
            headers={"Idempotency-Key": "bid-cost-1", **d.bidder.headers},
        )
    assert keyed.status_code == 201, keyed.text
    assert len(executed) == expected + 2, [sql for sql, _ in executed]
    # In this order: the viewer, the key claimed before any rule, the order with its
    # facts, the bid (never read back), the event, the answer stored under the key.
    kinds = [_target(sql) for sql, _ in executed]
    assert kinds[:4] == [
        "SELECT",
        "INSERT INTO idempotency_records",
        "SELECT",
        "INSERT INTO bids",
    ], kinds
    assert kinds[-1] == "UPDATE idempotency_records", kinds
    assert not any(_reads_bids(sql) for sql, _ in executed[4:]), kinds
    # A retry with the key: the viewer, the claim that finds the key taken, the stored
    # answer. No rule is checked again and nothing is written.
    async with statements(app) as executed:
        replayed = await client.post(
            f"/orders/{orders[1]['id']}/bids",
            json=bid_body(d.bidder.firm_id),
            headers={"Idempotency-Key": "bid-cost-1", **d.bidder.headers},
        )
    assert replayed.status_code == 201 and replayed.json() == keyed.json()
    assert [_target(sql) for sql, _ in executed] == [
        "SELECT",
        "INSERT INTO idempotency_records",
        "SELECT",
    ], [sql for sql, _ in executed]


def _target(sql: str) -> str:
    """What a statement does, by its first words: "SELECT", "INSERT INTO bids"…"""
    words = sql.split()
    if words[0] == "INSERT":
        return " ".join(words[:3])
    if words[0] == "UPDATE":
        return " ".join(words[:2])
    return words[0]


def _reads_bids(sql: str) -> bool:
    return "FROM bids" in sql


async def test_bid_answers_built_without_a_read_back_equal_the_bid_as_read(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, sealed=True)
    placed = await client.post(
        f"/orders/{order['id']}/bids",
        json=bid_body(d.bidder.firm_id, unit_price=3.1, notes="  prezzo franco  "),
        headers=d.bidder.headers,
    )
    assert placed.status_code == 201, placed.text
    bid_id = placed.json()["id"]

    async def as_read() -> object:
        return (await client.get(f"/bids/{bid_id}", headers=d.bidder.headers)).json()

    assert placed.json() == await as_read()
    assert placed.json()["unit_price"] == "3.10" and placed.json()["amounts_hidden"] is False
    revised = await client.patch(
        f"/bids/{bid_id}", json={"unit_price": "2.95"}, headers=d.bidder.headers
    )
    assert revised.status_code == 200 and revised.json() == await as_read()
    withdrawn = await client.post(f"/bids/{bid_id}/withdraw", headers=d.bidder.headers)
    assert withdrawn.status_code == 200 and withdrawn.json() == await as_read()


async def test_an_award_runs_no_avoidable_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    winner = await place_bid(client, d.bidder, order["id"])
    await place_bid(client, d.rival, order["id"])
    async with statements(app) as executed:
        awarded = await client.post(
            f"/orders/{order['id']}/award",
            json={"bid_id": winner["id"]},
            headers={"Idempotency-Key": "award-cost-1", **d.client_owner.headers},
        )
    assert awarded.status_code == 201, awarded.text
    # The supplier's capacity is booked week by week up to the delivery date (how many
    # weeks depends on today's weekday): an upsert of each week, the bookings (one
    # statement on PostgreSQL, one per week on SQLite) and one read.
    postgres = app.state.ctx.engine.dialect.name == "postgresql"
    booking = [sql for sql, _ in executed if "capacity_" in sql]
    weeks = sum("INSERT INTO capacity_weeks" in sql for sql in booking)
    assert weeks >= 1 and len(booking) == weeks + (1 if postgres else weeks) + 1, booking
    # The viewer; the key claimed and the answer stored; the order and the bid, locked;
    # the order moved; its live bids, locked; the client firm; the live bidders (whom
    # the award is told); the loser rejected, the winner read and moved; the contract in
    # a savepoint (a lost race is caught there); three events with their audiences; the
    # names and title the answer shows, and its lots' totals (the contract's answer reads
    # them; issue 13). PostgreSQL: the capacity lock, and each event with its audience (and
    # the outbox lock) one statement instead of two.
    expected = 22 if postgres else 24
    rest = [sql for sql, _ in executed if "capacity_" not in sql]
    assert len(rest) == expected, "\n".join(s[:50] for s in rest)


# --- The pool without pre-ping (db.create_engine) -------------------------------------------


async def _terminate(database_url: str, pid: int) -> None:
    """End one server process from a connection of our own, as a restart or an
    administrator would."""
    admin = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await admin.execute("SELECT pg_terminate_backend($1)", pid)
    finally:
        await admin.close()


async def _backend_pid(conn: AsyncConnection) -> int:
    return int(await conn.scalar(text("SELECT pg_backend_pid()")))


@pytest.mark.postgres_only
async def test_a_pooled_connection_the_server_closed_is_replaced_not_used(
    database_url: str,
) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        assert engine.pool._pre_ping is False and engine.pool._recycle == POOL_RECYCLE_SECONDS
        async with engine.connect() as conn:
            pid = await _backend_pid(conn)
        await _terminate(database_url, pid)
        await asyncio.sleep(0.2)  # the idle pooled connection reads the end of its stream
        async with engine.connect() as conn:
            assert await _backend_pid(conn) != pid
    finally:
        await engine.dispose()


@pytest.mark.postgres_only
async def test_a_connection_lost_in_use_fails_once_and_is_replaced(database_url: str) -> None:
    engine = create_engine(database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            pid = await _backend_pid(conn)
            await _terminate(database_url, pid)
            with pytest.raises(DBAPIError) as lost:
                await conn.execute(text("SELECT 1"))
            # SQLAlchemy recognised the disconnect: the connection is thrown away.
            assert lost.value.connection_invalidated
        async with engine.connect() as conn:
            assert await _backend_pid(conn) != pid
    finally:
        await engine.dispose()
