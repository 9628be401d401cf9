"""Firm credentials: sent by the firm, checked by staff, badges on the public profile."""

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update

from distretto.documents.credentials import notify_expiring
from distretto.models import AuditEntry, Event, FirmDocument
from tests.documents.builders import upload
from tests.helpers import Actor, add_member, firm_owner, make_staff, register
from tests.market.builders import count, execute


def _in(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).date().isoformat()


async def _submit(
    client: httpx.AsyncClient, actor: Actor, firm_id: int, **fields: str
) -> httpx.Response:
    fields = {"kind": "certification", "label": "GOTS", "valid_until": _in(300)} | fields
    return await upload(client, actor, f"/firms/{firm_id}/documents", **fields)


async def test_a_certification_becomes_a_badge_once_approved(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    staff = await make_staff(app, await register(client))
    sent = await _submit(client, owner, owner.firm_id)
    assert sent.status_code == 201, sent.text
    doc = sent.json()
    assert doc["status"] == "pending" and doc["kind"] == "certification"
    assert doc["label"] == "GOTS" and doc["valid_until"] == _in(300)
    profile = (await client.get(f"/firms/{owner.firm_id}")).json()
    assert profile["certifications"] == []
    queue = (await client.get("/moderation/documents", headers=staff.headers)).json()
    assert [d["id"] for d in queue] == [doc["id"]]

    approved = await client.post(
        f"/moderation/documents/{doc['id']}/approve", json={"note": "ok"}, headers=staff.headers
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    profile = (await client.get(f"/firms/{owner.firm_id}")).json()
    assert profile["certifications"] == [{"label": "GOTS", "valid_until": _in(300)}]
    # The badge shows label and date only; the file is the firm's and staff's.
    assert "filename" not in str(profile)
    assert await count(app, AuditEntry, AuditEntry.action == "documents.approved") == 1
    # Reviewed once: a second decision is a conflict.
    again = await client.post(
        f"/moderation/documents/{doc['id']}/reject", json={"note": "no"}, headers=staff.headers
    )
    assert again.status_code == 409
    # Expired: the badge disappears by itself (the clock decides, no job).
    await execute(
        app,
        update(FirmDocument)
        .where(FirmDocument.id == doc["id"])
        .values(valid_until=date.today() - timedelta(days=1)),
    )
    assert (await client.get(f"/firms/{owner.firm_id}")).json()["certifications"] == []
    listed = (await client.get(f"/firms/{owner.firm_id}/documents", headers=owner.headers)).json()
    assert listed[0]["expired"] is True


async def test_rejected_and_non_certification_documents_are_no_badge(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    staff = await make_staff(app, await register(client))
    durc = (await _submit(client, owner, owner.firm_id, kind="durc", label="")).json()
    assert durc["label"] == "DURC"
    cert = (await _submit(client, owner, owner.firm_id, label="OEKO-TEX")).json()
    no_note = await client.post(
        f"/moderation/documents/{cert['id']}/reject", json={}, headers=staff.headers
    )
    assert no_note.status_code == 422
    rejected = await client.post(
        f"/moderation/documents/{cert['id']}/reject",
        json={"note": "Certificato scaduto nel 2024"},
        headers=staff.headers,
    )
    assert rejected.json()["status"] == "rejected"
    assert rejected.json()["review_note"] == "Certificato scaduto nel 2024"
    await client.post(f"/moderation/documents/{durc['id']}/approve", headers=staff.headers)
    assert (await client.get(f"/firms/{owner.firm_id}")).json()["certifications"] == []


async def test_who_sends_and_reads_credentials(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    member = await add_member(client, owner, "member")
    other = await firm_owner(client, phases=["weaving"])
    staff = await make_staff(app, await register(client))
    assert (await _submit(client, member, owner.firm_id)).status_code == 403
    assert (await _submit(client, other, owner.firm_id)).status_code == 404
    assert (await _submit(client, staff, owner.firm_id)).status_code == 404
    assert (await _submit(client, None, owner.firm_id)).status_code == 401
    doc = (await _submit(client, owner, owner.firm_id)).json()
    url = f"/firms/{owner.firm_id}/documents"
    for who, expected in ((owner, 200), (member, 200), (staff, 200), (other, 404)):
        assert (await client.get(url, headers=who.headers)).status_code == expected
        content = await client.get(f"{url}/{doc['id']}/content", headers=who.headers)
        assert content.status_code == expected
    for who, expected in ((owner, 403), (other, 403), (staff, 200)):
        response = await client.post(
            f"/moderation/documents/{doc['id']}/approve", headers=who.headers
        )
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "passport"}, "kind"),
        ({"valid_until": ""}, "valid_until"),
        ({"valid_until": "31/12/2027"}, "valid_until"),
        ({"valid_until": "2001-01-01"}, "valid_until"),
        ({"label": ""}, "label"),
        ({"label": "x" * 121}, "label"),
    ],
)
async def test_bad_credential_fields_are_422(
    client: httpx.AsyncClient, app: FastAPI, fields: dict[str, str], field: str
) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    response = await _submit(client, owner, owner.firm_id, **fields)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
    assert await count(app, FirmDocument) == 0


async def test_expiry_within_30_days_notifies_the_firm_once(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    staff = await make_staff(app, await register(client))
    soon = (
        await _submit(client, owner, owner.firm_id, label="ISO 9001", valid_until=_in(20))
    ).json()
    later = (await _submit(client, owner, owner.firm_id, valid_until=_in(90))).json()
    pending = (await _submit(client, owner, owner.firm_id, valid_until=_in(10))).json()
    for doc in (soon, later):
        await client.post(f"/moderation/documents/{doc['id']}/approve", headers=staff.headers)
    now = datetime.now(UTC)
    async with app.state.ctx.sessionmaker() as session:
        assert await notify_expiring(session, now) == 1
        await session.commit()
    async with app.state.ctx.sessionmaker() as session:
        assert await notify_expiring(session, now) == 0  # once only
        events = (
            await session.scalars(select(Event).where(Event.type == "firm_document.expiring"))
        ).all()
    assert [e.data["document_id"] for e in events] == [soon["id"]]
    assert events[0].data["label"] == "ISO 9001"
    assert pending["id"] != soon["id"]
    # The firm's people find it in their inbox.
    inbox = await client.get("/notifications", headers=owner.headers)
    assert inbox.status_code == 200
