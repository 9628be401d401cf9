"""50 people race for 10 seats: the course row lock decides, and the queue remembers."""

import asyncio

import httpx
import pytest

from tests.consortia.builders import consortium, member_firm
from tests.training.builders import course, enrol

pytestmark = pytest.mark.postgres_only


async def _all_enrolments(client: httpx.AsyncClient, course_id: int, manager) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (
            await client.get(
                f"/courses/{course_id}/enrolments", params=params, headers=manager.headers
            )
        ).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


async def test_fifty_concurrent_enrolments_into_ten_seats(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client, kind="training")
    cid = created["id"]
    firms = [await member_firm(client, cid, manager) for _ in range(5)]
    made = await course(client, manager, cid, capacity=10)

    responses = await asyncio.gather(
        *(enrol(client, made["id"], firms[i % len(firms)]) for i in range(50))
    )
    assert all(r.status_code == 201 for r in responses), [r.text for r in responses]
    created_enrolments = [r.json() for r in responses]
    assert sum(e["status"] == "enrolled" for e in created_enrolments) == 10
    assert sum(e["status"] == "waitlisted" for e in created_enrolments) == 40

    # Arrival order is the order the course lock was granted, recorded by rising ids:
    # the ten first served hold the seats, the others queue behind them in that order.
    by_arrival = sorted(created_enrolments, key=lambda e: e["id"])
    assert [e["status"] for e in by_arrival] == ["enrolled"] * 10 + ["waitlisted"] * 40
    assert [e["waitlist_position"] for e in by_arrival[10:]] == list(range(1, 41))

    listed = await _all_enrolments(client, made["id"], manager)
    assert [e["id"] for e in listed] == [e["id"] for e in by_arrival]
    detail = (await client.get(f"/courses/{made['id']}", headers=manager.headers)).json()
    assert (detail["seats_taken"], detail["seats_free"], detail["waitlist_length"]) == (10, 0, 40)

    # Three seated people cancel one after another: the first three in line move up.
    for seated in by_arrival[:3]:
        gone = await client.delete(f"/enrolments/{seated['id']}", headers=manager.headers)
        assert gone.status_code == 204
    after = {e["id"]: e for e in await _all_enrolments(client, made["id"], manager)}
    for moved in by_arrival[10:13]:
        assert after[moved["id"]]["status"] == "enrolled"
    assert [after[e["id"]]["waitlist_position"] for e in by_arrival[13:]] == list(range(1, 38))

    # Five more cancel at the same moment: exactly the next five in line move up.
    cancellations = await asyncio.gather(
        *(client.delete(f"/enrolments/{e['id']}", headers=manager.headers) for e in by_arrival[3:8])
    )
    assert [r.status_code for r in cancellations] == [204] * 5
    final = {e["id"]: e for e in await _all_enrolments(client, made["id"], manager)}
    seated_ids = sorted(i for i, e in final.items() if e["status"] == "enrolled")
    expected = [e["id"] for e in by_arrival[8:18]]
    assert seated_ids == expected
    waiting = sorted(
        (e for e in final.values() if e["status"] == "waitlisted"), key=lambda e: e["id"]
    )
    assert [e["id"] for e in waiting] == [e["id"] for e in by_arrival[18:]]
    assert [e["waitlist_position"] for e in waiting] == list(range(1, 33))
