import csv
import io
from datetime import datetime

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from distretto.kit.events import firm_key
from distretto.models import Course
from tests.consortia.builders import consortium, events_for, join, member_firm, set_firm
from tests.helpers import add_member, firm_owner, make_staff, problem_fields, register
from tests.training.builders import (
    at,
    course,
    course_body,
    enrol,
    move_deadline_to_past,
    start_course,
)


async def _course_count(app) -> int:
    async with app.state.ctx.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Course)) or 0)


async def test_manager_creates_course_with_sessions_in_order(
    client: httpx.AsyncClient, app
) -> None:
    manager, created = await consortium(client, kind="training", name="Scuola di Filiera")
    cid = created["id"]
    member = await member_firm(client, cid, manager)
    later = {"starts_at": at(40, 14), "ends_at": at(40, 18), "location": "Prato, Museo del Tessuto"}
    earlier = {"starts_at": at(31, 9), "ends_at": at(31, 13), "location": "Prato, sede"}
    made = await course(client, manager, cid, sessions=[later, earlier], capacity=12)
    assert [s["index"] for s in made["sessions"]] == [0, 1]
    assert [s["location"] for s in made["sessions"]] == ["Prato, sede", "Prato, Museo del Tessuto"]
    assert made["seats_free"] == 12 and made["seats_taken"] == 0 and made["waitlist_length"] == 0
    assert made["enrolment_open"] is True and made["consortium_name"] == "Scuola di Filiera"
    [event] = await events_for(app, firm_key(member.firm_id), "course.created")
    assert event["course_id"] == made["id"] and event["title"] == made["title"]
    assert (
        await client.post(f"/consortia/{cid}/courses", json=course_body(), headers=member.headers)
    ).status_code == 403


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"capacity": 0}, "capacity"),
        ({"capacity": "many"}, "capacity"),
        ({"sessions": []}, "sessions"),
        (
            {"sessions": [{"starts_at": at(30, 13), "ends_at": at(30, 9), "location": "Fermo"}]},
            "sessions.0.ends_at",
        ),
        ({"sessions": [{"starts_at": at(30), "ends_at": at(30, 12)}]}, "sessions.0.location"),
        ({"enrol_deadline": at(35)}, "enrol_deadline"),
        ({"enrol_deadline": at(-1)}, "enrol_deadline"),
        ({"title": "T" * 201}, "title"),
        ({"price": 100}, "price"),
        (
            {
                "sessions": [
                    {
                        "starts_at": "9999-12-31T20:00:00-05:00",
                        "ends_at": "9999-12-31T23:00:00-05:00",
                        "location": "Fermo",
                    }
                ]
            },
            "sessions.0.starts_at",
        ),
    ],
)
async def test_bad_course_is_422_and_writes_nothing(
    client: httpx.AsyncClient,
    app,
    override: dict,
    field: str,
) -> None:
    manager, created = await consortium(client, kind="training")
    response = await client.post(
        f"/consortia/{created['id']}/courses", json=course_body(**override), headers=manager.headers
    )
    assert response.status_code == 422, response.text
    assert field in problem_fields(response)
    assert await _course_count(app) == 0


async def test_enrolment_fills_seats_then_the_waitlist(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firm = await member_firm(client, cid, manager)
    firm_manager = await add_member(client, firm, "manager")
    made = await course(client, manager, cid, capacity=2)

    first = await enrol(client, made["id"], firm, name="Marco Bianchi")
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "enrolled" and first.json()["waitlist_position"] is None
    assert (await enrol(client, made["id"], firm_manager)).json()["status"] == "enrolled"
    third = (await enrol(client, made["id"], firm)).json()
    fourth = (await enrol(client, made["id"], firm)).json()
    assert (third["status"], third["waitlist_position"]) == ("waitlisted", 1)
    assert (fourth["status"], fourth["waitlist_position"]) == ("waitlisted", 2)

    detail = (await client.get(f"/courses/{made['id']}", headers=firm.headers)).json()
    assert (detail["seats_taken"], detail["seats_free"], detail["waitlist_length"]) == (2, 0, 2)
    assert len(detail["my_enrolments"]) == 4

    same_person = await client.post(
        f"/courses/{made['id']}/enrolments",
        json={
            "firm_id": firm.firm_id,
            "participant_name": "Marco Bianchi",
            "participant_email": first.json()["participant_email"].upper(),
        },
        headers=firm.headers,
    )
    assert same_person.status_code == 409


async def test_who_may_enrol(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    made = await course(client, manager, cid)
    member = await member_firm(client, cid, manager)
    read_only = await add_member(client, member, "member")
    outsider = await firm_owner(client)
    pending = await firm_owner(client)
    await join(client, cid, pending)
    stranger = await register(client)
    stranger.firm_ids.append(member.firm_id)

    assert (await enrol(client, made["id"], outsider)).status_code == 403
    assert (await enrol(client, made["id"], pending)).status_code == 403
    assert (await enrol(client, made["id"], read_only)).status_code == 403
    assert (await enrol(client, made["id"], stranger)).status_code == 404
    assert (await enrol(client, 999999, member)).status_code == 404
    await set_firm(app, member.firm_id, status="suspended")
    suspended = await enrol(client, made["id"], member)
    assert suspended.status_code == 403 and "suspended" in suspended.json()["detail"]
    await set_firm(app, member.firm_id, status="active")

    bad = await client.post(
        f"/courses/{made['id']}/enrolments",
        json={"firm_id": member.firm_id, "participant_name": "X", "participant_email": "nope"},
        headers=member.headers,
    )
    assert bad.status_code == 422
    assert problem_fields(bad) == {"participant_name", "participant_email"}

    await move_deadline_to_past(app, made["id"])
    late = await enrol(client, made["id"], member)
    assert late.status_code == 409 and "deadline" in late.json()["detail"]


async def test_cancellation_promotes_the_first_waitlisted(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)
    made = await course(client, manager, cid, capacity=1)
    seated = (await enrol(client, made["id"], firm_a)).json()
    first_waiting = (await enrol(client, made["id"], firm_b, name="Chiara Pieroni")).json()
    second_waiting = (await enrol(client, made["id"], firm_a)).json()
    assert first_waiting["waitlist_position"] == 1 and second_waiting["waitlist_position"] == 2

    assert (
        await client.delete(f"/enrolments/{seated['id']}", headers=firm_b.headers)
    ).status_code == 404
    read_only = await add_member(client, firm_a, "member")
    assert (
        await client.delete(f"/enrolments/{seated['id']}", headers=read_only.headers)
    ).status_code == 403
    assert (
        await client.delete(f"/enrolments/{seated['id']}", headers=firm_a.headers)
    ).status_code == 204

    promoted = (
        await client.get(f"/enrolments/{first_waiting['id']}", headers=firm_b.headers)
    ).json()
    assert promoted["status"] == "enrolled" and promoted["promoted_at"] is not None
    assert promoted["waitlist_position"] is None
    still = (await client.get(f"/enrolments/{second_waiting['id']}", headers=firm_a.headers)).json()
    assert (still["status"], still["waitlist_position"]) == ("waitlisted", 1)
    cancelled = (await client.get(f"/enrolments/{seated['id']}", headers=firm_a.headers)).json()
    assert cancelled["status"] == "cancelled" and cancelled["cancelled_at"] is not None
    [event] = await events_for(app, firm_key(firm_b.firm_id), "enrolment.promoted")
    assert event == {
        "enrolment_id": first_waiting["id"],
        "course_id": made["id"],
        "course_title": made["title"],
        "participant_name": "Chiara Pieroni",
    }
    assert await events_for(app, firm_key(firm_a.firm_id), "enrolment.promoted") == []
    assert (
        await client.delete(f"/enrolments/{seated['id']}", headers=firm_a.headers)
    ).status_code == 409

    # Cancelling a waitlisted place frees no seat and promotes nobody.
    assert (
        await client.delete(f"/enrolments/{second_waiting['id']}", headers=manager.headers)
    ).status_code == 204
    detail = (await client.get(f"/courses/{made['id']}", headers=manager.headers)).json()
    assert (detail["seats_taken"], detail["waitlist_length"]) == (1, 0)

    # The same person may enrol again after cancelling.
    again = await client.post(
        f"/courses/{made['id']}/enrolments",
        json={
            "firm_id": firm_a.firm_id,
            "participant_name": seated["participant_name"],
            "participant_email": seated["participant_email"],
        },
        headers=firm_a.headers,
    )
    assert again.status_code == 201 and again.json()["waitlist_position"] == 1

    await start_course(app, made["id"])
    too_late = await client.delete(f"/enrolments/{first_waiting['id']}", headers=firm_b.headers)
    assert too_late.status_code == 409


async def test_enrolment_lists_are_scoped(client: httpx.AsyncClient, app) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firm_a = await member_firm(client, cid, manager)
    firm_b = await member_firm(client, cid, manager)
    outsider = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    made = await course(client, manager, cid, capacity=2)
    ids_a = [(await enrol(client, made["id"], firm_a)).json()["id"] for _ in range(2)]
    ids_b = [(await enrol(client, made["id"], firm_b)).json()["id"] for _ in range(2)]

    everything = (
        await client.get(f"/courses/{made['id']}/enrolments", headers=manager.headers)
    ).json()
    assert [e["id"] for e in everything["items"]] == ids_a + ids_b
    by_staff = (await client.get(f"/courses/{made['id']}/enrolments", headers=staff.headers)).json()
    assert len(by_staff["items"]) == 4
    own = (await client.get(f"/courses/{made['id']}/enrolments", headers=firm_b.headers)).json()
    assert [e["id"] for e in own["items"]] == ids_b
    waiting = await client.get(
        f"/courses/{made['id']}/enrolments",
        params={"status": "waitlisted"},
        headers=manager.headers,
    )
    assert [e["waitlist_position"] for e in waiting.json()["items"]] == [1, 2]
    paged = (
        await client.get(
            f"/courses/{made['id']}/enrolments", params={"limit": 3}, headers=manager.headers
        )
    ).json()
    rest = (
        await client.get(
            f"/courses/{made['id']}/enrolments",
            params={"limit": 3, "cursor": paged["next_cursor"]},
            headers=manager.headers,
        )
    ).json()
    assert [e["id"] for e in paged["items"] + rest["items"]] == ids_a + ids_b
    assert (
        await client.get(f"/courses/{made['id']}/enrolments", headers=outsider.headers)
    ).status_code == 404
    assert (await client.get(f"/enrolments/{ids_a[0]}", headers=firm_b.headers)).status_code == 404
    assert (
        await client.get(f"/enrolments/{ids_a[0]}", headers=outsider.headers)
    ).status_code == 404
    assert (await client.get(f"/enrolments/{ids_a[0]}", headers=staff.headers)).status_code == 200
    assert (
        await client.delete(f"/enrolments/{ids_a[0]}", headers=staff.headers)
    ).status_code == 403
    assert (await client.get(f"/courses/{made['id']}", headers=outsider.headers)).status_code == 404
    listed = (await client.get(f"/consortia/{cid}/courses", headers=firm_a.headers)).json()
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    assert listed["items"][0]["my_enrolments"] == []
    assert (await client.get(f"/consortia/{cid}/courses", headers=outsider.headers)).json()[
        "items"
    ] == []


async def test_attendance_marking_and_register(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firm = await member_firm(client, cid, manager)
    made = await course(client, manager, cid, capacity=1)
    seated = (await enrol(client, made["id"], firm, name="Elena Vannucci")).json()
    waiting = (await enrol(client, made["id"], firm)).json()
    second_session = made["sessions"][1]["id"]

    by_index = await client.post(
        f"/enrolments/{seated['id']}/attendance",
        json={"session_index": 0, "present": True},
        headers=manager.headers,
    )
    assert by_index.status_code == 200
    by_id = await client.post(
        f"/enrolments/{seated['id']}/attendance",
        json={"session_id": second_session, "present": False},
        headers=manager.headers,
    )
    assert [(a["session_index"], a["present"]) for a in by_id.json()["attendance"]] == [
        (0, True),
        (1, False),
    ]
    corrected = await client.post(
        f"/enrolments/{seated['id']}/attendance",
        json={"session_index": 1, "present": True},
        headers=manager.headers,
    )
    assert [a["present"] for a in corrected.json()["attendance"]] == [True, True]

    refused = await client.post(
        f"/enrolments/{seated['id']}/attendance",
        json={"session_index": 0, "present": True},
        headers=firm.headers,
    )
    assert refused.status_code == 403
    not_seated = await client.post(
        f"/enrolments/{waiting['id']}/attendance",
        json={"session_index": 0, "present": True},
        headers=manager.headers,
    )
    assert not_seated.status_code == 409
    for body, field in (
        ({"session_index": 7, "present": True}, "session_index"),
        ({"session_id": 999999, "present": True}, "session_id"),
        ({"present": True}, "session_id"),
        ({"session_index": 0, "session_id": second_session, "present": True}, "session_id"),
        ({"session_index": 0}, "present"),
    ):
        bad = await client.post(
            f"/enrolments/{seated['id']}/attendance", json=body, headers=manager.headers
        )
        assert bad.status_code == 422 and field in problem_fields(bad), body

    register_csv = await client.get(
        f"/courses/{made['id']}/attendance.csv", headers=manager.headers
    )
    assert register_csv.status_code == 200
    assert register_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(register_csv.content.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "enrolment_id",
        "status",
        "waitlist_position",
        "firm",
        "participant",
        "email",
    ]
    assert len(rows[0]) == 8
    assert rows[1][4] == "Elena Vannucci" and rows[1][6:] == ["present", "present"]
    assert rows[2][1:3] == ["waitlisted", "1"]
    assert (
        await client.get(f"/courses/{made['id']}/attendance.csv", headers=firm.headers)
    ).status_code == 403


async def test_course_calendar(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firm = await member_firm(client, cid, manager)
    made = await course(client, manager, cid)
    response = await client.get(f"/courses/{made['id']}/calendar.ics", headers=firm.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = list(Calendar.from_ical(response.content).walk("VEVENT"))
    assert len(events) == 2
    for event, session in zip(events, made["sessions"], strict=True):
        assert event.decoded("dtstart") == datetime.fromisoformat(session["starts_at"])
        assert event.decoded("dtend") == datetime.fromisoformat(session["ends_at"])
        assert str(event["location"]) == session["location"]
    assert str(events[0]["summary"]).endswith("(1/2)")
    outsider = await firm_owner(client)
    assert (
        await client.get(f"/courses/{made['id']}/calendar.ics", headers=outsider.headers)
    ).status_code == 404
