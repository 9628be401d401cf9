"""The demo district's forum and confidi read like the real thing and respect the rules."""

import httpx

from distretto.seed.forum import CHINESE_OWNER_EMAIL
from distretto.seed.guarantees import MANAGER_EMAIL
from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login


async def test_demo_forum_and_confidi(demo_client: httpx.AsyncClient) -> None:
    topics = (await demo_client.get("/forum/topics", params={"limit": 100})).json()["items"]
    titles = [t["title"] for t in topics]
    assert any("DURC" in t and "缝纫" in t for t in titles)
    assert any("Pitti Filati" in t for t in titles)
    consultations = [t for t in topics if t["is_consultation"]]
    details = [(await demo_client.get(f"/forum/topics/{t['id']}")).json() for t in consultations]
    closed = [d for d in details if d["consultation"]["closed"]]
    still_open = [d for d in details if not d["consultation"]["closed"]]
    assert len(closed) == 1 and closed[0]["consultation"]["total_votes"] > 0
    assert len(still_open) == 1 and still_open[0]["consultation"]["results"] is None
    chinese = await login(demo_client, CHINESE_OWNER_EMAIL, DEMO_PASSWORD)
    assert chinese["access_token"]

    manager = await login(demo_client, MANAGER_EMAIL, DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {manager['access_token']}"}
    confidi = next(
        c
        for c in (await demo_client.get("/consortia", params={"kind": "credit_guarantee"})).json()[
            "items"
        ]
        if c["name"] == "Confidi Tessile Pratese"
    )
    guarantees = (
        await demo_client.get(
            f"/consortia/{confidi['id']}/guarantees", params={"limit": 100}, headers=headers
        )
    ).json()["items"]
    assert {g["status"] for g in guarantees} == {"pending", "approved", "rejected", "expired"}
    caps = (await demo_client.get(f"/consortia/{confidi['id']}/caps", headers=headers)).json()
    assert caps and all(float(c["exposure"]) <= float(c["cap"]) for c in caps)
