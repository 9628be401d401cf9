"""PATCH /courses/{id}: a manager of the consortium changes title, description, seats and
the enrolment deadline, with the course's rules (no fewer seats than taken, no deadline
after the first session) and If-Match against lost updates (412 stale, 428 missing from
the web app; tests/security/test_optimistic_concurrency.py holds the races)."""

import httpx

from tests.consortia.builders import consortium, member_firm
from tests.helpers import add_member, firm_owner, make_staff, problem_fields, register
from tests.training.builders import at, course, enrol

WEB = {"X-Distretto-Client": "web"}


async def test_manager_changes_the_course_and_more_seats_promote_the_waitlist(
    client: httpx.AsyncClient,
) -> None:
    manager, created = await consortium(client, kind="training")
    made = await course(client, manager, created["id"], capacity=1)
    member = await member_firm(client, created["id"], manager)
    assert (await enrol(client, made["id"], member)).json()["status"] == "enrolled"
    waiting = await enrol(client, made["id"], member)
    assert waiting.json()["status"] == "waitlisted"
    read = await client.get(f"/courses/{made['id']}", headers=manager.headers)
    assert read.headers["etag"] == f'"{read.json()["revision"]}"'

    changed = await client.patch(
        f"/courses/{made['id']}",
        json={
            "title": "Modelleria avanzata",
            "description": "Quattro giornate",
            "capacity": 3,
            "enrol_deadline": at(25),
        },
        headers={**manager.headers, **WEB, "If-Match": read.headers["etag"]},
    )

    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Modelleria avanzata" and body["description"] == "Quattro giornate"
    assert body["capacity"] == 3 and body["seats_taken"] == 2 and body["waitlist_length"] == 0
    assert body["revision"] == read.json()["revision"] + 1
    assert changed.headers["etag"] == f'"{body["revision"]}"'
    assert body["sessions"] == read.json()["sessions"]
    promoted = await client.get(f"/enrolments/{waiting.json()['id']}", headers=member.headers)
    assert promoted.json()["status"] == "enrolled"


async def test_stale_and_missing_if_match(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    made = await course(client, manager, created["id"])
    url = f"/courses/{made['id']}"
    etag = (await client.get(url, headers=manager.headers)).headers["etag"]
    first = {**manager.headers, **WEB, "If-Match": etag}
    assert (await client.patch(url, json={"title": "Prima"}, headers=first)).status_code == 200

    stale = await client.patch(url, json={"title": "Seconda"}, headers=first)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition.failed"
    missing = await client.patch(url, json={"title": "Terza"}, headers={**manager.headers, **WEB})
    assert missing.status_code == 428 and missing.json()["code"] == "precondition.required"
    assert (await client.get(url, headers=manager.headers)).json()["title"] == "Prima"


async def test_only_the_consortiums_managers_change_a_course(
    client: httpx.AsyncClient, app
) -> None:
    manager, created = await consortium(client, kind="training")
    made = await course(client, manager, created["id"])
    url = f"/courses/{made['id']}"
    member = await member_firm(client, created["id"], manager)
    read_only = await add_member(client, member, "member")
    other_manager, _ = await consortium(client, kind="training")
    outsider = await firm_owner(client)
    staff = await make_staff(app, await register(client))
    change = {"title": "Cambiato da chi non può"}

    for forbidden in (member, read_only, staff):
        refused = await client.patch(url, json=change, headers=forbidden.headers)
        assert refused.status_code == 403, (forbidden, refused.text)
    # Who cannot read the course does not learn it exists.
    for stranger in (other_manager, outsider):
        refused = await client.patch(url, json=change, headers=stranger.headers)
        assert refused.status_code == 404 and refused.json()["code"] == "course.not_found"
    assert (await client.patch(url, json=change)).status_code == 401
    assert (await client.get(url, headers=manager.headers)).json()["title"] == made["title"]


async def test_course_rules_refuse_bad_changes(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    made = await course(client, manager, created["id"], capacity=3)
    member = await member_firm(client, created["id"], manager)
    for _ in range(2):
        assert (await enrol(client, made["id"], member)).status_code == 201
    url = f"/courses/{made['id']}"

    async def patch(body: dict[str, object]) -> httpx.Response:
        return await client.patch(url, json=body, headers=manager.headers)

    too_few = await patch({"capacity": 1})
    assert too_few.status_code == 422 and problem_fields(too_few) == {"capacity"}
    [error] = too_few.json()["errors"]
    assert error["code"] == "course.capacity_below_taken" and error["params"] == {"taken": 2}
    late = await patch({"enrol_deadline": at(31)})  # the first session starts on day 30
    assert late.status_code == 422 and problem_fields(late) == {"enrol_deadline"}
    assert late.json()["errors"][0]["code"] == "course.deadline_after_start"
    past = await patch({"enrol_deadline": at(-1)})
    assert past.status_code == 422 and problem_fields(past) == {"enrol_deadline"}
    nulled = await patch({"title": None})
    assert nulled.status_code == 422 and problem_fields(nulled) == {"title"}
    unknown = await patch({"sessions": []})
    assert unknown.status_code == 422 and problem_fields(unknown) == {"sessions"}
    short = await patch({"title": "X", "capacity": 0})
    assert short.status_code == 422 and problem_fields(short) == {"title", "capacity"}

    after = (await client.get(url, headers=manager.headers)).json()
    assert (after["capacity"], after["title"], after["revision"]) == (3, made["title"], 1)
