"""Reference tariffs: publishing versions (staff, audited, announced), reading the ones in
force with the observed median under the small-cell rule."""

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import select

from distretto.kit import clock
from distretto.models import AuditEntry, Event, EventAudience
from tests.helpers import firm_owner, make_staff, problem_fields, register
from tests.observatory.builders import days_ago, market_row
from tests.tariffs.builders import day, publish, tariff_body, tariffs


async def test_staff_publish_versions_that_never_overwrite(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    first = await publish(client, staff, unit=" KG ")
    assert first["version"] == 1 and first["unit"] == "kg"
    assert first["min_price"] == "3.00" and first["typical_price"] == "3.40"
    second = await publish(client, staff, min_price="3.10", typical_price="3.50", valid_from=day(0))
    assert second["version"] == 2 and second["id"] != first["id"]

    [current] = await tariffs(client, phase="dyeing")
    assert current["id"] == second["id"] and current["min_price"] == "3.10"
    history = current["history"]
    assert [v["version"] for v in history] == [2, 1]
    # The first version still says what it said, and from when it stopped holding.
    assert history[1]["min_price"] == "3.00"
    assert history[1]["superseded_from"] == day(0)
    assert history[0]["superseded_from"] is None


async def test_a_future_version_supersedes_only_from_its_valid_from(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    now_in_force = await publish(client, staff)
    upcoming = await publish(
        client, staff, min_price="3.30", typical_price="3.60", valid_from=day(10)
    )
    [current] = await tariffs(client)
    assert current["id"] == now_in_force["id"]
    assert [v["id"] for v in current["history"]] == [upcoming["id"], now_in_force["id"]]


async def test_an_expired_tariff_is_not_in_force(client: httpx.AsyncClient, app: FastAPI) -> None:
    staff = await make_staff(app, await register(client))
    await publish(client, staff, valid_from=day(-60), valid_until=day(-1))
    await publish(
        client, staff, phase="stitching", unit="pz", min_price="4.50", typical_price="6.00"
    )
    assert [t["phase"] for t in await tariffs(client)] == ["stitching"]
    assert await tariffs(client, phase="dyeing") == []


async def test_a_tariff_from_today_holds_from_midnight_in_the_district(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # 00:30 in Prato is still yesterday in UTC: "in force from today" means the district's
    # today (the web app proposes it), not the server's UTC date.
    staff = await make_staff(app, await register(client))
    with clock.pinned(datetime(2027, 3, 9, 23, 30, tzinfo=UTC)):
        published = await publish(client, staff, valid_from="2027-03-10")
        [current] = await tariffs(client, phase="dyeing")
    assert current["id"] == published["id"]


async def test_only_staff_publish(client: httpx.AsyncClient, app: FastAPI) -> None:
    owner = await firm_owner(client, phases=["dyeing"])
    assert (await client.post("/tariffs", json=tariff_body())).status_code == 401
    refused = await client.post("/tariffs", json=tariff_body(), headers=owner.headers)
    assert refused.status_code == 403
    assert await tariffs(client) == []


async def test_bad_tariffs_are_refused_and_change_nothing(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    cases = [
        ({"typical_price": "2.50"}, "typical_price"),
        ({"valid_until": day(-40)}, "valid_until"),
        ({"phase": "alchemy"}, "phase"),
        ({"unit": "   "}, "unit"),
        ({"min_price": "0"}, "min_price"),
        ({"min_price": "1.234"}, "min_price"),
    ]
    for overrides, field in cases:
        response = await client.post(
            "/tariffs", json=tariff_body(**overrides), headers=staff.headers
        )
        assert response.status_code == 422, (overrides, response.text)
        assert field in problem_fields(response), (overrides, response.json())
    assert await tariffs(client) == []


async def test_publishing_is_audited_and_announced_to_the_phase(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    dyer = await firm_owner(client, phases=["dyeing"])
    weaver = await firm_owner(client, phases=["weaving"])
    tariff = await publish(client, staff)
    async with app.state.ctx.sessionmaker() as session:
        entry = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "tariff.published"))
        ).one()
        assert entry.actor_user_id == staff.user_id
        assert entry.target_id == str(tariff["id"])
        assert entry.details["min_price"] == "3.00"
        event = (await session.scalars(select(Event).where(Event.type == "tariff.published"))).one()
        keys = set(
            (
                await session.scalars(
                    select(EventAudience.audience_key).where(EventAudience.event_id == event.id)
                )
            ).all()
        )
    assert keys == {"phase:dyeing"}
    assert event.data["tariff_id"] == tariff["id"] and event.data["unit"] == "kg"
    # The firms working in dyeing are notified; the weaver is not.
    dyer_inbox = (await client.get("/notifications", headers=dyer.headers)).json()["items"]
    assert [n["type"] for n in dyer_inbox if n["type"] == "tariff.published"] == [
        "tariff.published"
    ]
    weaver_inbox = (await client.get("/notifications", headers=weaver.headers)).json()["items"]
    assert all(n["type"] != "tariff.published" for n in weaver_inbox)


async def test_observed_median_follows_the_small_cell_rule(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    clients = [(await firm_owner(client, phases=["weaving"])).firm_id for _ in range(3)]
    dyers = [(await firm_owner(client, phases=["dyeing"])).firm_id for _ in range(3)]
    await publish(client, staff, unit="m", min_price="0.90", typical_price="1.10")
    for i in range(2):
        await market_row(
            app,
            client_firm_id=clients[i],
            supplier_firm_id=dyers[i],
            at=days_ago(30),
            unit="m",
            unit_price=["1.00", "1.20"][i],
        )
    [shown] = await tariffs(client)
    assert shown["observed_median"] is None and shown["observed_contracts"] is None

    await market_row(
        app,
        client_firm_id=clients[2],
        supplier_firm_id=dyers[2],
        at=days_ago(40),
        unit="M ",
        unit_price="1.40",
    )
    # Older than 12 months, another unit, another phase: not counted.
    await market_row(
        app,
        client_firm_id=clients[0],
        supplier_firm_id=dyers[1],
        at=days_ago(400),
        unit="m",
        unit_price="9.00",
    )
    await market_row(
        app,
        client_firm_id=clients[0],
        supplier_firm_id=dyers[1],
        at=days_ago(10),
        unit="kg",
        unit_price="9.00",
    )
    [shown] = await tariffs(client)
    assert shown["observed_median"] == "1.20"
    assert shown["observed_contracts"] == 3
