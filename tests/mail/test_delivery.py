"""Email from the outbox: the right people, their language, nothing they may not see,
each email once whatever crashes, and none lost to an SMTP outage."""

import asyncio
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from distretto.kit import clock
from distretto.mail.render import ascii_domain
from distretto.mail.sender import MAX_ATTEMPTS
from distretto.models import OutboxCursor
from tests.helpers import Actor
from tests.mail.smtp import deliver, emails, notify, sender, smtp_server
from tests.market.builders import District, district, place_bid, post_order


async def choose(client: httpx.AsyncClient, actor: Actor, **settings: Any) -> None:
    body = {"email": "immediate", "language": "it", **settings}
    response = await client.put("/me/notification-settings", json=body, headers=actor.headers)
    assert response.status_code == 200, response.text


async def bid_on_order(
    client: httpx.AsyncClient, app: FastAPI, **order: Any
) -> tuple[District, dict[str, Any]]:
    d = await district(client, app)
    posted = await post_order(client, d.client_owner, **order)
    await place_bid(client, d.bidder, posted["id"])
    await place_bid(client, d.rival, posted["id"], unit_price="3.05")
    return d, posted


async def test_the_right_people_get_the_right_mail_in_their_language(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    await choose(client, d.client_owner, language="en")
    await choose(client, d.bidder, language="zh")
    posted = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, posted["id"])
    await place_bid(client, d.rival, posted["id"], unit_price="3.05")
    with smtp_server() as (box, url):
        await deliver(app, url)

    to_client = box.to(d.client_owner.email)
    assert sorted(m.subject for m in to_client) == [f"New bid on “{posted['title']}”"] * 2
    english = to_client[0]
    assert english.text.startswith("Hello Test Person,")
    assert f"/orders/{posted['id']}" in english.text
    assert f'href="http://127.0.0.1:8000/orders/{posted["id"]}"' in english.html
    # The names of the bidding firms, not only their numbers.
    assert all("Tessitura Prova" in m.text and "placed a bid" in m.text for m in to_client)

    # The bidder hears of its own bid, in Chinese; never of the rival's.
    to_bidder = box.to(d.bidder.email)
    assert [m.subject for m in to_bidder] == [f"“{posted['title']}”收到新报价"]
    assert "3.05" not in to_bidder[0].text
    to_rival = box.to(d.rival.email)
    assert len(to_rival) == 1 and "3.15" not in to_rival[0].text + to_rival[0].html
    # Members of the bidder firm hear too (the audience is the firm); the outsider nothing.
    assert len(box.to(d.bidder_member.email)) == 1
    assert box.to(d.outsider.email) == [] and box.to(d.staff.email) == []
    # Each email once, each recipient alone on its envelope.
    assert all(len(m.rcpt) == 1 for m in box.received)
    assert len(set(box.message_ids())) == len(box.received)


async def test_a_sealed_amount_never_appears_in_a_mail(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d, _posted = await bid_on_order(client, app, sealed=True)
    with smtp_server() as (box, url):
        await deliver(app, url)
    to_client = box.to(d.client_owner.email)
    assert len(to_client) == 2
    for message in box.received:
        assert "3.15" not in message.text + message.html
        assert "3.05" not in message.text + message.html
    # An open order shows the client the price it may see.
    d2, _open_order = await bid_on_order(client, app)
    with smtp_server() as (box, url):
        await deliver(app, url)
    assert any("€ 3.15" in m.text for m in box.to(d2.client_owner.email))
    assert all("3.15" not in m.text for m in box.to(d2.rival.email))


async def test_kinds_turned_off_and_email_off_are_not_mailed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    kinds = {k: True for k in ("order_matching", "awards", "contracts", "messages")}
    await choose(client, d.client_owner, kinds={**kinds, "bids": False})
    await choose(client, d.client_member, email="off")
    posted = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, posted["id"])
    with smtp_server() as (box, url):
        await deliver(app, url)
    assert box.to(d.client_owner.email) == []
    assert box.to(d.client_member.email) == []
    assert len(box.to(d.bidder.email)) == 1


async def test_a_relay_restart_mid_batch_sends_nothing_twice(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _d, _posted = await bid_on_order(client, app)
    await notify(app)

    class Crash(BaseException):
        """The process dies: nothing after it runs (not even except Exception)."""

    with smtp_server() as (box, url):
        real = sender(app, url).transport

        class DiesAfterTwo:
            calls = 0

            async def send(self, message: Any) -> None:
                if self.calls == 2:
                    raise Crash
                self.calls += 1
                await real.send(message)

            def describe(self) -> str:
                return "dies"

        first = sender(app, DiesAfterTwo())
        await first.queue()
        await first.queue()  # queueing again writes nothing new
        queued = len(await emails(app))
        assert queued >= 5
        with pytest.raises(Crash):
            await first.send_due()
        assert len(box.received) == 2
        # Another process, before the dead one's lease ends: the claimed rows wait.
        assert await sender(app, url).run_once() == 0
        with clock.pinned(clock.now() + timedelta(minutes=6)):
            assert await sender(app, url).run_once() == queued - 2
        assert await sender(app, url).run_once() == 0
    ids = box.message_ids()
    assert len(ids) == queued and len(set(ids)) == queued
    assert {e.status for e in await emails(app)} == {"sent"}


async def test_an_smtp_outage_delays_mail_and_loses_none(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    _d, _posted = await bid_on_order(client, app)
    with smtp_server() as (_, url):
        dead = url  # the server is gone once the block ends: its port refuses
    assert await deliver(app, dead) == 0
    rows = await emails(app)
    assert rows and all(r.status == "pending" and r.attempts == 1 for r in rows)
    assert all(r.last_error and r.next_attempt_at > r.created_at for r in rows)
    with smtp_server() as (box, url):
        # Not before the backoff.
        assert await sender(app, url).run_once() == 0
        with clock.pinned(clock.now() + timedelta(minutes=2)):
            assert await sender(app, url).run_once() == len(rows)
    assert len(box.received) == len(rows)
    assert {r.status for r in await emails(app)} == {"sent"}


async def test_a_refused_mailbox_fails_alone_and_repeated_failures_end_failed(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d, _posted = await bid_on_order(client, app)
    with smtp_server() as (box, url):
        box.refuse.add(d.client_owner.email)
        await deliver(app, url)
    by_address: dict[str, set[str]] = {}
    for row in await emails(app):
        by_address.setdefault(row.to_address, set()).add(row.status)
    assert by_address.pop(d.client_owner.email) == {"failed"}
    assert set().union(*by_address.values()) == {"sent"}
    assert box.to(d.bidder.email) and box.to(d.rival.email)

    # A server that stays away: after MAX_ATTEMPTS the email ends failed, visibly.
    before = {r.id for r in await emails(app)}
    second = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, second["id"])
    with smtp_server() as (_, dead):
        pass
    await deliver(app, dead)
    later = clock.now()
    for _ in range(MAX_ATTEMPTS):
        later += timedelta(hours=7)
        with clock.pinned(later):
            await sender(app, dead).run_once()
    new = [r for r in await emails(app) if r.id not in before]
    assert new and all(r.status == "failed" and r.attempts == MAX_ATTEMPTS for r in new)
    assert all("Connect" in (r.last_error or "") for r in new)


async def test_queueing_again_from_an_old_cursor_writes_no_second_email(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The unique keys alone: a relay that crashed after queueing, before its cursor
    moved, queues the same notifications again and nothing doubles."""
    await bid_on_order(client, app)
    await notify(app)
    await sender(app, "smtp://127.0.0.1:9").queue()
    before = [(e.key, e.id) for e in await emails(app)]
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(OutboxCursor).where(OutboxCursor.name == "mail").values(last_event_id=0)
        )
        await session.commit()
    await sender(app, "smtp://127.0.0.1:9").queue()
    assert [(e.key, e.id) for e in await emails(app)] == before


async def test_two_senders_at_once_send_each_email_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    await bid_on_order(client, app)
    await notify(app)
    with smtp_server() as (box, url):
        await sender(app, url).queue()
        queued = len(await emails(app))
        first, second = sender(app, url), sender(app, url)
        sent = await asyncio.gather(first.send_due(limit=3), second.send_due(limit=3))
        sent_more = await asyncio.gather(first.run_once(), second.run_once())
    assert sum(sent) + sum(sent_more) == queued
    ids = box.message_ids()
    assert len(ids) == queued and len(set(ids)) == queued


def test_an_internationalised_domain_is_addressed_in_ascii() -> None:
    assert ascii_domain("titolare@tomaiatimiș.example.it") == (
        "titolare@xn--tomaiatimi-3xd.example.it"
    )
    assert ascii_domain("anna@example.it") == "anna@example.it"
