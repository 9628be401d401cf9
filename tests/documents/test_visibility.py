"""Who sees a file is who sees its parent; everyone else gets 404 on metadata and bytes."""

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import AuditEntry, Bid, Contract, Order
from tests.contracts.builders import insert_contract, set_contract
from tests.documents import samples
from tests.documents.builders import reads, status_of, upload, uploaded
from tests.helpers import add_member, firm_owner, make_staff, register
from tests.market.builders import count, district, execute, pass_deadline, place_bid, post_order


async def test_order_files_follow_the_order(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    url = f"/orders/{order['id']}/attachments"
    file = await uploaded(client, d.client_owner, url)
    # A public order: every firm of the district reads its technical file.
    for who in (d.client_owner, d.client_member, d.bidder, d.rival, d.outsider):
        assert await reads(client, who, file["id"]) == (200, 200)
        assert [f["id"] for f in (await client.get(url, headers=who.headers)).json()] == [
            file["id"]
        ]
    assert await reads(client, None, file["id"]) == (401, 401)
    assert await status_of(client, None, url) == 401
    # Staff see every order, hence its files (oversight of the board).
    assert await reads(client, d.staff, file["id"]) == (200, 200)


async def test_invited_and_draft_order_files_stay_with_who_sees_the_order(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    invited = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    file = await uploaded(client, d.client_owner, f"/orders/{invited['id']}/attachments")
    assert await reads(client, d.bidder, file["id"]) == (200, 200)
    assert await reads(client, d.rival, file["id"]) == (404, 404)
    assert await status_of(client, d.rival, f"/orders/{invited['id']}/attachments") == 404
    assert (
        await upload(client, d.rival, f"/orders/{invited['id']}/attachments")
    ).status_code == 404
    # A user of no firm sees nothing.
    loner = await register(client)
    assert await reads(client, loner, file["id"]) == (404, 404)
    # Hidden by moderation: only the client keeps it.
    await execute(app, update(Order).where(Order.id == invited["id"]).values(hidden=True))
    assert await reads(client, d.bidder, file["id"]) == (404, 404)
    assert await reads(client, d.client_member, file["id"]) == (200, 200)


async def test_only_the_client_managers_attach_to_an_order(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    url = f"/orders/{order['id']}/attachments"
    manager = await add_member(client, d.client_owner, "manager")
    assert (await upload(client, manager, url)).status_code == 201
    assert (await upload(client, d.client_member, url)).status_code == 403
    assert (await upload(client, d.bidder, url)).status_code == 403  # sees it, not theirs
    assert (await upload(client, d.staff, url)).status_code == 403
    assert (await upload(client, None, url)).status_code == 401
    await execute(app, update(Order).where(Order.id == order["id"]).values(status="cancelled"))
    assert (await upload(client, d.client_owner, url)).status_code == 409


async def test_bid_files_on_a_sealed_order_reach_the_client_after_the_deadline(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, sealed=True)
    bid = await place_bid(client, d.bidder, order["id"])
    rival_bid = await place_bid(client, d.rival, order["id"])
    url = f"/bids/{bid['id']}/attachments"
    file = await uploaded(client, d.bidder, url, data=samples.jpeg(), filename="campione.jpg")
    # Before the deadline: the bidder's firm only.
    assert await reads(client, d.bidder, file["id"]) == (200, 200)
    assert await reads(client, d.bidder_member, file["id"]) == (200, 200)
    for who in (d.client_owner, d.client_member, d.rival, d.outsider, d.staff):
        assert await reads(client, who, file["id"]) == (404, 404), who
        assert await status_of(client, who, url) == 404
        assert await status_of(client, who, f"/attachments/{file['id']}/thumbnail") == 404
    # Other bidders cannot attach to (or read) a bid that is not theirs.
    assert (await upload(client, d.rival, url)).status_code == 404
    assert (await upload(client, d.bidder_member, url)).status_code == 403
    assert (
        await upload(client, d.bidder, f"/bids/{rival_bid['id']}/attachments")
    ).status_code == 404

    await pass_deadline(app, order["id"])
    for who in (d.client_owner, d.client_member):
        assert await reads(client, who, file["id"]) == (200, 200)
        assert await status_of(client, who, f"/attachments/{file['id']}/thumbnail") == 200
    for who in (d.rival, d.outsider, d.staff):
        assert await reads(client, who, file["id"]) == (404, 404)


async def test_bid_files_on_an_open_order_reach_the_client_at_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    file = await uploaded(client, d.bidder, f"/bids/{bid['id']}/attachments")
    assert await reads(client, d.client_owner, file["id"]) == (200, 200)
    assert await reads(client, d.rival, file["id"]) == (404, 404)
    # A bid hidden by moderation keeps its files from the client, not from the bidder.
    await execute(app, update(Bid).where(Bid.id == bid["id"]).values(hidden=True))
    assert await reads(client, d.client_owner, file["id"]) == (404, 404)
    assert await reads(client, d.bidder, file["id"]) == (200, 200)


async def _audits(app: FastAPI) -> int:
    return await count(app, AuditEntry, AuditEntry.action == "documents.dispute_read")


async def test_contract_files_are_the_two_firms_and_staff_only_through_a_dispute(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    buyer_member = await add_member(client, buyer, "member")
    maker = await firm_owner(client, phases=["weaving"])
    outsider = await firm_owner(client, phases=["weaving"])
    staff = await make_staff(app, await register(client))
    contract_id = await insert_contract(
        app, buyer.firm_id, maker.firm_id, created_at=datetime.now(UTC)
    )
    url = f"/contracts/{contract_id}/attachments"
    file = await uploaded(client, maker, url, data=samples.dxf(), filename="tracciato.dxf")
    # Any member of either firm writes messages and adds files.
    other = await uploaded(client, buyer_member, url)
    for who in (buyer, buyer_member, maker):
        assert await reads(client, who, file["id"]) == (200, 200)
        listed = (await client.get(url, headers=who.headers)).json()
        assert {f["id"] for f in listed} == {file["id"], other["id"]}
    for who in (outsider, staff):
        assert await reads(client, who, file["id"]) == (404, 404)
        assert await status_of(client, who, url) == 404
        assert (await upload(client, who, url)).status_code == 404
    assert await _audits(app) == 0

    await set_contract(app, contract_id, status="disputed", disputed_at=datetime.now(UTC))
    assert await reads(client, staff, file["id"]) == (200, 200)
    assert await status_of(client, staff, url) == 200
    assert await reads(client, outsider, file["id"]) == (404, 404)
    # Staff read it three times (metadata, bytes, list): each read is in the audit log.
    assert await _audits(app) == 3
    # The parties' own reads are not audited.
    await reads(client, buyer, file["id"])
    assert await _audits(app) == 3
    # Staff read, they do not add.
    assert (await upload(client, staff, url)).status_code == 403
    # After the resolution the dispute stays the reason staff may look.
    await set_contract(app, contract_id, status="completed", dispute_outcome="completed")
    assert await reads(client, staff, file["id"]) == (200, 200)


async def test_files_on_contract_messages(client: httpx.AsyncClient, app: FastAPI) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    maker = await firm_owner(client, phases=["weaving"])
    contract_id = await insert_contract(app, buyer.firm_id, maker.firm_id)
    message = await client.post(
        f"/contracts/{contract_id}/messages",
        json={"text": "Ecco la foto del campione di tintura"},
        headers=maker.headers,
    )
    assert message.status_code == 201, message.text
    message_id = message.json()["id"]
    url = f"/contracts/{contract_id}/attachments"
    photo = await uploaded(
        client, maker, url, data=samples.jpeg(), filename="campione.jpg", message_id=message_id
    )
    assert photo["message_id"] == message_id and photo["has_thumbnail"]
    assert await reads(client, buyer, photo["id"]) == (200, 200)
    # Not a message of the buyer's firm, nor a message id at all.
    refused = await upload(client, buyer, url, message_id=message_id)
    assert refused.status_code == 422
    assert (await upload(client, buyer, url, message_id="abc")).status_code == 422
    assert (await upload(client, buyer, url, message_id=999999)).status_code == 422


async def test_removing_a_file(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    file = await uploaded(client, d.client_owner, f"/orders/{order['id']}/attachments")
    path = f"/attachments/{file['id']}"
    assert (await client.delete(path, headers=d.bidder.headers)).status_code == 403
    assert (await client.delete(path, headers=d.client_member.headers)).status_code == 403
    assert (await client.delete(path)).status_code == 401
    await execute(app, update(Order).where(Order.id == order["id"]).values(status="awarded"))
    assert (await client.delete(path, headers=d.client_owner.headers)).status_code == 409
    await execute(app, update(Order).where(Order.id == order["id"]).values(status="open"))
    assert (await client.delete(path, headers=d.client_owner.headers)).status_code == 204
    assert await reads(client, d.client_owner, file["id"]) == (404, 404)
    assert (await client.delete(path, headers=d.client_owner.headers)).status_code == 404


async def test_contract_files_cannot_be_removed_once_concluded(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    buyer = await firm_owner(client, phases=["apparel"])
    maker = await firm_owner(client, phases=["weaving"])
    contract_id = await insert_contract(app, buyer.firm_id, maker.firm_id)
    file = await uploaded(client, maker, f"/contracts/{contract_id}/attachments")
    path = f"/attachments/{file['id']}"
    assert (await client.delete(path, headers=buyer.headers)).status_code == 403
    await execute(
        app, update(Contract).where(Contract.id == contract_id).values(status="completed")
    )
    assert (await client.delete(path, headers=maker.headers)).status_code == 409


async def test_board_covers_are_the_first_picture_of_readable_orders(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    public = await post_order(client, d.client_owner)
    invited = await post_order(
        client, d.client_owner, visibility="invited", invited_firm_ids=[d.bidder.firm_id]
    )
    await uploaded(client, d.client_owner, f"/orders/{public['id']}/attachments")
    photo = await uploaded(
        client,
        d.client_owner,
        f"/orders/{public['id']}/attachments",
        data=samples.png(),
        filename="campione.png",
    )
    secret = await uploaded(
        client,
        d.client_owner,
        f"/orders/{invited['id']}/attachments",
        data=samples.webp(),
        filename="campione.webp",
    )
    query = {"order_id": [public["id"], invited["id"]]}
    seen = await client.get("/attachments/order-covers", params=query, headers=d.rival.headers)
    assert seen.json() == [{"order_id": public["id"], "attachment_id": photo["id"]}]
    seen = await client.get("/attachments/order-covers", params=query, headers=d.bidder.headers)
    assert {c["attachment_id"] for c in seen.json()} == {photo["id"], secret["id"]}
