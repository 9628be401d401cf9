import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.models import Attachment, Firm
from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login


async def test_demo_orders_carry_a_technical_sheet_and_photos_and_firms_show_badges(
    demo_client: httpx.AsyncClient, demo_app: FastAPI
) -> None:
    async with demo_app.state.ctx.sessionmaker() as session:
        order_id = await session.scalar(select(Attachment.order_id).limit(1))
        firm_ids = list((await session.scalars(select(Firm.id))).all())
    assert order_id is not None
    staff = await login(demo_client, "staff@distretto.example", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {staff['access_token']}"}
    files = (await demo_client.get(f"/orders/{order_id}/attachments", headers=headers)).json()
    kinds = {f["content_type"] for f in files}
    assert "application/pdf" in kinds and "image/jpeg" in kinds
    sheet = next(f for f in files if f["content_type"] == "application/pdf")
    content = await demo_client.get(f"/attachments/{sheet['id']}/content", headers=headers)
    assert content.content.startswith(b"%PDF-1.4") and b"Scheda tecnica" in content.content
    photo = next(f for f in files if f["has_thumbnail"])
    thumb = await demo_client.get(f"/attachments/{photo['id']}/thumbnail", headers=headers)
    assert thumb.status_code == 200
    labels = set()
    for firm_id in firm_ids:
        profile = (await demo_client.get(f"/firms/{firm_id}")).json()
        labels |= {c["label"] for c in profile["certifications"]}
    assert {"ISO 9001:2015", "OEKO-TEX Standard 100"} <= labels
    queue = (await demo_client.get("/moderation/documents", headers=headers)).json()
    assert [d["kind"] for d in queue] == ["durc"]
