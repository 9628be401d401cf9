"""Settings, saved searches, the daily digest and one-click unsubscribe."""

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, select

from distretto.kit import clock
from distretto.mail.service import queue_daily_digests, unsubscribe
from distretto.mail.tokens import make_token
from distretto.models import AccountToken, MailSettings, SavedSearch
from tests.helpers import firm_owner, register
from tests.mail.smtp import deliver, emails, smtp_server
from tests.mail.test_delivery import choose
from tests.market.builders import district, place_bid, post_order


async def test_settings_default_then_round_trip_and_refuse_bad_values(
    client: httpx.AsyncClient,
) -> None:
    me = await register(client)
    got = await client.get("/me/notification-settings", headers=me.headers)
    assert got.json() == {
        "email": "immediate",
        "language": "it",
        "kinds": {
            "order_matching": True,
            "bids": True,
            "awards": True,
            "contracts": True,
            "messages": True,
            "consortium": True,
            "moderation": True,
        },
    }
    body = {"email": "daily", "language": "zh", "kinds": {"bids": False}}
    put = await client.put("/me/notification-settings", json=body, headers=me.headers)
    assert put.status_code == 200 and put.json()["kinds"]["bids"] is False
    again = await client.get("/me/notification-settings", headers=me.headers)
    assert again.json()["email"] == "daily" and again.json()["language"] == "zh"
    bad = await client.put(
        "/me/notification-settings", json={"email": "hourly"}, headers=me.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "email"
    assert (await client.get("/me/notification-settings")).status_code == 401


async def test_saved_searches_belong_to_their_owner(client: httpx.AsyncClient) -> None:
    me, other = await register(client), await register(client)
    body = {"name": "Tintura lana", "phase": "dyeing", "q": "navy", "min_quantity": 500}
    created = await client.post("/me/saved-searches", json=body, headers=me.headers)
    assert created.status_code == 201, created.text
    search = created.json()
    assert search["province"] is None and search["min_quantity"] == 500
    unknown = await client.post(
        "/me/saved-searches", json={"name": "x", "phase": "alchemy"}, headers=me.headers
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["code"] == "mail.unknown_phase"
    assert (await client.get("/me/saved-searches", headers=other.headers)).json() == []
    gone = await client.delete(f"/me/saved-searches/{search['id']}", headers=other.headers)
    assert gone.status_code == 404 and gone.json()["code"] == "mail.saved_search_not_found"
    ok = await client.delete(f"/me/saved-searches/{search['id']}", headers=me.headers)
    assert ok.status_code == 204
    assert (await client.get("/me/saved-searches", headers=me.headers)).json() == []


async def test_a_new_order_matching_a_saved_search_notifies_its_owner(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    client_firm = await firm_owner(client, phases=["weaving"], province="PO")
    # A weaver, not a dyer: the board's own announcement does not reach them.
    watcher = await firm_owner(client, phases=["weaving"])
    miss = await firm_owner(client, phases=["weaving"])
    # Signed in but in no firm: sees no order, so no search of theirs may tell of one.
    outsider = await register(client)
    await choose(client, watcher, language="en")
    for who, body in (
        (watcher, {"name": "Navy", "phase": "dyeing", "q": "NAVY lana", "province": "po"}),
        (miss, {"name": "Big lots", "phase": "dyeing", "min_quantity": 5000}),
        (outsider, {"name": "Navy", "phase": "dyeing", "q": "navy"}),
    ):
        response = await client.post("/me/saved-searches", json=body, headers=who.headers)
        assert response.status_code == 201
    invited = await firm_owner(client, phases=["dyeing"])
    posted = await post_order(client, client_firm, quantity="2000.5")
    private = await post_order(
        client, client_firm, quantity=9000, visibility="invited", invited_firm_ids=[invited.firm_id]
    )
    with smtp_server() as (box, url):
        await deliver(app, url)
    inbox = await client.get("/notifications", headers=watcher.headers)
    titles = [n["type"] for n in inbox.json()["items"]]
    assert titles == ["saved_search.matched"]
    (mail,) = box.to(watcher.email)
    assert mail.subject == f"New order matching your search: {posted['title']}"
    assert "2,000.5 kg" in mail.text and "Bids close on" in mail.text
    # The other search wants bigger lots; an invitation-only order matches no search.
    assert box.to(miss.email) == []
    assert (await client.get("/notifications", headers=miss.headers)).json()["items"] == []
    assert box.to(outsider.email) == []
    assert (await client.get("/notifications", headers=outsider.headers)).json()["items"] == []
    # The invited firm hears of the invitation-only order by mail (its own kind).
    (invitation,) = box.to(invited.email)
    assert invitation.subject == f"Sei invitato a offrire: {private['title']}"


async def test_a_digest_groups_a_day(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    await choose(client, d.client_owner, email="daily", language="it")
    day = datetime(2031, 3, 4, 9, tzinfo=UTC)
    with clock.pinned(day):
        first = await post_order(
            client,
            d.client_owner,
            bid_deadline=(day + timedelta(days=7)).isoformat(),
            delivery_due=(day + timedelta(days=40)).date().isoformat(),
        )
        await place_bid(
            client,
            d.bidder,
            first["id"],
            delivery_date=(day + timedelta(days=35)).date().isoformat(),
        )
        await place_bid(
            client,
            d.rival,
            first["id"],
            delivery_date=(day + timedelta(days=35)).date().isoformat(),
        )
        with smtp_server() as (box, url):
            await deliver(app, url)
        # Nothing immediate for a daily reader.
        assert box.to(d.client_owner.email) == []
    async with app.state.ctx.sessionmaker() as session:
        queued = await queue_daily_digests(session, day + timedelta(days=1, hours=-2))
        again = await queue_daily_digests(session, day + timedelta(days=1, hours=-1))
        await session.commit()
    assert queued >= 1 and again == 0
    with smtp_server() as (box, url), clock.pinned(day + timedelta(days=1)):
        await deliver(app, url)
    (digest,) = box.to(d.client_owner.email)
    assert digest.subject == "Distretto: il riepilogo del 04/03/2031"
    assert digest.text.count(f"Nuova offerta su «{first['title']}»") == 2
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    rows = [e for e in await emails(app) if e.template == "digest"]
    assert [str(r.digest_day) for r in rows if r.to_address == d.client_owner.email] == [
        "2031-03-04"
    ]


async def test_unsubscribe_works_with_the_link_alone_and_refuses_a_forged_token(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    posted = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, posted["id"])
    with smtp_server() as (box, url):
        await deliver(app, url)
    (mail,) = box.to(d.client_owner.email)
    header = str(mail.message["List-Unsubscribe"]).strip("<>")
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    target = urlsplit(header)
    assert target.path == "/api/v1/email/unsubscribe"
    token = parse_qs(target.query)["token"][0]
    assert f"/unsubscribe?token={token}" in mail.text  # the page a person clicks

    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    refused = await client.post("/email/unsubscribe", params={"token": forged})
    assert refused.status_code == 400 and refused.json()["code"] == "mail.bad_unsubscribe_token"
    other_user = token.replace(f"{d.client_owner.user_id}.", f"{d.bidder.user_id}.", 1)
    assert (
        await client.post("/email/unsubscribe", params={"token": other_user})
    ).status_code == 400

    # What a mail client sends (RFC 8058): no session, a form body.
    done = await client.post(
        "/email/unsubscribe",
        params={"token": token},
        content="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200 and done.json() == {"kind": "bids", "email": "immediate"}
    settings = await client.get("/me/notification-settings", headers=d.client_owner.headers)
    assert settings.json()["kinds"]["bids"] is False
    assert settings.json()["kinds"]["awards"] is True

    await place_bid(client, d.rival, posted["id"])
    with smtp_server() as (box, url):
        await deliver(app, url)
    assert box.to(d.client_owner.email) == []
    # An expired link is refused too.
    with clock.pinned(clock.now() + timedelta(days=181)):
        late = await client.post("/email/unsubscribe", params={"token": token})
    assert late.status_code == 400


async def test_deleting_the_account_erases_its_mail(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client)  # a verification link and its queued email
    await client.post("/me/saved-searches", json={"name": "Tintura"}, headers=me.headers)
    await client.post("/auth/password-reset", json={"email": me.email})
    assert {e.to_address for e in await emails(app)} == {me.email}
    assert (await client.delete("/me", headers=me.headers)).status_code == 204
    assert await emails(app) == []
    async with app.state.ctx.sessionmaker() as session:
        for table in (MailSettings, SavedSearch, AccountToken):
            left = await session.scalar(
                select(func.count()).select_from(table).where(table.user_id == me.user_id)
            )
            assert left == 0, table.__tablename__


async def test_two_first_saves_at_once_both_succeed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    me = await register(client)
    async with app.state.ctx.sessionmaker() as session:  # a person from before settings
        await session.execute(delete(MailSettings).where(MailSettings.user_id == me.user_id))
        await session.commit()
    bodies = [{"email": "daily", "language": "en"}, {"email": "off", "language": "zh"}]
    results = await asyncio.gather(
        *(client.put("/me/notification-settings", json=b, headers=me.headers) for b in bodies)
    )
    assert [r.status_code for r in results] == [200, 200]
    final = (await client.get("/me/notification-settings", headers=me.headers)).json()
    assert (final["email"], final["language"]) in {("daily", "en"), ("off", "zh")}


@pytest.mark.postgres_only
async def test_an_unsubscribe_waits_for_another_on_the_same_settings(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The row lock alone: the second unsubscribe reads the settings only once the first
    committed, so both kinds end off (without the lock the second would write back the
    kinds it read before, turning "bids" on again)."""
    me = await register(client)
    secret = app.state.ctx.settings.secret_key
    bids, messages = (make_token(secret, me.user_id, k, clock.now()) for k in ("bids", "messages"))
    sessions = app.state.ctx.sessionmaker
    async with sessions() as first:
        await unsubscribe(first, secret, bids, clock.now())  # holds the row lock

        async def second() -> None:
            async with sessions() as other:
                await unsubscribe(other, secret, messages, clock.now())
                await other.commit()

        waiting = asyncio.create_task(second())
        await asyncio.sleep(0.5)
        assert not waiting.done()  # blocked on the lock, not racing ahead
        await first.commit()
    await waiting
    kinds = (await client.get("/me/notification-settings", headers=me.headers)).json()["kinds"]
    assert kinds["bids"] is False and kinds["messages"] is False and kinds["awards"] is True
