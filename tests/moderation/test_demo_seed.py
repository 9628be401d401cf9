import httpx

from distretto.seed.world import DEMO_PASSWORD
from tests.helpers import login


async def test_demo_staff_finds_a_queue_and_a_history(demo_client: httpx.AsyncClient) -> None:
    staff = await login(demo_client, "staff@distretto.example", DEMO_PASSWORD)
    headers = {"Authorization": f"Bearer {staff['access_token']}"}
    queue = (await demo_client.get("/moderation/flags", headers=headers)).json()["items"]
    assert {i["target_type"] for i in queue} == {"order", "firm"}
    # Two reporters on each order outweigh the one on the firm.
    assert [i["count"] for i in queue] == [2, 2, 1]
    assert all(i["target"]["exists"] and i["target"]["author_firm_name"] for i in queue)
    history = (await demo_client.get("/moderation/audit-log", headers=headers)).json()["items"]
    assert {e["action"] for e in history} >= {"moderation.flag_resolved", "moderation.firm_warned"}
    watched = await demo_client.get("/moderation/firms", headers=headers, params={"limit": 100})
    assert sum(f["warnings"] for f in watched.json()["items"]) >= 1
