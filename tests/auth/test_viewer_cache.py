"""The viewer of a token is kept for a few seconds (``auth/viewer_cache.py``): a warm
request reads no viewer at all, and a write to the viewer's facts (membership,
suspension) is seen by the very next request, whatever is left of the time to live."""

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text, update

from distretto.auth.viewer_cache import ViewerCache
from distretto.kit import clock
from distretto.kit.events import OutboxEvent, firm_key
from distretto.models import Firm
from tests.market.builders import bid_body, district, post_order, statements

# A token expiry far ahead (epoch-based, as the token's own ``exp``).
LATER = datetime.fromtimestamp(time.time() + 3600, UTC)


@pytest.fixture
def lasting_cache(app: FastAPI) -> Iterator[ViewerCache]:
    """A time to live no test outlives: what changes is seen through invalidation only."""
    usual = app.state.viewers
    app.state.viewers = ViewerCache(ttl=3600)
    yield app.state.viewers
    app.state.viewers = usual


async def test_a_warm_viewer_costs_no_statement(
    client: httpx.AsyncClient, app: FastAPI, lasting_cache: ViewerCache
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    async with statements(app) as cold:
        assert (await client.get("/orders", headers=d.bidder.headers)).status_code == 200
    async with statements(app) as warm:
        page = await client.get("/orders", params={"status": "open"}, headers=d.bidder.headers)
    assert page.status_code == 200 and len(warm) == len(cold) - 1 == 1
    async with statements(app) as warm:
        one = await client.get(f"/orders/{order['id']}", headers=d.bidder.headers)
    assert one.status_code == 200 and len(warm) == 1


async def test_a_removed_member_loses_the_firm_at_the_next_request(
    client: httpx.AsyncClient, app: FastAPI, lasting_cache: ViewerCache
) -> None:
    d = await district(client, app)
    draft = await post_order(client, d.client_owner, status="draft")
    member = d.client_member
    assert (await client.get(f"/orders/{draft['id']}", headers=member.headers)).status_code == 200
    removed = await client.delete(
        f"/firms/{d.client_owner.firm_id}/members/{member.user_id}",
        headers=d.client_owner.headers,
    )
    assert removed.status_code == 204
    gone = await client.get(f"/orders/{draft['id']}", headers=member.headers)
    assert gone.status_code == 404


async def test_a_suspended_firm_cannot_bid_from_the_next_request(
    client: httpx.AsyncClient, app: FastAPI, lasting_cache: ViewerCache
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    assert (await client.get("/orders", headers=d.bidder.headers)).status_code == 200
    suspended = await client.post(
        f"/moderation/firms/{d.bidder.firm_id}/suspend",
        json={"reason": "documenti scaduti"},
        headers=d.staff.headers,
    )
    assert suspended.status_code == 200, suspended.text
    bid = await client.post(
        f"/orders/{order['id']}/bids", json=bid_body(d.bidder.firm_id), headers=d.bidder.headers
    )
    assert bid.status_code == 403, bid.json()
    assert bid.json()["code"] == "firm.suspended", bid.json()


async def test_a_viewer_read_while_its_facts_changed_is_not_kept(app: FastAPI) -> None:
    cache = ViewerCache(ttl=3600)
    viewer = object()
    read_before = ViewerCache.generation()
    # Another request's write lands between the read and the put (any engine statement,
    # ORM or Core; the id matches no row: writing at all is what counts).
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Firm).where(Firm.id == -1).values(name="x"))
        await session.commit()
    cache.put("token", viewer, read_before, None, LATER)
    assert cache.get("token", clock.now()) is None
    cache.put("token", viewer, ViewerCache.generation(), None, LATER)
    assert cache.get("token", clock.now()) is viewer
    # A text statement writing a viewer table counts too; one writing elsewhere does not.
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(text("UPDATE orders SET revision = revision WHERE id = -1"))
        await session.commit()
    assert cache.get("token", clock.now()) is viewer
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(text("UPDATE memberships SET role = role WHERE id = -1"))
        await session.commit()
    assert cache.get("token", clock.now()) is None


def test_an_entry_ends_at_its_time_to_live_and_at_a_suspension_end() -> None:
    now = clock.now()
    expired = ViewerCache(ttl=0)
    expired.put("token", object(), ViewerCache.generation(), None, LATER)
    assert expired.get("token", now) is None
    cache = ViewerCache(ttl=3600)
    viewer = object()
    cache.put("token", viewer, ViewerCache.generation(), now + timedelta(days=1), LATER)
    assert cache.get("token", now) is viewer
    # The day a suspension ends, the viewer is read again (and the suspension lifted).
    assert cache.get("token", now + timedelta(days=1)) is None
    small = ViewerCache(ttl=3600, max_entries=1)
    small.put("a", viewer, ViewerCache.generation(), None, LATER)
    small.put("b", viewer, ViewerCache.generation(), None, LATER)
    assert small.get("a", now) is None and small.get("b", now) is viewer
    # A token that has expired since it was verified is no hit (it is checked anew: 401).
    lapsed = ViewerCache(ttl=3600)
    lapsed.put(
        "token", viewer, ViewerCache.generation(), None, datetime.fromtimestamp(time.time(), UTC)
    )
    assert lapsed.get("token", now) is None


async def test_another_process_s_suspension_event_voids_the_cached_viewers(
    client: httpx.AsyncClient, app: FastAPI, lasting_cache: ViewerCache
) -> None:
    """Another worker suspended a firm: nothing was written through this process's engine,
    but the event reaches this process's live dispatcher, which forgets every viewer."""
    d = await district(client, app)
    assert (await client.get("/orders", headers=d.bidder.headers)).status_code == 200
    token = d.bidder.headers["Authorization"].removeprefix("Bearer ")
    assert lasting_cache.get(token, clock.now()) is not None
    dispatcher = app.state.realtime.dispatcher
    mark = dispatcher._mark  # the ids below are made up: leave the dispatcher as it was
    audience = (firm_key(d.bidder.firm_id),)
    try:
        dispatcher._fan_out(OutboxEvent(10**12, "bid.created", {}, clock.now(), audience))
        assert lasting_cache.get(token, clock.now()) is not None
        dispatcher._fan_out(OutboxEvent(10**12 + 1, "firm.suspended", {}, clock.now(), audience))
        assert lasting_cache.get(token, clock.now()) is None
    finally:
        dispatcher._mark = mark
