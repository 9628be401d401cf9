"""What completing a contract costs the database, pinned (issue 18): the supplier's
delivery and the client's acceptance, which also refreshes both firms' reputation in the
same transaction. A change that adds a round trip to these paths fails here."""

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from fastapi import FastAPI

from distretto.auth.viewer_cache import ViewerCache
from tests.contracts.builders import NOW, deal, fixed_clock
from tests.market.builders import statements


@pytest.fixture(autouse=True)
def cold_viewers(app: FastAPI) -> Iterator[None]:
    """Every request reads its viewer: the counts are those of a token's first request."""
    usual = app.state.viewers
    app.state.viewers = ViewerCache(ttl=0)
    yield
    app.state.viewers = usual


async def test_delivery_and_acceptance_run_no_avoidable_statement(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    first = await deal(client, app, due_date=(NOW + timedelta(days=3)).date())
    second = await deal(client, app, due_date=(NOW + timedelta(days=3)).date())
    counts = []
    for d in (first, second):
        with fixed_clock(app, NOW):
            async with statements(app) as delivering:
                delivered = await client.post(f"{d.url}/deliver", headers=d.supplier.headers)
            assert delivered.status_code == 200, delivered.text
            async with statements(app) as accepting:
                accepted = await client.post(f"{d.url}/accept", headers=d.client.headers)
            assert accepted.status_code == 200, accepted.text
        counts.append((len(delivering), len(accepting)))
    postgres = app.state.ctx.engine.dialect.name == "postgresql"
    # Delivering: the viewer, the contract, its move (the UPDATE returns the moved row:
    # no read back), the names the answer shows, its event and audience (on PostgreSQL
    # one statement with the outbox lock). Accepting, besides: both firms locked, the
    # district means in force (one read for both roles), their contracts, reviews and
    # lots (the reputation weighs lots by quantity, on time, accepted), the scores
    # deleted (returning the overall scores they had, for the history) and inserted, the
    # history points written (one statement). Since deliveries come in lots (issue 13)
    # the one-step deliver/accept is one lot: both add the lot's row, the quantities
    # delivered and accepted so far, and the lot as answered. The first completion costs
    # what the next one does.
    assert counts == ([(9, 17)] if postgres else [(10, 18)]) * 2, "\n".join(
        sql[:70].replace("\n", " ") for sql, _ in accepting
    )
