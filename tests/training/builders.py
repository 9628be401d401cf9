"""Builders for training tests: courses with sessions, enrolments, clock moves."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from distretto.models import Course, CourseSession
from tests.helpers import Actor

_people = itertools.count(1)


def at(days: float, hour: int = 9) -> str:
    moment = (datetime.now(UTC) + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return moment.isoformat()


def course_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Modelleria calzatura: dal cartamodello al CAD",
        "description": "Tre giornate in aula con esercitazioni",
        "capacity": 10,
        "enrol_deadline": at(20),
        "sessions": [
            {"starts_at": at(30, 9), "ends_at": at(30, 13), "location": "Fermo, sede consorzio"},
            {"starts_at": at(37, 9), "ends_at": at(37, 13), "location": "Fermo, sede consorzio"},
        ],
    }
    body.update(overrides)
    return body


async def course(
    client: httpx.AsyncClient, manager: Actor, consortium_id: int, **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        f"/consortia/{consortium_id}/courses",
        json=course_body(**overrides),
        headers=manager.headers,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def enrol(
    client: httpx.AsyncClient, course_id: int, actor: Actor, name: str | None = None
) -> httpx.Response:
    number = next(_people)
    return await client.post(
        f"/courses/{course_id}/enrolments",
        json={
            "firm_id": actor.firm_id,
            "participant_name": name or f"Partecipante {number}",
            "participant_email": f"partecipante{number}@example.it",
        },
        headers=actor.headers,
    )


async def move_deadline_to_past(app: Any, course_id: int) -> None:
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(Course)
            .where(Course.id == course_id)
            .values(enrol_deadline=datetime.now(UTC) - timedelta(minutes=1))
        )
        await session.commit()


async def start_course(app: Any, course_id: int) -> None:
    """The first session began an hour ago."""
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(
            update(CourseSession)
            .where(CourseSession.course_id == course_id, CourseSession.position == 0)
            .values(starts_at=datetime.now(UTC) - timedelta(hours=1))
        )
        await session.commit()
