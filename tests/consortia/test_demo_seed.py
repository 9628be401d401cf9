import httpx

from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login


async def test_demo_seed_has_open_fairs_campaign_seal_and_a_waitlist(
    demo_client: httpx.AsyncClient,
) -> None:
    consortia = (await demo_client.get("/consortia")).json()["items"]
    by_kind = {c["kind"]: c for c in consortia}
    assert {"export", "marketing", "training"} <= set(by_kind)

    manager = await login(demo_client, "segreteria1@consorzi.example.it", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {manager['access_token']}"}
    export_id = consortia[[c["name"] for c in consortia].index("Consorzio Export Tessile Pratese")][
        "id"
    ]
    fairs = (await demo_client.get(f"/consortia/{export_id}/trade-fairs", headers=headers)).json()[
        "items"
    ]
    assert {f["name"] for f in fairs} >= {"Pitti Immagine Filati", "Milano Unica"}
    assert all(f["signups_open"] and f["participant_count"] > 0 for f in fairs)
    pitti = next(f for f in fairs if f["name"] == "Pitti Immagine Filati")
    assert pitti["total_cost"] == "48500.00" and pitti["booth_area_m2"] == 120.0
    costs = (await demo_client.get(f"/trade-fairs/{pitti['id']}/costs", headers=headers)).json()
    assert sum(float(c["share"]) for c in costs) == 48500.0

    showcase = (await demo_client.get(f"/consortia/{by_kind['marketing']['id']}/showcase")).json()
    assert any(f["seals"] for f in showcase["firms"])

    training = await login(demo_client, "segreteria4@consorzi.example.it", DEMO_PASSWORD)
    training_headers = {"Authorization": f"Bearer {training['access_token']}"}
    courses = (
        await demo_client.get(
            f"/consortia/{by_kind['training']['id']}/courses", headers=training_headers
        )
    ).json()["items"]
    assert len(courses) == 2
    full = next(c for c in courses if c["seats_free"] == 0)
    assert full["waitlist_length"] > 0 and len(full["sessions"]) >= 2
