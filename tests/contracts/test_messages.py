"""The message thread of a contract."""

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import ContractMessage, Event
from tests.contracts.builders import count, deal, mark_disputed
from tests.helpers import add_member, make_staff, register


async def test_post_and_read_thread_newest_first(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await deal(client, app)
    worker = await add_member(client, d.supplier, "manager")
    texts = ["Pezza pronta lunedì", "Va bene, mandate il DDT", "Spedito con corriere"]
    authors = [d.supplier, d.client, worker]
    for text, author in zip(texts, authors, strict=True):
        posted = await client.post(f"{d.url}/messages", json={"text": text}, headers=author.headers)
        assert posted.status_code == 201, posted.text
    body = posted.json()
    assert body["firm_id"] == d.supplier.firm_id and body["user_id"] == worker.user_id
    assert body["author_name"] == "Test Person" and body["firm_name"]

    first = await client.get(f"{d.url}/messages", params={"limit": 2}, headers=d.client.headers)
    page = first.json()
    assert [m["text"] for m in page["items"]] == texts[::-1][:2]
    rest = await client.get(
        f"{d.url}/messages",
        params={"limit": 2, "cursor": page["next_cursor"]},
        headers=d.client.headers,
    )
    assert [m["text"] for m in rest.json()["items"]] == [texts[0]]
    assert rest.json()["next_cursor"] is None
    # Each message went to both firms as an event.
    assert await count(app, Event, Event.type == "message.created") == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"text": 42}, "text"),
        ({"text": "ok", "hidden": True}, "hidden"),
    ],
)
async def test_bad_message_is_422_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, body: dict, field: str
) -> None:
    d = await deal(client, app)
    response = await client.post(f"{d.url}/messages", json=body, headers=d.client.headers)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}
    assert await count(app, ContractMessage) == 0


async def test_hidden_messages_only_for_author_firm_and_staff(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await deal(client, app)
    staff = await make_staff(app, await register(client))
    posted = await client.post(
        f"{d.url}/messages", json={"text": "Offesa"}, headers=d.supplier.headers
    )
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(ContractMessage)
            .where(ContractMessage.id == posted.json()["id"])
            .values(hidden=True)
        )
        await session.commit()
    await mark_disputed(app, d.contract_id)  # staff read a thread only through a dispute
    seen = {
        name: [
            m["text"]
            for m in (await client.get(f"{d.url}/messages", headers=a.headers)).json()["items"]
        ]
        for name, a in (("client", d.client), ("supplier", d.supplier), ("staff", staff))
    }
    assert seen == {"client": [], "supplier": ["Offesa"], "staff": ["Offesa"]}


async def test_read_only_members_read_the_thread_but_cannot_post(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    """The design's ``member`` role reads; writing on a contract needs manager or owner."""
    d = await deal(client, app)
    reader = await add_member(client, d.supplier, "member")
    refused = await client.post(f"{d.url}/messages", json={"text": "Ciao"}, headers=reader.headers)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "firm.role_required"
    assert await count(app, ContractMessage) == 0
    assert (await client.get(f"{d.url}/messages", headers=reader.headers)).status_code == 200
