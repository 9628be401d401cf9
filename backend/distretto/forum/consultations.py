"""Consultations: one vote per firm, changeable until closing; results only after."""

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.forum import policies, schemas
from distretto.forum.repository import ForumRepository
from distretto.kit.errors import Conflict, Invalid
from distretto.models import ForumTopic


def is_closed(topic: ForumTopic, now: datetime) -> bool:
    return topic.closes_at is not None and topic.closes_at <= now


async def summary(
    session: AsyncSession, viewer: Viewer | None, topic: ForumTopic, now: datetime
) -> schemas.ConsultationOut | None:
    if topic.options is None or topic.closes_at is None or topic.id is None:
        return None
    repo = ForumRepository(session)
    mine = await repo.votes_of(topic.id, viewer.firm_ids if viewer else [])
    closed = is_closed(topic, now)
    results = None
    total = None
    if closed:
        tally = await repo.tally(topic.id)
        results = [schemas.OptionCount(option=o, votes=tally.get(o, 0)) for o in topic.options]
        total = sum(tally.values())
    return schemas.ConsultationOut(
        options=topic.options,
        closes_at=topic.closes_at,
        closed=closed,
        my_votes=[
            schemas.FirmVoteOut(firm_id=v.firm_id, option=v.option, updated_at=v.updated_at)
            for v in mine
        ],
        results=results,
        total_votes=total,
    )


async def vote(
    session: AsyncSession, viewer: Viewer, topic: ForumTopic, data: schemas.VoteIn, now: datetime
) -> schemas.VoteOut:
    assert topic.id is not None
    if topic.options is None:
        raise Conflict("This topic is not a consultation", code="forum.not_consultation")
    policies.require_firm_voter(viewer, data.firm_id)
    if is_closed(topic, now):
        raise Conflict(
            "The consultation has closed; votes can no longer change",
            code="forum.consultation_closed",
        )
    if data.option not in topic.options:
        raise Invalid(
            "option",
            "is not one of the consultation's options",
            code="forum.unknown_option",
            params={"options": topic.options},
        )
    row = await ForumRepository(session).upsert_vote(
        topic.id, data.firm_id, data.option, viewer.user_id, now
    )
    return schemas.VoteOut(
        topic_id=topic.id, firm_id=row.firm_id, option=row.option, updated_at=row.updated_at
    )
