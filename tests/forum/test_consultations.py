"""Consultations: one vote per firm, changeable until closing, results only after."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from distretto.models import ConsultationVote
from distretto.realtime.relay import materialise_pending
from tests.consortia.builders import events_for, set_firm
from tests.forum.builders import close_now, consultation, staff, topic, vote
from tests.helpers import add_member, firm_owner


async def test_only_staff_open_consultations_and_they_need_options(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner = await firm_owner(client)
    association = await staff(client, app)
    body = {
        "category": "consultazioni",
        "title": "Tariffa minima",
        "body": "Proposta",
        "options": ["Sì", "No"],
        "closes_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
    }
    assert (await client.post("/forum/topics", json=body, headers=owner.headers)).status_code == 403
    for broken in (
        {**body, "options": None},
        {**body, "closes_at": None},
        {**body, "options": ["Sì"]},
        {**body, "options": ["Sì", "sì"]},
        {**body, "closes_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()},
        {**body, "category": "tessile"},  # options outside consultations
    ):
        response = await client.post("/forum/topics", json=broken, headers=association.headers)
        assert response.status_code == 422, (broken, response.text)


async def test_one_vote_per_firm_changeable_until_closing(
    client: httpx.AsyncClient, app: Any
) -> None:
    association = await staff(client, app)
    made = await consultation(client, association)
    owner = await firm_owner(client)
    manager = await add_member(client, owner, "manager")
    plain = await add_member(client, owner, "member")
    other = await firm_owner(client)

    assert (await vote(client, made["id"], owner, "Favorevole")).status_code == 200
    # A manager of the same firm changes the firm's vote: still one vote.
    changed = await vote(client, made["id"], manager, "Contrario")
    assert changed.status_code == 200
    assert changed.json()["option"] == "Contrario"
    assert (await vote(client, made["id"], plain, "Astenuto")).status_code == 403
    assert (
        await vote(client, made["id"], other, "Favorevole", firm_id=owner.firm_id)
    ).status_code == 404
    bad = await vote(client, made["id"], other, "Forse")
    assert bad.status_code == 422 and bad.json()["code"] == "forum.unknown_option"
    assert (await vote(client, made["id"], other, "Favorevole")).status_code == 200

    # Before closing: no results, only the viewer's own firm's vote.
    seen = (await client.get(f"/forum/topics/{made['id']}", headers=owner.headers)).json()
    assert seen["consultation"]["results"] is None
    assert seen["consultation"]["total_votes"] is None
    assert [(v["firm_id"], v["option"]) for v in seen["consultation"]["my_votes"]] == [
        (owner.firm_id, "Contrario")
    ]
    anonymous = (await client.get(f"/forum/topics/{made['id']}")).json()
    assert anonymous["consultation"]["results"] is None
    assert anonymous["consultation"]["my_votes"] == []

    await close_now(app, made["id"])
    late = await vote(client, made["id"], owner, "Favorevole")
    assert late.status_code == 409 and late.json()["code"] == "forum.consultation_closed"
    closed = (await client.get(f"/forum/topics/{made['id']}")).json()["consultation"]
    assert closed["closed"] is True
    assert closed["results"] == [
        {"option": "Favorevole", "votes": 1},
        {"option": "Contrario", "votes": 1},
        {"option": "Astenuto", "votes": 0},
    ]
    assert closed["total_votes"] == 2


async def test_votes_only_in_consultations_and_not_when_suspended(
    client: httpx.AsyncClient, app: Any
) -> None:
    association = await staff(client, app)
    owner = await firm_owner(client)
    plain_topic = await topic(client, owner)
    refused = await vote(client, plain_topic["id"], owner, "Favorevole")
    assert refused.status_code == 409
    made = await consultation(client, association)
    await set_firm(app, owner.firm_id, status="suspended")
    assert (await vote(client, made["id"], owner, "Favorevole")).status_code == 403
    assert (await vote(client, 999_999, owner, "Favorevole")).status_code == 404


async def test_opening_notifies_every_active_firm(client: httpx.AsyncClient, app: Any) -> None:
    firms = [await firm_owner(client) for _ in range(2)]
    suspended = await firm_owner(client)
    await set_firm(app, suspended.firm_id, status="suspended")
    association = await staff(client, app)
    made = await consultation(client, association)
    for owner in firms:
        events = await events_for(app, f"firm:{owner.firm_id}", "consultation.opened")
        assert [e["topic_id"] for e in events] == [made["id"]]
    assert await events_for(app, f"firm:{suspended.firm_id}", "consultation.opened") == []
    # The notification relay turns it into an inbox line for the firm's people.
    async with app.state.ctx.sessionmaker() as session:
        await materialise_pending(session)
        await session.commit()
    inbox = (await client.get("/notifications", headers=firms[0].headers)).json()["items"]
    assert any(n["type"] == "consultation.opened" for n in inbox), inbox


async def _vote_rows(app: Any, topic_id: int) -> list[tuple[int, str]]:
    async with app.state.ctx.sessionmaker() as session:
        rows = await session.execute(
            select(ConsultationVote.firm_id, ConsultationVote.option).where(
                ConsultationVote.topic_id == topic_id
            )
        )
        return [(f, o) for f, o in rows.all()]


@pytest.mark.postgres_only
async def test_twenty_concurrent_votes_from_one_firm_count_once(
    client: httpx.AsyncClient, app: Any
) -> None:
    association = await staff(client, app)
    made = await consultation(client, association)
    owner = await firm_owner(client)
    managers = [owner] + [await add_member(client, owner, "manager") for _ in range(4)]
    options = ["Favorevole", "Contrario", "Astenuto"]
    responses = await asyncio.gather(
        *(vote(client, made["id"], managers[i % 5], options[i % 3]) for i in range(20))
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    rows = await _vote_rows(app, made["id"])
    assert len(rows) == 1 and rows[0][0] == owner.firm_id


@pytest.mark.postgres_only
async def test_twenty_concurrent_votes_from_twenty_firms_all_count(
    client: httpx.AsyncClient, app: Any
) -> None:
    association = await staff(client, app)
    made = await consultation(client, association)
    owners = [await firm_owner(client) for _ in range(20)]
    responses = await asyncio.gather(
        *(
            vote(client, made["id"], o, "Favorevole" if i % 4 else "Contrario")
            for i, o in enumerate(owners)
        )
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    assert len(await _vote_rows(app, made["id"])) == 20
    await close_now(app, made["id"])
    results = (await client.get(f"/forum/topics/{made['id']}")).json()["consultation"]
    assert results["results"][:2] == [
        {"option": "Favorevole", "votes": 15},
        {"option": "Contrario", "votes": 5},
    ]


async def test_the_unique_key_alone_refuses_a_second_vote_row(
    client: httpx.AsyncClient, app: Any
) -> None:
    """The guard under the upsert: even written directly, a firm has one row per topic."""
    association = await staff(client, app)
    made = await consultation(client, association)
    owner = await firm_owner(client)
    async with app.state.ctx.sessionmaker() as session:
        for option in ("Favorevole", "Contrario"):
            session.add(ConsultationVote(topic_id=made["id"], firm_id=owner.firm_id, option=option))
        with pytest.raises(IntegrityError):
            await session.flush()
