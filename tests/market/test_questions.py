"""Questions and answers on an order."""

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import Question
from tests.helpers import create_firm, problem_fields
from tests.market.builders import district, events_of, execute, pass_deadline, post_order


async def _ask(client: httpx.AsyncClient, actor, order_id: int, **body) -> httpx.Response:
    return await client.post(
        f"/orders/{order_id}/questions",
        json={"text": "Accettate filato in conto lavorazione?", **body},
        headers=actor.headers,
    )


async def _question_ids(client: httpx.AsyncClient, actor, order_id: int) -> list[int]:
    response = await client.get(f"/orders/{order_id}/questions", headers=actor.headers)
    assert response.status_code == 200, response.text
    return [q["id"] for q in response.json()["items"]]


async def test_questions_are_private_until_answered(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    asked = await _ask(client, d.rival, order["id"])
    assert asked.status_code == 201, asked.text
    question = asked.json()
    assert question["asker_firm_id"] == d.rival.firm_id and question["answer"] is None
    [(data, audience)] = await events_of(app, "question.created", order["id"])
    assert audience == {f"firm:{d.client_owner.firm_id}"}
    assert data["text"] == question["text"]

    # Unanswered: the asker and the client only (staff see everything).
    assert await _question_ids(client, d.rival, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.client_member, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.staff, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.bidder, order["id"]) == []

    url = f"/orders/{order['id']}/questions/{question['id']}/answer"
    answer = {"text": "Sì, con bolla di accompagnamento"}
    assert (await client.post(url, json=answer)).status_code == 401
    assert (await client.post(url, json=answer, headers=d.bidder.headers)).status_code == 404
    assert (await client.post(url, json=answer, headers=d.rival.headers)).status_code == 403
    assert (await client.post(url, json=answer, headers=d.staff.headers)).status_code == 403
    assert (await client.post(url, json=answer, headers=d.client_member.headers)).status_code == 403
    empty = await client.post(url, json={"text": " "}, headers=d.client_owner.headers)
    assert empty.status_code == 422 and "text" in problem_fields(empty)
    answered = await client.post(url, json=answer, headers=d.client_owner.headers)
    assert answered.status_code == 200, answered.text
    assert answered.json()["answer"] == answer["text"] and answered.json()["answered_at"]
    [(_, audience)] = await events_of(app, "question.answered", order["id"])
    assert audience == {f"firm:{d.client_owner.firm_id}", f"firm:{d.rival.firm_id}"}
    assert (await client.post(url, json=answer, headers=d.client_owner.headers)).status_code == 409

    # Answered: everybody who sees the order.
    assert await _question_ids(client, d.bidder, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.outsider, order["id"]) == [question["id"]]


async def test_who_may_ask(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    assert (
        await client.post(f"/orders/{order['id']}/questions", json={"text": "?"})
    ).status_code == 401
    assert (await _ask(client, d.rival, order["id"])).status_code == 404  # cannot see it
    assert (await _ask(client, d.client_owner, order["id"])).status_code == 403
    assert (await _ask(client, d.bidder_member, order["id"])).status_code == 403
    assert (await _ask(client, d.staff, order["id"])).status_code == 403
    for bad in ({"text": ""}, {"text": "q" * 2001}, {"text": "ok?", "extra": 1}):
        refused = await client.post(
            f"/orders/{order['id']}/questions", json=bad, headers=d.bidder.headers
        )
        assert refused.status_code == 422
    # Someone in two firms says which one asks; a firm not offered the order cannot.
    second = await create_firm(client, d.bidder, phases=["dyeing"])
    ambiguous = await _ask(client, d.bidder, order["id"])
    assert ambiguous.status_code == 422 and "firm_id" in problem_fields(ambiguous)
    assert (await _ask(client, d.bidder, order["id"], firm_id=second["id"])).status_code == 403
    assert (
        await _ask(client, d.bidder, order["id"], firm_id=d.bidder.firm_ids[0])
    ).status_code == 201
    await pass_deadline(app, order["id"])
    late = await _ask(client, d.bidder, order["id"], firm_id=d.bidder.firm_ids[0])
    assert late.status_code == 409


async def test_hidden_questions_are_seen_by_staff_and_the_asker(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    question = (await _ask(client, d.rival, order["id"])).json()
    await client.post(
        f"/orders/{order['id']}/questions/{question['id']}/answer",
        json={"text": "Sì"},
        headers=d.client_owner.headers,
    )
    await execute(app, update(Question).where(Question.id == question["id"]).values(hidden=True))
    assert await _question_ids(client, d.rival, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.staff, order["id"]) == [question["id"]]
    assert await _question_ids(client, d.client_owner, order["id"]) == []
    assert await _question_ids(client, d.bidder, order["id"]) == []


async def test_questions_page_newest_first(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    ids = [
        (await _ask(client, d.rival, order["id"], text=f"Domanda {i}")).json()["id"]
        for i in range(3)
    ]
    url = f"/orders/{order['id']}/questions"
    first = (await client.get(url, params={"limit": 2}, headers=d.rival.headers)).json()
    assert [q["id"] for q in first["items"]] == ids[:0:-1]
    rest = (
        await client.get(
            url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=d.rival.headers
        )
    ).json()
    assert [q["id"] for q in rest["items"]] == [ids[0]] and rest["next_cursor"] is None
    assert (
        await client.get("/orders/999999/questions", headers=d.rival.headers)
    ).status_code == 404


async def test_other_firms_do_not_learn_who_asked(client: httpx.AsyncClient, app: FastAPI) -> None:
    """A competitor reading an answered question must not learn which firm is interested."""
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    asked = await _ask(client, d.rival, order["id"])
    assert asked.status_code == 201, asked.text
    url = f"/orders/{order['id']}/questions/{asked.json()['id']}/answer"
    answered = await client.post(url, json={"text": "Sì"}, headers=d.client_owner.headers)
    assert answered.status_code == 200, answered.text

    async def asker_seen_by(actor) -> object:
        response = await client.get(f"/orders/{order['id']}/questions", headers=actor.headers)
        assert response.status_code == 200, response.text
        [question] = response.json()["items"]
        return question["asker_firm_id"]

    assert await asker_seen_by(d.bidder) is None
    assert await asker_seen_by(d.outsider) is None
    # The asker, the client who answers it and staff still know.
    assert await asker_seen_by(d.rival) == d.rival.firm_id
    assert await asker_seen_by(d.client_owner) == d.rival.firm_id
    assert await asker_seen_by(d.staff) == d.rival.firm_id
