"""The staff queue: targets ordered by the weight of their flags."""

from typing import Any

import httpx

from tests.helpers import Actor, firm_owner, register
from tests.moderation.builders import flag, queue, resolve, staff_member


async def _reporter_with_history(
    client: httpx.AsyncClient, staff: Actor, upheld: int, dismissed: int
) -> Actor:
    """A reporter whose earlier flags the association upheld or dismissed."""
    reporter = await register(client)
    for index in range(upheld + dismissed):
        target = await firm_owner(client)
        created = await flag(client, reporter, "firm", target.firm_id)
        await resolve(client, staff, created["id"], "warn" if index < upheld else "dismiss")
    return reporter


async def test_weight_follows_reporter_credibility(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    # (1 + 0) / (2 + 3) = 0.2 for a reporter whose three flags were all dismissed.
    crier = await _reporter_with_history(client, staff, upheld=0, dismissed=3)
    crier_friend = await _reporter_with_history(client, staff, upheld=0, dismissed=3)
    # (1 + 2) / (2 + 2) = 0.75 for one who was right twice.
    trusted = await _reporter_with_history(client, staff, upheld=2, dismissed=0)
    newcomer = await register(client)  # (1 + 0) / (2 + 0) = 0.5

    twice_cried = await firm_owner(client)
    once_new = await firm_owner(client)
    once_trusted = await firm_owner(client)
    await flag(client, crier, "firm", twice_cried.firm_id)
    await flag(client, crier_friend, "firm", twice_cried.firm_id)
    await flag(client, newcomer, "firm", once_new.firm_id)
    trusted_flag = await flag(client, trusted, "firm", once_trusted.firm_id)

    items = await queue(client, staff)
    assert [(i["target_id"], i["weight"], i["count"]) for i in items] == [
        (once_trusted.firm_id, 0.75, 1),
        (once_new.firm_id, 0.5, 1),
        (twice_cried.firm_id, 0.4, 2),
    ]
    top = items[0]
    assert top["flag_id"] == trusted_flag["id"]
    assert top["flags"][0]["reporter_credibility"] == 0.75
    assert top["target"]["exists"] is True
    assert top["target"]["author_firm_id"] == once_trusted.firm_id
    # Labels are language-neutral: the web app words the kind ("Impresa", "Firm").
    assert top["target"]["label"].startswith("«")
    assert top["first_flagged_at"] == top["last_flagged_at"]
    crowd = items[2]
    assert sorted(f["reporter_credibility"] for f in crowd["flags"]) == [0.2, 0.2]
    assert crowd["first_flagged_at"] < crowd["last_flagged_at"]


async def test_repeat_flags_on_one_target_add_up(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    popular, lonely = await firm_owner(client), await firm_owner(client)
    await flag(client, await register(client), "firm", lonely.firm_id)
    for _ in range(3):
        await flag(client, await register(client), "firm", popular.firm_id)
    items = await queue(client, staff)
    assert [(i["target_id"], i["count"], i["weight"]) for i in items] == [
        (popular.firm_id, 3, 1.5),
        (lonely.firm_id, 1, 0.5),
    ]


async def test_queue_pages_by_weight_and_filters(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    firms = [await firm_owner(client) for _ in range(4)]
    for count, target in enumerate(firms, start=1):
        for _ in range(count):
            await flag(client, await register(client), "firm", target.firm_id)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 3}
        if cursor:
            params["cursor"] = cursor
        page = await client.get("/moderation/flags", params=params, headers=staff.headers)
        assert page.status_code == 200
        seen += [i["target_id"] for i in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == [f.firm_id for f in reversed(firms)]
    assert await queue(client, staff, target_type="order") == []
    assert await queue(client, staff, status="resolved") == []
    bad = await client.get(
        "/moderation/flags", params={"cursor": "nonsense"}, headers=staff.headers
    )
    assert bad.status_code == 422


async def test_resolved_flags_leave_the_open_queue(client: httpx.AsyncClient, app: Any) -> None:
    staff = await staff_member(client, app)
    target = await firm_owner(client)
    first = await flag(client, await register(client), "firm", target.firm_id)
    second = await flag(client, await register(client), "firm", target.firm_id)
    resolution = await resolve(client, staff, second["id"], "dismiss", "Registry checked")
    assert resolution["resolved_flag_ids"] == sorted([first["id"], second["id"]])
    assert await queue(client, staff) == []
    history = await queue(client, staff, status="resolved")
    assert len(history) == 1 and history[0]["count"] == 2
    assert {f["resolution"] for f in history[0]["flags"]} == {"dismiss"}
    assert {f["resolution_note"] for f in history[0]["flags"]} == {"Registry checked"}


async def test_queue_is_staff_only(client: httpx.AsyncClient) -> None:
    user = await firm_owner(client)
    assert (await client.get("/moderation/flags", headers=user.headers)).status_code == 403
    assert (await client.get("/moderation/flags")).status_code == 401
