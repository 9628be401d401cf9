import asyncio
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from distretto.kit.events import firm_key
from distretto.models import TradeFair
from tests.consortia.builders import (
    consortium,
    days_from_now,
    events_for,
    fair_body,
    join,
    member_firm,
    moment_from_now,
    pass_signup_deadline,
    set_firm,
    sign_up,
    trade_fair,
)
from tests.helpers import add_member, firm_owner, make_staff, problem_fields, register


async def _fair_count(app) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(TradeFair)) or 0)


async def test_manager_creates_fair_and_members_hear_of_it(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    member = await member_firm(client, cid, manager)
    waiting = await firm_owner(client)
    await join(client, cid, waiting)

    fair = await trade_fair(client, manager, cid, total_cost=48500, booth_area_m2="120.5")
    assert fair["total_cost"] == "48500.00" and fair["booth_area_m2"] == 120.5
    assert fair["status"] == "open" and fair["signups_open"] is True
    assert fair["participant_count"] == 0 and fair["consortium_name"] == created["name"]
    [event] = await events_for(app, firm_key(member.firm_id), "trade_fair.created")
    assert event["trade_fair_id"] == fair["id"] and event["city"] == "Firenze"
    assert await events_for(app, firm_key(waiting.firm_id), "trade_fair.created") == []


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"ends_on": days_from_now(59).isoformat()}, "ends_on"),
        ({"signup_deadline": moment_from_now(days=61)}, "signup_deadline"),
        ({"signup_deadline": moment_from_now(days=-1)}, "signup_deadline"),
        ({"total_cost": "0"}, "total_cost"),
        ({"total_cost": -100}, "total_cost"),
        ({"total_cost": "100.005"}, "total_cost"),
        ({"total_cost": "molto"}, "total_cost"),
        ({"booth_area_m2": 0}, "booth_area_m2"),
        ({"cost_split": "by_weight"}, "cost_split"),
        ({"max_firms": 0}, "max_firms"),
        ({"name": "P" * 201}, "name"),
        ({"city": ""}, "city"),
        ({"starts_on": "next spring"}, "starts_on"),
        ({"booth": "A12"}, "booth"),
        ({"starts_on": "2999-01-01", "ends_on": "2999-01-02"}, "starts_on"),
        ({"signup_deadline": "9999-12-31T23:00:00-05:00"}, "signup_deadline"),
    ],
)
async def test_bad_fair_is_422_naming_the_field(
    client: httpx.AsyncClient,
    app,
    override: dict,
    field: str,
) -> None:
    manager, created = await consortium(client)
    response = await client.post(
        f"/consortia/{created['id']}/trade-fairs",
        json=fair_body(**override),
        headers=manager.headers,
    )
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await _fair_count(app) == 0


async def test_only_managers_create_fairs(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    member = await member_firm(client, created["id"], manager)
    response = await client.post(
        f"/consortia/{created['id']}/trade-fairs", json=fair_body(), headers=member.headers
    )
    assert response.status_code == 403
    missing = await client.post(
        "/consortia/999999/trade-fairs", json=fair_body(), headers=manager.headers
    )
    assert missing.status_code == 404


async def test_fair_is_seen_by_members_managers_and_staff_only(
    client: httpx.AsyncClient, app
) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    member = await member_firm(client, cid, manager)
    read_only = await add_member(client, member, "member")
    outsider = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    fair = await trade_fair(client, manager, cid)

    for viewer in (manager, member, read_only, staff):
        response = await client.get(f"/trade-fairs/{fair['id']}", headers=viewer.headers)
        assert response.status_code == 200, response.text
    assert (
        await client.get(f"/trade-fairs/{fair['id']}", headers=outsider.headers)
    ).status_code == 404
    assert (await client.get(f"/trade-fairs/{fair['id']}")).status_code == 401
    listed = await client.get(f"/consortia/{cid}/trade-fairs", headers=member.headers)
    assert [f["id"] for f in listed.json()["items"]] == [fair["id"]]
    hidden = await client.get(f"/consortia/{cid}/trade-fairs", headers=outsider.headers)
    assert hidden.json()["items"] == []
    assert (await client.get(f"/consortia/{cid}/trade-fairs")).json()["items"] == []
    past = await client.get(
        f"/consortia/{cid}/trade-fairs", params={"upcoming": "false"}, headers=member.headers
    )
    assert past.json()["items"] == []


async def test_sign_up_rules(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(client, manager, cid, max_firms=2)
    fid = fair["id"]
    first = await member_firm(client, cid, manager)
    second = await member_firm(client, cid, manager)
    third = await member_firm(client, cid, manager)

    outsider = await firm_owner(client)
    assert (await sign_up(client, fid, outsider)).status_code == 403
    pending = await firm_owner(client)
    await join(client, cid, pending)
    assert (await sign_up(client, fid, pending)).status_code == 403
    read_only = await add_member(client, first, "member")
    assert (await sign_up(client, fid, read_only)).status_code == 403
    stranger = await register(client)
    stranger.firm_ids.append(first.firm_id)
    assert (await sign_up(client, fid, stranger)).status_code == 404
    await set_firm(app, third.firm_id, status="suspended")
    assert (await sign_up(client, fid, third)).status_code == 403
    await set_firm(app, third.firm_id, status="active")

    signed = await sign_up(client, fid, first)
    assert signed.status_code == 201 and signed.json()["firm_id"] == first.firm_id
    assert (await sign_up(client, fid, first)).status_code == 409
    firm_manager = await add_member(client, second, "manager")
    assert (await sign_up(client, fid, firm_manager)).status_code == 201
    full = await sign_up(client, fid, third)
    assert full.status_code == 409 and "full" in full.json()["detail"]
    assert (await sign_up(client, 999999, first)).status_code == 404
    assert (await sign_up(client, 2**40, first)).status_code == 422

    detail = (await client.get(f"/trade-fairs/{fid}", headers=third.headers)).json()
    assert detail["participant_count"] == 2
    assert [p["firm_id"] for p in detail["participants"]] == [first.firm_id, second.firm_id]


async def test_deadline_and_closing_stop_signups(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)
    fair = await trade_fair(client, manager, cid)
    fid = fair["id"]
    assert (await sign_up(client, fid, firm_a)).status_code == 201

    assert (
        await client.post(f"/trade-fairs/{fid}/close", headers=firm_a.headers)
    ).status_code == 403
    closed = await client.post(f"/trade-fairs/{fid}/close", headers=manager.headers)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["signups_open"] is False
    assert (
        await client.post(f"/trade-fairs/{fid}/close", headers=manager.headers)
    ).status_code == 409
    refused = await sign_up(client, fid, firm_b)
    assert refused.status_code == 409 and "closed" in refused.json()["detail"]
    withdraw_closed = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=firm_a.headers
    )
    assert withdraw_closed.status_code == 409
    reopened = await client.post(f"/trade-fairs/{fid}/reopen", headers=manager.headers)
    assert reopened.status_code == 200 and reopened.json()["signups_open"] is True

    await pass_signup_deadline(app, fid)
    late = await sign_up(client, fid, firm_b)
    assert late.status_code == 409 and "deadline" in late.json()["detail"]
    assert (
        await client.post(f"/trade-fairs/{fid}/reopen", headers=manager.headers)
    ).status_code == 409
    late_withdrawal = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=firm_a.headers
    )
    assert late_withdrawal.status_code == 409
    # A manager can still take a firm off (it dropped out by phone, say).
    by_manager = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=manager.headers
    )
    assert by_manager.status_code == 204


async def test_withdraw_before_deadline(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)
    fair = await trade_fair(client, manager, cid, max_firms=1)
    fid = fair["id"]
    assert (await sign_up(client, fid, firm_a)).status_code == 201
    other = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=firm_b.headers
    )
    assert other.status_code == 404
    gone = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=firm_a.headers
    )
    assert gone.status_code == 204
    assert (await sign_up(client, fid, firm_b)).status_code == 201
    not_there = await client.delete(
        f"/trade-fairs/{fid}/participations/{firm_a.firm_id}", headers=firm_a.headers
    )
    assert not_there.status_code == 404


async def test_by_area_needs_area_within_the_booth(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(client, manager, cid, cost_split="by_area", booth_area_m2=40)
    fid = fair["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)

    no_area = await sign_up(client, fid, firm_a)
    assert no_area.status_code == 422 and problem_fields(no_area) == {"area_m2"}
    bad_area = await sign_up(client, fid, firm_a, area=-3)
    assert bad_area.status_code == 422 and "area_m2" in problem_fields(bad_area)
    assert (await sign_up(client, fid, firm_a, area="27.5")).status_code == 201
    too_big = await sign_up(client, fid, firm_b, area=13)
    assert too_big.status_code == 409 and "12.50" in too_big.json()["detail"]
    assert (await sign_up(client, fid, firm_b, area=12.5)).status_code == 201
    detail = (await client.get(f"/trade-fairs/{fid}", headers=manager.headers)).json()
    assert detail["area_taken_m2"] == 40.0


async def test_equal_costs_sum_exactly(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(client, manager, cid, total_cost="1000.00")
    fid = fair["id"]
    firms = [await member_firm(client, cid, manager) for _ in range(3)]
    for owner in firms:
        assert (await sign_up(client, fid, owner)).status_code == 201
    onlooker = await member_firm(client, cid, manager)
    outsider = await firm_owner(client)

    table = await client.get(f"/trade-fairs/{fid}/costs", headers=firms[1].headers)
    assert table.status_code == 200
    shares = {line["firm_id"]: line["share"] for line in table.json()}
    lowest = min(o.firm_id for o in firms)
    assert shares[lowest] == "333.34"
    assert sorted(shares.values()) == ["333.33", "333.33", "333.34"]
    assert sum(Decimal(s) for s in shares.values()) == Decimal("1000.00")
    assert (
        await client.get(f"/trade-fairs/{fid}/costs", headers=manager.headers)
    ).status_code == 200
    assert (
        await client.get(f"/trade-fairs/{fid}/costs", headers=onlooker.headers)
    ).status_code == 403
    assert (
        await client.get(f"/trade-fairs/{fid}/costs", headers=outsider.headers)
    ).status_code == 404


async def test_costs_by_odd_areas(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(
        client, manager, cid, cost_split="by_area", total_cost="48500.00", booth_area_m2=120
    )
    fid = fair["id"]
    areas = ["17.25", "33", "41.5", "9.75"]
    firms = []
    for area in areas:
        owner = await member_firm(client, cid, manager)
        assert (await sign_up(client, fid, owner, area=area)).status_code == 201
        firms.append(owner)
    table = (await client.get(f"/trade-fairs/{fid}/costs", headers=manager.headers)).json()
    assert [line["firm_id"] for line in table] == [o.firm_id for o in firms]
    assert sum(Decimal(line["share"]) for line in table) == Decimal("48500.00")
    total_area = sum(Decimal(a) for a in areas)
    for line, area in zip(table, areas, strict=True):
        exact = Decimal("48500.00") * Decimal(area) / total_area
        assert abs(Decimal(line["share"]) - exact) < Decimal("0.01")
        assert line["area_m2"] == float(area)


async def test_participant_sheet_csv(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(client, manager, cid, total_cost="1000.00")
    fid = fair["id"]
    sly = await member_firm(client, cid, manager, name="=HYPERLINK(evil) S.r.l.")
    plain = await member_firm(client, cid, manager, name="Lanificio Cecchi S.p.A.")
    for owner in (sly, plain):
        assert (await sign_up(client, fid, owner)).status_code == 201

    response = await client.get(f"/trade-fairs/{fid}/participants.csv", headers=manager.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["firm_id", "firm_name", "vat_number"]
    by_id = {int(r[0]): r for r in rows[1:]}
    assert by_id[sly.firm_id][1] == "'=HYPERLINK(evil) S.r.l."
    assert by_id[plain.firm_id][1] == "Lanificio Cecchi S.p.A."
    assert sorted(r[6] for r in rows[1:]) == ["500.00", "500.00"]
    assert by_id[plain.firm_id][9] == plain.email
    refused = await client.get(f"/trade-fairs/{fid}/participants.csv", headers=plain.headers)
    assert refused.status_code == 403


async def test_calendar_file(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    member = await member_firm(client, cid, manager)
    fair = await trade_fair(client, manager, cid)
    outsider = await firm_owner(client)

    response = await client.get(
        f"/trade-fairs/{fair['id']}/calendar.ics", params={"lang": "en"}, headers=member.headers
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = [c for c in calendar.walk("VEVENT")]
    main = next(e for e in events if str(e["summary"]) == "Pitti Immagine Filati")
    assert main.decoded("dtstart") == date.fromisoformat(fair["starts_on"])
    assert main.decoded("dtend") == date.fromisoformat(fair["ends_on"]) + timedelta(days=1)
    assert "Fortezza da Basso" in str(main["location"]) and "Firenze" in str(main["location"])
    deadline = next(e for e in events if str(e["summary"]).startswith("Signup deadline"))
    assert deadline.decoded("dtstart").isoformat().startswith(fair["signup_deadline"][:16])
    hidden = await client.get(f"/trade-fairs/{fair['id']}/calendar.ics", headers=outsider.headers)
    assert hidden.status_code == 404


async def test_firm_that_left_still_sees_its_fair(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    owner = await member_firm(client, cid, manager)
    fair = await trade_fair(client, manager, cid)
    assert (await sign_up(client, fair["id"], owner)).status_code == 201
    assert (
        await client.delete(f"/consortia/{cid}/members/{owner.firm_id}", headers=owner.headers)
    ).status_code == 204
    assert (
        await client.get(f"/trade-fairs/{fair['id']}", headers=owner.headers)
    ).status_code == 200
    assert (
        await client.get(f"/trade-fairs/{fair['id']}/costs", headers=owner.headers)
    ).status_code == 200


@pytest.mark.postgres_only
async def test_concurrent_signups_never_exceed_max_firms(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    cid = created["id"]
    fair = await trade_fair(client, manager, cid, max_firms=5)
    owners = [await member_firm(client, cid, manager) for _ in range(15)]
    responses = await asyncio.gather(*(sign_up(client, fair["id"], o) for o in owners))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] * 5 + [409] * 10
    detail = (await client.get(f"/trade-fairs/{fair['id']}", headers=manager.headers)).json()
    assert detail["participant_count"] == 5


@pytest.mark.parametrize(
    ("accept", "lang", "summary_start", "description_start"),
    [
        (None, None, "Scadenza iscrizioni", "Stand collettivo di"),
        ("zh-CN,zh;q=0.9,en;q=0.5", None, "报名截止", "Parma"),
        ("de-DE,en;q=0.8", None, "Signup deadline", "Shared booth of"),
        ("en-GB", "it", "Scadenza iscrizioni", "Stand collettivo di"),
    ],
)
async def test_calendar_speaks_the_requester_language(
    client: httpx.AsyncClient,
    accept: str | None,
    lang: str | None,
    summary_start: str,
    description_start: str,
) -> None:
    manager, created = await consortium(client)
    member = await member_firm(client, created["id"], manager)
    fair = await trade_fair(client, manager, created["id"])
    headers = {**member.headers, **({"Accept-Language": accept} if accept else {})}
    response = await client.get(
        f"/trade-fairs/{fair['id']}/calendar.ics",
        params={"lang": lang} if lang else {},
        headers=headers,
    )
    assert response.status_code == 200
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    deadline = next(e for e in events if str(e["summary"]) != fair["name"])
    main = next(e for e in events if str(e["summary"]) == fair["name"])
    assert str(deadline["summary"]).startswith(summary_start)
    assert str(main["description"]).startswith(description_start) or (
        description_start == "Parma" and "联合展位" in str(main["description"])
    )
