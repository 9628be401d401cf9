from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from distretto.models import Flag
from tests.helpers import add_member, firm_owner, problem_fields, register
from tests.moderation.builders import events_for, flag, resolve, staff_member


async def _flag_count(app: Any) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Flag)) or 0)


async def test_flag_a_firm_reaches_staff(client: httpx.AsyncClient, app: Any) -> None:
    rogue = await firm_owner(client)
    reporter = await firm_owner(client)
    created = await flag(
        client, reporter, "firm", rogue.firm_id, "Fake VAT number", details="Not in the registry"
    )
    assert created["status"] == "open" and created["resolution"] is None
    assert created["reporter_user_id"] == reporter.user_id
    assert created["reporter_firm_id"] == reporter.firm_id
    assert created["reason"] == "Fake VAT number" and created["details"] == "Not in the registry"
    staff_events = await events_for(app, "staff")
    assert (
        "flag.created",
        {"flag_id": created["id"], "target_type": "firm", "target_id": rogue.firm_id},
    ) in staff_events
    # The flagged firm is not told who reported it.
    assert not [e for e in await events_for(app, f"firm:{rogue.firm_id}") if e[0] == "flag.created"]


async def test_a_user_without_a_firm_may_report(client: httpx.AsyncClient) -> None:
    rogue = await firm_owner(client)
    visitor = await register(client)
    created = await flag(client, visitor, "firm", rogue.firm_id)
    assert created["reporter_firm_id"] is None


async def test_one_open_flag_per_reporter_per_target(client: httpx.AsyncClient, app: Any) -> None:
    rogue = await firm_owner(client)
    reporter = await firm_owner(client)
    first = await flag(client, reporter, "firm", rogue.firm_id)
    again = await client.post(
        "/flags",
        json={"target_type": "firm", "target_id": rogue.firm_id, "reason": "Still fake"},
        headers=reporter.headers,
    )
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert await _flag_count(app) == 1
    # Once the association has decided, the same person may report it again.
    staff = await staff_member(client, app)
    await resolve(client, staff, first["id"], "dismiss")
    await flag(client, reporter, "firm", rogue.firm_id, "It happened again")
    assert await _flag_count(app) == 2


async def test_flagging_what_does_not_exist_is_404(client: httpx.AsyncClient, app: Any) -> None:
    reporter = await firm_owner(client)
    for target_type, target_id in [("firm", 999_999), ("firm", 2**40), ("order", 123)]:
        response = await client.post(
            "/flags",
            json={"target_type": target_type, "target_id": target_id, "reason": "x"},
            headers=reporter.headers,
        )
        assert response.status_code == 404, response.text
    assert await _flag_count(app) == 0


async def test_own_firm_cannot_be_flagged(client: httpx.AsyncClient, app: Any) -> None:
    owner = await firm_owner(client)
    colleague = await add_member(client, owner, "member")
    response = await client.post(
        "/flags",
        json={"target_type": "firm", "target_id": owner.firm_id, "reason": "x"},
        headers=colleague.headers,
    )
    assert response.status_code == 422
    assert problem_fields(response) == {"target_id"}
    assert await _flag_count(app) == 0


async def test_reporting_firm_must_be_the_users(client: httpx.AsyncClient, app: Any) -> None:
    rogue = await firm_owner(client)
    reporter = await firm_owner(client)
    stranger = await firm_owner(client)
    response = await client.post(
        "/flags",
        json={
            "target_type": "firm",
            "target_id": rogue.firm_id,
            "reason": "x",
            "firm_id": stranger.firm_id,
        },
        headers=reporter.headers,
    )
    assert response.status_code == 404
    assert await _flag_count(app) == 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"target_type": "user"}, "target_type"),
        ({"target_id": 0}, "target_id"),
        ({"target_id": 2**64}, "target_id"),
        ({"target_id": "abc"}, "target_id"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "r" * 201}, "reason"),
        ({"details": "d" * 2001}, "details"),
        ({"firm_id": -1}, "firm_id"),
        ({"severity": "high"}, "severity"),
    ],
)
async def test_bad_flag_input_is_422_and_writes_nothing(
    client: httpx.AsyncClient, app: Any, override: dict[str, Any], field: str
) -> None:
    rogue = await firm_owner(client)
    reporter = await register(client)
    body = {"target_type": "firm", "target_id": rogue.firm_id, "reason": "Fake"}
    body.update(override)
    response = await client.post("/flags", json=body, headers=reporter.headers)
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await _flag_count(app) == 0


async def test_flagging_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    rogue = await firm_owner(client)
    response = await client.post(
        "/flags", json={"target_type": "firm", "target_id": rogue.firm_id, "reason": "x"}
    )
    assert response.status_code == 401


async def test_flags_are_rate_limited_per_user(client: httpx.AsyncClient, app: Any) -> None:
    settings = app.state.ctx.settings
    saved = settings.flag_rate_per_minute
    settings.flag_rate_per_minute = 2
    try:
        reporter = await register(client)
        targets = [await firm_owner(client) for _ in range(3)]
        for target in targets[:2]:
            await flag(client, reporter, "firm", target.firm_id)
        blocked = await client.post(
            "/flags",
            json={"target_type": "firm", "target_id": targets[2].firm_id, "reason": "x"},
            headers=reporter.headers,
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0
        # Another user is not affected.
        other = await register(client)
        await flag(client, other, "firm", targets[2].firm_id)
    finally:
        settings.flag_rate_per_minute = saved
    assert await _flag_count(app) == 3
