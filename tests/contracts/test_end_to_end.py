"""From an order on the board to a reviewed contract and a reputation, only through the API."""

from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from tests.contracts.builders import fixed_clock
from tests.helpers import firm_owner


async def test_order_to_reputation(client: httpx.AsyncClient, app: FastAPI) -> None:
    maison = await firm_owner(client, phases=["apparel"])
    tintoria = await firm_owner(client, phases=["dyeing"])
    rival = await firm_owner(client, phases=["dyeing"])
    today = datetime.now(UTC)
    order = await client.post(
        "/orders",
        json={
            "firm_id": maison.firm_id,
            "title": "Tintura in capo 2.000 maglie merinos",
            "description": "Colore blu notte, solidità al lavaggio 4-5",
            "phase": "dyeing",
            "quantity": 2000,
            "unit": "capi",
            "bid_deadline": (today + timedelta(days=3)).isoformat(),
            "delivery_due": (today + timedelta(days=30)).date().isoformat(),
            "visibility": "public",
        },
        headers=maison.headers,
    )
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]
    bids = {}
    for firm, price in ((tintoria, "2.40"), (rival, "2.65")):
        bid = await client.post(
            f"/orders/{order_id}/bids",
            json={
                "firm_id": firm.firm_id,
                "unit_price": price,
                "delivery_date": (today + timedelta(days=20)).date().isoformat(),
            },
            headers=firm.headers,
        )
        assert bid.status_code == 201, bid.text
        bids[firm.firm_id] = bid.json()["id"]
    awarded = await client.post(
        f"/orders/{order_id}/award",
        json={"bid_id": bids[tintoria.firm_id]},
        headers=maison.headers,
    )
    assert awarded.status_code == 201, awarded.text
    contract_id = awarded.json()["id"]
    url = f"/contracts/{contract_id}"

    detail = (await client.get(url, headers=tintoria.headers)).json()
    assert detail["status"] == "active" and detail["total_price"] == "4800.00"
    assert detail["order_title"] == "Tintura in capo 2.000 maglie merinos"
    assert detail["due_date"] == (today + timedelta(days=20)).date().isoformat()
    assert (await client.get(url, headers=rival.headers)).status_code == 404
    listed = await client.get("/contracts", params={"role": "supplier"}, headers=tintoria.headers)
    assert [c["id"] for c in listed.json()["items"]] == [contract_id]
    as_client = await client.get("/contracts", params={"role": "client"}, headers=tintoria.headers)
    assert as_client.json()["items"] == []

    delivered = await client.post(f"{url}/deliver", headers=tintoria.headers)
    assert delivered.json()["on_time"] is True
    message = await client.post(
        f"{url}/messages", json={"text": "Consegnato con DDT 118"}, headers=tintoria.headers
    )
    assert message.status_code == 201
    accepted = await client.post(f"{url}/accept", headers=maison.headers)
    assert accepted.json()["status"] == "completed"
    for reviewer in (maison, tintoria):
        review = await client.post(
            f"{url}/reviews",
            json={"quality": 5, "timeliness": 5, "communication": 4, "comment": "Ottimo"},
            headers=reviewer.headers,
        )
        assert review.status_code == 201
    reputation = (await client.get(f"/firms/{tintoria.firm_id}/reputation")).json()
    assert reputation["as_supplier"]["contracts"] == 1
    assert reputation["as_supplier"]["by_phase"]["dyeing"]["contracts"] == 1
    assert reputation["components"]["as_supplier"]["review_averages"]["count"] == 1
    profile = (await client.get(f"/firms/{maison.firm_id}")).json()
    assert profile["reputation"]["client_contracts"] == 1
    assert profile["reputation"]["client_score"] is not None


async def test_status_filter_and_pages(client: httpx.AsyncClient, app: FastAPI) -> None:
    from tests.contracts.builders import NOW, insert_contract

    buyer = await firm_owner(client, phases=["apparel"])
    maker = await firm_owner(client)
    ids = [
        await insert_contract(app, buyer.firm_id, maker.firm_id, status=status)
        for status in ("active", "delivered", "active", "disputed", "active")
    ]
    with fixed_clock(app, NOW):
        active = await client.get(
            "/contracts", params={"status": "active", "limit": 2}, headers=maker.headers
        )
        page = active.json()
        assert [c["id"] for c in page["items"]] == [ids[4], ids[2]]
        rest = await client.get(
            "/contracts",
            params={"status": "active", "limit": 2, "cursor": page["next_cursor"]},
            headers=maker.headers,
        )
    assert [c["id"] for c in rest.json()["items"]] == [ids[0]]
    assert rest.json()["next_cursor"] is None
    mine = await client.get(
        "/contracts", params={"firm_id": buyer.firm_id, "role": "client"}, headers=buyer.headers
    )
    assert len(mine.json()["items"]) == 5
    bad = await client.get("/contracts", params={"status": "lost"}, headers=buyer.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
    bad_role = await client.get("/contracts", params={"role": "boss"}, headers=buyer.headers)
    assert bad_role.status_code == 422
